// The write stage: encodes every planned file (table_layout.h) to Parquet on
// the thread pool and writes it through the transaction, which decides the
// file's final name and makes it visible only at Commit().
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/commit/transaction.h"
#include "lake/table_layout.h"
#include "lake/thread_pool.h"
#include "parquet/writer.h"

namespace sparkify::lake {

struct TableWriteStats {
  uint64_t rows = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Writes `jobs`; the first error stops the remaining jobs and is returned.
// `stats` gets one entry per table that has a job. `files_done`, when given,
// counts finished files (progress display).
Status WriteTableFiles(const std::vector<FileJob>& jobs, const parquet::WriterOptions& options,
                       Transaction* txn, ThreadPool* pool,
                       std::map<std::string, TableWriteStats>* stats,
                       std::atomic<uint64_t>* files_done);

// Encodes one job and writes it as data file `number` of the transaction
// (unique per table in the run: callers number their jobs in a fixed order so
// that names do not depend on thread timing); `bytes` is the file's size.
Status WriteFile(const FileJob& job, uint64_t number, const parquet::WriterOptions& options,
                 Transaction* txn, uint64_t* bytes);

// Encodes one job to Parquet bytes (what WriteTableFiles writes for it).
Status EncodeFile(const FileJob& job, const parquet::WriterOptions& options, parquet::Sink* sink,
                  uint64_t* bytes);

}  // namespace sparkify::lake
