#include "lake/log_stream.h"

#include <algorithm>

#include "lake/parse_stage.h"
#include "lake/record_parser.h"

namespace sparkify::lake {

namespace {

// Chunks in flight per pool thread, by default (LogStreamOptions::window).
constexpr size_t kChunksPerThread = 4;
// Log bytes that Start() queues, by default (LogStreamOptions::early_chunks),
// but at least a window of chunks: 32 local chunks of 4 MB, one window of
// 16 MB ranges on S3. Their parsed batches (~half their text) wait for Run().
constexpr uint64_t kEarlyBytes = 128u << 20;

}  // namespace

// What a worker hands back for one chunk.
struct LogStream::ChunkOutput {
  Status status;
  ParseStats stats;
  std::vector<Reject> rejects;
  uint64_t newlines = 0;  // in the text of a ranged chunk (reject line numbers)
  ChunkRows rows;
  // The parsed batch of a chunk parsed before Run() gave the matcher: the
  // driver derives `rows` from it.
  std::unique_ptr<LogBatch> batch;
};

LogStream::LogStream(fs::FileSystem* fs, const std::vector<InputObject>& objects,
                     const LogStreamOptions& options, ThreadPool* pool,
                     std::atomic<uint64_t>* bytes_done)
    : fs_(fs),
      objects_(objects),
      pool_(pool),
      bytes_done_(bytes_done),
      chunks_(PlanLogChunks(objects, options.chunk_bytes)),
      // Chunks in flight: the driver merges them in order, so a worker that
      // finishes early waits for a new chunk until the oldest one is merged.
      // With two per thread, on a loaded machine (chunk times vary with
      // preemption) the workers of a 1g run waited for a submit 3 to 5 times
      // a run, 0.06 to 0.15 s in all; with four, never. A chunk's rows are
      // ~2 MB.
      window_(options.window > 0
                  ? options.window
                  : static_cast<size_t>(kChunksPerThread * std::max(1, pool->size()))),
      early_chunks_(options.early_chunks > 0
                        ? options.early_chunks
                        : std::max<size_t>(
                              window_, kEarlyBytes / std::max<uint64_t>(1, options.chunk_bytes))),
      done_(chunks_.size(), false) {}

LogStream::~LogStream() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return running_ == 0; });
}

void LogStream::ParseChunk(size_t k, ChunkOutput* out) {
  const LogChunk& chunk = chunks_[k];
  // One buffer, parser and batch per worker: a big log is many chunks in a
  // row, and reusing their memory spares the kernel zeroing fresh pages.
  thread_local std::string buffer;
  thread_local RecordParser parser;
  thread_local LogBatch batch;
  LogBatch* parsed = nullptr;
  LogShardOutput shard;
  std::unique_ptr<fs::RandomAccessFile> file;  // the text may point into it
  if (!chunk.ranged) {
    out->status = ParseLogShard(fs_, objects_, chunk.begin, chunk.end, &shard, nullptr);
    if (!out->status.ok()) return;
    out->stats = shard.stats;
    out->rejects = std::move(shard.rejects);
    parsed = &shard.batch;
  } else {
    const InputObject& object = objects_[chunk.begin];
    std::string_view text;
    out->status = fs_->NewRandomAccessFile(object.path, &file);
    if (out->status.ok()) out->status = ReadLogRange(*file, object, chunk, &buffer, &text);
    if (!out->status.ok()) {
      out->status = out->status.WithContext(fs_->Describe() + "/" + object.path);
      return;
    }
    out->stats.objects = chunk.first_range() ? 1 : 0;
    out->stats.bytes = text.size();
    out->stats.decompressed_bytes = text.size();
    batch.Clear();
    parser.ParseLogs(object.path, text, &batch, &out->rejects, &out->stats, &out->newlines);
    parsed = &batch;
  }
  if (const SongMatcher* matcher = matcher_.load(std::memory_order_acquire)) {
    out->rows = DeriveChunkRows(*parsed, *matcher);
  } else {
    // Before Run(): the batch waits for the driver (the worker's own batch
    // is then made afresh for its next chunk).
    out->batch = std::make_unique<LogBatch>(std::move(*parsed));
    parsed->Clear();
  }
}

void LogStream::Submit(size_t k) {
  pending_.push_back(std::make_unique<ChunkOutput>());
  ChunkOutput* out = pending_.back().get();
  ++running_;
  pool_->Submit([this, k, out] {
    ParseChunk(k, out);
    if (bytes_done_) {
      const LogChunk& chunk = chunks_[k];
      uint64_t bytes = 0;
      if (chunk.ranged) {
        bytes = chunk.length;
      } else {
        for (size_t i = chunk.begin; i < chunk.end; ++i) bytes += objects_[i].size;
      }
      bytes_done_->fetch_add(bytes, std::memory_order_relaxed);
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_[k] = true;
    --running_;
    cv_.notify_all();
  });
}

void LogStream::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  while (submitted_ < chunks_.size() && submitted_ < early_chunks_) Submit(submitted_++);
}

Status LogStream::Run(const SongMatcher& matcher, int64_t max_rejects, SongplayFiles* files,
                      TableFileWriter* writer, LogStreamResult* result) {
  uint64_t log_bytes = 0;
  for (const InputObject& o : objects_) log_bytes += o.size;
  files->ReserveIds(static_cast<size_t>(log_bytes / kLogBytesPerSongplay));
  matcher_.store(&matcher, std::memory_order_release);

  Status status;
  uint64_t line_base = 0;  // lines of the current big object before this chunk
  while (merged_ < chunks_.size()) {
    std::unique_ptr<ChunkOutput> out;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (submitted_ < chunks_.size() && submitted_ - merged_ < window_ && status.ok()) {
        Submit(submitted_++);
      }
      if (merged_ == submitted_) break;  // stopped early: nothing more in flight
      cv_.wait(lock, [&] { return done_[merged_]; });
      out = std::move(pending_.front());
      pending_.pop_front();
    }
    const LogChunk& chunk = chunks_[merged_++];
    if (!status.ok()) continue;  // drain what is in flight
    if (!out->status.ok()) {
      status = out->status;
      continue;
    }
    if (out->batch) out->rows = DeriveChunkRows(*out->batch, matcher);  // parsed early
    out->batch.reset();
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
    if (max_rejects >= 0 && result->stats.rejects > static_cast<uint64_t>(max_rejects)) {
      status = Status::Aborted("too many rejects");  // the caller reports them
    }
  }
  if (status.code() == Status::Code::kAborted) return Status::OK();
  return status;
}

}  // namespace sparkify::lake
