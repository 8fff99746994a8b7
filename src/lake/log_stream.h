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
// driver (the thread that calls Run) merges them in chunk order, so the output
// is the same for any thread count.
//
// The stream can start before the song catalogue is read: Start() queues the
// first chunks, which the workers parse while the run lists and reads the
// song files (work that leaves the cores partly idle: small reads, one
// listing thread). Deriving a chunk's rows needs the catalogue's song
// matcher, so a chunk parsed before Run() keeps its parsed batch and the
// driver derives its rows when it merges it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/log_chunks.h"
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
  size_t window = 0;  // chunks in flight; 0: 4 per pool thread
  // Chunks that Start() queues; 0: 128 MB of them, at least a window. Their
  // parsed batches wait for Run() (~half the size of their text), so this
  // bounds the memory the early start takes.
  size_t early_chunks = 0;
};

struct LogStreamResult {
  ParseStats stats;
  std::vector<Reject> rejects;
};

class LogStream {
 public:
  // Plans the chunks of `objects`; queues nothing yet. `bytes_done` (may be
  // null) counts the log bytes parsed, for progress.
  LogStream(fs::FileSystem* fs, const std::vector<InputObject>& objects,
            const LogStreamOptions& options, ThreadPool* pool, std::atomic<uint64_t>* bytes_done);
  // Waits for the chunks still queued or being parsed (a run that stops
  // before Run(), or a Run() that stopped early).
  ~LogStream();
  LogStream(const LogStream&) = delete;
  LogStream& operator=(const LogStream&) = delete;

  // Queues the first chunks (LogStreamOptions::early_chunks). Optional: Run()
  // queues them otherwise. Call at most once, before Run().
  void Start();

  // Streams the log objects through `files` and `writer`, matching songplays
  // with `matcher`. On return (OK) every songplay file has been submitted;
  // call files->Finish() for the rest. Fails when an object cannot be read or
  // a file cannot be written; returns OK but stops early when rejects exceed
  // `max_rejects` (-1: never; the caller checks the count). Call once.
  Status Run(const SongMatcher& matcher, int64_t max_rejects, SongplayFiles* files,
             TableFileWriter* writer, LogStreamResult* result);

 private:
  struct ChunkOutput;
  // Queues chunk `k` (under mu_).
  void Submit(size_t k);
  // Parses chunk `k` into `out` (on a worker): its rows when the matcher is
  // set, else its batch.
  void ParseChunk(size_t k, ChunkOutput* out);

  fs::FileSystem* const fs_;
  const std::vector<InputObject>& objects_;
  ThreadPool* const pool_;
  std::atomic<uint64_t>* const bytes_done_;
  const std::vector<LogChunk> chunks_;
  const size_t window_;
  const size_t early_chunks_;
  // Null until Run(): workers that see it derive their chunk's rows.
  std::atomic<const SongMatcher*> matcher_{nullptr};

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<ChunkOutput>> pending_;  // chunks [merged_, submitted_)
  std::vector<bool> done_;                            // by chunk index, under mu_
  size_t submitted_ = 0, merged_ = 0;
  size_t running_ = 0;  // submitted tasks not finished, under mu_
};

}  // namespace sparkify::lake
