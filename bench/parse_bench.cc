// Parse-stage throughput: RecordParser::ParseLogs and ParseSongs on one core,
// on text already in memory (no I/O, no decompression), in MB of JSON text per
// second of the thread's CPU time (so that waiting for a busy machine's cores
// does not count; wall time is printed too). Each figure is the best of --reps
// passes over all the files.
//
//   parse_bench [--dir DIR] [--events N] [--songs N] [--bad-lines N] [--reps R]
//               [--only logs|songs] [--keep DIR] [--clear]
//   parse_bench --read DIR [--reps R]
//
// Without --dir it generates a data set with the project's generator
// (`sparkify generate` code, seed 1, one thread) into a temporary folder (or
// --keep DIR, which is left in place for a later `--dir DIR` run, e.g. under
// callgrind) and reads it back. With --dir it reads DIR/log_data and
// DIR/song_data (the layout of the sample and of `sparkify generate`).
//
// --clear empties the log batch before each file, the way the log stream
// reuses one batch per 16 MB range (log_stream.h): no column growth once the
// batch has held the largest file. Without it, one batch takes every file,
// as the parse stage's tasks do.
//
// --read DIR measures reading instead (the log stage's I/O, no parsing): every
// file under DIR/log_data in 16 MB ranges through LocalFileSystem, once with
// ReadRange (pread into a reused buffer) and once with NewRandomAccessFile (a
// mapping of the file), touching every 64-byte line as a parser would; CPU
// seconds of the process (user + system, the kernel's copy included), best of
// --reps alternating passes. The page cache should hold the files already.
//
// For instruction counts (repeatable while the machine is busy):
//   parse_bench --keep /tmp/pb --events 20000 --songs 2000 --reps 0
//   valgrind --tool=callgrind --toggle-collect="*Pass<*"
//            parse_bench --dir /tmp/pb --reps 1 --only logs --clear
// and divide the instructions by the log bytes printed.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "fs/local_file_system.h"
#include "gen/generator.h"
#include "lake/record_parser.h"

namespace {

namespace fs = std::filesystem;
using sparkify::lake::LogBatch;
using sparkify::lake::ParseStats;
using sparkify::lake::RecordParser;
using sparkify::lake::Reject;
using sparkify::lake::SongBatch;

bool g_clear = false;  // --clear

struct File {
  std::string path;  // relative to its input root
  std::string text;
};

std::vector<File> ReadTree(const fs::path& root) {
  std::vector<File> files;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({fs::relative(entry.path(), root).string(), ss.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.path < b.path; });
  return files;
}

uint64_t TotalBytes(const std::vector<File>& files) {
  uint64_t n = 0;
  for (const File& f : files) n += f.text.size();
  return n;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Seconds {
  double cpu = 0;
  double wall = 0;
  uint64_t fast_records = 0;  // records stored by the parser's fast path
};

// One pass over `files` the way the parse stage calls the parser: one batch
// per task, several objects appended to it.
template <typename Batch, typename Parse>
Seconds Pass(const std::vector<File>& files, Parse parse, ParseStats* stats) {
  RecordParser parser;
  Batch batch;
  std::vector<Reject> rejects;
  *stats = ParseStats();
  const double cpu = ThreadCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (const File& f : files) {
    if constexpr (std::is_same_v<Batch, LogBatch>) {
      if (g_clear) batch.Clear();
    }
    parse(parser, f, &batch, &rejects, stats);
  }
  Seconds s;
  s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.cpu = ThreadCpuSeconds() - cpu;
  s.fast_records = parser.fast_path_records();
  return s;
}

void Report(const char* what, const std::vector<File>& files, int reps, bool songs) {
  const uint64_t bytes = TotalBytes(files);
  std::printf("%s: %zu files, %.1f MB", what, files.size(), bytes / 1e6);
  std::fflush(stdout);
  Seconds best;
  ParseStats stats;
  for (int r = 0; r < reps; ++r) {
    Seconds s;
    if (songs) {
      s = Pass<SongBatch>(
          files,
          [](RecordParser& p, const File& f, SongBatch* b, std::vector<Reject>* rj,
             ParseStats* st) { p.ParseSongs(f.path, f.text, b, rj, st); },
          &stats);
    } else {
      s = Pass<LogBatch>(
          files,
          [](RecordParser& p, const File& f, LogBatch* b, std::vector<Reject>* rj, ParseStats* st) {
            p.ParseLogs(f.path, f.text, b, rj, st);
          },
          &stats);
    }
    if (r == 0 || s.cpu < best.cpu) best.cpu = s.cpu;
    if (r == 0 || s.wall < best.wall) best.wall = s.wall;
    best.fast_records = s.fast_records;
  }
  if (reps > 0) {
    std::printf(
        ", %llu records, %llu rejects, best of %d: %.3f s CPU, %.1f MB/s per core "
        "(wall %.3f s), fast path %.2f%%\n",
        static_cast<unsigned long long>(stats.records),
        static_cast<unsigned long long>(stats.rejects), reps, best.cpu, bytes / 1e6 / best.cpu,
        best.wall, stats.records ? 100.0 * best.fast_records / stats.records : 0.0);
  } else {
    std::printf(" (%llu bytes)\n", static_cast<unsigned long long>(bytes));
  }
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: parse_bench [--dir DIR] [--events N] [--songs N] [--bad-lines N] "
               "[--reps R] [--only logs|songs] [--keep DIR] [--clear]\n"
               "       parse_bench --read DIR [--reps R]\n");
  std::exit(2);
}

double ProcessCpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// --read: see the comment at the top.
int ReadBench(const std::string& dir, int reps) {
  constexpr uint64_t kRangeBytes = 16u << 20;  // the log stage's chunk size
  auto local = sparkify::fs::NewLocalFileSystem((fs::path(dir) / "log_data").string());
  std::vector<sparkify::fs::FileInfo> files;
  sparkify::Status s = local->List("", &files);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  double best[2] = {0, 0};
  uint64_t bytes = 0, checksum = 0;
  for (int r = 0; r < std::max(reps, 1); ++r) {
    for (int mapped = 0; mapped < 2; ++mapped) {
      std::string buffer;
      bytes = 0;
      const double start = ProcessCpuSeconds();
      for (const auto& f : files) {
        std::unique_ptr<sparkify::fs::RandomAccessFile> file;
        if (mapped) s = local->NewRandomAccessFile(f.path, &file);
        for (uint64_t off = 0; s.ok() && off < f.size; off += kRangeBytes) {
          std::string_view text;
          if (mapped) {
            s = file->Read(off, kRangeBytes, &buffer, &text);
          } else {
            s = local->ReadRange(f.path, off, kRangeBytes, &buffer);
            text = buffer;
          }
          for (size_t i = 0; i < text.size(); i += 64) checksum += static_cast<uint8_t>(text[i]);
          bytes += text.size();
        }
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
      }
      const double cpu = ProcessCpuSeconds() - start;
      if (r == 0 || cpu < best[mapped]) best[mapped] = cpu;
    }
  }
  std::printf(
      "read %zu files, %.1f MB in 16 MB ranges, best of %d: pread %.3f CPU s, "
      "mapped %.3f CPU s (checksum %llu)\n",
      files.size(), bytes / 1e6, std::max(reps, 1), best[0], best[1],
      static_cast<unsigned long long>(checksum));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, keep, only, read;
  int64_t events = 200000, songs = 10000, bad_lines = 20;
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--dir") {
      dir = value();
    } else if (a == "--clear") {
      g_clear = true;
    } else if (a == "--keep") {
      keep = value();
    } else if (a == "--events") {
      events = std::atoll(value().c_str());
    } else if (a == "--songs") {
      songs = std::atoll(value().c_str());
    } else if (a == "--bad-lines") {
      bad_lines = std::atoll(value().c_str());
    } else if (a == "--reps") {
      reps = std::atoi(value().c_str());
    } else if (a == "--only") {
      only = value();
    } else if (a == "--read") {
      read = value();
    } else {
      Usage();
    }
  }

  if (!read.empty()) return ReadBench(read, reps);

  bool temporary = false;
  if (dir.empty()) {
    sparkify::gen::GenerateOptions opt;
    if (keep.empty()) {
      char tmpl[] = "/tmp/parse_bench_XXXXXX";
      if (!mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return 1;
      }
      opt.out_dir = tmpl;
      temporary = true;
    } else {
      opt.out_dir = keep;
      opt.overwrite = true;
    }
    opt.events = events;
    opt.songs = songs;
    opt.bad_lines = bad_lines;
    opt.seed = 1;
    opt.threads = 1;
    auto report = sparkify::gen::Generate(opt);
    if (!report.ok()) {
      std::fprintf(stderr, "generate: %s\n", report.status().ToString().c_str());
      return 1;
    }
    dir = opt.out_dir;
  }
  std::vector<File> logs = ReadTree(fs::path(dir) / "log_data");
  std::vector<File> song_files = ReadTree(fs::path(dir) / "song_data");
  if (temporary) fs::remove_all(dir);

  if (only.empty() || only == "logs") Report("ParseLogs", logs, reps, false);
  if (only.empty() || only == "songs") Report("ParseSongs", song_files, reps, true);
  return 0;
}
