// How each table is laid out in the lake: its Parquet schema (partition
// columns excluded: they live in directory names, as Spark writes them), its
// partition directories, and the files it is cut into. Pure functions: the
// write stage runs the returned jobs in parallel.
//
//   songs/year=<year>/artist_id=<artist_id>/part-*.parquet   song_id, title, duration
//   artists/part-*.parquet                                   artist_id, name, location, latitude,
//   longitude users/part-*.parquet                                     user_id, first_name,
//   last_name, gender, level time/year=<y>/month=<m>/part-*.parquet                   start_time,
//   hour, day, week, weekday songplays/year=<y>/month=<m>/part-*.parquet              songplay_id,
//   start_time, user_id, level,
//                                                            song_id, artist_id, session_id,
//                                                            location, user_agent
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "lake/transform.h"
#include "parquet/column_vector.h"
#include "parquet/writer.h"

namespace sparkify::lake {

// The run's tables, as the transform stage returns them.
struct TableRows {
  std::vector<SongRow> songs;
  std::vector<ArtistRow> artists;
  std::vector<UserRow> users;
  std::vector<TimeRow> time;
  std::vector<SongplayRow> songplays;
};

inline constexpr const char* kTableNames[] = {"songs", "artists", "users", "time", "songplays"};

// A file never holds more rows than this, so a big partition (a month of
// songplays) is encoded by several threads; at ~40 bytes per songplay row the
// files stay tens of MB. Depends on the data only: the files do not change
// with --threads.
inline constexpr size_t kMaxRowsPerFile = 1u << 19;

// One output file: its table, partition directory ("" when unpartitioned),
// schema, and how to build its columns. build_columns is called once: it may
// hand over rows it holds instead of copying them.
struct FileJob {
  std::string table;
  std::string partition;
  const parquet::Schema* schema = nullptr;
  size_t rows = 0;
  std::function<std::vector<parquet::ColumnVector>()> build_columns;
};

// Appends a value, or a null when there is none.
void Put(parquet::ColumnVector* c, Text v);
void Put(parquet::ColumnVector* c, std::optional<double> v);
void Put(parquet::ColumnVector* c, std::optional<int64_t> v);

// "year=<year>/month=<month>": the partition of the time and songplays tables.
std::string YearMonthPath(int32_t year, int32_t month);

const parquet::Schema& SongsSchema();
const parquet::Schema& ArtistsSchema();
const parquet::Schema& UsersSchema();
const parquet::Schema& TimeSchema();
const parquet::Schema& SongplaysSchema();

// The files of every table, in a fixed order (table, partition path, slice).
// Rows inside a file are sorted by the table's key (songplays and time by
// start_time, then key). An empty unpartitioned table still gets one empty
// file so readers see its schema; an empty partitioned table gets none.
// The jobs refer to `rows`: keep it alive while they run.
std::vector<FileJob> PlanTableFiles(const TableRows& rows,
                                    size_t max_rows_per_file = kMaxRowsPerFile);

}  // namespace sparkify::lake
