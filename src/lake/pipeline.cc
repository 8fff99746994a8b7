#include "lake/pipeline.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>

#include "json/json_writer.h"
#include "lake/commit/transaction.h"
#include "lake/incremental.h"
#include "lake/input_list.h"
#include "lake/log_stream.h"
#include "lake/parse_stage.h"
#include "lake/progress.h"
#include "lake/songplay_files.h"
#include "lake/table_file_writer.h"
#include "lake/table_layout.h"
#include "lake/thread_pool.h"
#include "lake/transform.h"
#include "lake/write_stage.h"

namespace sparkify::lake {

namespace {

// Rejects quoted in the error of a run stopped by --max-rejects.
constexpr size_t kRejectsInError = 5;

using Clock = std::chrono::steady_clock;

// Threads beyond --threads that only write the catalogue's files in the
// background (ThreadPool). Creating a partition folder and file mostly waits
// for the file system to read inode tables and bitmaps from disk (on a 1g run
// of bench/etl_bench.sh, the 11,506 song partitions left the two cores half
// idle for the last ~0.2 s, once the logs were done, while the workers made
// them).
// On the helper those waits overlap the workers' parsing.
constexpr int kBackgroundHelpers = 1;

// glibc's allocator gives the big buffers of a run (a chunk's columns, a
// file's columns, tens of MB each) straight back to the kernel when freed,
// by munmap or by trimming the heap, and the next chunk's buffers are then
// fresh pages that the kernel zeroes on first touch: on 1 GB of logs that
// was half of the process's CPU time, in the kernel. Keeping freed memory
// in the process lets the next chunk reuse it. Peak memory is bounded by
// the stage's window anyway, so nothing piles up.
constexpr int kMmapThresholdBytes = 32 << 20;  // glibc's maximum; above this mmap stays
constexpr int kTrimThresholdBytes = 1 << 30;

void KeepFreedMemory() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
    mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes);
  });
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const char* CodecName(parquet::Codec c) {
  switch (c) {
    case parquet::Codec::kSnappy:
      return "snappy";
    case parquet::Codec::kZstd:
      return "zstd";
    case parquet::Codec::kGzip:
      return "gzip";
    case parquet::Codec::kUncompressed:
      return "none";
  }
  return "?";
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status OpenInput(const std::string& what, const std::string& uri, const fs::OpenOptions& open,
                 bool sizes, std::unique_ptr<fs::FileSystem>* fs,
                 std::vector<InputObject>* objects) {
  if (uri.empty()) return Status::InvalidArgument("no " + what + " input given");
  Status s = fs::OpenFileSystem(uri, open, fs);
  if (s.code() == Status::Code::kNotSupported) return Status::InvalidArgument(s.message());
  SPARKIFY_RETURN_IF_ERROR(s);
  s = ListInputObjects(fs->get(), objects, sizes);
  if (s.IsNotFound()) {
    return Status::InvalidArgument(what + " input does not exist: " + (*fs)->Describe());
  }
  return s.WithContext("listing " + what + " input " + (*fs)->Describe());
}

void AppendInput(std::string* out, const InputSummary& in) {
  *out += "{\"uri\":";
  json::AppendQuoted(out, in.uri);
  *out += ",\"objects\":" + std::to_string(in.objects) + ",\"bytes\":" + std::to_string(in.bytes) +
          ",\"decompressed_bytes\":" + std::to_string(in.decompressed_bytes) +
          ",\"records\":" + std::to_string(in.records) +
          ",\"rejects\":" + std::to_string(in.rejects) + "}";
}

}  // namespace

std::string RejectsToJsonLines(const std::vector<Reject>& rejects) {
  std::vector<const Reject*> sorted;
  for (const Reject& r : rejects) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const Reject* a, const Reject* b) {
    return std::tie(a->input, a->object, a->line, a->reason) <
           std::tie(b->input, b->object, b->line, b->reason);
  });
  std::string out;
  for (const Reject* r : sorted) {
    out += "{\"input\":";
    json::AppendQuoted(&out, r->input);
    out += ",\"object\":";
    json::AppendQuoted(&out, r->object);
    out += ",\"line\":" + std::to_string(r->line) + ",\"reason\":";
    json::AppendQuoted(&out, r->reason);
    out += ",\"raw\":";
    json::AppendQuoted(&out, r->raw);
    out += "}\n";
  }
  return out;
}

std::string RunReport::ToJson() const {
  std::string out = "{\n  \"tool\": \"sparkify\",\n  \"version\": ";
  json::AppendQuoted(&out, SPARKIFY_VERSION);
  out += ",\n  \"run_id\": ";
  json::AppendQuoted(&out, run_id);
  out += ",\n  \"output\": ";
  json::AppendQuoted(&out, out_uri);
  out += ",\n  \"started_at\": ";
  json::AppendQuoted(&out, started_at);
  out += ",\n  \"threads\": " + std::to_string(threads);
  out += ",\n  \"compression\": ";
  json::AppendQuoted(&out, compression);
  out += std::string(",\n  \"incremental\": ") + (incremental ? "true" : "false");
  out += std::string(",\n  \"fsync\": ") + (fsync ? "true" : "false");
  out += ",\n  \"inputs\": {\n    \"songs\": ";
  AppendInput(&out, songs);
  out += ",\n    \"logs\": ";
  AppendInput(&out, logs);
  out += "\n  },\n  \"tables\": {";
  bool first = true;
  for (const char* name : kTableNames) {
    auto it = tables.find(name);
    TableSummary t = it == tables.end() ? TableSummary{} : it->second;
    out += first ? "\n    " : ",\n    ";
    first = false;
    json::AppendQuoted(&out, name);
    out += ": {\"rows\":" + std::to_string(t.rows) + ",\"files\":" + std::to_string(t.files) +
           ",\"bytes\":" + std::to_string(t.bytes);
    if (std::string_view(name) == "songplays") {
      out += ",\"matched\":" + std::to_string(matched_songplays);
    }
    out += "}";
  }
  out += "\n  },\n  \"rejects\": {\"count\": " + std::to_string(rejects) + ", \"path\": ";
  json::AppendQuoted(&out, kRejectsPath);
  out += ", \"by_reason\": {";
  first = true;
  for (const auto& [reason, count] : rejects_by_reason) {
    if (!first) out += ", ";
    first = false;
    json::AppendQuoted(&out, reason);
    out += ": " + std::to_string(count);
  }
  out += "}},\n  \"seconds\": {";
  first = true;
  for (const auto& [stage, s] : seconds) {
    if (!first) out += ", ";
    first = false;
    json::AppendQuoted(&out, stage);
    out += ": ";
    json::AppendDouble(&out, std::round(s * 1000) / 1000);
  }
  out += "}\n}\n";
  return out;
}

std::string RunReport::ToText() const {
  auto mb = [](uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f MB", b / 1e6);
    return std::string(buf);
  };
  auto rows = [&](const char* t) {
    auto it = tables.find(t);
    return std::to_string(it == tables.end() ? 0 : it->second.rows);
  };
  std::string out;
  out += "sparkify etl: read " + std::to_string(songs.objects) + " song objects (" +
         mb(songs.bytes) + ") and " + std::to_string(logs.objects) + " log objects (" +
         mb(logs.bytes) + ")\n";
  out += "  rows: songs " + rows("songs") + ", artists " + rows("artists") + ", users " +
         rows("users") + ", time " + rows("time") + ", songplays " + rows("songplays") + " (" +
         std::to_string(matched_songplays) + " matched to a song)\n";
  out += "  rejects: " + std::to_string(rejects);
  if (rejects > 0) out += " (see " + std::string(kRejectsPath) + ")";
  out += "\n";
  auto it = seconds.find("total");
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f s", it == seconds.end() ? 0.0 : it->second);
  out += "  output: " + out_uri + " (run " + run_id + ", " + std::to_string(threads) +
         " threads, " + buf + ")\n";
  return out;
}

namespace {

// What both kinds of run share once the inputs are listed and the lake is locked.
struct RunContext {
  const PipelineOptions& options;
  RunReport* report;
  fs::FileSystem* songs_fs;
  fs::FileSystem* logs_fs;
  fs::FileSystem* out_fs;
  Transaction* txn;
  std::vector<InputObject>& song_objects;
  std::vector<InputObject>& log_objects;
  ThreadPool* pool;
  Progress* progress;
  // Full runs: the log stream, started before the songs are read, and the
  // bytes it has parsed so far (progress).
  LogStream* stream;
  std::atomic<uint64_t>* bytes_done;
};

void FillInput(InputSummary* in, const ParseStats& st) {
  in->objects = st.objects;
  in->bytes = st.bytes;
  in->decompressed_bytes = st.decompressed_bytes;
  in->records = st.records;
  in->rejects = st.rejects;
}

// Counts the rejects into the report; Aborted (after aborting the
// transaction) when they exceed --max-rejects.
Status CheckRejects(const RunContext& c, std::vector<Reject>* rejects) {
  RunReport* report = c.report;
  report->rejects = rejects->size();
  report->rejects_by_reason.clear();
  for (const Reject& r : *rejects) ++report->rejects_by_reason[r.reason];
  const int64_t max = c.options.max_rejects;
  if (max < 0 || report->rejects <= static_cast<uint64_t>(max)) return Status::OK();
  std::string msg = std::to_string(report->rejects) + " rejected records exceed --max-rejects " +
                    std::to_string(max) + "; first ones:";
  std::sort(rejects->begin(), rejects->end(), [](const Reject& a, const Reject& b) {
    return std::tie(a.input, a.object, a.line) < std::tie(b.input, b.object, b.line);
  });
  for (size_t i = 0; i < rejects->size() && i < kRejectsInError; ++i) {
    const Reject& r = (*rejects)[i];
    msg += "\n  " + r.input + "/" + r.object + ":" + std::to_string(r.line) + ": " + r.reason;
    report->first_rejects.push_back(r);
  }
  c.txn->Abort();
  return Status::Aborted(msg);
}

// Parses every song object (one task per shard).
Status ParseSongs(const RunContext& c, std::vector<SongShardOutput>* outputs,
                  std::atomic<uint64_t>* bytes_done) {
  // Listed without sizes (local disk, ListPaths), the files are sharded by
  // count only, into at least kUnsizedShards shards (when there are that many
  // files): a catalogue of a few big multi-song files still spreads over the
  // threads, one of one-song files makes shards of at most 64 (~16 KB).
  const bool sized = std::any_of(c.song_objects.begin(), c.song_objects.end(),
                                 [](const InputObject& o) { return o.size > 0; });
  const size_t max_objects =
      sized ? kShardMaxObjects
            : std::clamp<size_t>(c.song_objects.size() / kUnsizedShards, 1, kUnsizedShards);
  std::vector<ShardRange> shards =
      PlanShards(c.song_objects, c.options.shard_target_bytes, max_objects);
  outputs->assign(shards.size(), SongShardOutput());
  std::vector<Status> status(shards.size());
  c.pool->ParallelFor(shards.size(), [&](size_t i) {
    status[i] = ParseSongShard(c.songs_fs, c.song_objects, shards[i].begin, shards[i].end,
                               &(*outputs)[i], bytes_done);
  });
  for (const Status& s : status) SPARKIFY_RETURN_IF_ERROR(s);
  return Status::OK();
}

// The jobs of `tables` only (PlanTableFiles plans every table of `rows`).
std::vector<FileJob> JobsOf(const TableRows& rows, size_t max_rows_per_file,
                            std::initializer_list<std::string_view> tables) {
  std::vector<FileJob> jobs;
  for (FileJob& job : PlanTableFiles(rows, max_rows_per_file)) {
    if (std::find(tables.begin(), tables.end(), job.table) != tables.end()) {
      jobs.push_back(std::move(job));
    }
  }
  return jobs;
}

// Consecutive jobs of the same table and first partition folder ("year=1969"),
// in order. One thread makes all of a folder's subfolders: mkdir(2) holds the
// parent folder's lock, so two threads in the same parent mostly wait for each
// other. Only a folder with more than a thread's share of the files is cut (so
// that a catalogue with one huge year still spreads over the threads); the
// writer starts the biggest groups first (TableFileWriter::SubmitGroups), so
// the year-less songs' folder (a third of a catalogue's partitions) does not
// run alone at the end.
std::vector<std::vector<FileJob>> GroupByTopFolder(std::vector<FileJob> jobs, size_t threads) {
  const size_t max_group =
      std::max<size_t>(1, (jobs.size() + threads - 1) / std::max<size_t>(1, threads));
  auto top = [](const FileJob& j) {
    return std::string_view(j.partition).substr(0, j.partition.find('/'));
  };
  std::vector<std::vector<FileJob>> groups;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (groups.empty() || groups.back().size() >= max_group ||
        groups.back().front().table != jobs[i].table ||
        top(groups.back().front()) != top(jobs[i])) {
      groups.emplace_back();
    }
    groups.back().push_back(std::move(jobs[i]));
  }
  return groups;
}

// A full run: songs in memory (the catalogue), logs streamed chunk by chunk
// (log_stream.h), so memory does not grow with the logs.
Status RunStreaming(const RunContext& c, std::string* rejects_jsonl) {
  const PipelineOptions& options = c.options;
  RunReport* report = c.report;
  KeepFreedMemory();
  auto t = Clock::now();
  uint64_t total_bytes = 0;
  for (const auto& o : c.song_objects) total_bytes += o.size;
  for (const auto& o : c.log_objects) total_bytes += o.size;
  c.progress->StartStage("parse", total_bytes, Progress::Unit::kBytes, c.bytes_done);

  // The songs: every log chunk is matched against them. The first log chunks
  // are being parsed meanwhile (LogStream::Start); song shards go first.
  std::vector<SongShardOutput> song_outputs;
  Status s = ParseSongs(c, &song_outputs, c.bytes_done);
  if (!s.ok()) {
    c.progress->EndStage();
    return s;
  }
  std::vector<const SongBatch*> song_batches;
  ParseStats song_stats;
  std::vector<Reject> rejects;
  for (auto& o : song_outputs) {
    song_batches.push_back(&o.batch);
    song_stats.Add(o.stats);
    rejects.insert(rejects.end(), o.rejects.begin(), o.rejects.end());
  }
  FillInput(&report->songs, song_stats);
  // Each step below is serial; two at a time keep both cores busy until the
  // files are queued.
  TableRows dims;
  c.pool->ParallelFor(2, [&](size_t i) {
    if (i == 0) {
      dims.songs = BuildSongs(song_batches);
    } else {
      dims.artists = BuildArtists(song_batches);
    }
  });
  std::vector<FileJob> dim_jobs;
  std::optional<SongMatcher> matcher;
  c.pool->ParallelFor(2, [&](size_t i) {
    if (i == 0) {
      dim_jobs = JobsOf(dims, options.max_rows_per_file, {"songs", "artists"});
    } else {
      matcher.emplace(dims.songs);
    }
  });
  report->seconds["songs"] = SecondsSince(t);

  for (const char* table : kTableNames) c.txn->SetTableMode(table, TableMode::kReplace);
  ResetIncrementalState(c.txn);
  parquet::WriterOptions writer_options;
  writer_options.codec = options.codec;
  // Two songplay files per thread may wait: enough to keep every core busy.
  TableFileWriter writer(c.txn, c.pool, writer_options, 2 * c.pool->size());
  // The catalogue's files are written while the logs are parsed, one task per
  // top folder (songs: a year) so that the threads make new partition
  // folders under different parents. They are background tasks: the first
  // log chunks are queued already, so the workers go on with those and the
  // pool's background helper takes the files.
  writer.SubmitGroups(GroupByTopFolder(std::move(dim_jobs), c.pool->size()));

  // Logs, streamed.
  auto t_logs = Clock::now();
  int64_t max_rejects = -1;
  if (options.max_rejects >= 0) {
    max_rejects = options.max_rejects - static_cast<int64_t>(rejects.size());
    if (max_rejects < 0) {
      writer.Finish();
      return CheckRejects(c, &rejects);
    }
  }
  SongplayFiles files(options.max_rows_per_file, kMaxBufferedSongplays);
  LogStreamResult logs;
  s = c.stream->Run(*matcher, max_rejects, &files, &writer, &logs);
  c.progress->EndStage();
  report->seconds["logs"] = SecondsSince(t_logs);
  report->seconds["parse"] = SecondsSince(t);
  if (!s.ok()) {
    writer.Finish();
    return s.WithContext("writing " + c.out_fs->Describe());
  }
  FillInput(&report->logs, logs.stats);
  for (Reject& r : logs.rejects) rejects.push_back(std::move(r));
  // No file may be written once CheckRejects aborts the transaction.
  if (options.max_rejects >= 0) writer.Finish();
  SPARKIFY_RETURN_IF_ERROR(CheckRejects(c, &rejects));
  *rejects_jsonl = RejectsToJsonLines(rejects);

  // What could only be written once every event was seen.
  t = Clock::now();
  std::vector<FileJob> jobs;
  files.Finish(&jobs);
  TableRows users;
  users.users = files.Users();
  for (FileJob& job : JobsOf(users, options.max_rows_per_file, {"users"})) {
    jobs.push_back(std::move(job));
  }
  for (FileJob& job : jobs) writer.Submit(std::move(job), /*wait_for_room=*/false);
  s = writer.Finish();
  if (!s.ok()) return s.WithContext("writing " + c.out_fs->Describe());
  for (const auto& [table, st] : writer.stats()) {
    report->tables[table] = TableSummary{st.rows, st.files, st.bytes};
  }
  for (const char* table : kTableNames) report->tables[table];  // every table appears
  report->matched_songplays = files.matched();
  report->seconds["write"] = SecondsSince(t);
  return Status::OK();
}

// An incremental run: the transform needs the batches of every object loaded
// so far (incremental.h), so it runs on all of them in memory.
Status RunInMemory(const RunContext& c, IncrementalRun* incremental, std::string* rejects_jsonl) {
  const PipelineOptions& options = c.options;
  RunReport* report = c.report;
  ThreadPool& pool = *c.pool;
  auto t = Clock::now();
  std::vector<ShardRange> song_shards = PlanShards(c.song_objects, options.shard_target_bytes);
  std::vector<ShardRange> log_shards = PlanShards(c.log_objects, options.shard_target_bytes);
  std::vector<SongShardOutput> song_outputs(song_shards.size());
  std::vector<LogShardOutput> log_outputs(log_shards.size());
  std::vector<Status> task_status(song_shards.size() + log_shards.size());
  uint64_t total_bytes = 0;
  for (const auto& o : c.song_objects) total_bytes += o.size;
  for (const auto& o : c.log_objects) total_bytes += o.size;
  std::atomic<uint64_t> bytes_done{0};
  c.progress->StartStage("parse", total_bytes, Progress::Unit::kBytes, &bytes_done);
  pool.ParallelFor(task_status.size(), [&](size_t i) {
    if (i < song_shards.size()) {
      const ShardRange& r = song_shards[i];
      task_status[i] =
          ParseSongShard(c.songs_fs, c.song_objects, r.begin, r.end, &song_outputs[i], &bytes_done);
    } else {
      size_t k = i - song_shards.size();
      const ShardRange& r = log_shards[k];
      task_status[i] =
          ParseLogShard(c.logs_fs, c.log_objects, r.begin, r.end, &log_outputs[k], &bytes_done);
    }
  });
  c.progress->EndStage();
  for (const Status& ts : task_status) SPARKIFY_RETURN_IF_ERROR(ts);

  std::vector<Reject> rejects;
  std::vector<const SongBatch*> song_batches;
  std::vector<const LogBatch*> log_batches;
  ParseStats song_stats, log_stats;
  for (auto& o : song_outputs) {
    song_batches.push_back(&o.batch);
    song_stats.Add(o.stats);
    rejects.insert(rejects.end(), o.rejects.begin(), o.rejects.end());
  }
  for (auto& o : log_outputs) {
    log_batches.push_back(&o.batch);
    log_stats.Add(o.stats);
    rejects.insert(rejects.end(), o.rejects.begin(), o.rejects.end());
  }
  FillInput(&report->songs, song_stats);
  FillInput(&report->logs, log_stats);
  report->seconds["parse"] = SecondsSince(t);
  SPARKIFY_RETURN_IF_ERROR(CheckRejects(c, &rejects));
  *rejects_jsonl = RejectsToJsonLines(rejects);

  {
    std::vector<const SongBatch*> new_songs = song_batches;
    std::vector<const LogBatch*> new_logs = log_batches;
    SPARKIFY_RETURN_IF_ERROR(
        incremental->MergeBatches(new_songs, new_logs, &song_batches, &log_batches));
  }

  // 3. transform
  t = Clock::now();
  TableRows rows;
  rows.songs = BuildSongs(song_batches);
  rows.artists = BuildArtists(song_batches);
  pool.ParallelFor(2, [&](size_t i) {
    if (i == 0) {
      rows.users = BuildUsers(log_batches);
    } else {
      rows.songplays = BuildSongplays(log_batches, rows.songs);
    }
  });
  rows.time = BuildTime(rows.songplays);
  for (const SongplayRow& p : rows.songplays) report->matched_songplays += p.song_id.has_value();
  report->seconds["transform"] = SecondsSince(t);

  // 4. write
  t = Clock::now();
  // Declare every table, so one that is empty this run replaces the old
  // content instead of being left as it was.
  for (const char* table : kTableNames) c.txn->SetTableMode(table, TableMode::kReplace);
  std::vector<FileJob> jobs = PlanTableFiles(rows, options.max_rows_per_file);
  parquet::WriterOptions writer_options;
  writer_options.codec = options.codec;
  // Only the partitions whose rows changed are rewritten.
  SPARKIFY_RETURN_IF_ERROR(
      incremental->SelectChangedFiles(writer_options, options.max_rows_per_file, &jobs));
  std::map<std::string, TableWriteStats> write_stats;
  std::atomic<uint64_t> files_done{0};
  c.progress->StartStage("write", jobs.size(), Progress::Unit::kFiles, &files_done);
  Status s = WriteTableFiles(jobs, writer_options, c.txn, &pool, &write_stats, &files_done);
  c.progress->EndStage();
  if (!s.ok()) return s.WithContext("writing " + c.out_fs->Describe());
  for (const auto& [table, st] : write_stats) {
    report->tables[table] = TableSummary{st.rows, st.files, st.bytes};
  }
  // Rows in the lake, not only in the partitions this run rewrote.
  report->tables["songs"].rows = rows.songs.size();
  report->tables["artists"].rows = rows.artists.size();
  report->tables["users"].rows = rows.users.size();
  report->tables["time"].rows = rows.time.size();
  report->tables["songplays"].rows = rows.songplays.size();
  report->seconds["write"] = SecondsSince(t);
  return incremental->Finish();
}

}  // namespace

Status RunPipeline(const PipelineOptions& options, RunReport* report) {
  const auto run_start = Clock::now();
  *report = RunReport();
  report->started_at = UtcNow();
  report->compression = CodecName(options.codec);
  report->incremental = options.incremental;
  report->fsync = options.sync;
  if (options.threads < 0) return Status::InvalidArgument("--threads must be at least 1");

  // 1. list: the logs first, so that a full run's workers parse the first
  // log chunks while the song files are listed (LogStream::Start; the
  // catalogue's many small files leave the cores partly idle).
  auto t = Clock::now();
  std::unique_ptr<fs::FileSystem> songs_fs, logs_fs, out_fs;
  std::vector<InputObject> song_objects, log_objects;
  SPARKIFY_RETURN_IF_ERROR(
      OpenInput("logs", options.logs_uri, options.open, /*sizes=*/true, &logs_fs, &log_objects));
  ThreadPool pool(options.threads, kBackgroundHelpers);
  report->threads = pool.size();
  std::atomic<uint64_t> bytes_done{0};
  std::unique_ptr<LogStream> stream;
  if (!options.incremental) {
    LogStreamOptions stream_options;
    stream_options.chunk_bytes =
        std::min<uint64_t>(options.shard_target_bytes, logs_fs->PreferredReadBytes());
    stream_options.early_chunks = options.early_log_chunks;
    stream =
        std::make_unique<LogStream>(logs_fs.get(), log_objects, stream_options, &pool, &bytes_done);
    stream->Start();
  }
  // A full run reads every song file whole and shards them by count, so on
  // local disk the song files are listed without a stat each; an
  // incremental run tells new files by size and time.
  SPARKIFY_RETURN_IF_ERROR(OpenInput("songs", options.songs_uri, options.open,
                                     /*sizes=*/options.incremental, &songs_fs, &song_objects));
  report->songs.uri = songs_fs->Describe();
  report->logs.uri = logs_fs->Describe();
  report->seconds["list"] = SecondsSince(t);

  if (options.out_uri.empty()) return Status::InvalidArgument("no output location given");
  Status s = fs::OpenFileSystem(options.out_uri, options.open, &out_fs);
  if (s.code() == Status::Code::kNotSupported) return Status::InvalidArgument(s.message());
  SPARKIFY_RETURN_IF_ERROR(s);
  report->out_uri = out_fs->Describe();

  // Take the lake's lock before the work, so a busy or unwritable output fails fast.
  TransactionOptions txn_options;
  txn_options.force_unlock = options.force_unlock;
  txn_options.sync = options.sync;
  txn_options.symlink_manifests = options.symlink_manifests;
  std::unique_ptr<Transaction> txn;
  s = Transaction::Begin(out_fs.get(), txn_options, &txn);
  if (!s.ok()) return s.WithContext("cannot start writing " + out_fs->Describe());
  report->run_id = txn->run_id();

  // Incremental runs read only objects not loaded before (incremental.h).
  std::unique_ptr<IncrementalRun> incremental;
  if (options.incremental) {
    SPARKIFY_RETURN_IF_ERROR(IncrementalRun::Start(txn.get(), out_fs.get(), &incremental));
    incremental->SelectNewObjects(&song_objects, &log_objects);
  }

  Progress progress(options.progress ? Progress::Mode::kAuto : Progress::Mode::kOff);
  RunContext context{options,      report,    songs_fs.get(), logs_fs.get(),
                     out_fs.get(), txn.get(), song_objects,   log_objects,
                     &pool,        &progress, stream.get(),   &bytes_done};

  // 2-4. parse, transform, write
  std::string rejects_jsonl;
  s = incremental ? RunInMemory(context, incremental.get(), &rejects_jsonl)
                  : RunStreaming(context, &rejects_jsonl);
  if (!s.ok()) return s;

  // 5. commit
  t = Clock::now();
  s = txn->WriteRunFile(kRejectsPath, rejects_jsonl);
  if (!s.ok()) return s.WithContext("writing " + std::string(kRejectsPath));
  report->seconds["total"] = SecondsSince(run_start);
  report->summary_json = report->ToJson();
  s = txn->Commit(report->summary_json);
  if (!s.ok()) return s.WithContext("committing " + out_fs->Describe());
  report->seconds["commit"] = SecondsSince(t);
  report->seconds["total"] = SecondsSince(run_start);
  return Status::OK();
}

}  // namespace sparkify::lake
