#include "lake/log_stream.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>

#include "lake/log_chunks.h"
#include "lake/parse_stage.h"
#include "lake/record_parser.h"

namespace sparkify::lake {

namespace {

// Chunks in flight per pool thread, by default (LogStreamOptions::window).
constexpr size_t kChunksPerThread = 4;

// What a worker hands back for one chunk.
struct ChunkOutput {
  Status status;
  ParseStats stats;
  std::vector<Reject> rejects;
  uint64_t newlines = 0;  // in the text of a ranged chunk (reject line numbers)
  ChunkRows rows;
};

void ParseChunk(fs::FileSystem* fs, const std::vector<InputObject>& objects, const LogChunk& chunk,
                const SongMatcher& matcher, ChunkOutput* out) {
  if (!chunk.ranged) {
    LogShardOutput shard;
    out->status = ParseLogShard(fs, objects, chunk.begin, chunk.end, &shard, nullptr);
    if (!out->status.ok()) return;
    out->stats = shard.stats;
    out->rejects = std::move(shard.rejects);
    out->rows = DeriveChunkRows(shard.batch, matcher);
    return;
  }
  // One buffer, parser and batch per worker: a big log is many chunks in a
  // row, and reusing their memory spares the kernel zeroing fresh pages.
  thread_local std::string buffer;
  thread_local RecordParser parser;
  thread_local LogBatch batch;
  const InputObject& object = objects[chunk.begin];
  std::unique_ptr<fs::RandomAccessFile> file;  // `text` may point into it
  std::string_view text;
  out->status = fs->NewRandomAccessFile(object.path, &file);
  if (out->status.ok()) out->status = ReadLogRange(*file, object, chunk, &buffer, &text);
  if (!out->status.ok()) {
    out->status = out->status.WithContext(fs->Describe() + "/" + object.path);
    return;
  }
  out->stats.objects = chunk.first_range() ? 1 : 0;
  out->stats.bytes = text.size();
  out->stats.decompressed_bytes = text.size();
  batch.Clear();
  parser.ParseLogs(object.path, text, &batch, &out->rejects, &out->stats, &out->newlines);
  out->rows = DeriveChunkRows(batch, matcher);
}

}  // namespace

Status StreamLogs(fs::FileSystem* fs, const std::vector<InputObject>& objects,
                  const SongMatcher& matcher, const LogStreamOptions& options, ThreadPool* pool,
                  SongplayFiles* files, TableFileWriter* writer, LogStreamResult* result,
                  std::atomic<uint64_t>* bytes_done) {
  const std::vector<LogChunk> chunks = PlanLogChunks(objects, options.chunk_bytes);
  uint64_t log_bytes = 0;
  for (const InputObject& o : objects) log_bytes += o.size;
  files->ReserveIds(static_cast<size_t>(log_bytes / kLogBytesPerSongplay));
  // Chunks in flight: the driver merges them in order, so a worker that
  // finishes early waits for a new chunk until the oldest one is merged. With
  // two per thread, on a loaded machine (chunk times vary with preemption)
  // the workers of a 1g run waited for a submit 3 to 5 times a run, 0.06 to
  // 0.15 s in all; with four, never. A chunk's rows are ~2 MB.
  const size_t window = options.window > 0
                            ? options.window
                            : static_cast<size_t>(kChunksPerThread * std::max(1, pool->size()));

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<ChunkOutput>> pending;  // chunks [merged, submitted)
  std::vector<bool> done_flags;                      // by chunk index, under mu
  done_flags.resize(chunks.size(), false);
  size_t submitted = 0, merged = 0;
  uint64_t line_base = 0;  // lines of the current big object before this chunk

  auto submit = [&](size_t k) {
    pending.push_back(std::make_unique<ChunkOutput>());
    ChunkOutput* out = pending.back().get();
    pool->Submit([&, k, out] {
      ParseChunk(fs, objects, chunks[k], matcher, out);
      if (bytes_done) {
        uint64_t bytes = 0;
        if (chunks[k].ranged) {
          bytes = chunks[k].length;
        } else {
          for (size_t i = chunks[k].begin; i < chunks[k].end; ++i) bytes += objects[i].size;
        }
        bytes_done->fetch_add(bytes, std::memory_order_relaxed);
      }
      std::lock_guard<std::mutex> lock(mu);
      done_flags[k] = true;
      cv.notify_all();
    });
  };

  Status status;
  while (submitted < chunks.size() && submitted < window) submit(submitted++);
  if (options.after_first_window) options.after_first_window();  // also with no chunks
  while (merged < chunks.size()) {
    while (submitted < chunks.size() && submitted - merged < window && status.ok()) {
      submit(submitted++);
    }
    if (merged == submitted) break;  // stopped early: nothing more in flight
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done_flags[merged]; });
    }
    std::unique_ptr<ChunkOutput> out = std::move(pending.front());
    pending.pop_front();
    const LogChunk& chunk = chunks[merged++];
    if (!status.ok()) continue;  // drain what is in flight
    if (!out->status.ok()) {
      status = out->status;
      continue;
    }
    if (chunk.ranged) {
      if (chunk.first_range()) line_base = 0;
      for (Reject& r : out->rejects) r.line += line_base;
      line_base += out->newlines;
    }
    result->stats.Add(out->stats);
    for (Reject& r : out->rejects) result->rejects.push_back(std::move(r));
    std::vector<FileJob> jobs;
    files->Add(std::move(out->rows), &jobs);
    out.reset();  // free the chunk before blocking on the writer
    for (FileJob& job : jobs) writer->Submit(std::move(job), /*wait_for_room=*/true);
    if (writer->failed()) status = writer->Finish();
    if (options.max_rejects >= 0 &&
        result->stats.rejects > static_cast<uint64_t>(options.max_rejects)) {
      status = Status::Aborted("too many rejects");  // the caller reports them
    }
  }
  if (status.code() == Status::Code::kAborted) return Status::OK();
  return status;
}

}  // namespace sparkify::lake
