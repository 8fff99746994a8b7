// The streaming log stage after parsing, on one core: DeriveChunkRows on each
// parsed chunk, SongplayFiles::Add (the driver's part), then every songplay and
// time file built and encoded to memory (no I/O). Prints the thread CPU
// seconds of each part (building a file's columns apart from encoding them),
// the best of --reps passes, so that a busy machine
// disturbs the figures less than whole runs.
//
//   songplay_bench --dir DIR [--files N] [--chunk-mb M] [--reps R]
//
// DIR holds song_data and log_data (the layout of `sparkify generate` and of
// the bench cache); the first N log files (by path) are parsed into chunks of
// about M MB, as the pipeline cuts them, before the timing starts.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lake/record_parser.h"
#include "lake/songplay_files.h"
#include "lake/songplay_rows.h"
#include "lake/table_layout.h"
#include "lake/transform.h"
#include "lake/write_stage.h"

namespace {

namespace fs = std::filesystem;
using namespace sparkify::lake;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

std::vector<std::pair<std::string, std::string>> ReadTree(const fs::path& root, size_t max_files) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".json") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  if (paths.size() > max_files) paths.resize(max_files);
  std::vector<std::pair<std::string, std::string>> files;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files.emplace_back(fs::relative(p, root).string(), ss.str());
  }
  return files;
}

class NullSink : public sparkify::parquet::Sink {
 public:
  sparkify::Status Append(std::string_view data) override {
    bytes += data.size();
    return sparkify::Status::OK();
  }
  uint64_t bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  size_t max_files = 6, chunk_mb = 16;
  int reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--files")) max_files = std::strtoul(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--chunk-mb")) chunk_mb = std::strtoul(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--reps")) reps = std::atoi(argv[i + 1]);
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: songplay_bench --dir DIR [--files N] [--chunk-mb M] [--reps R]\n");
    return 2;
  }
  RecordParser parser;
  std::vector<Reject> rejects;
  ParseStats stats;
  SongBatch song_batch;
  for (const auto& [path, text] : ReadTree(fs::path(dir) / "song_data", 1u << 30)) {
    parser.ParseSongs(path, text, &song_batch, &rejects, &stats);
  }
  std::vector<SongRow> songs = BuildSongs({&song_batch});
  SongMatcher matcher(songs);
  // Chunks of whole lines, about chunk_mb each, as log_chunks.h cuts big objects.
  std::vector<LogBatch> chunks;
  size_t log_bytes = 0;
  for (const auto& [path, text] : ReadTree(fs::path(dir) / "log_data", max_files)) {
    log_bytes += text.size();
    std::string_view rest = text;
    while (!rest.empty()) {
      size_t cut = std::min(rest.size(), chunk_mb << 20);
      while (cut < rest.size() && rest[cut - 1] != '\n') ++cut;
      chunks.emplace_back();
      parser.ParseLogs(path, rest.substr(0, cut), &chunks.back(), &rejects, &stats);
      rest.remove_prefix(cut);
    }
  }
  std::printf("%zu songs, %zu chunks, %.1f MB of logs\n", songs.size(), chunks.size(),
              log_bytes / 1e6);

  double best_derive = 1e9, best_add = 1e9, best_build = 1e9, best_encode = 1e9;
  uint64_t out_bytes = 0;
  for (int rep = 0; rep < reps; ++rep) {
    double derive = 0, add = 0, build = 0, encode = 0;
    SongplayFiles files(kMaxRowsPerFile, 1u << 20);
    {
      const double t = ThreadCpuSeconds();
      files.ReserveIds(log_bytes / kLogBytesPerSongplay);  // as StreamLogs does
      add += ThreadCpuSeconds() - t;
    }
    std::vector<FileJob> jobs;
    NullSink sink;
    auto write = [&] {
      const double t = ThreadCpuSeconds();
      for (FileJob& job : jobs) {
        job.build_columns = [&build, inner = std::move(job.build_columns)] {
          const double t = ThreadCpuSeconds();
          std::vector<sparkify::parquet::ColumnVector> c = inner();
          build += ThreadCpuSeconds() - t;
          return c;
        };
        uint64_t bytes = 0;
        sparkify::Status s = EncodeFile(job, sparkify::parquet::WriterOptions{}, &sink, &bytes);
        if (!s.ok()) std::abort();
      }
      jobs.clear();
      encode += ThreadCpuSeconds() - t;
    };
    for (const LogBatch& b : chunks) {
      double t = ThreadCpuSeconds();
      ChunkRows rows = DeriveChunkRows(b, matcher);
      derive += ThreadCpuSeconds() - t;
      t = ThreadCpuSeconds();
      files.Add(std::move(rows), &jobs);
      add += ThreadCpuSeconds() - t;
      write();
    }
    double t = ThreadCpuSeconds();
    files.Finish(&jobs);
    add += ThreadCpuSeconds() - t;
    write();
    best_derive = std::min(best_derive, derive);
    best_add = std::min(best_add, add);
    best_build = std::min(best_build, build);
    best_encode = std::min(best_encode, encode - build);
    out_bytes = sink.bytes;
  }
  std::printf(
      "derive %.3f s  add %.3f s  build %.3f s  encode %.3f s  total %.3f s  (%.1f MB out)\n",
      best_derive, best_add, best_build, best_encode,
      best_derive + best_add + best_build + best_encode, out_bytes / 1e6);
  return 0;
}
