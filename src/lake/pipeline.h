// The ETL run: songs + logs JSON in, the five-table Parquet lake out
// (SPEC.md). The stages, each with explicit inputs and outputs:
//
//   1. list       ListInputObjects(songs), ListInputObjects(logs)  -> InputObject lists
//   2. parse      ParseSongShard / ParseLogShard per shard           -> batches + rejects
//   3. transform  BuildSongs, BuildArtists, BuildUsers,
//                 BuildSongplays, BuildTime                           -> TableRows
//   4. write      PlanTableFiles + WriteTableFiles                    -> data files in a
//   Transaction
//   5. commit     rejects + run summary, Transaction::Commit          -> _SUCCESS
//
// Parse and write run on one thread pool of `threads` workers; the output does
// not depend on the thread count.
//
// How to use:
//   PipelineOptions options; options.songs_uri = ...; options.logs_uri = ...; options.out_uri =
//   ...; RunReport report; Status s = RunPipeline(options, &report);   // report.summary_json is
//   what _run_summary.json holds
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "fs/open.h"
#include "lake/commit/transaction.h"
#include "lake/input_list.h"
#include "lake/records.h"
#include "lake/table_layout.h"
#include "parquet/writer.h"

namespace sparkify::lake {

struct PipelineOptions {
  std::string songs_uri;  // local directory or s3://bucket/prefix
  std::string logs_uri;
  std::string out_uri;
  fs::OpenOptions open;                            // dl.cfg, --endpoint, --no-sign-request
  int threads = 0;                                 // 0: one per hardware thread
  parquet::Codec codec = parquet::Codec::kSnappy;  // what Spark writes by default
  int64_t max_rejects = -1;   // more rejects than this fail the run; -1: no limit
  bool force_unlock = false;  // break a lock left by another run
  bool sync = false;  // --fsync: the commit survives a machine crash (TransactionOptions::sync)
  bool incremental = false;  // load only new inputs (commit protocol; see docs)
  // --symlink-manifests: Hive symlink manifests on object stores only (auto), always, never.
  SymlinkManifestPolicy symlink_manifests = SymlinkManifestPolicy::kAuto;
  bool progress = true;  // progress display on stderr for long runs
  // Sizes of the units of work (tests make them small to get many shards and files).
  uint64_t shard_target_bytes = kShardTargetBytes;
  size_t max_rows_per_file = kMaxRowsPerFile;
  // Log chunks parsed while the songs are read (LogStreamOptions::early_chunks;
  // 0: the default).
  size_t early_log_chunks = 0;
};

// Songplay rows that may wait in memory for their partition's file to fill
// (songplay_files.h); beyond this the biggest partition is written early.
inline constexpr size_t kMaxBufferedSongplays = 1u << 20;

// Where the run's side outputs go, relative to the output root.
inline constexpr std::string_view kRejectsPath = "_rejects/rejects.jsonl";

struct InputSummary {
  std::string uri;
  uint64_t objects = 0;
  uint64_t bytes = 0;
  uint64_t decompressed_bytes = 0;
  uint64_t records = 0;
  uint64_t rejects = 0;
};

struct TableSummary {
  uint64_t rows = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

struct RunReport {
  std::string run_id;
  std::string out_uri;
  InputSummary songs, logs;
  std::map<std::string, TableSummary> tables;  // by table name
  uint64_t matched_songplays = 0;
  uint64_t rejects = 0;
  std::map<std::string, uint64_t> rejects_by_reason;
  std::vector<Reject> first_rejects;      // a few, for the error message of a failed run
  std::map<std::string, double> seconds;  // per stage, and "total"
  int threads = 0;
  std::string compression;  // of the Parquet files
  bool incremental = false;
  bool fsync = false;      // committed with PipelineOptions::sync
  std::string started_at;  // UTC, ISO 8601
  std::string summary_json;

  // The machine-readable summary written to _run_summary.json.
  std::string ToJson() const;
  // A few lines for people, printed on stderr.
  std::string ToText() const;
};

// Runs the ETL. Errors: InvalidArgument for bad options or a missing input
// location (exit code 2); Aborted when rejects exceed max_rejects; others
// (I/O, lock held) for a failed run (exit code 1). On any error nothing new is
// visible in the output. `report` is filled as far as the run got.
Status RunPipeline(const PipelineOptions& options, RunReport* report);

// Reject records as JSON lines, sorted by (input, object, line): what
// _rejects/rejects.jsonl holds.
std::string RejectsToJsonLines(const std::vector<Reject>& rejects);

}  // namespace sparkify::lake
