// Transaction: how one ETL run publishes its output to a lake, all or nothing.
//
// A run never writes a table's visible files directly. It asks the
// transaction for data files, writes them, and commits; readers of the lake see
// the previous complete state until Commit() publishes the new one, and a run
// that fails or is killed leaves the previous state readable (see
// docs/commit-protocol.md for what a reader sees at every instant).
//
// How to use:
//   1. Transaction::Begin(fs, options, &txn): takes the lake's writer lock
//      (AlreadyExists when another live run holds it) and cleans up what dead
//      runs left behind.
//   2. txn->SetTableMode("songplays", TableMode::kAppend) for tables that an
//      incremental run extends; the default kReplace makes the run's files the
//      table's whole new content.
//   3. From any threads: txn->NewDataFile("songs", "year=1969/artist_id=AR1", &file, &path),
//      write, file->Close(). Names are run-scoped and unique.
//   4. txn->WriteRunFile("_rejects/part-0.jsonl", bytes) for the run's side outputs.
//   5. txn->Commit(summary_json) publishes everything, writes _SUCCESS and the
//      run summary, removes what the new state superseded, releases the lock.
//      Or txn->Abort() (also done by the destructor): nothing becomes visible.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"

namespace sparkify::lake {

enum class TableMode {
  kReplace,  // the run's files are the table's new content
  kAppend,   // the run's files are added to the table's current files
  // The run's files replace the committed files of each partition the run
  // writes to or names with ReplacePartition(); other partitions are kept.
  kReplacePartitions,
};

// Whether committed tables carry Hive symlink manifests
// (`<table>/_symlink_format_manifest/...`, docs/commit-protocol.md), the file
// lists Athena, Trino and Presto read from object stores instead of listing.
enum class SymlinkManifestPolicy {
  // Object stores only: the readers that want them read S3, not a local
  // folder, and a local lake's atomicity comes from its rename(2) switch, not
  // from manifests. On a catalogue-sized local lake they would be one file and
  // one folder per partition, as many as the data itself.
  kAuto,
  kAlways,  // every store, local disk included
  kNever,   // no store; a commit removes the manifests that earlier runs left
};

// Parses "auto", "always" or "never" (the CLI's --symlink-manifests).
bool ParseSymlinkManifestPolicy(std::string_view text, SymlinkManifestPolicy* out);

struct TransactionOptions {
  // A lock older than this (not refreshed by a live run) is stale and broken.
  // Object stores only; the environment variable SPARKIFY_LOCK_TTL_MS, when
  // set, overrides it (tests use a short one).
  std::chrono::seconds lock_ttl{600};
  bool force_unlock = false;  // --force-unlock: break any existing lock (object stores)
  // --fsync: Commit() makes the run durable against a crash of the machine,
  // not only of the process: FileSystem::Sync() after the data files and the
  // manifest are written and before the commit point, and again at the end.
  // Off by default, as in Spark's and DuckDB's local writers: on a local disk
  // it writes back the whole file system's dirty pages, twice.
  bool sync = false;
  SymlinkManifestPolicy symlink_manifests = SymlinkManifestPolicy::kAuto;
  std::string run_id;  // empty: derived from time, pid and a random tag
  // Wall clock in ms since the epoch, for tests that age a lock; empty: the system clock.
  std::function<int64_t()> now_ms;
};

class Transaction {
 public:
  static Status Begin(fs::FileSystem* fs, const TransactionOptions& options,
                      std::unique_ptr<Transaction>* out);

  virtual ~Transaction() = default;

  virtual const std::string& run_id() const = 0;

  // Also declares the table part of this run: a kReplace table given no
  // file becomes empty. A table that gets neither a mode nor a file keeps
  // its committed content.
  virtual void SetTableMode(std::string_view table, TableMode mode) = 0;

  // The table's data files in the last committed state (paths relative to
  // the lake root, readable through the FileSystem), for runs that merge with
  // what is there. Empty for a new lake.
  virtual Status CommittedFiles(std::string_view table, std::vector<std::string>* paths) = 0;

  // Opens a new data file for `table` in `partition` ("year=2018/month=11",
  // or "" for an unpartitioned table). Thread-safe. `*path` receives the
  // file's path relative to the lake root while the run writes it (a staging
  // or version folder: the table folder shows it only after Commit()). Only
  // files whose Close() succeeded before Commit() are part of the commit.
  virtual Status NewDataFile(std::string_view table, std::string_view partition,
                             std::unique_ptr<fs::WritableFile>* file, std::string* path) = 0;

  // NewDataFile whose name carries `number` instead of the next free one, so
  // that a run numbering its files in a fixed order names them the same
  // whatever order its threads open them in (re-runs and runs with other
  // thread counts or storage give the same lake). InvalidArgument if the run
  // already has a file of that number in that table and partition.
  virtual Status NewNumberedDataFile(std::string_view table, std::string_view partition,
                                     uint64_t number, std::unique_ptr<fs::WritableFile>* file,
                                     std::string* path) = 0;

  // NewDataFile for files that are not Parquet: `extension` (".bin") ends the
  // name. A table whose name starts with '_' (not "_sparkify") is hidden from
  // readers and committed like any other: incremental runs keep state in one.
  virtual Status NewTableFile(std::string_view table, std::string_view partition,
                              std::string_view extension, std::unique_ptr<fs::WritableFile>* file,
                              std::string* path) = 0;

  // For a kReplacePartitions table: `partition` ("year=2018/month=11") is
  // replaced by the run's files in it, even if there are none (it empties).
  // Ignored for tables in another mode.
  virtual void ReplacePartition(std::string_view table, std::string_view partition) = 0;

  // Writes a side output of the run (rejects), visible after Commit().
  virtual Status WriteRunFile(std::string_view relative_path, std::string_view contents) = 0;

  // Opaque state kept in the lake for incremental runs (processed inputs):
  // what the last committed run stored, and what this run stores at Commit().
  virtual Status ReadState(std::string* state) = 0;
  virtual void SetState(std::string state) = 0;

  // Publishes the run. On error before the commit point nothing new is
  // visible; an error after it (the message says "committed") leaves the new
  // state committed and the next run finishes publishing it. The lock is
  // released either way.
  virtual Status Commit(std::string_view summary_json) = 0;
  virtual void Abort() = 0;
};

}  // namespace sparkify::lake
