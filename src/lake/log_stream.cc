#include "lake/log_stream.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lake/log_chunks.h"
#include "lake/parse_stage.h"
#include "lake/record_parser.h"

namespace sparkify::lake {

namespace {

// What a worker hands back for one chunk.
struct ChunkOutput {
  Status status;
  ParseStats stats;
  std::vector<Reject> rejects;
  uint64_t newlines = 0;  // in the text of a ranged chunk (reject line numbers)
  ChunkRows rows;
};

// Number of '\n' in `text`, sixteen bytes at a time with SSE2, else eight
// with plain integers: std::count went byte by byte over every chunk (3% of
// the samples on 1g). For the word loop: a byte b of x = word ^
// "\n\n..." is zero iff ((b & 0x7f) + 0x7f) | b has its high bit clear; the
// high bits, shifted down, are per-byte counts summed in `bytes` until a byte
// could overflow, then added up lane by lane.
uint64_t CountNewlines(std::string_view text) {
  const char* p = text.data();
  size_t n = text.size();
  uint64_t total = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time (SSE2 is part of every x86-64 CPU): each lane of
  // `lanes` counts its newlines (compare gives -1, subtracted), summed with
  // psadbw before a lane could overflow.
  constexpr size_t kBlocksPerSum = 255;
  const __m128i newline = _mm_set1_epi8('\n');
  while (n >= 16) {
    __m128i lanes = _mm_setzero_si128();
    for (size_t k = 0; k < kBlocksPerSum && n >= 16; ++k, p += 16, n -= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(x, newline));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    total += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<uint64_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  constexpr uint64_t kNewlines = 0x0a0a0a0a0a0a0a0aULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr size_t kWordsPerSum = 255;  // a byte counter holds at most 255
  while (n >= 8) {
    uint64_t bytes = 0;
    for (size_t k = 0; k < kWordsPerSum && n >= 8; ++k, p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      const uint64_t x = w ^ kNewlines;
      bytes += (~(((x & kLow7) + kLow7) | x) >> 7) & kOnes;
    }
    constexpr uint64_t kEvenBytes = 0x00ff00ff00ff00ffULL;
    const uint64_t pairs = (bytes & kEvenBytes) + ((bytes >> 8) & kEvenBytes);  // <= 510 each
    total += (pairs * 0x0001000100010001ULL) >> 48;
  }
  for (; n > 0; --n, ++p) total += *p == '\n';
  return total;
}

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
  std::string_view text;
  out->status = ReadLogRange(fs, object, chunk, &buffer, &text);
  if (!out->status.ok()) {
    out->status = out->status.WithContext(fs->Describe() + "/" + object.path);
    return;
  }
  out->stats.objects = chunk.first_range() ? 1 : 0;
  out->stats.bytes = text.size();
  out->stats.decompressed_bytes = text.size();
  out->newlines = CountNewlines(text);
  batch.Clear();
  parser.ParseLogs(object.path, text, &batch, &out->rejects, &out->stats);
  out->rows = DeriveChunkRows(batch, matcher);
}

}  // namespace

Status StreamLogs(fs::FileSystem* fs, const std::vector<InputObject>& objects,
                  const SongMatcher& matcher, const LogStreamOptions& options, ThreadPool* pool,
                  SongplayFiles* files, TableFileWriter* writer, LogStreamResult* result,
                  std::atomic<uint64_t>* bytes_done) {
  const std::vector<LogChunk> chunks = PlanLogChunks(objects, options.chunk_bytes);
  const size_t window =
      options.window > 0 ? options.window : static_cast<size_t>(2 * std::max(1, pool->size()));

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
