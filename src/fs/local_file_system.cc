#include "fs/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "fs/mapped_file.h"

namespace sparkify::fs {

namespace {

constexpr std::string_view kTmpMarker = ".sparkify-tmp-";
// Appends are gathered into one write(2) of this size: thousands of small
// partition files must not cost a syscall per row group or per page.
constexpr size_t kWriteBufferSize = 1 << 20;
// The buffer's first size: a one-row partition file's appends (~750 bytes)
// fit without the buffer growing (and being copied) several times on the way.
// Under 1 KiB with the terminator and glibc's chunk header (glibc's small
// requests; a large one first consolidates its fast bins).
constexpr size_t kFirstWriteBufferSize = 984;
// Threads that List() uses to walk a big tree's top folders.
constexpr size_t kMaxListingThreads = 4;

std::atomic<uint64_t> g_tmp_counter{0};
std::atomic<uint64_t> g_file_system_ids{0};

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  if (err == EACCES || err == EPERM || err == EROFS) return Status::PermissionDenied(msg);
  if (err == EEXIST) return Status::AlreadyExists(msg);
  return Status::IOError(msg);
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string::npos ? path : path.substr(slash + 1));
}

Status ValidateRelative(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("bad relative path: '" + std::string(path) + "'");
  }
  return Status::OK();
}

// mkdir -p, from the deepest folder up: one mkdir(2) when only the last
// folder is missing (a new partition), none of the stat(2) walks of
// std::filesystem::create_directories. A path that exists but is not a folder
// is reported by the open(2) that follows.
Status MakeDirs(const std::string& dir) {
  if (dir.empty() || ::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return Status::OK();
  int err = errno;
  if (err == ENOENT) {
    SPARKIFY_RETURN_IF_ERROR(MakeDirs(ParentOf(dir)));
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return Status::OK();
    err = errno;
  }
  return ErrnoStatus("cannot create directory", dir, err);
}

Status WriteAll(int fd, const char* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path, errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

class LocalWritableFile : public WritableFile {
 public:
  // `tmp_path` is renamed to `final_path` at Close(); empty for a file
  // written in place (under `final_path` itself).
  LocalWritableFile(std::string final_path, std::string tmp_path, int fd)
      : final_path_(std::move(final_path)), tmp_path_(std::move(tmp_path)), fd_(fd) {}
  ~LocalWritableFile() override { Abort(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::InvalidArgument("append to a closed file: " + final_path_);
    if (buffer_.size() + data.size() > kWriteBufferSize) {
      SPARKIFY_RETURN_IF_ERROR(Flush());
      if (data.size() >= kWriteBufferSize)
        return WriteAll(fd_, data.data(), data.size(), written_path());
    }
    if (buffer_.capacity() < kFirstWriteBufferSize) buffer_.reserve(kFirstWriteBufferSize);
    buffer_.append(data);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::InvalidArgument("closed twice: " + final_path_);
    Status s = Flush();
    if (s.ok() && ::close(fd_) != 0) s = ErrnoStatus("cannot close", written_path(), errno);
    fd_ = -1;
    if (s.ok() && !tmp_path_.empty() && ::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
      s = ErrnoStatus("cannot rename into place", final_path_, errno);
    }
    if (!s.ok()) ::unlink(written_path().c_str());
    return s;
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(written_path().c_str());
  }

 private:
  Status Flush() {
    Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), written_path());
    buffer_.clear();
    return s;
  }

  const std::string& written_path() const { return tmp_path_.empty() ? final_path_ : tmp_path_; }

  std::string final_path_;
  std::string tmp_path_;
  int fd_;
  std::string buffer_;
};

class LocalFileSystem : public FileSystem {
 public:
  explicit LocalFileSystem(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  std::string Describe() const override { return root_; }

  // The log stage's chunks. bench/etl_bench.sh's 1g data, output on tmpfs,
  // medians of 5 alternating runs: 0.85 s with 16 MB chunks,
  // 0.82 s with 4 MB, 0.80 s with 2 MB and 0.85 s with 1 MB (per-chunk costs
  // take over). 4 MB also kept 5g as fast as 16 MB (3.73 s against 3.68 s;
  // 2 MB: 3.9 s), and peak memory fell from 240 to 208 MB (1g) and from
  // 419 to 360 MB (5g).
  uint64_t PreferredReadBytes() const override { return 4u << 20; }

  Status List(std::string_view prefix, std::vector<FileInfo>* out) override {
    return List(prefix, /*stat_files=*/true, out);
  }

  Status ListPaths(std::string_view prefix, std::vector<FileInfo>* out) override {
    return List(prefix, /*stat_files=*/false, out);
  }

  Status List(std::string_view prefix, bool stat_files, std::vector<FileInfo>* out) {
    out->clear();
    struct stat st;
    if (::stat(root_.c_str(), &st) != 0) return ErrnoStatus("cannot list", root_, errno);
    if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(root_ + " is not a directory");
    // Walk only below the deepest directory the prefix names.
    std::string start(
        prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/')));
    std::vector<std::string> subdirs;
    Status s = Walk(start, prefix, stat_files, out, nullptr, &subdirs);
    if (s.ok()) s = WalkInParallel(subdirs, prefix, stat_files, out);
    // Sorted already unless the start folder holds files besides folders.
    auto by_path = [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; };
    if (!std::is_sorted(out->begin(), out->end(), by_path)) {
      std::sort(out->begin(), out->end(), by_path);
    }
    return s;
  }

  Status Read(std::string_view path, std::string* contents) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", full, errno);
    return ReadOpen(fd, full, contents);
  }

  // Consecutive paths in the same folder (a catalogue's one-song files) are
  // opened relative to that folder, opened once: the kernel resolves one name
  // per file instead of the whole path. Still one open/fstat/read/close per
  // file, on the calling thread.
  void ReadMany(const std::vector<std::string>& paths, const ReadCallback& on_file) override {
    std::string dir_path;
    int dir_fd = -1;
    std::string full;  // reused: one path string per call, not two per file
    for (size_t i = 0; i < paths.size(); ++i) {
      std::string contents;
      Status s = ValidateRelative(paths[i]);
      if (s.ok()) {
        full.assign(root_);
        full += '/';
        full += paths[i];
        const std::string_view dir(full.data(), full.rfind('/'));
        if (dir != dir_path || dir_fd < 0) {
          if (dir_fd >= 0) ::close(dir_fd);
          dir_path.assign(dir);
          dir_fd = ::open(dir_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        int fd = dir_fd < 0
                     ? ::open(full.c_str(), O_RDONLY | O_CLOEXEC)
                     : ::openat(dir_fd, full.c_str() + dir_path.size() + 1, O_RDONLY | O_CLOEXEC);
        s = fd < 0 ? ErrnoStatus("cannot open", full, errno) : ReadOpen(fd, full, &contents);
      }
      on_file(i, s, std::move(contents));
    }
    if (dir_fd >= 0) ::close(dir_fd);
  }

  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", full, errno);
    Status s = PreadFully(fd, offset, length, full, out);
    ::close(fd);
    return s;
  }

  Status NewRandomAccessFile(std::string_view path,
                             std::unique_ptr<RandomAccessFile>* out) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", full, errno);
    *out = NewMappedFile(fd, std::move(full));
    return Status::OK();
  }

  Status Stat(std::string_view path, FileInfo* info) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    struct stat st;
    if (::stat(full.c_str(), &st) != 0) return ErrnoStatus("cannot stat", full, errno);
    *info = ToInfo(std::string(path), st);
    return Status::OK();
  }

  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    // Write a temporary, then link(2) it: link fails with EEXIST atomically,
    // so two racing writers cannot both succeed.
    std::unique_ptr<WritableFile> unused;
    std::string final_path, tmp_path;
    int fd = -1;
    SPARKIFY_RETURN_IF_ERROR(OpenTemporary(path, &final_path, &tmp_path, &fd));
    Status s = WriteAll(fd, contents.data(), contents.size(), tmp_path);
    ::close(fd);
    if (s.ok() && ::link(tmp_path.c_str(), final_path.c_str()) != 0) {
      s = ErrnoStatus("cannot create", final_path, errno);
    }
    ::unlink(tmp_path.c_str());
    return s;
  }

  Status NewWritableFile(std::string_view path, std::unique_ptr<WritableFile>* out) override {
    std::string final_path, tmp_path;
    int fd = -1;
    SPARKIFY_RETURN_IF_ERROR(OpenTemporary(path, &final_path, &tmp_path, &fd));
    *out = std::make_unique<LocalWritableFile>(std::move(final_path), std::move(tmp_path), fd);
    return Status::OK();
  }

  Status NewWritableFileInPlace(std::string_view path,
                                std::unique_ptr<WritableFile>* out) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = -1;
    if (!CreateBelowCachedFolder(full, &fd)) {
      SPARKIFY_RETURN_IF_ERROR(Create(full, O_TRUNC, &fd));
    }
    *out = std::make_unique<LocalWritableFile>(std::move(full), std::string(), fd);
    return Status::OK();
  }

  Status Sync() override {
    // syncfs(2) rather than an fsync per file: a lake run closes thousands of
    // small files and makes as many folders, each of which would need its
    // own fsync and its parent folder's. One call writes back the whole file
    // system (other writers' dirty pages too). It fails on a write-back error
    // of the file system that no one has reported yet, including one from
    // before the descriptor was opened (errseq: an unseen error is reported to
    // the first one to check), so a lost page of a data file fails the commit.
    const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open for sync", root_, errno);
    const int rc = ::syncfs(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus("cannot sync the file system of", root_, err);
    return Status::OK();
  }

  Status Delete(const std::vector<std::string>& paths) override {
    for (const std::string& p : paths) {
      SPARKIFY_RETURN_IF_ERROR(ValidateRelative(p));
      std::string full = Full(p);
      if (::unlink(full.c_str()) != 0 && errno != ENOENT) {
        return ErrnoStatus("cannot delete", full, errno);
      }
      // Prune directories left empty (rmdir fails harmlessly on non-empty ones).
      for (std::string dir = ParentOf(p); !dir.empty(); dir = ParentOf(dir)) {
        if (::rmdir(Full(dir).c_str()) != 0) break;
      }
    }
    return Status::OK();
  }

  // A hard link under a temporary name, renamed into place: no bytes are
  // copied, and `to` appears whole. Files are never modified in place (writes
  // go to a temporary and are renamed), so sharing the inode is safe. Where
  // links are impossible (another device, a file system without them) the
  // bytes are copied.
  Status Copy(std::string_view from, std::string_view to) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(from));
    std::string source = Full(from);
    std::string final_path, tmp_path;
    int fd = -1;
    SPARKIFY_RETURN_IF_ERROR(OpenTemporary(to, &final_path, &tmp_path, &fd));
    ::close(fd);
    ::unlink(tmp_path.c_str());  // only the unique name was wanted
    if (::link(source.c_str(), tmp_path.c_str()) != 0) {
      int err = errno;
      if (err == ENOENT) return ErrnoStatus("cannot copy", source, err);
      if (err != EXDEV && err != EPERM && err != EMLINK && err != ENOTSUP) {
        return ErrnoStatus("cannot link " + source + " to", tmp_path, err);
      }
      return FileSystem::Copy(from, to);
    }
    if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp_path.c_str());
      return ErrnoStatus("cannot rename into place", final_path, err);
    }
    return Status::OK();
  }

  Status CleanupTemporaries(std::string_view prefix, size_t* removed) override {
    *removed = 0;
    std::vector<std::string> tmps;
    std::string dir = std::string(
        prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/')));
    std::vector<FileInfo> unused;
    SPARKIFY_RETURN_IF_ERROR(Walk(dir, prefix, /*stat_files=*/false, &unused, &tmps));
    for (const std::string& t : tmps) {
      // ".<name>.sparkify-tmp-<pid>-<n>": only a dead writer's temporary goes.
      std::string base = BaseName(t);
      size_t at = base.find(kTmpMarker);
      pid_t pid = static_cast<pid_t>(std::atoll(base.c_str() + at + kTmpMarker.size()));
      if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
      if (::unlink(Full(t).c_str()) == 0) ++*removed;
    }
    return Status::OK();
  }

 private:
  std::string Full(std::string_view rel) const {
    std::string full;
    full.reserve(root_.size() + 1 + rel.size());  // one allocation, not a copy and a growth
    full += root_;
    if (!rel.empty()) {
      full += '/';
      full += rel;
    }
    return full;
  }

  static FileInfo ToInfo(std::string rel, const struct stat& st) {
    FileInfo info;
    info.path = std::move(rel);
    info.size = static_cast<uint64_t>(st.st_size);
    info.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return info;
  }

  // Recursively collects regular files under `dir` (relative) whose path starts
  // with `prefix`; temporaries go to `tmps` when given, never to `out`.
  // With `subdirs`, the folders found in `dir` are put there instead of
  // being walked. Without `stat_files`, a file the folder listing says is a
  // regular file is not stat'ed: its size and time are left 0.
  //
  // A folder's entries are taken in path order (a folder's name sorts as
  // itself followed by '/', as the paths under it do), so that a walk from a
  // folder without files of its own yields its files sorted: List() then
  // only checks the order instead of sorting 200,000 long paths.
  Status Walk(const std::string& dir, std::string_view prefix, bool stat_files,
              std::vector<FileInfo>* out, std::vector<std::string>* tmps = nullptr,
              std::vector<std::string>* subdirs = nullptr) {
    std::string full = Full(dir);
    DIR* d = ::opendir(full.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::OK();  // prefix matches nothing
      return ErrnoStatus("cannot list", full, errno);
    }
    struct Entry {
      std::string key;  // the relative path; a folder's ends with '/'
      bool is_dir;
      struct stat st;  // of a file
    };
    std::vector<Entry> entries;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      std::string rel;
      rel.reserve(dir.size() + 2 + name.size());  // room for a folder's '/' (below)
      if (!dir.empty()) {
        rel += dir;
        rel += '/';
      }
      rel += name;
      // Skip subtrees that cannot match the prefix.
      size_t common = std::min(rel.size(), prefix.size());
      if (rel.compare(0, common, prefix, 0, common) != 0) continue;
      // Relative to the open folder: a full path would be resolved component
      // by component again for every one of a catalogue's files. A folder
      // the listing says is one needs no stat at all.
      struct stat st;
      if (e->d_type == DT_DIR) {
        st.st_mode = S_IFDIR;
      } else if (e->d_type == DT_REG && !stat_files) {
        st = {};
        st.st_mode = S_IFREG;
      } else if (::fstatat(::dirfd(d), e->d_name, &st, 0) != 0) {
        continue;  // vanished meanwhile
      }
      if (S_ISDIR(st.st_mode)) {
        rel.push_back('/');
        entries.push_back(Entry{std::move(rel), true, {}});
      } else if (S_ISREG(st.st_mode) && rel.size() >= prefix.size()) {
        entries.push_back(Entry{std::move(rel), false, st});
      }
    }
    ::closedir(d);
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
    for (Entry& entry : entries) {
      if (entry.is_dir) {
        entry.key.pop_back();
        if (subdirs != nullptr) {
          subdirs->push_back(std::move(entry.key));
          continue;
        }
        SPARKIFY_RETURN_IF_ERROR(Walk(entry.key, prefix, stat_files, out, tmps));
      } else if (entry.key.find(kTmpMarker, dir.size()) != std::string::npos) {
        if (tmps != nullptr) tmps->push_back(std::move(entry.key));
      } else {
        out->push_back(ToInfo(std::move(entry.key), entry.st));
      }
    }
    return Status::OK();
  }

  // Walks each of `dirs` (recursively) into `out`. A catalogue of 200,000
  // one-song files in thousands of folders costs a stat per file and a
  // getdents per folder in the kernel: the top folders are spread over a few
  // threads (made once per listing), each walking whole subtrees.
  Status WalkInParallel(const std::vector<std::string>& dirs, std::string_view prefix,
                        bool stat_files, std::vector<FileInfo>* out) {
    const size_t threads = std::min<size_t>(
        {dirs.size(), kMaxListingThreads, std::max(1u, std::thread::hardware_concurrency())});
    std::vector<std::vector<FileInfo>> found(dirs.size());
    std::vector<Status> status(dirs.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < dirs.size();) {
        status[i] = Walk(dirs[i], prefix, stat_files, &found[i]);
      }
    };
    if (threads <= 1) {
      work();
    } else {
      std::vector<std::thread> pool;
      for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
      work();
      for (std::thread& t : pool) t.join();
    }
    for (size_t i = 0; i < dirs.size(); ++i) {
      SPARKIFY_RETURN_IF_ERROR(status[i]);
      out->insert(out->end(), std::make_move_iterator(found[i].begin()),
                  std::make_move_iterator(found[i].end()));
    }
    return Status::OK();
  }

  Status OpenTemporary(std::string_view path, std::string* final_path, std::string* tmp_path,
                       int* fd) {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    *final_path = Full(path);
    std::string dir = ParentOf(*final_path);
    std::string base = BaseName(path);
    *tmp_path = (dir.empty() ? std::string() : dir + "/") + "." + base + std::string(kTmpMarker) +
                std::to_string(::getpid()) + "-" + std::to_string(g_tmp_counter.fetch_add(1));
    return Create(*tmp_path, O_EXCL, fd);
  }

  // Opens `full` for writing with O_CREAT | `flags`, making its folders
  // first unless this thread's previous file went to the same folder: a file
  // in a new partition folder costs mkdir + open, the next one in the same
  // folder one open. (A folder deleted meanwhile makes the open fail with
  // ENOENT: it is made again.)
  static Status Create(const std::string& full, int flags, int* fd) {
    thread_local std::string last_dir;
    std::string dir = ParentOf(full);
    if (dir != last_dir) {
      last_dir.clear();
      SPARKIFY_RETURN_IF_ERROR(MakeDirs(dir));
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
      *fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
      if (*fd >= 0) {
        last_dir = std::move(dir);
        return Status::OK();
      }
      // A concurrent Delete() pruned the folder after it was made.
      if (errno != ENOENT) break;
      SPARKIFY_RETURN_IF_ERROR(MakeDirs(dir));
    }
    return ErrnoStatus("cannot create", full, errno);
  }

  // Creates (or truncates) `full` for writing, relative to the folder two
  // levels up, which this thread keeps open from file to file: a partition
  // file's folder is made with mkdirat(2) and the file opened with openat(2)
  // on that descriptor, so the kernel resolves one or two names instead of
  // the whole path (~12 components under a lake's version folder) twice per
  // file; and the folder is made only when it differs from this thread's
  // previous file's. A lake's song partitions (year=Y/artist_id=A/part-N)
  // share the year folder from file to file. Returns false, with nothing
  // done, when the cached folder cannot serve (another folder, a folder
  // deleted meanwhile, any error): the caller then takes the full path.
  //
  // The descriptor follows the folder if it is renamed, which is why only
  // in-place files use it: their folder is the run's own, which nothing
  // renames while the run writes (NewWritableFileInPlace's contract).
  bool CreateBelowCachedFolder(const std::string& full, int* fd) {
    // Per thread; `owner` tells which file system's root the folder is under
    // (file systems are told apart by a number, never by address).
    struct CachedFolder {
      uint64_t owner = 0;
      std::string path;  // the open folder, full
      int fd = -1;
      std::string made;  // the subfolder made under it for the previous file
      void Reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
        path.clear();
        made.clear();
      }
      ~CachedFolder() { Reset(); }
    };
    thread_local CachedFolder cache;
    const size_t file_slash = full.rfind('/');
    if (file_slash == std::string::npos || file_slash == 0) return false;
    const size_t dir_slash = full.rfind('/', file_slash - 1);
    if (dir_slash == std::string::npos || dir_slash == 0) return false;
    const std::string_view parent(full.data(), dir_slash);
    const std::string_view below(full.data() + dir_slash + 1);  // "folder/file"
    const std::string_view folder = below.substr(0, file_slash - dir_slash - 1);
    if (cache.owner != id_ || cache.fd < 0 || cache.path != parent) {
      cache.Reset();
      cache.path.assign(parent);
      cache.fd = ::open(cache.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (cache.fd < 0 && errno == ENOENT && MakeDirs(cache.path).ok()) {
        cache.fd = ::open(cache.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      }
      if (cache.fd < 0) {
        cache.Reset();
        return false;
      }
      cache.owner = id_;
    }
    if (cache.made != folder) {
      cache.made.clear();
      const std::string name(folder);
      if (::mkdirat(cache.fd, name.c_str(), 0755) != 0 && errno != EEXIST) {
        cache.Reset();
        return false;
      }
      cache.made = name;
    }
    *fd = ::openat(cache.fd, below.data(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (*fd < 0) {
      // A folder deleted meanwhile, or an error the full path will report.
      cache.Reset();
      return false;
    }
    return true;
  }

  // Reads the whole of open file `fd` (named `full` in errors) and closes it.
  static Status ReadOpen(int fd, const std::string& full, std::string* contents) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("cannot stat", full, err);
    }
    Status s = PreadFully(fd, 0, static_cast<uint64_t>(st.st_size), full, contents);
    ::close(fd);
    return s;
  }

  std::string root_;
  // Tells this file system apart from others in per-thread caches.
  const uint64_t id_ = g_file_system_ids.fetch_add(1) + 1;
};

}  // namespace

bool IsLocalTemporaryName(std::string_view file_name) {
  return file_name.find(kTmpMarker) != std::string_view::npos;
}

std::unique_ptr<FileSystem> NewLocalFileSystem(const std::string& root) {
  return std::make_unique<LocalFileSystem>(root.empty() ? "." : root);
}

}  // namespace sparkify::fs
