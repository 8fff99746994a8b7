// sparkify_gen: writes a synthetic input data set for the ETL — Million Song
// Dataset song files and eventsim activity logs — with the same fields, types
// and quirks as the real sample (see docs in generator.cc and activity.cc).
//
//   1. GenerateOptions opt; opt.out_dir = "demo"; opt.songs = 2000; opt.events = 200000;
//   2. Result<GenerateReport> r = Generate(opt);
//   3. std::fprintf(stderr, "%s", r->ToString().c_str());
//
// Same options (seed included) => byte-identical files, whatever `threads` is.
// Layout: <out_dir>/song_data/A/B/C/TRABC....json and
//         <out_dir>/log_data/2018/11/2018-11-01-events.json (one file per day).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace sparkify::gen {

struct GenerateOptions {
  std::string out_dir;
  int64_t songs = 1000;     // song records (one per file unless songs_per_file > 1)
  int64_t events = 100000;  // valid log records across all day files
  uint64_t seed = 42;
  int64_t bad_lines = 0;        // extra broken lines: truncated JSON, bad types, no userId
  int days = 30;                // day files from 2018-11-01 on
  int song_files_per_dir = 12;  // files per A/B/C leaf folder (~ the MSD subset)
  int songs_per_file = 1;       // >1 writes several objects per file, one per line
  double match_rate = 0.05;     // NextSong plays drawn from the catalogue
  int threads = 0;              // 0 = all cores
  bool overwrite = false;       // replace existing song_data/ and log_data/
};

struct GenerateReport {
  int64_t song_files = 0;
  int64_t song_records = 0;
  int64_t distinct_song_ids = 0;
  int64_t song_bytes = 0;
  int64_t log_files = 0;
  int64_t log_bytes = 0;
  int64_t events = 0;
  int64_t next_song_events = 0;
  int64_t planned_matches = 0;  // NextSong events drawn from the catalogue
  int64_t bad_lines = 0;
  int64_t users = 0;
  int64_t sessions = 0;
  double seconds = 0;

  std::string ToString() const;  // human-readable, several lines
};

// InvalidArgument for impossible options or an existing non-empty target without
// `overwrite`; IOError when a file cannot be written.
Result<GenerateReport> Generate(const GenerateOptions& options);

}  // namespace sparkify::gen
