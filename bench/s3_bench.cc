// s3_bench: measures the S3 file system the way the ETL uses it.
//   s3_bench put   --uri s3://bucket/prefix --count N [--size B] [--threads T]
//       uploads N song-like JSON objects (skips if the prefix already holds N)
//   s3_bench read  --uri s3://bucket/prefix [--max-in-flight N]
//       lists the prefix and reads every object with ReadMany
//   s3_bench write --uri s3://bucket/prefix --from DIR [--threads T] [--write-behind 0|1]
//       uploads every file under DIR (a lake), T writers at once; with
//       write-behind (default), as the ETL does: WritableFile::Close() queues
//       each PUT and WaitForWrites() waits for all; without, FileSystem::Write
//       (one PUT at a time per writer)
//   s3_bench genlake --from DIR --count N
//       writes a local lake of N small partition files under DIR
//   s3_bench delete --uri s3://bucket/prefix
// The endpoint comes from --endpoint or AWS_ENDPOINT_URL, the credentials from
// the AWS environment. Results are printed as "key=value" words on one line.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fs/open.h"
#include "s3/s3_file_system.h"

namespace {

using Clock = std::chrono::steady_clock;
using sparkify::Status;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string SongJson(int i) {
  char buf[400];
  snprintf(buf, sizeof(buf),
           "{\"num_songs\": 1, \"artist_id\": \"AR%016X\", \"artist_latitude\": null, "
           "\"artist_longitude\": null, \"artist_location\": \"\", \"artist_name\": \"Artist "
           "%d\", \"song_id\": \"SO%016X\", \"title\": \"Song number %d\", \"duration\": "
           "%d.%03d, \"year\": %d}",
           i * 7919u, i, i * 104729u, i, 100 + i % 300, i % 1000, i % 3 ? 1990 + i % 30 : 0);
  return buf;
}

// song_data/A/B/C/TRABC...json, like the original data set.
std::string SongPath(int i) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%c/%c/%c/TR%c%c%c%011d.json", 'A' + i % 26, 'A' + (i / 26) % 26,
           'A' + (i / 676) % 26, 'A' + i % 26, 'A' + (i / 26) % 26, 'A' + (i / 676) % 26, i);
  return buf;
}

using Files = std::vector<std::pair<std::string, std::string>>;

// Calls write(file) for every file from `threads` threads; the first error.
template <typename Write>
Status ForEachFile(const Files& files, int threads, Write write) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < files.size(); i = next++) {
        Status s = write(files[i]);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

Status ParallelWrite(sparkify::fs::FileSystem* fs, const Files& files, int threads) {
  return ForEachFile(files, threads, [&](const auto& f) { return fs->Write(f.first, f.second); });
}

// As the ETL's pool threads write data files: NewWritableFile, Append, Close
// (write-behind on S3), then one WaitForWrites for all.
Status WriteBehind(sparkify::fs::FileSystem* fs, const Files& files, int threads) {
  Status first = ForEachFile(files, threads, [&](const auto& f) {
    std::unique_ptr<sparkify::fs::WritableFile> file;
    Status s = fs->NewWritableFile(f.first, &file);
    if (s.ok()) s = file->Append(f.second);
    if (s.ok()) s = file->Close();
    return s;
  });
  Status waited = fs->WaitForWrites();
  return first.ok() ? waited : first;
}

void PrintStats(sparkify::fs::FileSystem* fs) {
  if (auto* s3 = dynamic_cast<sparkify::s3::S3FileSystem*>(fs)) {
    auto st = s3->stats();
    std::cout << " requests=" << st.requests << " retries=" << st.retries
              << " failures=" << st.failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: s3_bench put|read|write|genlake|delete [--flags]\n";
    return 2;
  }
  std::string mode = argv[1];
  std::map<std::string, std::string> flags;
  for (int i = 2; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  auto flag = [&](const std::string& name, const std::string& def) {
    auto it = flags.find(name);
    return it == flags.end() ? def : it->second;
  };
  const int count = std::stoi(flag("--count", "15000"));
  const int threads = std::stoi(flag("--threads", "32"));

  if (mode == "genlake") {
    std::filesystem::path dir = flag("--from", "");
    for (int i = 0; i < count; ++i) {
      std::filesystem::path p = dir / ("songs/year=" + std::to_string(1960 + i % 60)) /
                                ("artist_id=AR" + std::to_string(100000 + i)) /
                                "part-00000.parquet";
      std::filesystem::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << std::string(1500 + (i * 37) % 2500, 'x');
    }
    return 0;
  }

  sparkify::fs::OpenOptions options;
  options.endpoint = flag("--endpoint", "");
  options.max_in_flight = std::stoi(flag("--max-in-flight", "0"));
  std::unique_ptr<sparkify::fs::FileSystem> fs;
  Status s = sparkify::fs::OpenFileSystem(flag("--uri", ""), options, &fs);
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }

  if (mode == "put") {
    std::vector<sparkify::fs::FileInfo> existing;
    s = fs->List("", &existing);
    if (s.ok() && existing.size() == static_cast<size_t>(count)) {
      std::cout << "objects=" << count << " already there\n";
      return 0;
    }
    std::vector<std::pair<std::string, std::string>> files;
    for (int i = 0; i < count; ++i) files.emplace_back(SongPath(i), SongJson(i));
    auto start = Clock::now();
    s = ParallelWrite(fs.get(), files, threads);
    std::cout << "uploaded=" << count << " seconds=" << Seconds(start) << "\n";
  } else if (mode == "read") {
    auto start = Clock::now();
    std::vector<sparkify::fs::FileInfo> files;
    s = fs->List("", &files);
    if (s.ok()) {
      std::vector<std::string> paths;
      for (const auto& f : files) paths.push_back(f.path);
      std::atomic<uint64_t> bytes{0}, errors{0};
      std::mutex mu;
      fs->ReadMany(paths, [&](size_t, const Status& st, std::string&& contents) {
        bytes += contents.size();
        if (!st.ok()) {
          errors++;
          std::lock_guard<std::mutex> lock(mu);
          if (s.ok()) s = st;
        }
      });
      double secs = Seconds(start);
      std::cout << "objects=" << files.size() << " bytes=" << bytes << " seconds=" << secs
                << " objects_per_s=" << files.size() / secs << " errors=" << errors;
      PrintStats(fs.get());
      std::cout << "\n";
    }
  } else if (mode == "write") {
    std::filesystem::path dir = flag("--from", "");
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(std::filesystem::relative(e.path(), dir).string(), ss.str());
    }
    const bool write_behind = flag("--write-behind", "1") != "0";
    auto start = Clock::now();
    s = write_behind ? WriteBehind(fs.get(), files, threads)
                     : ParallelWrite(fs.get(), files, threads);
    double secs = Seconds(start);
    std::cout << "files=" << files.size() << " seconds=" << secs
              << " files_per_s=" << files.size() / secs;
    PrintStats(fs.get());
    std::cout << "\n";
  } else if (mode == "delete") {
    std::vector<sparkify::fs::FileInfo> files;
    s = fs->List("", &files);
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(f.path);
    if (s.ok()) s = fs->Delete(paths);
    if (s.ok()) std::cout << "deleted=" << paths.size() << "\n";
  } else {
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
  }
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  return 0;
}
