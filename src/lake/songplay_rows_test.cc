#include "lake/songplay_rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "lake/songplay_id.h"

namespace sparkify::lake {
namespace {

constexpr int64_t kNov2018 = 1541030400000;  // 2018-11-01T00:00:00Z in ms
constexpr int64_t kDec2018 = 1543622400000;  // 2018-12-01T00:00:00Z

struct Event {
  int64_t ts = kNov2018;
  std::optional<int64_t> user = 1;
  std::optional<int64_t> session = 1, item = 0;
  bool next_song = true;
  std::optional<std::string> level = "free", location = "Here", agent = "Agent";
  std::string song = "Song", artist = "Artist";
  double length = 200.0;
};

void Add(LogBatch* b, const Event& e) {
  b->object.push_back(0);
  b->position.push_back(static_cast<uint32_t>(b->size()));
  b->ts.push_back(e.ts);
  b->user_id.Append(e.user);
  b->session_id.Append(e.session);
  b->item_in_session.Append(e.item);
  b->length.Append(e.length);
  b->next_song.push_back(e.next_song ? 1 : 0);
  b->artist.Append(e.artist);
  b->song.Append(e.song);
  b->first_name.Append("Ann");
  b->last_name.Append("Lee");
  b->gender.Append("F");
  b->level.Append(e.level);
  b->location.Append(e.location);
  b->user_agent.Append(e.agent);
}

// Row i of `s`'s text column `codes`, or nullopt.
std::optional<std::string> TextAt(const SongplaySegment& s, const SegmentColumn<uint32_t>& codes,
                                  size_t i) {
  if (codes[i] == TextPool::kNull) return std::nullopt;
  return std::string(s.text->Get(codes[i]));
}

// A user agent as long as eventsim's (~130 bytes), with byte `at` set to `c`.
std::string LongAgent(size_t length, size_t at = 0, char c = 0) {
  std::string s;
  for (size_t i = 0; i < length; ++i) s += static_cast<char>('A' + i % 26);
  if (c != 0) s[at] = c;
  return s;
}

TEST(DeriveChunkRows, AUsersTextIsCodedAgainWhenAnyByteChanges) {
  // One user whose agent (of many lengths, around the 16-byte blocks the
  // comparison reads) changes in one byte at every position, then changes
  // back; another user with the same text throughout.
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  for (size_t length : {1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 130, 255, 256, 257, 300}) {
    LogBatch b;
    std::vector<std::string> expected;
    int64_t ts = kNov2018;
    for (size_t at = 0; at < length; ++at) {
      for (const std::string& agent : {LongAgent(length), LongAgent(length, at, '#')}) {
        Event e;
        e.ts = ts++;
        e.agent = agent;
        e.location = "Place " + std::to_string(at % 2);
        Add(&b, e);
        expected.push_back(agent);
        e.user = 2;
        e.ts = ts++;
        e.agent = LongAgent(length);
        Add(&b, e);
        expected.push_back(*e.agent);
      }
    }
    ChunkRows rows = DeriveChunkRows(b, matcher);
    ASSERT_EQ(rows.segments.size(), 1u);
    const SongplaySegment& s = *rows.segments[0];
    ASSERT_EQ(s.size(), expected.size());
    for (size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(TextAt(s, s.user_agent, i), expected[i]) << length << " " << i;
      EXPECT_EQ(TextAt(s, s.location, i), "Place " + std::to_string(i / 4 % 2)) << i;
      EXPECT_EQ(TextAt(s, s.level, i), "free") << i;
    }
    // Each distinct text once in the pool: the agents, the places (one when
    // length is 1), one level.
    const size_t variants = std::set<std::string>(expected.begin(), expected.end()).size();
    EXPECT_EQ(s.text->size(), variants + std::min<size_t>(length, 2) + 1) << length;
  }
}

TEST(DeriveChunkRows, NullTextIsNullAndKeepsTheUsersLastCode) {
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  LogBatch b;
  const std::optional<std::string> agents[] = {"A", std::nullopt, "A", "B", std::nullopt, "B"};
  for (size_t i = 0; i < std::size(agents); ++i) {
    Event e;
    e.ts = kNov2018 + static_cast<int64_t>(i);
    e.agent = agents[i];
    e.level = i == 2 ? std::nullopt : std::optional<std::string>("paid");
    Add(&b, e);
  }
  ChunkRows rows = DeriveChunkRows(b, matcher);
  const SongplaySegment& s = *rows.segments[0];
  for (size_t i = 0; i < std::size(agents); ++i) {
    EXPECT_EQ(TextAt(s, s.user_agent, i), agents[i]) << i;
    EXPECT_EQ(TextAt(s, s.level, i), i == 2 ? std::nullopt : std::optional<std::string>("paid"))
        << i;
  }
}

TEST(DeriveChunkRows, SongplaysOfSeveralMonthsGoToTheirSegmentsInInputOrder) {
  // Events alternate between December and November (a chunk across a month
  // boundary, out of order), with non-songplays and a logged-out event.
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  LogBatch b;
  std::vector<int64_t> nov, dec;
  std::vector<uint32_t> segment_of_play;
  for (int i = 0; i < 12; ++i) {
    Event e;
    e.ts = (i % 3 == 0 ? kDec2018 : kNov2018) + 1000 * i;
    e.user = 10 + i % 4;
    e.session = i;
    e.agent = "Agent " + std::to_string(i);
    e.next_song = i % 5 != 4;
    if (i == 7) e.user = std::nullopt;
    Add(&b, e);
    if (!e.next_song || !e.user) continue;
    (i % 3 == 0 ? dec : nov).push_back(e.ts * 1000);
    segment_of_play.push_back(i % 3 == 0 ? 1 : 0);
  }
  ChunkRows rows = DeriveChunkRows(b, matcher);
  ASSERT_EQ(rows.segments.size(), 2u);
  const SongplaySegment& n = *rows.segments[0];
  const SongplaySegment& d = *rows.segments[1];
  EXPECT_EQ(n.month, 11);
  EXPECT_EQ(d.month, 12);
  EXPECT_EQ(std::vector<int64_t>(n.start_time_us.begin(), n.start_time_us.end()), nov);
  EXPECT_EQ(std::vector<int64_t>(d.start_time_us.begin(), d.start_time_us.end()), dec);
  EXPECT_EQ(rows.segment_of_row, segment_of_play);
  for (const SongplaySegment* s : {&n, &d}) {
    for (size_t i = 0; i < s->size(); ++i) {
      const int64_t event = (s->start_time_us[i] / 1000 - (s == &d ? kDec2018 : kNov2018)) / 1000;
      EXPECT_EQ(s->session_id.Get(i), event);
      EXPECT_EQ(TextAt(*s, s->user_agent, i), "Agent " + std::to_string(event));
      EXPECT_EQ(s->songplay_id[i],
                SongplayId(EventIdentity{s->start_time_us[i] / 1000, s->user_id[i],
                                         s->session_id.Get(i), s->item_in_session.Get(i)}));
    }
    // Increasing times are their own distinct times.
    EXPECT_EQ(std::vector<int64_t>(s->distinct_begin(), s->distinct_begin() + s->distinct_size()),
              std::vector<int64_t>(s->start_time_us.begin(), s->start_time_us.end()));
  }
}

TEST(DeriveChunkRows, OneSegmentNeedsNoSegmentPerRow) {
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  LogBatch b;
  for (int i = 0; i < 5; ++i) Add(&b, Event{.ts = kNov2018 + i, .item = i});
  ChunkRows rows = DeriveChunkRows(b, matcher);
  ASSERT_EQ(rows.segments.size(), 1u);
  EXPECT_TRUE(rows.segment_of_row.empty());
  EXPECT_EQ(rows.segments[0]->size(), 5u);
}

TEST(DeriveChunkRows, DistinctStartTimesWithTiesAndOutOfOrder) {
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  const std::vector<std::vector<int64_t>> cases = {
      {1, 2, 3, 4},           // strictly increasing: the start times themselves
      {1, 2, 2, 3, 3, 3, 4},  // ties
      {1, 2, 3, 2, 5, 1},     // out of order
      {7},
  };
  for (const auto& offsets : cases) {
    LogBatch b;
    for (size_t i = 0; i < offsets.size(); ++i) {
      Add(&b, Event{.ts = kNov2018 + offsets[i], .item = static_cast<int64_t>(i)});
    }
    ChunkRows rows = DeriveChunkRows(b, matcher);
    const SongplaySegment& s = *rows.segments[0];
    std::set<int64_t> expected;
    for (int64_t o : offsets) expected.insert((kNov2018 + o) * 1000);
    EXPECT_EQ(std::vector<int64_t>(s.distinct_begin(), s.distinct_begin() + s.distinct_size()),
              std::vector<int64_t>(expected.begin(), expected.end()));
  }
}

TEST(DeriveChunkRows, UsersAscendWhateverTheirIds) {
  // Many small ids (sorted by digits), ids past 33 bits and negative ids
  // (sorted by comparison), each in an order of its own.
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  const std::vector<std::vector<int64_t>> cases = {
      [] {
        std::vector<int64_t> v;
        for (int64_t i = 0; i < 5000; ++i) v.push_back((i * 7919) % 5003 + (i % 3) * 2048 * 2048);
        return v;
      }(),
      [] {
        std::vector<int64_t> v;
        for (int64_t i = 0; i < 600; ++i) v.push_back((i * 104729) % 611 + (int64_t{1} << 40));
        return v;
      }(),
      [] {
        std::vector<int64_t> v;
        for (int64_t i = 0; i < 600; ++i) v.push_back((i * 7919) % 601 - 300);
        return v;
      }(),
  };
  for (const auto& ids : cases) {
    LogBatch b;
    for (size_t i = 0; i < ids.size(); ++i) {
      Add(&b, Event{.ts = kNov2018 + static_cast<int64_t>(i), .user = ids[i]});
    }
    ChunkRows rows = DeriveChunkRows(b, matcher);
    std::vector<int64_t> got;
    for (const UserCandidate& u : rows.users) got.push_back(u.user_id);
    std::vector<int64_t> expected(ids);
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    EXPECT_EQ(got, expected);
  }
}

TEST(DeriveChunkRows, AUsersLatestEventIsTheGreatestKeyTheLaterOnATie) {
  // One user's events with equal times, sessions and items, nulls among them
  // (a null sorts first), in several orders: the user's row is the event
  // with the greatest (ts, sessionId, itemInSession), the later in input
  // order on a full tie, as a plain walk with EventKey finds it.
  std::vector<SongRow> songs;
  SongMatcher matcher(songs);
  struct Key {
    int64_t ts;
    std::optional<int64_t> session, item;
  };
  const std::vector<Key> keys = {
      {5, 1, 1},
      {5, 1, 2},
      {5, std::nullopt, 9},
      {5, 2, std::nullopt},
      {5, 2, 0},
      {4, 9, 9},
      {5, 2, 0},
      {5, 2, std::nullopt},
      {3, 1, 1},
      {5, 1, 9},
      {5, 2, 0},
      {5, std::nullopt, std::nullopt},
  };
  for (int order = 0; order < 6; ++order) {
    std::vector<size_t> perm(keys.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = (i * (2 * order + 1) + order) % perm.size();
    LogBatch b;
    EventKey best;
    std::string best_level;
    for (size_t k = 0; k < perm.size(); ++k) {
      const Key& key = keys[perm[k]];
      const std::string level = "event " + std::to_string(k);
      Add(&b, Event{.ts = kNov2018 + key.ts,
                    .session = key.session,
                    .item = key.item,
                    .next_song = k % 2 == 0,
                    .level = level});
      const EventKey e{kNov2018 + key.ts, key.session.value_or(0), key.item.value_or(0),
                       key.session.has_value(), key.item.has_value()};
      if (k == 0 || !(e < best)) {
        best = e;
        best_level = level;
      }
    }
    ChunkRows rows = DeriveChunkRows(b, matcher);
    ASSERT_EQ(rows.users.size(), 1u);
    const UserCandidate& u = rows.users[0];
    EXPECT_EQ(UserText(rows.user_text, u, kLevel), best_level) << order;
    EXPECT_FALSE(u.order < best || best < u.order) << order;
  }
}

}  // namespace
}  // namespace sparkify::lake
