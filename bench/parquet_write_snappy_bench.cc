// Our SNAPPY compressor (src/parquet/snappy_encoder.h) against libsnappy's, on
// the kinds of bytes Parquet pages hold, in 1 MiB pieces (a page). Prints the
// output size as a share of the input and MB/s per CPU second (best of --reps);
// every output is checked with libsnappy's decoder.
//
//   parquet_write_snappy_bench [--reps R]
// Run from the repository root (it reads ../shared/data/sample when present).
#include <snappy.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "parquet/snappy_encoder.h"

namespace {

double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

using Compress = std::function<size_t(const char*, size_t, char*)>;

void Run(const std::string& name, const std::string& data, int reps) {
  if (data.empty()) return;
  constexpr size_t kPage = 1 << 20;
  std::string out(std::max(snappy::MaxCompressedLength(kPage),
                           sparkify::parquet::SnappyMaxCompressedLength(kPage)),
                  '\0');
  std::string back;
  const std::pair<const char*, Compress> sides[] = {{"libsnappy",
                                                     [](const char* p, size_t n, char* o) {
                                                       size_t m = 0;
                                                       snappy::RawCompress(p, n, o, &m);
                                                       return m;
                                                     }},
                                                    {"ours", [](const char* p, size_t n, char* o) {
                                                       return sparkify::parquet::SnappyCompress(
                                                           p, n, o);
                                                     }}};
  for (const auto& [side, compress] : sides) {
    double best = 1e9;
    size_t total = 0;
    for (int r = 0; r < reps; ++r) {
      const double start = CpuSeconds();
      total = 0;
      for (size_t pos = 0; pos < data.size(); pos += kPage) {
        const size_t n = std::min(kPage, data.size() - pos);
        const size_t m = compress(data.data() + pos, n, out.data());
        total += m;
        if (r == 0 && (!snappy::Uncompress(out.data(), m, &back) ||
                       back != std::string_view(data).substr(pos, n))) {
          std::fprintf(stderr, "%s: %s output does not decompress\n", name.c_str(), side);
          std::exit(1);
        }
      }
      best = std::min(best, CpuSeconds() - start);
    }
    std::printf("%-36s %-10s %7.1f MB %6.1f%% %9.1f MB/s\n", name.c_str(), side, data.size() / 1e6,
                100.0 * total / data.size(), data.size() / 1e6 / best);
  }
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 7;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--reps" && i + 1 < argc) {
      reps = std::stoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--reps R]\n", argv[0]);
      return 2;
    }
  }
  std::mt19937_64 rng(42);
  // The write benchmark's unique ids, as DELTA_LENGTH_BYTE_ARRAY and as
  // DELTA_BYTE_ARRAY (without the head each shares with the one before) store them.
  std::string ids, ids_dba, prev;
  char buf[64];
  for (size_t i = 0; i < 2000000; ++i) {
    const int n =
        std::snprintf(buf, sizeof(buf), "SO%016llX%zu", static_cast<unsigned long long>(rng()), i);
    const std::string_view s(buf, n);
    size_t p = 0;
    while (p < prev.size() && p < s.size() && prev[p] == s[p]) ++p;
    ids.append(s);
    ids_dba.append(s.substr(p));
    prev = s;
  }
  // Ids with short counters: their shared runs are 4-5 digits.
  std::string short_ids;
  for (int i = 0; i < 1000000; ++i) {
    const int n = std::snprintf(buf, sizeof(buf), "SO%016llX%d",
                                static_cast<unsigned long long>(rng()), i % 50000);
    short_ids.append(buf, n);
  }
  std::string doubles;
  std::uniform_real_distribution<double> u(0, 1000);
  for (int i = 0; i < 2000000; ++i) {
    const double x = u(rng);
    doubles.append(reinterpret_cast<const char*>(&x), 8);
  }
  // The real sample logs: the JSON itself, and the song titles back to back.
  std::string json, titles;
  const std::filesystem::path logs = "../shared/data/sample/log_data";
  if (std::filesystem::exists(logs)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(logs)) {
      if (e.is_regular_file()) json += ReadFile(e.path());
    }
    for (size_t at = 0; (at = json.find("\"song\":\"", at)) != std::string::npos;) {
      at += 8;
      const size_t end = json.find('"', at);
      if (end == std::string::npos) break;
      titles.append(json, at, end - at);
    }
  }
  Run("unique ids (DELTA_LENGTH_BYTE_ARRAY)", ids, reps);
  Run("unique ids (DELTA_BYTE_ARRAY)", ids_dba, reps);
  Run("ids with 4-5 digit counters", short_ids, reps);
  Run("random doubles (PLAIN)", doubles, reps);
  // The titles 20 times over (copies lie more than a 64 KiB block apart, so
  // they cannot match each other): enough bytes to time.
  std::string titles20;
  for (int k = 0; k < 20; ++k) titles20 += titles;
  Run("sample song titles (x20)", titles20, reps);
  Run("sample log JSON", json, reps);
  return 0;
}
