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

namespace sparkify::fs {

namespace {

constexpr std::string_view kTmpMarker = ".sparkify-tmp-";
// Appends are gathered into one write(2) of this size: thousands of small
// partition files must not cost a syscall per row group or per page.
constexpr size_t kWriteBufferSize = 1 << 20;

std::atomic<uint64_t> g_tmp_counter{0};

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
// std::filesystem::create_directories.
Status MakeDirs(const std::string& dir) {
  if (dir.empty() || ::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
  int err = errno;
  if (err == ENOENT) {
    SPARKIFY_RETURN_IF_ERROR(MakeDirs(ParentOf(dir)));
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
    err = errno;
  }
  if (err == EEXIST) {
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
    err = ENOTDIR;
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
  // `tmp_path` is renamed to `final_path` at Close(); they may be the same
  // path (a file written in place).
  LocalWritableFile(std::string final_path, std::string tmp_path, int fd)
      : final_path_(std::move(final_path)), tmp_path_(std::move(tmp_path)), fd_(fd) {}
  ~LocalWritableFile() override { Abort(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::InvalidArgument("append to a closed file: " + final_path_);
    if (buffer_.size() + data.size() > kWriteBufferSize) {
      SPARKIFY_RETURN_IF_ERROR(Flush());
      if (data.size() >= kWriteBufferSize)
        return WriteAll(fd_, data.data(), data.size(), tmp_path_);
    }
    buffer_.append(data);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::InvalidArgument("closed twice: " + final_path_);
    Status s = Flush();
    if (s.ok() && ::close(fd_) != 0) s = ErrnoStatus("cannot close", tmp_path_, errno);
    fd_ = -1;
    if (s.ok() && tmp_path_ != final_path_ &&
        ::rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
      s = ErrnoStatus("cannot rename into place", final_path_, errno);
    }
    if (!s.ok()) ::unlink(tmp_path_.c_str());
    return s;
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
  }

 private:
  Status Flush() {
    Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), tmp_path_);
    buffer_.clear();
    return s;
  }

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

  Status List(std::string_view prefix, std::vector<FileInfo>* out) override {
    out->clear();
    struct stat st;
    if (::stat(root_.c_str(), &st) != 0) return ErrnoStatus("cannot list", root_, errno);
    if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(root_ + " is not a directory");
    // Walk only below the deepest directory the prefix names.
    std::string start(
        prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/')));
    Status s = Walk(start, prefix, out);
    std::sort(out->begin(), out->end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return s;
  }

  Status Read(std::string_view path, std::string* contents) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", full, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("cannot stat", full, err);
    }
    Status s = PreadAll(fd, 0, static_cast<uint64_t>(st.st_size), full, contents);
    ::close(fd);
    return s;
  }

  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateRelative(path));
    std::string full = Full(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", full, errno);
    Status s = PreadAll(fd, offset, length, full, out);
    ::close(fd);
    return s;
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
    SPARKIFY_RETURN_IF_ERROR(Create(full, O_TRUNC, &fd));
    *out = std::make_unique<LocalWritableFile>(full, full, fd);
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
    SPARKIFY_RETURN_IF_ERROR(Walk(dir, prefix, &unused, &tmps));
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
    std::string full = root_;
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
  Status Walk(const std::string& dir, std::string_view prefix, std::vector<FileInfo>* out,
              std::vector<std::string>* tmps = nullptr) {
    std::string full = Full(dir);
    DIR* d = ::opendir(full.c_str());
    if (d == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::OK();  // prefix matches nothing
      return ErrnoStatus("cannot list", full, errno);
    }
    Status s;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      std::string rel = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
      // Skip subtrees that cannot match the prefix.
      size_t common = std::min(rel.size(), prefix.size());
      if (rel.compare(0, common, prefix, 0, common) != 0) continue;
      // Relative to the open folder: a full path would be resolved component
      // by component again for every one of a catalogue's files. A folder
      // the listing says is one needs no stat at all.
      struct stat st;
      if (e->d_type == DT_DIR) {
        st.st_mode = S_IFDIR;
      } else if (::fstatat(::dirfd(d), e->d_name, &st, 0) != 0) {
        continue;  // vanished meanwhile
      }
      if (S_ISDIR(st.st_mode)) {
        s = Walk(rel, prefix, out, tmps);
        if (!s.ok()) break;
      } else if (S_ISREG(st.st_mode) && rel.size() >= prefix.size()) {
        if (name.find(kTmpMarker) != std::string_view::npos) {
          if (tmps != nullptr) tmps->push_back(rel);
        } else {
          out->push_back(ToInfo(std::move(rel), st));
        }
      }
    }
    ::closedir(d);
    return s;
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

  // Opens `full` for writing with O_CREAT | `flags`, creating its folders
  // when the first open says they are missing (so a file in an existing
  // folder costs one open(2), and one in a new folder open + mkdir + open).
  static Status Create(const std::string& full, int flags, int* fd) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      *fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
      if (*fd >= 0) return Status::OK();
      // Missing folders; or a concurrent Delete() pruned them after mkdir.
      if (errno != ENOENT) break;
      SPARKIFY_RETURN_IF_ERROR(MakeDirs(ParentOf(full)));
    }
    return ErrnoStatus("cannot create", full, errno);
  }

  static Status PreadAll(int fd, uint64_t offset, uint64_t length, const std::string& path,
                         std::string* out) {
    out->resize(length);
    uint64_t done = 0;
    while (done < length) {
      ssize_t r = ::pread(fd, out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot read", path, errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<uint64_t>(r);
    }
    out->resize(done);
    return Status::OK();
  }

  std::string root_;
};

}  // namespace

bool IsLocalTemporaryName(std::string_view file_name) {
  return file_name.find(kTmpMarker) != std::string_view::npos;
}

std::unique_ptr<FileSystem> NewLocalFileSystem(const std::string& root) {
  return std::make_unique<LocalFileSystem>(root.empty() ? "." : root);
}

}  // namespace sparkify::fs
