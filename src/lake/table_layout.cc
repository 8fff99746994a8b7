#include "lake/table_layout.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <numeric>

#include "lake/calendar.h"
#include "lake/partition_path.h"

namespace sparkify::lake {

namespace {

using parquet::ColumnSchema;
using parquet::ColumnVector;
using parquet::LogicalType;
using parquet::PhysicalType;
using parquet::Repetition;
using parquet::Schema;

constexpr int64_t kMicrosPerMilli = 1000;

ColumnSchema String(const char* name, Repetition r = Repetition::kOptional) {
  return {name, PhysicalType::kByteArray, LogicalType::kString, r};
}
ColumnSchema Int64(const char* name, Repetition r = Repetition::kOptional) {
  return {name, PhysicalType::kInt64, LogicalType::kNone, r};
}
ColumnSchema Int32(const char* name) {
  return {name, PhysicalType::kInt32, LogicalType::kNone, Repetition::kOptional};
}
ColumnSchema Double(const char* name) {
  return {name, PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional};
}
ColumnSchema Timestamp(const char* name) {
  return {name, PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kRequired};
}

std::vector<ColumnVector> EmptyColumns(const Schema& schema, size_t rows) {
  std::vector<ColumnVector> columns;
  columns.reserve(schema.columns.size());
  for (const auto& c : schema.columns) {
    columns.emplace_back(c.type);
    columns.back().Reserve(rows);
  }
  return columns;
}

// Splits `order` (row indices sorted by partition) into jobs of at most
// `max_rows` rows that never straddle two partitions.
template <typename Row, typename PartitionOf, typename Build>
void AddJobs(const char* table, const Schema& schema, const std::vector<Row>& rows,
             std::shared_ptr<const std::vector<size_t>> order, PartitionOf partition_of,
             Build build, size_t max_rows, std::vector<FileJob>* jobs) {
  const size_t n = order->size();
  size_t begin = 0;
  while (begin < n) {
    // A reference where partition_of returns one (the songs' paths, made
    // once), else the returned string kept alive: one copy, into the job.
    const auto& partition = partition_of(rows[(*order)[begin]]);
    size_t end = begin + 1;
    while (end < n && end - begin < max_rows && partition_of(rows[(*order)[end]]) == partition) {
      ++end;
    }
    FileJob job;
    job.table = table;
    job.partition = partition;
    job.schema = &schema;
    job.rows = end - begin;
    job.build_columns = [&rows, &schema, order, begin, end, build] {
      std::vector<ColumnVector> columns = EmptyColumns(schema, end - begin);
      for (size_t i = begin; i < end; ++i) build(rows[(*order)[i]], &columns);
      return columns;
    };
    jobs->push_back(std::move(job));
    begin = end;
  }
}

template <typename Row, typename Less>
std::shared_ptr<const std::vector<size_t>> SortedOrder(const std::vector<Row>& rows, Less less) {
  auto order = std::make_shared<std::vector<size_t>>(rows.size());
  std::iota(order->begin(), order->end(), 0);
  std::stable_sort(order->begin(), order->end(),
                   [&](size_t a, size_t b) { return less(rows[a], rows[b]); });
  return order;
}

std::string YearMonthPartition(int64_t start_time_us) {
  CivilTime t = ToCivilTime(start_time_us / kMicrosPerMilli);
  return YearMonthPath(t.year, t.month);
}

// PartitionPath({{"year", year}, {"artist_id", artist_id}}), built in one
// string: the 1g and catalogue runs make one per song (15,000 and 200,000).
std::string SongPartition(const SongRow& s) {
  constexpr std::string_view kYear = "year=", kArtist = "/artist_id=";
  std::string out;
  out.reserve(kYear.size() + kHiveDefaultPartition.size() + kArtist.size() +
              (s.artist_id ? s.artist_id->size() + 8 : kHiveDefaultPartition.size()));
  out.append(kYear);
  if (s.year) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof(digits), *s.year).ptr;
    out.append(digits, end);
  } else {
    out.append(kHiveDefaultPartition);
  }
  out.append(kArtist);
  if (s.artist_id && !s.artist_id->empty()) {
    AppendPartitionValue(*s.artist_id, &out);
  } else {
    out.append(kHiveDefaultPartition);
  }
  return out;
}

}  // namespace

void Put(ColumnVector* c, Text v) {
  if (v) {
    c->AppendString(*v);
  } else {
    c->AppendNull();
  }
}
void Put(ColumnVector* c, std::optional<double> v) {
  if (v) {
    c->AppendDouble(*v);
  } else {
    c->AppendNull();
  }
}
void Put(ColumnVector* c, std::optional<int64_t> v) {
  if (v) {
    c->AppendInt64(*v);
  } else {
    c->AppendNull();
  }
}

std::string YearMonthPath(int32_t year, int32_t month) {
  std::string y = std::to_string(year), m = std::to_string(month);
  return PartitionPath({{"year", y}, {"month", m}});
}

const Schema& SongsSchema() {
  static const Schema s{
      {String("song_id", Repetition::kRequired), String("title"), Double("duration")}};
  return s;
}
const Schema& ArtistsSchema() {
  static const Schema s{{String("artist_id", Repetition::kRequired), String("name"),
                         String("location"), Double("latitude"), Double("longitude")}};
  return s;
}
const Schema& UsersSchema() {
  static const Schema s{{Int64("user_id", Repetition::kRequired), String("first_name"),
                         String("last_name"), String("gender"), String("level")}};
  return s;
}
const Schema& TimeSchema() {
  static const Schema s{
      {Timestamp("start_time"), Int32("hour"), Int32("day"), Int32("week"), Int32("weekday")}};
  return s;
}
const Schema& SongplaysSchema() {
  static const Schema s{{Int64("songplay_id", Repetition::kRequired), Timestamp("start_time"),
                         Int64("user_id", Repetition::kRequired), String("level"),
                         String("song_id"), String("artist_id"), Int64("session_id"),
                         String("location"), String("user_agent")}};
  return s;
}

std::vector<FileJob> PlanTableFiles(const TableRows& t, size_t max_rows) {
  std::vector<FileJob> jobs;

  // songs: by partition path, then song_id.
  {
    std::vector<std::string> partitions;
    partitions.reserve(t.songs.size());
    for (const auto& s : t.songs) partitions.push_back(SongPartition(s));
    auto order = std::make_shared<std::vector<size_t>>(t.songs.size());
    std::iota(order->begin(), order->end(), 0);
    // One comparison of the paths per call (not `!=` and then `<`).
    std::sort(order->begin(), order->end(), [&](size_t a, size_t b) {
      const int c = partitions[a].compare(partitions[b]);
      if (c != 0) return c < 0;
      return t.songs[a].song_id < t.songs[b].song_id;
    });
    // Each row's path was made once above: the jobs are cut by the same paths.
    auto partition_of = [&](const SongRow& r) -> const std::string& {
      return partitions[static_cast<size_t>(&r - t.songs.data())];
    };
    AddJobs(
        "songs", SongsSchema(), t.songs, order, partition_of,
        [](const SongRow& r, std::vector<ColumnVector>* c) {
          (*c)[0].AppendString(r.song_id);
          Put(&(*c)[1], r.title);
          Put(&(*c)[2], r.duration);
        },
        max_rows, &jobs);
  }

  auto unpartitioned = [](const auto&) { return std::string(); };
  auto add_unpartitioned = [&](const char* table, const Schema& schema, const auto& rows, auto less,
                               auto build) {
    auto order = SortedOrder(rows, less);
    if (rows.empty()) {
      FileJob job;
      job.table = table;
      job.schema = &schema;
      job.build_columns = [&schema] { return EmptyColumns(schema, 0); };
      jobs.push_back(std::move(job));
      return;
    }
    AddJobs(table, schema, rows, order, unpartitioned, build, max_rows, &jobs);
  };

  add_unpartitioned(
      "artists", ArtistsSchema(), t.artists,
      [](const ArtistRow& a, const ArtistRow& b) { return a.artist_id < b.artist_id; },
      [](const ArtistRow& r, std::vector<ColumnVector>* c) {
        (*c)[0].AppendString(r.artist_id);
        Put(&(*c)[1], r.name);
        Put(&(*c)[2], r.location);
        Put(&(*c)[3], r.latitude);
        Put(&(*c)[4], r.longitude);
      });

  add_unpartitioned(
      "users", UsersSchema(), t.users,
      [](const UserRow& a, const UserRow& b) { return a.user_id < b.user_id; },
      [](const UserRow& r, std::vector<ColumnVector>* c) {
        (*c)[0].AppendInt64(r.user_id);
        Put(&(*c)[1], r.first_name);
        Put(&(*c)[2], r.last_name);
        Put(&(*c)[3], r.gender);
        Put(&(*c)[4], r.level);
      });

  // time: (year, month) partitions in time order; rows by start_time.
  {
    auto order = SortedOrder(t.time, [](const TimeRow& a, const TimeRow& b) {
      return a.start_time_us < b.start_time_us;
    });
    AddJobs(
        "time", TimeSchema(), t.time, order,
        [](const TimeRow& r) { return YearMonthPath(r.year, r.month); },
        [](const TimeRow& r, std::vector<ColumnVector>* c) {
          (*c)[0].AppendInt64(r.start_time_us);
          (*c)[1].AppendInt32(r.hour);
          (*c)[2].AppendInt32(r.day);
          (*c)[3].AppendInt32(r.week);
          (*c)[4].AppendInt32(r.weekday);
        },
        max_rows, &jobs);
  }

  // songplays: by start_time (so (year, month) partitions are contiguous), then id.
  {
    auto order = SortedOrder(t.songplays, [](const SongplayRow& a, const SongplayRow& b) {
      if (a.start_time_us != b.start_time_us) return a.start_time_us < b.start_time_us;
      return a.songplay_id < b.songplay_id;
    });
    AddJobs(
        "songplays", SongplaysSchema(), t.songplays, order,
        [](const SongplayRow& r) { return YearMonthPartition(r.start_time_us); },
        [](const SongplayRow& r, std::vector<ColumnVector>* c) {
          (*c)[0].AppendInt64(r.songplay_id);
          (*c)[1].AppendInt64(r.start_time_us);
          (*c)[2].AppendInt64(r.user_id);
          Put(&(*c)[3], r.level);
          Put(&(*c)[4], r.song_id);
          Put(&(*c)[5], r.artist_id);
          Put(&(*c)[6], r.session_id);
          Put(&(*c)[7], r.location);
          Put(&(*c)[8], r.user_agent);
        },
        max_rows, &jobs);
  }
  return jobs;
}

}  // namespace sparkify::lake
