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

// MakeTimeRow for ascending start times: the calendar fields of a day are
// computed once per day (a month's partition has ~100,000 distinct start
// times and 30 days).
class TimeRows {
 public:
  TimeRow Make(int64_t us) {
    // Floor to milliseconds and days, as MakeTimeRow and ToCivilTime do.
    const int64_t ms =
        us >= 0 ? us / kMicrosPerMilli : -((-us + kMicrosPerMilli - 1) / kMicrosPerMilli);
    const int64_t day = ms / kMillisPerDay - (ms % kMillisPerDay < 0);
    if (!valid_ || day != day_) {
      day_ = day;
      valid_ = true;
      row_ = MakeTimeRow(us);
    }
    TimeRow t = row_;
    t.start_time_us = us;
    t.hour = static_cast<int32_t>((ms - day * kMillisPerDay) / kMillisPerHour);
    return t;
  }

 private:
  bool valid_ = false;
  int64_t day_ = 0;
  TimeRow row_;
};

}  // namespace

// The ids taken so far: open addressing on the id's own bits (ids are hashes
// already), 8 bytes a slot, at most half full: nearly every insert is of a new
// id, and linear probing for a missing key reads ~8 slots at 3/4 full, ~2.5 at
// 1/2. 0 marks an empty slot, so the id 0 is kept aside. An id's home slot is
// its top bits, so the slots are in ascending order of id (but for runs that
// wrap around the end), and growing walks both tables in order instead of
// scattering every id at random.
class SongplayFiles::IdSet {
 public:
  IdSet() : slots_(size_t{1} << kInitialBits, 0), shift_(kIdBits - kInitialBits) {}

  // Inserts `id`; false when it was already there.
  bool Insert(int64_t id) {
    if (id == 0) {
      bool was = has_zero_;
      has_zero_ = true;
      return !was;
    }
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    if (!Place(&slots_, shift_, static_cast<uint64_t>(id))) return false;
    ++size_;
    return true;
  }

  // Hints that `id` is inserted soon (no effect on the contents).
  void Prefetch(int64_t id) const {
    __builtin_prefetch(&slots_[Home(static_cast<uint64_t>(id), shift_)], 1);
  }

 private:
  static bool Place(std::vector<uint64_t>* slots, int shift, uint64_t id) {
    const size_t mask = slots->size() - 1;
    for (size_t i = Home(id, shift);; i = (i + 1) & mask) {
      uint64_t& s = (*slots)[i];
      if (s == id) return false;
      if (s == 0) {
        s = id;
        return true;
      }
    }
  }
  // Ids are non-negative: 63 bits, all of them hash bits.
  static constexpr int kIdBits = 63;
  static constexpr int kInitialBits = 16;
  static size_t Home(uint64_t id, int shift) { return static_cast<size_t>(id >> shift); }
  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    --shift_;
    for (uint64_t id : slots_) {
      if (id != 0) Place(&bigger, shift_, id);
    }
    slots_.swap(bigger);
  }

  std::vector<uint64_t> slots_;
  int shift_;  // id >> shift_ is the home slot
  size_t size_ = 0;
  bool has_zero_ = false;
};

SongplayFiles::SongplayFiles(size_t max_rows_per_file, size_t max_buffered_rows)
    : max_rows_per_file_(std::max<size_t>(1, max_rows_per_file)),
      max_buffered_rows_(std::max(max_buffered_rows, max_rows_per_file_)),
      ids_(std::make_unique<IdSet>()) {}

SongplayFiles::~SongplayFiles() = default;

void SongplayFiles::Add(ChunkRows rows, std::vector<FileJob>* jobs) {
  // Unique ids, in input order: the later of two events with the same id moves.
  std::vector<size_t> cursor(rows.segments.size(), 0);
  std::vector<int64_t*> in_order;  // each row's id, in input order
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
    SongplaySegment& s = *rows.segments[seg];
    size_t r = cursor[seg]++;
    if (ids_->Insert(s.songplay_id[r])) continue;
    EventIdentity identity{s.start_time_us[r] / kMicrosPerMilli, s.user_id[r], s.session_id.Get(r),
                           s.item_in_session.Get(r)};
    for (uint64_t salt = 1;; ++salt) {
      int64_t id = SongplayId(identity, salt);
      if (ids_->Insert(id)) {
        s.songplay_id[r] = id;
        break;
      }
    }
  }
  matched_ += rows.matched;

  // Both lists ascend by user_id: one merge walk (a tree lookup per user and
  // chunk was most of this function). Users not seen before are merged in
  // afterwards, which after the first chunks is rare.
  std::vector<UserCandidate> fresh;
  {
    // The walk reads user_ids_, not the (much larger) candidates.
    size_t i = 0;
    const size_t n = user_ids_.size();
    for (UserCandidate& u : rows.users) {
      while (i < n && user_ids_[i] < u.user_id) ++i;
      if (i < n && user_ids_[i] == u.user_id) {
        if (ReplacesLatest(u, users_[i])) users_[i] = std::move(u);
      } else {
        fresh.push_back(std::move(u));
      }
    }
  }
  if (!fresh.empty()) {
    std::vector<UserCandidate> merged;
    merged.reserve(users_.size() + fresh.size());
    std::merge(std::make_move_iterator(users_.begin()), std::make_move_iterator(users_.end()),
               std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()),
               std::back_inserter(merged), [](const UserCandidate& a, const UserCandidate& b) {
                 return a.user_id < b.user_id;
               });
    users_ = std::move(merged);
    user_ids_.resize(users_.size());
    for (size_t i = 0; i < users_.size(); ++i) user_ids_[i] = users_[i].user_id;
  }

  for (auto& segment : rows.segments) {
    Key key{segment->year, segment->month};
    Partition& p = partitions_[key];
    p.start_us.insert(p.start_us.end(), segment->distinct_start_us.begin(),
                      segment->distinct_start_us.end());
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
    // (piece, row) of every row, sorted by (start_time, songplay_id): the
    // keys are copied beside them so that the sort compares contiguous
    // memory. Ids are unique, so the order is total.
    struct Entry {
      int64_t start_us, id;
      uint32_t piece, row;
    };
    std::vector<Entry> order;
    order.reserve(rows);
    for (uint32_t k = 0; k < pieces->size(); ++k) {
      const SongplaySegment& s = *(*pieces)[k].segment;
      for (size_t r = (*pieces)[k].begin; r < (*pieces)[k].end; ++r) {
        order.push_back(Entry{s.start_time_us[r], s.songplay_id[r], k, static_cast<uint32_t>(r)});
      }
    }
    auto seg = [&](const Entry& x) -> const SongplaySegment& {
      return *(*pieces)[x.piece].segment;
    };
    auto by_id = [](const Entry& a, const Entry& b) { return a.id < b.id; };
    if (std::is_sorted(order.begin(), order.end(),
                       [](const Entry& a, const Entry& b) { return a.start_us < b.start_us; })) {
      // Logs are written in time order, so rows usually come sorted by start
      // time already: only runs of equal start times need sorting, by id.
      for (auto run = order.begin(); run != order.end();) {
        auto end = run + 1;
        while (end != order.end() && end->start_us == run->start_us) ++end;
        if (end - run > 1) std::sort(run, end, by_id);
        run = end;
      }
    } else {
      std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) {
        if (a.start_us != b.start_us) return a.start_us < b.start_us;
        return a.id < b.id;
      });
    }
    // level, location and user_agent in dictionary form over one pool of the
    // file's distinct strings: each chunk's string is copied once per file,
    // not once per row. remap[k]: code in piece k's chunk pool -> file code.
    TextPool file_text;
    auto dictionary = std::make_shared<parquet::ColumnVector>(parquet::PhysicalType::kByteArray);
    std::vector<std::vector<uint32_t>> remaps;
    std::vector<uint32_t> remap_of_piece(pieces->size());
    for (size_t k = 0; k < pieces->size(); ++k) {
      const TextPool* pool = (*pieces)[k].segment->text.get();
      size_t j = 0;  // pieces of one chunk share its pool, and so a remap
      while (j < k && (*pieces)[j].segment->text.get() != pool) ++j;
      if (j < k) {
        remap_of_piece[k] = remap_of_piece[j];
      } else {
        remap_of_piece[k] = static_cast<uint32_t>(remaps.size());
        remaps.emplace_back(pool->size(), TextPool::kNull);
      }
    }
    std::vector<parquet::ColumnVector> c;
    for (const auto& col : SongplaysSchema().columns) c.emplace_back(col.type);
    // Fixed-width columns and codes written in place; every nullable column
    // gets a validity byte per row, dropped again when no row is null.
    for (int k : {0, 1, 2, 6}) c[k].i64.resize(rows);
    for (int k : {3, 7, 8}) {
      c[k].dictionary = dictionary;
      c[k].codes.resize(rows);
    }
    for (int k : {3, 4, 5, 6, 7, 8}) c[k].validity.resize(rows);
    for (int k : {4, 5}) c[k].offsets.resize(rows + 1);
    int64_t* const id = c[0].i64.data();
    int64_t* const start = c[1].i64.data();
    int64_t* const user = c[2].i64.data();
    int64_t* const session = c[6].i64.data();
    uint8_t* const session_valid = c[6].validity.data();
    for (size_t i = 0; i < rows; ++i) {
      const Entry& x = order[i];
      const SongplaySegment& s = seg(x);
      const size_t r = x.row;
      std::vector<uint32_t>& remap = remaps[remap_of_piece[x.piece]];
      auto put_text = [&](parquet::ColumnVector* col, uint32_t code) {
        if (code == TextPool::kNull) {
          col->codes[i] = 0;
          col->validity[i] = 0;
          return;
        }
        uint32_t& file_code = remap[code];
        if (file_code == TextPool::kNull) file_code = file_text.Intern(s.text->Get(code));
        col->codes[i] = file_code;
        col->validity[i] = 1;
      };
      id[i] = x.id;
      start[i] = x.start_us;
      user[i] = s.user_id[r];
      put_text(&c[3], s.level[r]);
      // song_id and artist_id: plain strings (most rows match no song: null).
      const SongRow* song = s.song[r];
      auto put_string = [&](parquet::ColumnVector* col, Text v) {
        if (v) col->bytes.append(*v);
        col->offsets[i + 1] = static_cast<uint32_t>(col->bytes.size());
        col->validity[i] = v.has_value();
      };
      put_string(&c[4], song ? Text(song->song_id) : std::nullopt);
      put_string(&c[5], song ? song->artist_id : std::nullopt);
      session[i] = s.session_id.values[r];
      session_valid[i] = s.session_id.valid[r];
      put_text(&c[7], s.location[r]);
      put_text(&c[8], s.user_agent[r]);
    }
    for (int k : {3, 4, 5, 6, 7, 8}) {
      std::vector<uint8_t>& v = c[k].validity;
      if (std::find(v.begin(), v.end(), 0) == v.end()) v.clear();
    }
    file_text.Release(&dictionary->bytes, &dictionary->offsets);
    return c;
  };
  jobs->push_back(std::move(job));
}

void SongplayFiles::Finish(std::vector<FileJob>* jobs) {
  for (auto& [key, p] : partitions_) {
    if (p.rows > 0) Cut(key, &p, p.rows, jobs);
  }
  for (auto& [key, p] : partitions_) {
    // Chunks are mostly in time order, so the runs usually concatenate sorted.
    auto starts = std::make_shared<std::vector<int64_t>>(std::move(p.start_us));
    if (!std::is_sorted(starts->begin(), starts->end())) std::sort(starts->begin(), starts->end());
    starts->erase(std::unique(starts->begin(), starts->end()), starts->end());
    starts->shrink_to_fit();
    time_rows_ += starts->size();
    const std::string partition = YearMonthPath(key.first, key.second);
    for (size_t begin = 0; begin < starts->size(); begin += max_rows_per_file_) {
      size_t end = std::min(starts->size(), begin + max_rows_per_file_);
      FileJob job;
      job.table = "time";
      job.partition = partition;
      job.schema = &TimeSchema();
      job.rows = end - begin;
      job.build_columns = [starts, begin, end] {
        std::vector<parquet::ColumnVector> c;
        for (const auto& col : TimeSchema().columns) c.emplace_back(col.type);
        const size_t rows = end - begin;
        c[0].i64.assign(starts->begin() + begin, starts->begin() + end);
        for (int k = 1; k <= 4; ++k) c[k].i32.resize(rows);
        TimeRows time_rows;
        for (size_t i = 0; i < rows; ++i) {
          const TimeRow t = time_rows.Make(c[0].i64[i]);
          c[1].i32[i] = t.hour;
          c[2].i32[i] = t.day;
          c[3].i32[i] = t.week;
          c[4].i32[i] = t.weekday;
        }
        return c;
      };
      jobs->push_back(std::move(job));
    }
  }
  partitions_.clear();
}

std::vector<UserRow> SongplayFiles::Users() const {
  std::vector<UserRow> rows;
  rows.reserve(users_.size());
  auto view = [](const std::optional<std::string>& s) {
    return s ? Text(std::string_view(*s)) : std::nullopt;
  };
  for (const UserCandidate& u : users_) {
    rows.push_back(
        UserRow{u.user_id, view(u.first_name), view(u.last_name), view(u.gender), view(u.level)});
  }
  return rows;
}

}  // namespace sparkify::lake
