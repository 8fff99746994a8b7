#include "fs/mapped_file.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sparkify::fs {

namespace {

class MappedFile : public RandomAccessFile {
 public:
  MappedFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
    struct stat st;
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd_, 0);
    if (map == MAP_FAILED) return;
    map_ = static_cast<const char*>(map);
    size_ = static_cast<uint64_t>(st.st_size);
    // The mapping keeps the file open; the descriptor is no longer needed.
    ::close(fd_);
    fd_ = -1;
  }

  ~MappedFile() override {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
    if (fd_ >= 0) ::close(fd_);
  }

  Status Read(uint64_t offset, uint64_t n, std::string* scratch,
              std::string_view* result) const override {
    if (map_ == nullptr) return Pread(offset, n, scratch, result);
    if (offset >= size_) {
      *result = std::string_view();
      return Status::OK();
    }
    n = std::min(n, size_ - offset);
    *result = std::string_view(map_ + offset, n);
    return Status::OK();
  }

 private:
  Status Pread(uint64_t offset, uint64_t n, std::string* scratch, std::string_view* result) const {
    Status s = PreadFully(fd_, offset, n, path_, scratch);
    *result = s.ok() ? std::string_view(*scratch) : std::string_view();
    return s;
  }

  int fd_;
  const std::string path_;
  const char* map_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace

std::unique_ptr<RandomAccessFile> NewMappedFile(int fd, std::string path) {
  return std::make_unique<MappedFile>(fd, std::move(path));
}

Status PreadFully(int fd, uint64_t offset, uint64_t length, const std::string& path,
                  std::string* out) {
  out->resize(length);
  uint64_t done = 0;
  while (done < length) {
    ssize_t r = ::pread(fd, out->data() + done, length - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
    }
    if (r == 0) break;  // end of file
    done += static_cast<uint64_t>(r);
  }
  out->resize(done);
  return Status::OK();
}

}  // namespace sparkify::fs
