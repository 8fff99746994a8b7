#include "lake/songplay_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <set>

#include "lake/calendar.h"
#include "lake/songplay_id.h"

namespace sparkify::lake {
namespace {

constexpr int64_t kNov2018 = 1541030400000;  // 2018-11-01T00:00:00Z in ms
constexpr int64_t kDec2018 = 1543622400000;  // 2018-12-01T00:00:00Z

void AddEvent(LogBatch* b, int64_t ts, std::optional<int64_t> user, int64_t session, int64_t item,
              std::string_view level, bool next_song = true, std::string_view first = "Ann",
              std::string_view agent = "Agent") {
  b->object.push_back(0);
  b->position.push_back(static_cast<uint32_t>(b->size()));
  b->ts.push_back(ts);
  b->user_id.Append(user);
  b->session_id.Append(session);
  b->item_in_session.Append(item);
  b->length.Append(200.0);
  b->next_song.push_back(next_song ? 1 : 0);
  b->artist.Append("Artist");
  b->song.Append("Song");
  b->first_name.Append(first);
  b->last_name.Append("Lee");
  b->gender.Append("F");
  b->level.Append(level);
  b->location.Append("Here");
  b->user_agent.Append(agent);
}

struct Written {
  std::string table, partition;
  std::vector<parquet::ColumnVector> columns;
};

std::vector<Written> RunChunks(const std::vector<LogBatch>& chunks, size_t max_rows,
                               size_t max_buffered, SongplayFiles* files,
                               std::vector<size_t>* jobs_after_chunk = nullptr) {
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  std::vector<FileJob> jobs;
  for (const LogBatch& b : chunks) {
    files->Add(DeriveChunkRows(b, matcher), &jobs);
    if (jobs_after_chunk) jobs_after_chunk->push_back(jobs.size());
  }
  files->Finish(&jobs);
  std::vector<Written> out;
  for (FileJob& j : jobs) {
    out.push_back(Written{j.table, j.partition, j.build_columns()});
    EXPECT_EQ(out.back().columns[0].size(), j.rows);
    EXPECT_LE(j.rows, max_rows);
  }
  return out;
}

TEST(SongplayFiles, IdsAreUniqueAcrossChunksAsInTheInMemoryTransform) {
  // The same event three times (twice in one chunk, once in the next) and others.
  std::vector<LogBatch> chunks(2);
  AddEvent(&chunks[0], kNov2018 + 5, 1, 10, 0, "free");
  AddEvent(&chunks[0], kNov2018 + 5, 1, 10, 0, "free");
  AddEvent(&chunks[0], kNov2018 + 9, 2, 11, 0, "paid");
  AddEvent(&chunks[1], kNov2018 + 5, 1, 10, 0, "free");
  AddEvent(&chunks[1], kNov2018 + 7, 3, 12, 1, "paid");
  std::vector<EventIdentity> all;
  for (const LogBatch& b : chunks) {
    for (size_t r = 0; r < b.size(); ++r) {
      all.push_back(
          EventIdentity{b.ts[r], *b.user_id.Get(r), b.session_id.Get(r), b.item_in_session.Get(r)});
    }
  }
  std::vector<int64_t> expected = AssignSongplayIds(all);
  SongplayFiles files(100, 1000);
  std::vector<Written> out = RunChunks(chunks, 100, 1000, &files);
  std::multiset<int64_t> got;
  for (const Written& w : out) {
    if (w.table != "songplays") continue;
    got.insert(w.columns[0].i64.begin(), w.columns[0].i64.end());
  }
  EXPECT_EQ(got, std::multiset<int64_t>(expected.begin(), expected.end()));
  EXPECT_EQ(std::set<int64_t>(got.begin(), got.end()).size(), 5u);
  EXPECT_EQ(files.songplays(), 5u);
}

TEST(SongplayFiles, FilesAreCutAtMaxRowsAndSortedInside) {
  std::vector<LogBatch> chunks(3);
  for (int i = 0; i < 10; ++i) {
    // Times decrease within a chunk, so sorting inside a file is visible.
    AddEvent(&chunks[i % 3], kNov2018 + 1000 - i, i, i, 0, "free");
  }
  SongplayFiles files(3, 1000);
  std::vector<size_t> jobs_after;
  std::vector<Written> out = RunChunks(chunks, 3, 1000, &files, &jobs_after);
  // 4 rows after chunk 0: one file; 7 after chunk 1: two; then the rest.
  EXPECT_EQ(jobs_after, (std::vector<size_t>{1, 2, 3}));
  size_t rows = 0, songplay_files = 0;
  std::set<int64_t> starts;
  for (const Written& w : out) {
    if (w.table == "time") {
      EXPECT_EQ(w.partition, "year=2018/month=11");
      starts.insert(w.columns[0].i64.begin(), w.columns[0].i64.end());
      EXPECT_TRUE(std::is_sorted(w.columns[0].i64.begin(), w.columns[0].i64.end()));
      continue;
    }
    ++songplay_files;
    EXPECT_EQ(w.partition, "year=2018/month=11");
    const auto& t = w.columns[1].i64;
    EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
    rows += t.size();
  }
  EXPECT_EQ(songplay_files, 4u);
  EXPECT_EQ(rows, 10u);
  EXPECT_EQ(starts.size(), 10u);
  EXPECT_EQ(files.time_rows(), 10u);
}

TEST(SongplayFiles, RowsWithEqualStartTimesAreOrderedById) {
  // Times ascend across chunks (the usual case) with runs of equal times,
  // whose ids come in no particular order; and a chunk out of time order.
  for (bool ascending : {true, false}) {
    std::vector<LogBatch> chunks(3);
    for (int i = 0; i < 30; ++i) {
      const int chunk = i / 10;
      const int64_t ts = ascending ? kNov2018 + i / 4 : kNov2018 + (29 - i) / 4;
      AddEvent(&chunks[chunk], ts, 100 + i, i, 0, "free", true, "User",
               "Agent " + std::to_string(i % 3));
    }
    SongplayFiles files(1000, 1000);
    std::vector<Written> out = RunChunks(chunks, 1000, 1000, &files);
    ASSERT_EQ(out[0].table, "songplays");
    const auto& ids = out[0].columns[0].i64;
    const auto& starts = out[0].columns[1].i64;
    ASSERT_EQ(starts.size(), 30u);
    for (size_t i = 1; i < starts.size(); ++i) {
      EXPECT_TRUE(starts[i - 1] < starts[i] || (starts[i - 1] == starts[i] && ids[i - 1] < ids[i]))
          << i;
    }
    // The text columns, in dictionary form, follow their rows.
    const auto& agents = out[0].columns[8];
    const auto& users = out[0].columns[2].i64;
    for (size_t i = 0; i < users.size(); ++i) {
      EXPECT_EQ(agents.StringAt(i), "Agent " + std::to_string((users[i] - 100) % 3)) << i;
    }
  }
}

TEST(SongplayFiles, TimeFilesHoldTheDistinctStartTimesInOrder) {
  // Times ascending across chunks, a chunk starting with the last time of the
  // one before (a time to keep once), files cut at 4 rows; then the same
  // events with one chunk out of time order, and with a chunk whose times
  // all are already there.
  auto time_files = [](const std::vector<LogBatch>& chunks) {
    SongplayFiles files(4, 1000);
    std::vector<std::vector<int64_t>> out;
    for (const Written& w : RunChunks(chunks, 4, 1000, &files)) {
      if (w.table != "time") continue;
      EXPECT_EQ(w.partition, "year=2018/month=11");
      out.push_back(w.columns[0].i64);
      EXPECT_EQ(w.columns[1].i32.size(), out.back().size());
    }
    size_t rows = 0;
    for (const auto& f : out) rows += f.size();
    EXPECT_EQ(files.time_rows(), rows);
    return out;
  };
  const std::vector<std::vector<int>> times = {{1, 2, 2, 3}, {3, 4, 5}, {5, 5}, {6, 7, 8, 9, 10}};
  std::vector<LogBatch> chunks(times.size());
  int item = 0;
  for (size_t k = 0; k < times.size(); ++k) {
    for (int t : times[k]) AddEvent(&chunks[k], kNov2018 + t, 1, 1, item++, "free");
  }
  auto us = [](std::vector<int> ms) {
    std::vector<int64_t> v;
    for (int m : ms) v.push_back((kNov2018 + m) * 1000);
    return v;
  };
  const std::vector<std::vector<int64_t>> expected = {us({1, 2, 3, 4}), us({5, 6, 7, 8}),
                                                      us({9, 10})};
  EXPECT_EQ(time_files(chunks), expected);
  std::swap(chunks[1], chunks[3]);  // {1, 2, 2, 3}, {6..10}, {5, 5}, {3, 4, 5}
  EXPECT_EQ(time_files(chunks), expected);
  chunks.resize(2);
  std::swap(chunks[0], chunks[1]);  // {6..10}, {1, 2, 2, 3}
  EXPECT_EQ(time_files(chunks),
            (std::vector<std::vector<int64_t>>{us({1, 2, 3, 6}), us({7, 8, 9, 10})}));
}

TEST(SongplayFiles, TimeRowsAcrossHoursDaysAndYearsAreMakeTimeRows) {
  // Times around hour, day, month and year ends, before and after 1970, a few
  // apart and far apart: every time row is MakeTimeRow's.
  constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;
  std::vector<int64_t> ms;
  for (int64_t base : {int64_t{0}, kNov2018, kDec2018, kNov2018 + 13 * kHour, -kDay, -400 * kDay,
                       int64_t{1546300800000}}) {  // 2019-01-01
    for (int64_t d :
         std::initializer_list<int64_t>{-kHour - 1, -kHour, -2 * 60'000, -1, 0, 1, 59'999,
                                        kHour - 1, kHour, kHour + 1, kDay - 1, kDay}) {
      ms.push_back(base + d);
    }
  }
  std::sort(ms.begin(), ms.end());
  ms.erase(std::unique(ms.begin(), ms.end()), ms.end());
  std::vector<LogBatch> chunks(1);
  for (size_t i = 0; i < ms.size(); ++i) AddEvent(&chunks[0], ms[i], 1, 1, i, "free");
  SongplayFiles files(5, 1000);
  size_t rows = 0;
  for (const Written& w : RunChunks(chunks, 5, 1000, &files)) {
    if (w.table != "time") continue;
    for (size_t i = 0; i < w.columns[0].i64.size(); ++i) {
      const TimeRow t = MakeTimeRow(w.columns[0].i64[i]);
      EXPECT_EQ(w.columns[1].i32[i], t.hour) << t.start_time_us;
      EXPECT_EQ(w.columns[2].i32[i], t.day) << t.start_time_us;
      EXPECT_EQ(w.columns[3].i32[i], t.week) << t.start_time_us;
      EXPECT_EQ(w.columns[4].i32[i], t.weekday) << t.start_time_us;
      ++rows;
    }
  }
  EXPECT_EQ(rows, ms.size());
}

TEST(SongplayFiles, MatchedSongsFillSongAndArtistIdsInTheirRows) {
  // Songs with and without an artist id; plays of both, of no song, in two
  // chunks (two runs of the file).
  std::vector<SongRow> songs(2);
  songs[0].song_id = "SOAAA";
  songs[0].title = "Song";
  songs[0].artist_id = "ARXX";
  songs[0].artist_name = "Artist";
  songs[0].duration = 200.0;
  songs[1].song_id = "SOBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  songs[1].title = "Other";
  songs[1].artist_id = std::nullopt;
  songs[1].artist_name = "Artist";
  songs[1].duration = 200.0;
  SongMatcher matcher(songs);
  std::vector<LogBatch> chunks(2);
  std::vector<std::string> titles;
  for (int i = 0; i < 12; ++i) {
    AddEvent(&chunks[i / 6], kNov2018 + i, 1, 1, i, "free");
    const std::string title = i % 3 == 0 ? "Song" : i % 3 == 1 ? "Other" : "None";
    chunks[i / 6].song.Truncate(chunks[i / 6].song.size() - 1);
    chunks[i / 6].song.Append(title);
    titles.push_back(title);
  }
  SongplayFiles files(100, 1000);
  std::vector<FileJob> jobs;
  for (const LogBatch& b : chunks) files.Add(DeriveChunkRows(b, matcher), &jobs);
  files.Finish(&jobs);
  ASSERT_EQ(jobs[0].table, "songplays");
  const std::vector<parquet::ColumnVector> c = jobs[0].build_columns();
  ASSERT_EQ(c[4].size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    if (titles[i] == "Song") {
      EXPECT_EQ(c[4].StringAt(i), "SOAAA") << i;
      EXPECT_EQ(c[5].StringAt(i), "ARXX") << i;
    } else if (titles[i] == "Other") {
      EXPECT_EQ(c[4].StringAt(i), songs[1].song_id) << i;
      EXPECT_TRUE(c[5].IsNull(i)) << i;
    } else {
      EXPECT_TRUE(c[4].IsNull(i)) << i;
      EXPECT_TRUE(c[5].IsNull(i)) << i;
    }
  }
  EXPECT_EQ(files.matched(), 8u);
}

TEST(SongplayFiles, TooManyBufferedRowsWriteTheBiggestPartitionEarly) {
  std::vector<LogBatch> chunks(1);
  for (int i = 0; i < 3; ++i) AddEvent(&chunks[0], kNov2018 + i, 1, 1, i, "free");
  for (int i = 0; i < 2; ++i) AddEvent(&chunks[0], kDec2018 + i, 1, 2, i, "free");
  SongplayFiles small(3, /*max_buffered_rows=*/3);
  std::vector<size_t> jobs_after;
  std::vector<Written> out = RunChunks(chunks, 3, 3, &small, &jobs_after);
  // November (3 rows) is full; then 2 rows wait: within the budget.
  ASSERT_EQ(jobs_after, (std::vector<size_t>{1}));
  EXPECT_EQ(out[0].partition, "year=2018/month=11");
  EXPECT_EQ(out[1].partition, "year=2018/month=12");
  EXPECT_EQ(out[1].table, "songplays");
  EXPECT_EQ(small.buffered_rows(), 0u);

  std::vector<LogBatch> more(1);
  for (int i = 0; i < 2; ++i) AddEvent(&more[0], kNov2018 + i, 1, 1, i, "free");
  for (int i = 0; i < 2; ++i) AddEvent(&more[0], kDec2018 + i, 1, 2, i, "free");
  SongplayFiles budget(3, 3);
  jobs_after.clear();
  out = RunChunks(more, 3, 3, &budget, &jobs_after);
  // 4 rows wait, over the budget of 3: the first biggest partition (November) goes.
  ASSERT_EQ(jobs_after, (std::vector<size_t>{1}));
  EXPECT_EQ(out[0].partition, "year=2018/month=11");
  EXPECT_EQ(out[0].columns[0].size(), 2u);
}

TEST(SongplayFiles, UsersKeepTheirLatestEventAcrossChunks) {
  std::vector<LogBatch> chunks(3);
  AddEvent(&chunks[0], kNov2018 + 50, 7, 1, 5, "free", false, "Early");
  AddEvent(&chunks[0], kNov2018 + 10, 8, 1, 1, "free", true, "Only");
  AddEvent(&chunks[1], kNov2018 + 90, 7, 1, 0, "paid", true, "Latest");
  AddEvent(&chunks[2], kNov2018 + 40, 7, 9, 9, "free", true, "Older");
  // A full tie with user 8's event: the later one (in input order) wins.
  AddEvent(&chunks[2], kNov2018 + 10, 8, 1, 1, "paid", false, "Tie");
  AddEvent(&chunks[2], kNov2018 + 10, std::nullopt, 1, 1, "free", false, "Nobody");
  SongplayFiles files(100, 1000);
  RunChunks(chunks, 100, 1000, &files);
  std::vector<UserRow> users = files.Users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].user_id, 7);
  EXPECT_EQ(users[0].first_name, "Latest");
  EXPECT_EQ(users[0].level, "paid");
  EXPECT_EQ(users[1].user_id, 8);
  EXPECT_EQ(users[1].first_name, "Tie");
  EXPECT_EQ(users[1].level, "paid");
  // Only NextSong events with a user are songplays.
  EXPECT_EQ(files.songplays(), 3u);
}

TEST(SongplayFiles, StartTimeTiesAcrossManyChunksAreOrderedById) {
  // One start time shared by rows of five chunks (a tie spanning five pieces
  // of a file), between rows with times of their own.
  std::vector<LogBatch> chunks(5);
  int user = 100;
  AddEvent(&chunks[0], kNov2018 + 1, user++, 1, 0, "free", true, "U", "Agent A");
  for (LogBatch& b : chunks) {
    for (int i = 0; i < 2; ++i) {
      AddEvent(&b, kNov2018 + 5, user, user, 0, "free", true, "U", "Agent " + std::to_string(user));
      ++user;
    }
  }
  AddEvent(&chunks[4], kNov2018 + 9, user++, 1, 0, "free", true, "U", "Agent Z");
  SongplayFiles files(1000, 1000);
  std::vector<Written> out = RunChunks(chunks, 1000, 1000, &files);
  ASSERT_EQ(out[0].table, "songplays");
  const auto& ids = out[0].columns[0].i64;
  const auto& starts = out[0].columns[1].i64;
  const auto& users = out[0].columns[2].i64;
  ASSERT_EQ(starts.size(), 12u);
  EXPECT_EQ(users.front(), 100);
  EXPECT_EQ(users.back(), user - 1);
  for (size_t i = 1; i < starts.size(); ++i) {
    EXPECT_TRUE(starts[i - 1] < starts[i] || (starts[i - 1] == starts[i] && ids[i - 1] < ids[i]))
        << i;
  }
  std::set<int64_t> tied_users(users.begin() + 1, users.end() - 1);
  EXPECT_EQ(tied_users.size(), 10u);
  const auto& agents = out[0].columns[8];
  for (size_t i = 1; i + 1 < users.size(); ++i) {
    EXPECT_EQ(agents.StringAt(i), "Agent " + std::to_string(users[i])) << i;
  }
}

TEST(SongplayFiles, AFileMayStartWithTiedRows) {
  // The first rows of the file share a start time, one per chunk; then a later one.
  std::vector<LogBatch> chunks(3);
  for (int k = 0; k < 3; ++k) {
    AddEvent(&chunks[k], kNov2018 + 5, 100 + k, k, 0, "free", true, "U",
             "Agent " + std::to_string(100 + k));
  }
  AddEvent(&chunks[2], kNov2018 + 6, 103, 3, 0, "free", true, "U", "Agent 103");
  SongplayFiles files(1000, 1000);
  std::vector<Written> out = RunChunks(chunks, 1000, 1000, &files);
  ASSERT_EQ(out[0].table, "songplays");
  const auto& ids = out[0].columns[0].i64;
  const auto& users = out[0].columns[2].i64;
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_TRUE(ids[0] < ids[1] && ids[1] < ids[2]);
  EXPECT_EQ(users[3], 103);
  EXPECT_EQ(std::set<int64_t>(users.begin(), users.begin() + 3),
            (std::set<int64_t>{100, 101, 102}));
  for (size_t i = 0; i < users.size(); ++i) {
    EXPECT_EQ(out[0].columns[8].StringAt(i), "Agent " + std::to_string(users[i])) << i;
  }
}

TEST(SongplayFiles, NullTextStaysNullInItsRow) {
  // Every third row has no location; one chunk has none at all.
  std::vector<LogBatch> chunks(3);
  for (int i = 0; i < 12; ++i) AddEvent(&chunks[i / 5], kNov2018 + i, 100 + i, i, 0, "free");
  for (int k : {0, 1}) {
    LogBatch& b = chunks[k];
    b.location = StringColumn();
    for (size_t r = 0; r < b.size(); ++r) {
      const int user = static_cast<int>(*b.user_id.Get(r));
      if (user % 3 == 0) {
        b.location.Append(std::nullopt);
      } else {
        b.location.Append("Place " + std::to_string(user));
      }
    }
  }
  SongplayFiles files(1000, 1000);
  std::vector<Written> out = RunChunks(chunks, 1000, 1000, &files);
  ASSERT_EQ(out[0].table, "songplays");
  const auto& users = out[0].columns[2].i64;
  const auto& location = out[0].columns[7];
  ASSERT_EQ(users.size(), 12u);
  ASSERT_EQ(location.validity.size(), 12u);
  for (size_t i = 0; i < users.size(); ++i) {
    if (users[i] >= 110) {
      EXPECT_EQ(location.StringAt(i), "Here") << i;
    } else if (users[i] % 3 == 0) {
      EXPECT_TRUE(location.IsNull(i)) << i;
    } else {
      EXPECT_FALSE(location.IsNull(i)) << i;
      EXPECT_EQ(location.StringAt(i), "Place " + std::to_string(users[i])) << i;
    }
  }
  EXPECT_TRUE(out[0].columns[3].validity.empty());  // level: never null
}

TEST(SongplayFiles, IdsStayUniqueWhenTheIdSetOutgrowsItsReservation) {
  // More ids than reserved (the set grows), with duplicate events spread over the chunks.
  constexpr int kEvents = 40000;
  std::vector<LogBatch> chunks(4);
  std::vector<EventIdentity> all;
  for (int i = 0; i < kEvents; ++i) {
    const int64_t ts = kNov2018 + (i % 1000 == 7 ? 3 : i);  // every 1000th event the same
    const int64_t user = i % 1000 == 7 ? 1 : 2 + i;
    AddEvent(&chunks[i * chunks.size() / kEvents], ts, user, 1, 0, "free");
    all.push_back(EventIdentity{ts, user, 1, 0});
  }
  std::vector<int64_t> expected = AssignSongplayIds(all);
  // Also reserved far beyond them: a table of huge pages (8 MiB), mostly untouched.
  for (size_t reserve : {100, 300000}) {
    SongplayFiles files(kEvents, kEvents);
    files.ReserveIds(reserve);
    std::vector<Written> out = RunChunks(chunks, kEvents, kEvents, &files);
    std::multiset<int64_t> got;
    for (const Written& w : out) {
      if (w.table == "songplays") got.insert(w.columns[0].i64.begin(), w.columns[0].i64.end());
    }
    EXPECT_EQ(got, std::multiset<int64_t>(expected.begin(), expected.end()));
    EXPECT_EQ(std::set<int64_t>(got.begin(), got.end()).size(), static_cast<size_t>(kEvents));
  }
}

TEST(SongplayFiles, UsersKeepTheirTextWhileReplacedTextIsDropped) {
  // User 1 changes a long name in every chunk, so that the text of its
  // replaced rows is dropped along the way; user 2 keeps its text while its
  // latest event moves; user 3 is only in the first chunk.
  constexpr int kChunks = 12;
  const std::string long_name(200000, 'x');
  std::vector<LogBatch> chunks(kChunks);
  for (int k = 0; k < kChunks; ++k) {
    AddEvent(&chunks[k], kNov2018 + 10 * k, 1, 1, k, k % 2 ? "paid" : "free", false,
             long_name + std::to_string(k));
    AddEvent(&chunks[k], kNov2018 + 10 * k + 1, 2, 2, k, "free", false, "Bo");
  }
  AddEvent(&chunks[0], kNov2018, 3, 3, 0, "paid", false, "Cy");
  // User 4: no last name nor gender (nulls, not empty text).
  LogBatch& b = chunks[1];
  AddEvent(&b, kNov2018, 4, 4, 0, "free", false, "Di");
  b.last_name = StringColumn();
  b.gender = StringColumn();
  for (size_t r = 0; r + 1 < b.size(); ++r) {
    b.last_name.Append("Lee");
    b.gender.Append("F");
  }
  b.last_name.Append(std::nullopt);
  b.gender.Append(std::nullopt);
  SongplayFiles files(100, 1000);
  RunChunks(chunks, 100, 1000, &files);
  std::vector<UserRow> users = files.Users();
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0].first_name, long_name + std::to_string(kChunks - 1));
  EXPECT_EQ(users[0].level, "paid");
  EXPECT_EQ(users[0].last_name, "Lee");
  EXPECT_EQ(users[0].gender, "F");
  EXPECT_EQ(users[1].first_name, "Bo");
  EXPECT_EQ(users[1].level, "free");
  EXPECT_EQ(users[2].first_name, "Cy");
  EXPECT_EQ(users[2].level, "paid");
  EXPECT_EQ(users[3].first_name, "Di");
  EXPECT_EQ(users[3].last_name, std::nullopt);
  EXPECT_EQ(users[3].gender, std::nullopt);
  EXPECT_EQ(users[3].level, "free");
}

TEST(SongplayFiles, UsersNewInLaterChunksJoinInUserIdOrder) {
  std::vector<LogBatch> chunks(3);
  auto add = [&](int chunk, int64_t user) {
    AddEvent(&chunks[chunk], kNov2018 + chunk, user, 1, 0, "free", false,
             "N" + std::to_string(user) + "c" + std::to_string(chunk));
  };
  add(0, 10);
  add(0, 30);
  add(1, 20);  // between
  add(1, 5);   // first
  add(1, 40);  // last
  add(1, 30);  // seen before
  add(2, 25);
  add(2, 1);
  SongplayFiles files(100, 1000);
  RunChunks(chunks, 100, 1000, &files);
  std::vector<UserRow> users = files.Users();
  std::vector<int64_t> ids;
  std::vector<std::string> names;
  for (const UserRow& u : users) {
    ids.push_back(u.user_id);
    names.emplace_back(*u.first_name);
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 5, 10, 20, 25, 30, 40}));
  EXPECT_EQ(names, (std::vector<std::string>{"N1c2", "N5c1", "N10c0", "N20c1", "N25c2", "N30c1",
                                             "N40c1"}));
}

}  // namespace
}  // namespace sparkify::lake
