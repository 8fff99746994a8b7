// The streaming log stage of a full run: logs are parsed, turned into rows
// and written chunk by chunk, so memory does not grow with the size of the
// logs (only with what the dimension tables need: users, the distinct start
// times, and one id per songplay to keep ids unique).
//
//   chunks (log_chunks.h) --workers--> parse (RecordParser) + DeriveChunkRows
//     --driver, in chunk order--> SongplayFiles (ids, users, partitions)
//     --> full songplay files to the TableFileWriter (workers again)
//
// At most `window` chunks are being parsed or wait to be merged at once; the
// driver (the calling thread) merges them in chunk order, so the output is
// the same for any thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/records.h"
#include "lake/songplay_files.h"
#include "lake/table_file_writer.h"
#include "lake/thread_pool.h"
#include "lake/transform.h"

namespace sparkify::lake {

struct LogStreamOptions {
  // A unit of work (log_chunks.h); the pipeline passes the logs' file
  // system's FileSystem::PreferredReadBytes().
  uint64_t chunk_bytes = fs::FileSystem::kDefaultReadBytes;
  size_t window = 0;         // chunks in flight; 0: 4 per pool thread
  int64_t max_rejects = -1;  // stop early once rejects exceed this; -1: never
  // Called once, as soon as the first window of chunks is queued: background
  // work queued there (ThreadPool::SubmitBackground) finds the workers busy
  // with chunks, instead of taking them before the first chunk is queued.
  std::function<void()> after_first_window;
};

struct LogStreamResult {
  ParseStats stats;
  std::vector<Reject> rejects;
};

// Streams the log objects through `files` and `writer`. On return (OK) every
// songplay file has been submitted; call files->Finish() for the rest. Fails
// when an object cannot be read or a file cannot be written; returns OK but
// stops early when rejects exceed `max_rejects` (the caller checks the count).
Status StreamLogs(fs::FileSystem* fs, const std::vector<InputObject>& objects,
                  const SongMatcher& matcher, const LogStreamOptions& options, ThreadPool* pool,
                  SongplayFiles* files, TableFileWriter* writer, LogStreamResult* result,
                  std::atomic<uint64_t>* bytes_done);

}  // namespace sparkify::lake
