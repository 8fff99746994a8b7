#include "lake/commit/lake_lock.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "lake/commit/manifest.h"

namespace sparkify::lake::commit {

namespace {

// Never refresh more often than this, even with a tiny test ttl.
constexpr std::chrono::milliseconds kMinRefreshInterval{50};

std::string HostName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0) return "unknown-host";
  return host;
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Describe(const std::string& holder_json) {
  return holder_json.empty() ? std::string("an unknown run") : holder_json;
}

// ---- local: flock ---------------------------------------------------------

class FlockLock : public LakeLock {
 public:
  explicit FlockLock(int fd) : fd_(fd) {}
  ~FlockLock() override { Release(); }
  Status CheckHeld() override {
    return fd_ >= 0 ? Status::OK() : Status::Aborted("lake lock already released");
  }
  void Release() override {
    if (fd_ < 0) return;
    // Closing drops the flock. The file stays: unlinking a lock file races
    // with a waiter that opened the old inode.
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// ---- object stores: one lock object per contender + expiry -----------------

struct Holder {
  std::string run_id;
  int64_t expires_ms = 0;
};

bool ParseHolder(const std::string& json, Holder* out) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root)) return false;
  std::string_view run;
  int64_t expires = 0;
  if (root["run_id"].get_string().get(run) || root["expires_ms"].get_int64().get(expires)) {
    return false;
  }
  out->run_id = std::string(run);
  out->expires_ms = expires;
  return true;
}

std::string LockObjectPath(const std::string& run_id) { return std::string(kLockDir) + run_id; }

class ObjectLock : public LakeLock {
 public:
  ObjectLock(fs::FileSystem* fs, LockOptions options)
      : fs_(fs),
        options_(std::move(options)),
        path_(LockObjectPath(options_.run_id)),
        host_(HostName()) {}
  ~ObjectLock() override { Release(); }

  const std::string& path() const { return path_; }

  std::string Contents() const {
    int64_t expires = options_.now_ms() + options_.ttl.count();
    return "{\"run_id\":\"" + JsonEscape(options_.run_id) + "\",\"host\":\"" + JsonEscape(host_) +
           "\",\"pid\":" + std::to_string(::getpid()) +
           ",\"expires_ms\":" + std::to_string(expires) + "}\n";
  }

  void StartRefreshing() {
    held_ = true;
    refresher_ = std::thread([this] { RefreshLoop(); });
  }

  Status CheckHeld() override {
    if (!held_) return Status::Aborted("lake lock was lost: " + lost_reason_);
    std::string text;
    Status s = fs_->Read(path_, &text);
    Holder holder;
    if (!s.ok() || !ParseHolder(text, &holder) || holder.run_id != options_.run_id) {
      return Status::Aborted("lake lock at " + fs_->Describe() + "/" + path_ +
                             " is no longer held by run " + options_.run_id +
                             " (broken with --force-unlock?); not committing");
    }
    return Status::OK();
  }

  void Release() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (refresher_.joinable()) refresher_.join();
    // The object is this run's alone: deleting it can free nobody else's.
    (void)fs_->Delete({path_});
    held_ = false;
  }

 private:
  void RefreshLoop() {
    auto interval = std::max(kMinRefreshInterval, options_.ttl / 3);
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      // Check first, so that a lock another run broke is not put back (the
      // check and the write are not atomic; see docs/commit-protocol.md).
      Status s = CheckHeld();
      if (s.ok()) s = fs_->Write(path_, Contents());
      lock.lock();
      if (!s.ok()) {
        lost_reason_ = s.ToString();
        held_ = false;
        return;
      }
    }
  }

  fs::FileSystem* fs_;
  LockOptions options_;
  std::string path_;
  std::string host_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> held_{false};
  std::string lost_reason_;
  std::thread refresher_;
};

// Another run's lock object, as found by a contender.
struct OtherLock {
  std::string path;
  std::string text;  // without the trailing newline
  bool parsed = false;
  bool live = true;  // not past its expiry (an unreadable one counts as live)
  int64_t expires_in_ms = 0;
};

}  // namespace

Status AcquireLocalLock(const std::string& root_dir, const LockOptions& options,
                        std::unique_ptr<LakeLock>* out) {
  std::string dir = root_dir + "/" + std::string(kMetaDir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  std::string path = root_dir + "/" + std::string(kLockPath);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open lock " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder(512, '\0');
    ssize_t n = ::pread(fd, holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && holder.back() == '\n') holder.pop_back();
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return Status::IOError("cannot lock " + path + ": " + std::strerror(err));
    }
    return Status::AlreadyExists(
        "another run is writing the lake at " + root_dir + " (holder: " + Describe(holder) +
        "); a local lock is released when its process exits, so that run is still alive" +
        (options.force_unlock ? " (--force-unlock cannot break a live local run)" : ""));
  }
  std::string me = "{\"run_id\":\"" + JsonEscape(options.run_id) + "\",\"host\":\"" +
                   JsonEscape(HostName()) + "\",\"pid\":" + std::to_string(::getpid()) + "}\n";
  // Informational only (the flock is the lock): who holds it, for messages.
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // Not fatal: the lock is held all the same.
  }
  *out = std::make_unique<FlockLock>(fd);
  return Status::OK();
}

Status AcquireObjectLock(fs::FileSystem* fs, const LockOptions& options_in,
                         std::unique_ptr<LakeLock>* out) {
  LockOptions options = options_in;
  if (!options.now_ms) options.now_ms = SystemNowMs;
  auto lock = std::make_unique<ObjectLock>(fs, options);
  SPARKIFY_RETURN_IF_ERROR(
      fs->Write(lock->path(), lock->Contents()).WithContext("cannot take the lake lock"));
  // From here on, any error must not leave our object behind to block others.
  auto give_up = [&](Status s) {
    (void)fs->Delete({lock->path()});
    return s;
  };

  std::vector<fs::FileInfo> listed;
  Status s = fs->List(kLockDir, &listed);
  if (!s.ok()) return give_up(s.WithContext("cannot list the lake locks"));
  std::vector<OtherLock> others;
  const int64_t now = options.now_ms();
  for (const fs::FileInfo& f : listed) {
    if (f.path == lock->path()) continue;
    OtherLock other;
    other.path = f.path;
    Status rs = fs->Read(f.path, &other.text);
    if (rs.IsNotFound()) continue;  // released (or given up) meanwhile
    if (!rs.ok()) return give_up(rs.WithContext("cannot read lake lock " + f.path));
    while (!other.text.empty() && other.text.back() == '\n') other.text.pop_back();
    Holder holder;
    if (ParseHolder(other.text, &holder)) {
      other.parsed = true;
      other.live = holder.expires_ms >= now;
      other.expires_in_ms = holder.expires_ms - now;
    }
    others.push_back(std::move(other));
  }

  if (!options.force_unlock) {
    for (const OtherLock& other : others) {
      if (!other.live) continue;
      // Two runs that start together may both end here: each saw the other.
      std::string when = other.parsed
                             ? " expires in " + std::to_string((other.expires_in_ms + 999) / 1000) +
                                   " s unless refreshed"
                             : " is unreadable";
      return give_up(Status::AlreadyExists("another run is writing the lake at " + fs->Describe() +
                                           " (lock " + other.path + ": " + Describe(other.text) +
                                           "; it" + when +
                                           "); if that run is dead, wait or use --force-unlock"));
    }
  }
  std::vector<std::string> broken;
  for (const OtherLock& other : others) {
    std::fprintf(stderr, "sparkify: breaking %s lake lock of %s\n",
                 !other.live ? "the stale" : "(--force-unlock) the", Describe(other.text).c_str());
    broken.push_back(other.path);
  }
  if (!broken.empty()) {
    s = fs->Delete(broken);
    if (!s.ok()) return give_up(s.WithContext("cannot break the lake lock"));
  }
  lock->StartRefreshing();
  *out = std::move(lock);
  return Status::OK();
}

}  // namespace sparkify::lake::commit
