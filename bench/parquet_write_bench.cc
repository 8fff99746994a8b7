// Parquet write throughput: our FileWriter against DuckDB's
// COPY ... TO ... (FORMAT PARQUET), single-threaded, on the same data, in the
// same run. Throughput is MB/s of uncompressed column data (8 bytes per
// int64/double/timestamp value, 4 + length per string, as PLAIN would store
// them) per second of wall time; each figure is the median of --reps runs.
//
//   parquet_write_bench [--rows N] [--reps R] [--no-duckdb] [--dir DIR] [--only DATASET]
//                       [--zstd-level L] [--codec none|snappy|zstd]
// zstd level: by default each side uses its own default (ours: WriterOptions, 1; DuckDB's: 3),
// since that is what a user gets; --zstd-level L makes both sides use L.
//
// Both sides write a file under DIR (default: a fresh /tmp directory). DuckDB
// first loads the same values from an uncompressed Parquet file we write,
// then only its COPY is timed (bench/parquet_duckdb_write.mjs). Each data set
// is measured on both sides before the next one starts (a fresh DuckDB process
// per data set), so both see about the same load on a shared machine.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "parquet/writer.h"

namespace {

using namespace sparkify::parquet;

struct Dataset {
  std::string name;
  ColumnSchema schema;
  ColumnVector column;
  uint64_t data_bytes = 0;
  // The batch as WriteBatch takes it, built once: building it copies the
  // column, which is the caller's business, not the writer's (DuckDB's side
  // likewise times only its COPY).
  std::vector<ColumnVector> batch;
};

std::vector<Dataset> MakeDatasets(size_t rows) {
  std::mt19937_64 rng(42);
  std::vector<Dataset> out;
  {
    Dataset d{"int64",
              {"v", PhysicalType::kInt64, LogicalType::kNone, Repetition::kOptional},
              ColumnVector(PhysicalType::kInt64)};
    for (size_t i = 0; i < rows; ++i)
      d.column.AppendInt64(static_cast<int64_t>(rng() % 1000000000000ULL));
    d.data_bytes = 8 * rows;
    out.push_back(std::move(d));
  }
  {
    Dataset d{"double",
              {"v", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional},
              ColumnVector(PhysicalType::kDouble)};
    std::uniform_real_distribution<double> u(0, 1000);
    for (size_t i = 0; i < rows; ++i) d.column.AppendDouble(u(rng));
    d.data_bytes = 8 * rows;
    out.push_back(std::move(d));
  }
  {
    // Event times: increasing microseconds with jitter, like eventsim's ts.
    Dataset d{"timestamp",
              {"v", PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kOptional},
              ColumnVector(PhysicalType::kInt64)};
    int64_t t = 1541105830796000LL;
    for (size_t i = 0; i < rows; ++i) {
      t += static_cast<int64_t>(rng() % 2000000);
      d.column.AppendInt64(t);
    }
    d.data_bytes = 8 * rows;
    out.push_back(std::move(d));
  }
  {
    // Low cardinality: 200 distinct values (e.g. locations, user agents).
    Dataset d{"string_low",
              {"v", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional},
              ColumnVector(PhysicalType::kByteArray)};
    std::vector<std::string> words;
    for (int i = 0; i < 200; ++i) words.push_back("Location-" + std::to_string(i * 7919) + ", ST");
    for (size_t i = 0; i < rows; ++i) {
      const std::string& w = words[rng() % words.size()];
      d.column.AppendString(w);
      d.data_bytes += 4 + w.size();
    }
    out.push_back(std::move(d));
  }
  {
    // High cardinality: unique ids (e.g. song or session ids).
    Dataset d{"string_high",
              {"v", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional},
              ColumnVector(PhysicalType::kByteArray)};
    char buf[64];
    for (size_t i = 0; i < rows; ++i) {
      int n = std::snprintf(buf, sizeof(buf), "SO%016llX%zu",
                            static_cast<unsigned long long>(rng()), i);
      d.column.AppendString(std::string_view(buf, n));
      d.data_bytes += 4 + n;
    }
    out.push_back(std::move(d));
  }
  return out;
}

class FileSink : public Sink {
 public:
  explicit FileSink(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {}
  ~FileSink() override {
    if (f_) std::fclose(f_);
  }
  sparkify::Status Append(std::string_view data) override {
    if (!f_ || std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
      return sparkify::Status::IOError("write failed");
    }
    return sparkify::Status::OK();
  }

 private:
  FILE* f_;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU seconds (user + system) of this process: the machine is shared, so wall
// time would measure the neighbours; DuckDB's side is measured the same way.
double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

size_t g_page_size = WriterOptions{}.data_page_size;
size_t g_page_rows = WriterOptions{}.max_page_rows;

double WriteOnce(const Dataset& d, Codec codec, const std::string& path, uint64_t* file_size,
                 int zstd_level) {
  const double start = CpuSeconds();
  {
    FileSink sink(path);
    WriterOptions o;
    o.codec = codec;
    o.zstd_level = zstd_level;
    o.data_page_size = g_page_size;
    o.max_page_rows = g_page_rows;
    FileWriter w(Schema{{d.schema}}, o, &sink);
    sparkify::Status s = w.WriteBatch(d.batch);
    if (s.ok()) s = w.Close();
    if (!s.ok()) {
      std::fprintf(stderr, "write failed: %s\n", s.ToString().c_str());
      std::exit(1);
    }
    *file_size = w.bytes_written();
  }
  return CpuSeconds() - start;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 4'000'000;
  int reps = 5;
  bool duckdb = true;
  int zstd_level = WriterOptions{}.zstd_level;
  bool same_level = false;  // --zstd-level given: DuckDB uses it too
  std::string dir, only, only_codec;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc)
      rows = std::stoull(argv[++i]);
    else if (a == "--reps" && i + 1 < argc)
      reps = std::stoi(argv[++i]);
    else if (a == "--no-duckdb")
      duckdb = false;
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (a == "--codec" && i + 1 < argc)
      only_codec = argv[++i];
    else if (a == "--page-size" && i + 1 < argc)
      g_page_size = std::stoull(argv[++i]);
    else if (a == "--page-rows" && i + 1 < argc)
      g_page_rows = std::stoull(argv[++i]);
    else if (a == "--zstd-level" && i + 1 < argc) {
      zstd_level = std::stoi(argv[++i]);
      same_level = true;
    } else {
      std::fprintf(
          stderr,
          "usage: %s [--rows N] [--reps R] [--no-duckdb] [--dir DIR] [--only DATASET] "
          "[--zstd-level L] [--codec none|snappy|zstd] [--page-size BYTES] [--page-rows N]\n",
          argv[0]);
      return 2;
    }
  }
  if (dir.empty()) {
    std::string tmpl = "/tmp/sparkify-parquet-bench-XXXXXX";
    if (!mkdtemp(tmpl.data())) return 1;
    dir = tmpl;
  }
  std::vector<Dataset> data = MakeDatasets(rows);
  if (!only.empty()) {
    std::erase_if(data, [&](const Dataset& d) { return d.name != only; });
  }
  for (Dataset& d : data) d.batch.push_back(std::move(d.column));
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const long rss_after_data_kb = ru.ru_maxrss;

  // "none" shows the encoders alone; snappy and zstd add the compressors,
  // which both sides call as libraries and so cost both the same.
  std::vector<std::pair<Codec, std::string>> codecs = {
      {Codec::kUncompressed, "none"}, {Codec::kSnappy, "snappy"}, {Codec::kZstd, "zstd"}};
  if (!only_codec.empty()) {
    std::erase_if(codecs, [&](const auto& c) { return c.second != only_codec; });
  }
  std::map<std::string, double> ours;  // "dataset codec" -> MB/s
  std::map<std::string, uint64_t> sizes;
  std::map<std::string, double> theirs;
  std::map<std::string, uint64_t> their_sizes;
  long duckdb_rss_kb = 0;
  // DuckDB's side for one data set, right after ours: the machine is shared, and
  // running each side's data sets in one block, minutes apart, let the load
  // drift between them (DuckDB's snappy figure for unique strings moved by 50%).
  auto run_duckdb = [&](const Dataset& d) {
    std::string cmd = (only_codec.empty() ? std::string() : "CODECS=" + only_codec + " ") +
                      "node '" SPARKIFY_SOURCE_DIR "/bench/parquet_duckdb_write.mjs' '" + dir +
                      "' " + std::to_string(reps) + " " +
                      (same_level ? std::to_string(zstd_level) : std::string("default")) + " " +
                      d.name;
    FILE* p = popen(cmd.c_str(), "r");
    char line[512];
    while (p && std::fgets(line, sizeof(line), p)) {
      char name[64], codec[32];
      double secs;
      unsigned long long size;
      long rss;
      if (std::sscanf(line, "duckdb %63s %31s %lf %llu", name, codec, &secs, &size) == 4 &&
          d.name == name) {
        theirs[std::string(name) + " " + codec] = d.data_bytes / 1e6 / secs;
        their_sizes[std::string(name) + " " + codec] = size;
      } else if (std::sscanf(line, "duckdb-maxrss-kb %ld", &rss) == 1) {
        duckdb_rss_kb = std::max(duckdb_rss_kb, rss);
      }
    }
    return p && pclose(p) == 0;
  };
  for (const Dataset& d : data) {
    for (const auto& [codec, cname] : codecs) {
      std::vector<double> t;
      uint64_t size = 0;
      for (int r = 0; r < reps; ++r) {
        t.push_back(WriteOnce(d, codec, dir + "/ours.parquet", &size, zstd_level));
      }
      ours[d.name + " " + cname] = d.data_bytes / 1e6 / Median(t);
      sizes[d.name + " " + cname] = size;
    }
    // The source DuckDB loads (uncompressed, so its load is cheap and exact).
    uint64_t unused;
    WriteOnce(d, Codec::kUncompressed, dir + "/src-" + d.name + ".parquet", &unused, zstd_level);
    if (duckdb && !run_duckdb(d)) {
      std::fprintf(stderr, "DuckDB side failed (node, tools/node_modules?)\n");
      return 1;
    }
  }
  getrusage(RUSAGE_SELF, &ru);
  const long rss_peak_kb = ru.ru_maxrss;

  std::printf(
      "rows per dataset: %zu, reps: %d (median), single-threaded, zstd level %d (DuckDB: %s), "
      "CPU time, files under %s\n",
      rows, reps, zstd_level, same_level ? "the same" : "its default, 3", dir.c_str());
  std::printf("%-12s %-7s %10s %12s %12s %12s %7s\n", "dataset", "codec", "data MB", "ours MB/s",
              "duckdb MB/s", "ratio", "size%");
  for (const Dataset& d : data) {
    for (const auto& [codec, cname] : codecs) {
      std::string k = d.name + " " + cname;
      double o = ours[k];
      double t = theirs.count(k) ? theirs[k] : 0;
      std::printf("%-12s %-7s %10.1f %12.1f %12.1f %11.2fx %6.0f%%\n", d.name.c_str(),
                  cname.c_str(), d.data_bytes / 1e6, o, t, t > 0 ? o / t : 0.0,
                  their_sizes.count(k) ? 100.0 * sizes[k] / their_sizes[k] : 0.0);
    }
  }
  std::printf("(size%%: our file size relative to DuckDB's)\n");
  {
    // Per-file overhead: the ETL writes thousands of small partition files per
    // thread. 1000 rows of five columns each, snappy, into memory.
    constexpr int kFiles = 2000;
    constexpr size_t kRows = 1000;
    Schema schema{
        {{"id", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired},
         {"user", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional},
         {"ts", PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kOptional},
         {"len", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional},
         {"n", PhysicalType::kInt32, LogicalType::kNone, Repetition::kOptional}}};
    std::vector<ColumnVector> cols = {
        ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kByteArray),
        ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kDouble),
        ColumnVector(PhysicalType::kInt32)};
    for (size_t r = 0; r < kRows; ++r) {
      cols[0].AppendInt64(static_cast<int64_t>(r));
      cols[1].AppendString("user-" + std::to_string(r % 50));
      cols[2].AppendInt64(1541105830796000LL + static_cast<int64_t>(r) * 1000);
      if (r % 10 == 0)
        cols[3].AppendNull();
      else
        cols[3].AppendDouble(r * 0.25);
      cols[4].AppendInt32(static_cast<int32_t>(r % 7));
    }
    const double start = CpuSeconds();
    uint64_t total = 0;
    for (int f = 0; f < kFiles; ++f) {
      StringSink sink;
      FileWriter w(schema, WriterOptions{}, &sink);
      if (!w.WriteBatch(cols).ok() || !w.Close().ok()) return 1;
      total += sink.data().size();
    }
    const double secs = CpuSeconds() - start;
    std::printf(
        "small files: %d files of %zu rows x 5 columns (snappy, in memory): %.0f files/s, "
        "%.0f us per file, %.0f bytes per file\n",
        kFiles, kRows, kFiles / secs, secs / kFiles * 1e6, double(total) / kFiles);
  }
  std::printf("peak RSS of this process: %.1f MB (%.1f MB after generating the data)\n",
              rss_peak_kb / 1024.0, rss_after_data_kb / 1024.0);
  if (duckdb_rss_kb)
    std::printf("peak RSS of the DuckDB process: %.1f MB\n", duckdb_rss_kb / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
