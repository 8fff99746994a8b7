// Incremental runs (`sparkify etl --incremental`): read only the input objects
// that no earlier run loaded, and leave the lake exactly as one full run over
// all the inputs loaded so far would (docs/commit-protocol.md, "Incremental
// runs").
//
// How: every run keeps, in the lake's hidden table `_inputs`, the parsed
// batch of each object it read, and in the transaction's state which object
// (key, size, ETag or mtime) is in which `_inputs` file. An incremental run
// parses only new or changed objects, rebuilds the tables from all batches
// with the same pure transform as a full run (so songs, artists and users
// follow the SPEC's rules across runs, and a play is matched to a song that
// arrived after it), and rewrites only the partitions whose rows changed.
//
// How to use (pipeline.cc):
//   1. IncrementalRun::Start(txn, out_fs, &inc)        after Transaction::Begin
//   2. inc->SelectNewObjects(&songs, &logs)            before parsing
//   3. inc->MergeBatches(new_songs, new_logs, &songs, &logs)   after parsing
//   4. transform as usual; jobs = PlanTableFiles(rows)
//   5. inc->SelectChangedFiles(writer_options, max_rows, &jobs)  before writing
//   6. inc->Finish()                                   before Commit
// A full run calls ResetIncrementalState(txn) instead: the next incremental
// run then starts from scratch (reads everything once).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/commit/transaction.h"
#include "lake/records.h"
#include "lake/table_layout.h"
#include "parquet/writer.h"

namespace sparkify::lake {

// The hidden table that holds the parsed batches of the objects loaded so far.
inline constexpr std::string_view kInputsTable = "_inputs";

class IncrementalRun {
 public:
  static Status Start(Transaction* txn, fs::FileSystem* out_fs,
                      std::unique_ptr<IncrementalRun>* out);
  ~IncrementalRun();

  // Removes the objects already loaded with the same size and ETag (S3) or
  // mtime (local disk); what is left is what this run reads.
  void SelectNewObjects(std::vector<InputObject>* songs, std::vector<InputObject>* logs);

  // `new_*`: the batches this run parsed. Fills `songs`/`logs` with one batch
  // per object loaded so far (stored ones read back from the lake), in object
  // path order, as the transform wants them. The batches live as long as this.
  Status MergeBatches(const std::vector<const SongBatch*>& new_songs,
                      const std::vector<const LogBatch*>& new_logs,
                      std::vector<const SongBatch*>* songs, std::vector<const LogBatch*>* logs);

  // Keeps the jobs of the partitions whose rows differ from the committed
  // lake's, and tells the transaction to replace exactly those partitions
  // (also those that became empty). Without an earlier state every table is
  // replaced whole, as in a full run.
  // `max_rows_per_file` must be what `jobs` were planned with.
  Status SelectChangedFiles(const parquet::WriterOptions& options, size_t max_rows_per_file,
                            std::vector<FileJob>* jobs);

  // Stores this run's batches in `_inputs` and the new state.
  Status Finish();

  // How many objects were loaded before (for messages and tests).
  size_t objects_loaded_before() const;

 private:
  struct Impl;
  explicit IncrementalRun(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

void ResetIncrementalState(Transaction* txn);

// One batch per object of `batch` (exposed for tests).
std::vector<SongBatch> SplitByObject(const SongBatch& batch);
std::vector<LogBatch> SplitByObject(const LogBatch& batch);

}  // namespace sparkify::lake
