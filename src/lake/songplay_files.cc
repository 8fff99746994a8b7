#include "lake/songplay_files.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "lake/songplay_id.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;

}  // namespace

// The ids taken so far: open addressing on the id's own bits (ids are hashes
// already), 8 bytes a slot, at most 3/4 full. 0 marks an empty slot, so the id
// 0 is kept aside.
class SongplayFiles::IdSet {
 public:
  IdSet() : slots_(1 << 16, 0) {}

  // Inserts `id`; false when it was already there.
  bool Insert(int64_t id) {
    if (id == 0) {
      bool was = has_zero_;
      has_zero_ = true;
      return !was;
    }
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    if (!Place(&slots_, static_cast<uint64_t>(id))) return false;
    ++size_;
    return true;
  }

 private:
  static bool Place(std::vector<uint64_t>* slots, uint64_t id) {
    const size_t mask = slots->size() - 1;
    for (size_t i = Mix(id) & mask;; i = (i + 1) & mask) {
      uint64_t& s = (*slots)[i];
      if (s == id) return false;
      if (s == 0) {
        s = id;
        return true;
      }
    }
  }
  static size_t Mix(uint64_t id) { return static_cast<size_t>(id ^ (id >> 29)); }
  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    for (uint64_t id : slots_) {
      if (id != 0) Place(&bigger, id);
    }
    slots_.swap(bigger);
  }

  std::vector<uint64_t> slots_;
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
  for (uint32_t seg : rows.segment_of_row) {
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

  for (UserCandidate& u : rows.users) {
    auto [it, inserted] = users_.try_emplace(u.user_id);
    if (inserted || ReplacesLatest(u, it->second)) it->second = std::move(u);
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
    // (piece, row) of every row, sorted by (start_time, songplay_id).
    std::vector<std::pair<uint32_t, uint32_t>> order;
    order.reserve(rows);
    for (uint32_t k = 0; k < pieces->size(); ++k) {
      for (size_t r = (*pieces)[k].begin; r < (*pieces)[k].end; ++r) {
        order.emplace_back(k, static_cast<uint32_t>(r));
      }
    }
    auto seg = [&](const std::pair<uint32_t, uint32_t>& x) -> const SongplaySegment& {
      return *(*pieces)[x.first].segment;
    };
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      const SongplaySegment& sa = seg(a);
      const SongplaySegment& sb = seg(b);
      int64_t ta = sa.start_time_us[a.second], tb = sb.start_time_us[b.second];
      if (ta != tb) return ta < tb;
      return sa.songplay_id[a.second] < sb.songplay_id[b.second];
    });
    std::vector<parquet::ColumnVector> c;
    for (const auto& col : SongplaysSchema().columns) {
      c.emplace_back(col.type);
      c.back().Reserve(rows);
    }
    // The text columns at their final size: grown by appends they were
    // copied again and again into fresh pages (tens of MB per file).
    size_t level = 0, location = 0, user_agent = 0;
    for (const Piece& p : *pieces) {
      level += p.segment->level.bytes_between(p.begin, p.end);
      location += p.segment->location.bytes_between(p.begin, p.end);
      user_agent += p.segment->user_agent.bytes_between(p.begin, p.end);
    }
    c[3].bytes.reserve(level);
    c[7].bytes.reserve(location);
    c[8].bytes.reserve(user_agent);
    for (const auto& x : order) {
      const SongplaySegment& s = seg(x);
      const size_t r = x.second;
      c[0].AppendInt64(s.songplay_id[r]);
      c[1].AppendInt64(s.start_time_us[r]);
      c[2].AppendInt64(s.user_id[r]);
      Put(&c[3], s.level.Get(r));
      const SongRow* song = s.song[r];
      Put(&c[4], song ? Text(song->song_id) : std::nullopt);
      Put(&c[5], song ? song->artist_id : std::nullopt);
      Put(&c[6], s.session_id.Get(r));
      Put(&c[7], s.location.Get(r));
      Put(&c[8], s.user_agent.Get(r));
    }
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
        for (const auto& col : TimeSchema().columns) {
          c.emplace_back(col.type);
          c.back().Reserve(end - begin);
        }
        for (size_t i = begin; i < end; ++i) {
          TimeRow t = MakeTimeRow((*starts)[i]);
          c[0].AppendInt64(t.start_time_us);
          c[1].AppendInt32(t.hour);
          c[2].AppendInt32(t.day);
          c[3].AppendInt32(t.week);
          c[4].AppendInt32(t.weekday);
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
  for (const auto& [id, u] : users_) {
    rows.push_back(
        UserRow{id, view(u.first_name), view(u.last_name), view(u.gender), view(u.level)});
  }
  return rows;
}

}  // namespace sparkify::lake
