#include "gen/generator.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "gen/activity.h"
#include "gen/catalogue.h"

namespace sparkify::gen {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSongFilesPerTask = 2000;  // small enough to balance, big enough to amortise
constexpr int kMaxDays = 3660;

// A file written with few large write(2) calls; the generator's only I/O path.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Error("open");
    return Status::OK();
  }
  Status Append(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error("write");
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status Close() {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Error("close");
    return Status::OK();
  }

 private:
  Status Error(const char* what) const {
    return Status::IOError(std::string(what) + " " + path_ + ": " + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
};

// Runs task(0..n-1) on `threads` threads; returns the first error, if any.
Status RunParallel(size_t n, int threads, const std::function<Status(size_t)>& task) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (size_t i = next++; i < n && !failed; i = next++) {
      Status s = task(i);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = s;
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  int extra = std::max(0, std::min<int>(threads, static_cast<int>(n)) - 1);
  for (int t = 0; t < extra; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return first_error;
}

Status PrepareDir(const fs::path& dir, bool overwrite) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!overwrite) {
      return Status::InvalidArgument(dir.string() +
                                     " exists and is not empty (use --overwrite to replace it)");
    }
    fs::remove_all(dir, ec);
    if (ec) return Status::IOError("cannot remove " + dir.string() + ": " + ec.message());
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir.string() + ": " + ec.message());
  return Status::OK();
}

struct SongTaskStats {
  int64_t files = 0;
  int64_t bytes = 0;
};

}  // namespace

std::string GenerateReport::ToString() const {
  char buf[768];
  std::snprintf(buf, sizeof(buf),
                "song_data: %lld files, %lld records (%lld distinct song_id), %.1f MB\n"
                "log_data:  %lld files, %lld events (%lld NextSong, %lld drawn from the "
                "catalogue = %.2f%%), %lld bad lines, %.1f MB\n"
                "           %lld users, %lld sessions\n"
                "generated in %.2f s (%.0f MB/s)\n",
                static_cast<long long>(song_files), static_cast<long long>(song_records),
                static_cast<long long>(distinct_song_ids), song_bytes / 1e6,
                static_cast<long long>(log_files), static_cast<long long>(events),
                static_cast<long long>(next_song_events), static_cast<long long>(planned_matches),
                next_song_events ? 100.0 * planned_matches / next_song_events : 0.0,
                static_cast<long long>(bad_lines), log_bytes / 1e6, static_cast<long long>(users),
                static_cast<long long>(sessions), seconds,
                seconds > 0 ? (song_bytes + log_bytes) / 1e6 / seconds : 0.0);
  return buf;
}

Result<GenerateReport> Generate(const GenerateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.out_dir.empty()) return Status::InvalidArgument("--out is required");
  if (options.songs < 0 || options.events < 0 || options.bad_lines < 0) {
    return Status::InvalidArgument("counts must not be negative");
  }
  if (options.days < 1 || options.days > kMaxDays) {
    return Status::InvalidArgument("--days must be between 1 and " + std::to_string(kMaxDays));
  }
  if (options.song_files_per_dir < 1 || options.songs_per_file < 1) {
    return Status::InvalidArgument("--song-files-per-dir and --songs-per-file must be >= 1");
  }
  if (options.match_rate < 0 || options.match_rate > 1) {
    return Status::InvalidArgument("--match-rate must be between 0 and 1");
  }
  const fs::path root(options.out_dir);
  const fs::path song_root = root / "song_data";
  const fs::path log_root = root / "log_data";
  SPARKIFY_RETURN_IF_ERROR(PrepareDir(song_root, options.overwrite));
  SPARKIFY_RETURN_IF_ERROR(PrepareDir(log_root, options.overwrite));

  CatalogueOptions cat_opt;
  cat_opt.seed = options.seed;
  cat_opt.songs = options.songs;
  // Folder fan-out counts files, and a file holds songs_per_file songs.
  cat_opt.song_files_per_dir = options.song_files_per_dir * options.songs_per_file;
  const Catalogue catalogue = BuildCatalogue(cat_opt);

  ActivityOptions act_opt;
  act_opt.seed = options.seed;
  act_opt.events = options.events;
  act_opt.bad_lines = options.bad_lines;
  act_opt.days = options.days;
  act_opt.match_rate = options.match_rate;
  const ActivityModel model = BuildActivityModel(act_opt, catalogue);

  const int64_t spf = options.songs_per_file;
  const int64_t num_song_files = (options.songs + spf - 1) / spf;
  const size_t song_tasks =
      static_cast<size_t>((num_song_files + kSongFilesPerTask - 1) / kSongFilesPerTask);
  const size_t day_tasks = model.days.size();
  std::vector<SongTaskStats> song_stats(song_tasks);
  std::vector<DayStats> day_stats(day_tasks);

  // Day files first: they are the big ones, so the threads finish together.
  auto task = [&](size_t t) -> Status {
    if (t < day_tasks) {
      const DayPlan& plan = model.days[t];
      const fs::path path = log_root / plan.relative_path;
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      if (ec) return Status::IOError("cannot create " + path.parent_path().string());
      OutputFile file;
      SPARKIFY_RETURN_IF_ERROR(file.Open(path.string()));
      Status write_status;
      bool ok = WriteDay(
          model, static_cast<int>(t),
          [&](std::string_view chunk) {
            write_status = file.Append(chunk);
            return write_status.ok();
          },
          &day_stats[t]);
      if (!ok) return write_status;
      return file.Close();
    }
    const size_t s = t - day_tasks;
    const int64_t first_file = static_cast<int64_t>(s) * kSongFilesPerTask;
    const int64_t last_file = std::min(num_song_files, first_file + kSongFilesPerTask);
    std::string text;
    std::string made_dir;
    for (int64_t f = first_file; f < last_file; ++f) {
      const int64_t first_song = f * spf;
      const int64_t end_song = std::min(options.songs, first_song + spf);
      const Song& head = catalogue.songs[first_song];
      const std::string rel = SongFilePath(head);
      const std::string dir = rel.substr(0, 5);  // "A/B/C"
      if (dir != made_dir) {
        std::error_code ec;
        fs::create_directories(song_root / dir, ec);
        if (ec) return Status::IOError("cannot create " + (song_root / dir).string());
        made_dir = dir;
      }
      text.clear();
      for (int64_t i = first_song; i < end_song; ++i) {
        if (i > first_song) text.push_back('\n');
        AppendSongJson(text, catalogue, catalogue.songs[i]);
      }
      OutputFile file;
      SPARKIFY_RETURN_IF_ERROR(file.Open((song_root / rel).string()));
      SPARKIFY_RETURN_IF_ERROR(file.Append(text));
      SPARKIFY_RETURN_IF_ERROR(file.Close());
      song_stats[s].files++;
      song_stats[s].bytes += static_cast<int64_t>(text.size());
    }
    return Status::OK();
  };
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  SPARKIFY_RETURN_IF_ERROR(RunParallel(day_tasks + song_tasks, std::max(1, threads), task));

  GenerateReport report;
  for (const SongTaskStats& s : song_stats) {
    report.song_files += s.files;
    report.song_bytes += s.bytes;
  }
  report.song_records = options.songs;
  report.distinct_song_ids = catalogue.distinct_song_ids;
  for (const DayStats& d : day_stats) {
    report.log_bytes += d.bytes;
    report.events += d.records;
    report.next_song_events += d.next_songs;
    report.planned_matches += d.planned_matches;
    report.bad_lines += d.bad_lines;
  }
  report.log_files = static_cast<int64_t>(day_tasks);
  report.users = static_cast<int64_t>(model.users.size());
  for (const DayPlan& p : model.days)
    report.sessions += static_cast<int64_t>(p.session_lengths.size());
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sparkify::gen
