#include "lake/songplay_files.h"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <string>

#include "lake/calendar.h"
#include "lake/songplay_id.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMillisPerDay = 86'400'000;
constexpr int64_t kMillisPerHour = 3'600'000;
// Ids looked up ahead of the one being inserted: the set outgrows the caches
// (32 MB on 1 GB of logs), so each insert is a cache miss; prefetching this
// far ahead overlaps them on the single driver thread.
constexpr size_t kIdPrefetchDistance = 16;
// Replaced users' text is dropped once it is more than the live text and this.
constexpr size_t kMinUserTextToCompact = 1u << 20;

// MakeTimeRow for ascending start times: the calendar fields of a day are
// computed once per day (a month's partition has ~100,000 distinct start
// times and 30 days), and a start time in the same hour as the one before
// takes that one's row (the divisions into milliseconds, days and hours
// were most of the time table's columns).
class TimeRows {
 public:
  // MakeTimeRow(us) but for its start_time_us, which is left stale.
  const TimeRow& Of(int64_t us) {
    if (us < hour_begin_us_ || us >= hour_end_us_) NewHour(us);
    return row_;
  }

 private:
  void NewHour(int64_t us) {
    // Floor to milliseconds and days, as MakeTimeRow and ToCivilTime do.
    const int64_t ms =
        us >= 0 ? us / kMicrosPerMilli : -((-us + kMicrosPerMilli - 1) / kMicrosPerMilli);
    const int64_t day = ms / kMillisPerDay - (ms % kMillisPerDay < 0);
    if (!valid_ || day != day_) {
      day_ = day;
      valid_ = true;
      row_ = MakeTimeRow(us);
    }
    const int64_t hour = (ms - day * kMillisPerDay) / kMillisPerHour;
    row_.hour = static_cast<int32_t>(hour);
    // The microseconds whose millisecond is in this hour; none when they do
    // not fit in 64 bits.
    const int64_t begin_ms = day * kMillisPerDay + hour * kMillisPerHour;
    if (__builtin_mul_overflow(begin_ms, kMicrosPerMilli, &hour_begin_us_) ||
        __builtin_add_overflow(hour_begin_us_, kMillisPerHour * kMicrosPerMilli, &hour_end_us_)) {
      hour_begin_us_ = hour_end_us_ = 0;
    }
  }

  bool valid_ = false;
  int64_t day_ = 0;
  int64_t hour_begin_us_ = 0, hour_end_us_ = 0;  // empty: no hour yet
  TimeRow row_;
};

// Rows [begin, end) of a segment: a piece of a songplay file.
struct Span {
  const SongplaySegment* segment;
  size_t begin, end;
};

// Consecutive rows [begin, end) of span `span`, in a file's row order.
struct Run {
  uint32_t span;
  uint32_t begin, end;
};

// A row with its sort keys beside it, so that sorting compares contiguous memory.
struct KeyedRow {
  int64_t start_us, id;
  uint32_t span, row;
};

// Appends rows [begin, end) of span `span` to `runs`, extending the last run
// when it ends just before.
void AppendRows(uint32_t span, uint32_t begin, uint32_t end, std::vector<Run>* runs) {
  if (!runs->empty() && runs->back().span == span && runs->back().end == begin) {
    runs->back().end = end;
  } else {
    runs->push_back(Run{span, begin, end});
  }
}

// The rows of `spans` in (start_time, songplay_id) order, as runs. Logs are
// written in time order, so the spans usually are in time order already, one
// after the other, and only rows sharing a start time (rare: ~1 in 2,700 in
// eventsim's logs) need sorting, by id; then each span is one run but for
// them. Otherwise every row is sorted. Ids are unique, so the order is total.
std::vector<Run> OrderedRuns(const std::vector<Span>& spans, size_t rows) {
  std::vector<Run> runs;
  std::vector<KeyedRow> ties;  // rows of one start time, in file order
  auto flush_ties = [&] {
    std::sort(ties.begin(), ties.end(),
              [](const KeyedRow& a, const KeyedRow& b) { return a.id < b.id; });
    for (const KeyedRow& t : ties) AppendRows(t.span, t.row, t.row + 1, &runs);
    ties.clear();
  };
  bool in_time_order = true;
  bool any = false;      // a row was taken
  int64_t previous = 0;  // the start time of the row before r
  for (uint32_t k = 0; k < spans.size() && in_time_order; ++k) {
    const SongplaySegment& s = *spans[k].segment;
    const int64_t* start = s.start_time_us.data();
    const size_t end = spans[k].end;
    for (size_t r = spans[k].begin; r < end;) {
      if (!any || start[r] > previous) {
        any = true;
        if (!ties.empty()) flush_ties();
        // The rows from r on whose times increase strictly: one run.
        size_t q = r + 1;
        while (q < end && start[q] > start[q - 1]) ++q;
        AppendRows(k, static_cast<uint32_t>(r), static_cast<uint32_t>(q), &runs);
        previous = start[q - 1];
        r = q;
      } else if (start[r] == previous) {
        if (ties.empty()) {  // the row before starts the ties: take it back
          Run& last = runs.back();
          --last.end;
          const SongplaySegment& t = *spans[last.span].segment;
          ties.push_back(KeyedRow{previous, t.songplay_id[last.end], last.span, last.end});
          if (last.begin == last.end) runs.pop_back();
        }
        ties.push_back(KeyedRow{previous, s.songplay_id[r], k, static_cast<uint32_t>(r)});
        ++r;
      } else {
        in_time_order = false;
        break;
      }
    }
  }
  if (in_time_order) {
    if (!ties.empty()) flush_ties();
    return runs;
  }
  std::vector<KeyedRow> order;
  order.reserve(rows);
  for (uint32_t k = 0; k < spans.size(); ++k) {
    const SongplaySegment& s = *spans[k].segment;
    for (size_t r = spans[k].begin; r < spans[k].end; ++r) {
      order.push_back(KeyedRow{s.start_time_us[r], s.songplay_id[r], k, static_cast<uint32_t>(r)});
    }
  }
  std::sort(order.begin(), order.end(), [](const KeyedRow& a, const KeyedRow& b) {
    if (a.start_us != b.start_us) return a.start_us < b.start_us;
    return a.id < b.id;
  });
  runs.clear();
  for (const KeyedRow& x : order) AppendRows(x.span, x.row, x.row + 1, &runs);
  return runs;
}

// RemapCodes' rare rows: a null, or a code new in the file. Out of line, so
// that the loop over the usual rows keeps its pointers in registers.
[[gnu::noinline]] void RemapRareCode(uint32_t code, const TextPool& pool, uint32_t* remap,
                                     TextPool* file_text, parquet::ColumnVector* out, size_t row,
                                     size_t rows) {
  if (code == TextPool::kNull) {
    if (out->validity.empty()) out->validity.assign(rows, 1);
    out->validity[row] = 0;
    out->codes[row] = 0;
    return;
  }
  // Its hash is the chunk pool's, not computed again.
  out->codes[row] = remap[code] = file_text->Intern(pool.Get(code), pool.HashOf(code));
}

// Rows [row, row + n) of `out` (`rows` rows, in dictionary form): the codes
// `in` of `pool`, as codes of `file_text`. remap: pool code -> file code
// (kNull: not in file_text yet).
void RemapCodes(const uint32_t* in, size_t n, const TextPool& pool, uint32_t* remap,
                TextPool* file_text, parquet::ColumnVector* out, size_t row, size_t rows) {
  uint32_t* codes = out->codes.data() + row;
  for (size_t j = 0; j < n; ++j) {
    const uint32_t code = in[j];
    const uint32_t file_code = code != TextPool::kNull ? remap[code] : TextPool::kNull;
    if (__builtin_expect(file_code != TextPool::kNull, 1)) {
      codes[j] = file_code;
    } else {
      RemapRareCode(code, pool, remap, file_text, out, row + j, rows);
    }
  }
}

// The columns of a songplay file holding the rows of `spans` (`rows` in all),
// sorted by (start_time, songplay_id).
std::vector<parquet::ColumnVector> BuildSongplayColumns(const std::vector<Span>& spans,
                                                        size_t rows) {
  const std::vector<Run> runs = OrderedRuns(spans, rows);
  // level, location and user_agent in dictionary form over one pool of the
  // file's distinct strings: each chunk's string is copied once per file,
  // not once per row. remaps[remap_of_span[k]]: code in span k's chunk pool
  // -> file code.
  TextPool file_text;
  auto dictionary = std::make_shared<parquet::ColumnVector>(parquet::PhysicalType::kByteArray);
  std::vector<std::vector<uint32_t>> remaps;
  std::vector<uint32_t> remap_of_span(spans.size());
  for (size_t k = 0; k < spans.size(); ++k) {
    const TextPool* pool = spans[k].segment->text.get();
    size_t j = 0;  // spans of one chunk share its pool, and so a remap
    while (j < k && spans[j].segment->text.get() != pool) ++j;
    if (j < k) {
      remap_of_span[k] = remap_of_span[j];
    } else {
      remap_of_span[k] = static_cast<uint32_t>(remaps.size());
      remaps.emplace_back(pool->size(), TextPool::kNull);
    }
  }
  std::vector<parquet::ColumnVector> c;
  for (const auto& col : SongplaysSchema().columns) c.emplace_back(col.type);
  // A run at a time: fixed-width columns appended, codes written in place.
  // A nullable column gets validity bytes only once a row is null.
  for (int k : {0, 1, 2, 6}) c[k].i64.reserve(rows);
  for (int k : {3, 7, 8}) {
    c[k].dictionary = dictionary;
    c[k].codes.resize(rows);
  }
  for (int k : {4, 5}) {
    c[k].offsets.resize(rows + 1);
    c[k].validity.resize(rows);
  }
  c[6].validity.reserve(rows);
  size_t i = 0;  // the file's row
  for (const Run& run : runs) {
    const SongplaySegment& s = *spans[run.span].segment;
    const size_t b = run.begin, n = run.end - run.begin;
    auto append = [b, n](const auto& from, auto* to) {
      to->insert(to->end(), from.begin() + b, from.begin() + b + n);
    };
    append(s.songplay_id, &c[0].i64);
    append(s.start_time_us, &c[1].i64);
    append(s.user_id, &c[2].i64);
    append(s.session_id.values, &c[6].i64);
    append(s.session_id.valid, &c[6].validity);
    std::vector<uint32_t>& remap = remaps[remap_of_span[run.span]];
    RemapCodes(s.level.data() + b, n, *s.text, remap.data(), &file_text, &c[3], i, rows);
    RemapCodes(s.location.data() + b, n, *s.text, remap.data(), &file_text, &c[7], i, rows);
    RemapCodes(s.user_agent.data() + b, n, *s.text, remap.data(), &file_text, &c[8], i, rows);
    // song_id and artist_id: plain strings (most rows match no song: null),
    // the ends of their bytes kept in locals (a store of a validity byte may
    // alias anything, and made every row reload the strings' sizes).
    {
      const SongRow* const* song = s.song.data() + b;
      std::string& song_bytes = c[4].bytes;
      std::string& artist_bytes = c[5].bytes;
      uint32_t* const song_end = c[4].offsets.data() + i + 1;
      uint32_t* const artist_end = c[5].offsets.data() + i + 1;
      uint8_t* const song_valid = c[4].validity.data() + i;
      uint8_t* const artist_valid = c[5].validity.data() + i;
      uint32_t song_size = static_cast<uint32_t>(song_bytes.size());
      uint32_t artist_size = static_cast<uint32_t>(artist_bytes.size());
      for (size_t j = 0; j < n; ++j) {
        const SongRow* row = song[j];
        uint8_t has_song = 0, has_artist = 0;
        if (row != nullptr) {
          song_bytes.append(row->song_id);
          song_size = static_cast<uint32_t>(song_bytes.size());
          has_song = 1;
          if (row->artist_id) {
            artist_bytes.append(*row->artist_id);
            artist_size = static_cast<uint32_t>(artist_bytes.size());
            has_artist = 1;
          }
        }
        song_end[j] = song_size;
        artist_end[j] = artist_size;
        song_valid[j] = has_song;
        artist_valid[j] = has_artist;
      }
    }
    i += n;
  }
  for (int k : {4, 5, 6}) {
    std::vector<uint8_t>& v = c[k].validity;
    if (std::find(v.begin(), v.end(), 0) == v.end()) v.clear();
  }
  file_text.Release(&dictionary->bytes, &dictionary->offsets);
  return c;
}

}  // namespace

SongplayFiles::SongplayFiles(size_t max_rows_per_file, size_t max_buffered_rows)
    : max_rows_per_file_(std::max<size_t>(1, max_rows_per_file)),
      max_buffered_rows_(std::max(max_buffered_rows, max_rows_per_file_)),
      ids_(std::make_unique<IdSet>()) {}

SongplayFiles::~SongplayFiles() = default;

void SongplayFiles::ReserveIds(size_t songplays) { ids_->Reserve(songplays); }

void SongplayFiles::Add(ChunkRows rows, std::vector<FileJob>* jobs) {
  // Unique ids, in input order: the later of two events with the same id
  // moves. A chunk's songplays are usually in one segment, in input order.
  auto unique_id = [this](SongplaySegment* s, size_t r) {
    if (ids_->Insert(s->songplay_id[r])) return;
    EventIdentity identity{s->start_time_us[r] / kMicrosPerMilli, s->user_id[r],
                           s->session_id.Get(r), s->item_in_session.Get(r)};
    for (uint64_t salt = 1;; ++salt) {
      int64_t id = SongplayId(identity, salt);
      if (ids_->Insert(id)) {
        s->songplay_id[r] = id;
        break;
      }
    }
  };
  if (rows.segments.size() == 1) {
    SongplaySegment* s = rows.segments[0].get();
    const size_t n = s->size();
    for (size_t r = 0; r < n; ++r) {
      if (r + kIdPrefetchDistance < n) ids_->Prefetch(s->songplay_id[r + kIdPrefetchDistance]);
      unique_id(s, r);
    }
  } else {
    std::vector<size_t> cursor(rows.segments.size(), 0);
    std::vector<const int64_t*> in_order;  // each row's id, in input order
    in_order.reserve(rows.segment_of_row.size());
    for (uint32_t seg : rows.segment_of_row) {
      in_order.push_back(&rows.segments[seg]->songplay_id[cursor[seg]++]);
    }
    std::fill(cursor.begin(), cursor.end(), 0);
    for (size_t i = 0; i < in_order.size(); ++i) {
      if (i + kIdPrefetchDistance < in_order.size()) {
        ids_->Prefetch(*in_order[i + kIdPrefetchDistance]);
      }
      const uint32_t seg = rows.segment_of_row[i];
      unique_id(rows.segments[seg].get(), cursor[seg]++);
    }
  }
  matched_ += rows.matched;

  // Both lists ascend by user_id: one merge walk (a tree lookup per user and
  // chunk was most of this function). Users not seen before are merged in
  // afterwards, which after the first chunks is rare. Candidates are plain
  // structs; a replaced user's text is copied only when it changed.
  std::vector<UserCandidate> fresh;
  {
    // The walk reads user_ids_, not the (larger) candidates.
    size_t i = 0;
    const size_t n = user_ids_.size();
    for (UserCandidate& u : rows.users) {
      while (i < n && user_ids_[i] < u.user_id) ++i;
      if (i < n && user_ids_[i] == u.user_id) {
        UserCandidate& current = users_[i];
        if (!ReplacesLatest(u, current)) continue;
        if (u.valid == current.valid &&
            std::equal(std::begin(u.length), std::end(u.length), std::begin(current.length)) &&
            UserTextBytes(rows.user_text, u) == UserTextBytes(user_text_, current)) {
          current.order = u.order;  // the same text: keep it where it is
          continue;
        }
        user_text_live_ -= UserTextBytes(user_text_, current).size();
        KeepUserText(rows.user_text, &u);
        current = u;
      } else {
        KeepUserText(rows.user_text, &u);
        fresh.push_back(u);
      }
    }
  }
  if (!fresh.empty()) {
    // Merged in place from the back: no second table of users.
    size_t i = users_.size(), j = fresh.size(), k = users_.size() + fresh.size();
    users_.resize(k);
    user_ids_.resize(k);
    while (j > 0) {
      --k;
      if (i > 0 && user_ids_[i - 1] > fresh[j - 1].user_id) {
        users_[k] = users_[--i];
      } else {
        users_[k] = fresh[--j];
      }
      user_ids_[k] = users_[k].user_id;
    }
  }
  CompactUserText();

  for (auto& segment : rows.segments) {
    Key key{segment->year, segment->month};
    Partition& p = partitions_[key];
    AddTimes(segment->distinct_begin(), segment->distinct_size(), &p);
    const size_t n = segment->size();
    songplays_ += n;
    p.pieces.push_back(Piece{std::move(segment), 0, n});
    p.rows += n;
    buffered_ += n;
    while (p.rows >= max_rows_per_file_) Cut(key, &p, max_rows_per_file_, jobs);
  }
  while (buffered_ > max_buffered_rows_) {
    // The partition with the most rows waiting (the first such, by key).
    auto biggest = partitions_.begin();
    for (auto it = partitions_.begin(); it != partitions_.end(); ++it) {
      if (it->second.rows > biggest->second.rows) biggest = it;
    }
    Cut(biggest->first, &biggest->second, biggest->second.rows, jobs);
  }
}

void SongplayFiles::Cut(const Key& key, Partition* p, size_t rows, std::vector<FileJob>* jobs) {
  auto pieces = std::make_shared<std::vector<Piece>>();
  size_t taken = 0;
  while (taken < rows) {
    Piece& front = p->pieces.front();
    size_t take = std::min(rows - taken, front.end - front.begin);
    pieces->push_back(Piece{front.segment, front.begin, front.begin + take});
    front.begin += take;
    taken += take;
    if (front.begin == front.end) p->pieces.erase(p->pieces.begin());
  }
  p->rows -= rows;
  buffered_ -= rows;

  FileJob job;
  job.table = "songplays";
  job.partition = YearMonthPath(key.first, key.second);
  job.schema = &SongplaysSchema();
  job.rows = rows;
  job.build_columns = [pieces, rows] {
    std::vector<Span> spans;
    spans.reserve(pieces->size());
    for (const Piece& p : *pieces) spans.push_back(Span{p.segment.get(), p.begin, p.end});
    return BuildSongplayColumns(spans, rows);
  };
  jobs->push_back(std::move(job));
}

void SongplayFiles::AddTimes(const int64_t* start_us, size_t n, Partition* p) const {
  std::vector<std::vector<int64_t>>& times = p->times;
  if (p->times_sorted && !times.empty() && n > 0) {
    const int64_t last = times.back().back();
    if (start_us[0] < last) {
      p->times_sorted = false;
    } else if (start_us[0] == last) {  // a time shared with the chunk before
      ++start_us;
      --n;
    }
  }
  while (n > 0) {
    if (times.empty() || times.back().size() >= max_rows_per_file_) {
      times.emplace_back();
      // Room for a whole file (a hint, bounded): the vector is then never
      // copied into a bigger one. Pages not written to are never touched.
      times.back().reserve(std::min(max_rows_per_file_, kMaxRowsPerFile));
    }
    std::vector<int64_t>& v = times.back();
    const size_t take = std::min(n, max_rows_per_file_ - v.size());
    v.insert(v.end(), start_us, start_us + take);
    start_us += take;
    n -= take;
  }
}

void SongplayFiles::Finish(std::vector<FileJob>* jobs) {
  for (auto& [key, p] : partitions_) {
    if (p.rows > 0) Cut(key, &p, p.rows, jobs);
  }
  for (auto& [key, p] : partitions_) {
    std::vector<std::vector<int64_t>> files = std::move(p.times);
    if (!p.times_sorted) {
      // Chunks out of time order: all the times, sorted, unique, cut again.
      std::vector<int64_t> all;
      size_t total = 0;
      for (const auto& v : files) total += v.size();
      all.reserve(total);
      for (auto& v : files) {
        all.insert(all.end(), v.begin(), v.end());
        std::vector<int64_t>().swap(v);
      }
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      files.clear();
      for (size_t begin = 0; begin < all.size(); begin += max_rows_per_file_) {
        const size_t end = std::min(all.size(), begin + max_rows_per_file_);
        files.emplace_back(all.begin() + begin, all.begin() + end);
      }
    }
    const std::string partition = YearMonthPath(key.first, key.second);
    for (std::vector<int64_t>& file : files) {
      if (file.empty()) continue;
      time_rows_ += file.size();
      FileJob job;
      job.table = "time";
      job.partition = partition;
      job.schema = &TimeSchema();
      job.rows = file.size();
      // The file's start times become its first column as they are (jobs
      // build their columns once).
      auto starts = std::make_shared<std::vector<int64_t>>(std::move(file));
      job.build_columns = [starts] {
        std::vector<parquet::ColumnVector> c;
        for (const auto& col : TimeSchema().columns) c.emplace_back(col.type);
        c[0].i64 = std::move(*starts);
        const size_t rows = c[0].i64.size();
        for (int k = 1; k <= 4; ++k) c[k].i32.resize(rows);
        const int64_t* const start = c[0].i64.data();
        int32_t* const hour = c[1].i32.data();
        int32_t* const day = c[2].i32.data();
        int32_t* const week = c[3].i32.data();
        int32_t* const weekday = c[4].i32.data();
        TimeRows time_rows;
        for (size_t i = 0; i < rows; ++i) {
          const TimeRow& t = time_rows.Of(start[i]);
          hour[i] = t.hour;
          day[i] = t.day;
          week[i] = t.week;
          weekday[i] = t.weekday;
        }
        return c;
      };
      jobs->push_back(std::move(job));
    }
  }
  partitions_.clear();
}

void SongplayFiles::KeepUserText(std::string_view from, UserCandidate* u) {
  const std::string_view bytes = UserTextBytes(from, *u);
  u->text = user_text_.size();
  user_text_.append(bytes);
  user_text_live_ += bytes.size();
}

void SongplayFiles::CompactUserText() {
  if (user_text_.size() <= 2 * user_text_live_ + kMinUserTextToCompact) return;
  std::string live;
  live.reserve(user_text_live_);
  for (UserCandidate& u : users_) {
    const std::string_view bytes = UserTextBytes(user_text_, u);
    u.text = live.size();
    live.append(bytes);
  }
  user_text_ = std::move(live);
}

std::vector<UserRow> SongplayFiles::Users() const {
  std::vector<UserRow> rows;
  rows.reserve(users_.size());
  for (const UserCandidate& u : users_) {
    rows.push_back(UserRow{u.user_id, UserText(user_text_, u, kFirstName),
                           UserText(user_text_, u, kLastName), UserText(user_text_, u, kGender),
                           UserText(user_text_, u, kLevel)});
  }
  return rows;
}

}  // namespace sparkify::lake
