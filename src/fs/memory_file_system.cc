#include "fs/memory_file_system.h"

#include <map>
#include <mutex>

namespace sparkify::fs {

namespace {

struct Store {
  std::mutex mu;
  std::map<std::string, std::string, std::less<>> files;
  int64_t clock = 0;  // fake mtime: increases on every write
};

class MemoryWritableFile : public WritableFile {
 public:
  MemoryWritableFile(std::shared_ptr<Store> store, std::string path)
      : store_(std::move(store)), path_(std::move(path)) {}
  ~MemoryWritableFile() override { Abort(); }
  Status Append(std::string_view data) override {
    if (done_) return Status::InvalidArgument("append after close: " + path_);
    buffer_.append(data);
    return Status::OK();
  }
  Status Close() override {
    if (done_) return Status::InvalidArgument("closed twice: " + path_);
    done_ = true;
    std::lock_guard<std::mutex> lock(store_->mu);
    store_->files[path_] = std::move(buffer_);
    ++store_->clock;
    return Status::OK();
  }
  void Abort() override {
    done_ = true;
    buffer_.clear();
  }

 private:
  std::shared_ptr<Store> store_;
  std::string path_;
  std::string buffer_;
  bool done_ = false;
};

class MemoryFileSystem : public FileSystem {
 public:
  MemoryFileSystem(std::string name, std::shared_ptr<Store> store)
      : name_(std::move(name)), store_(std::move(store)) {}

  std::string Describe() const override { return "mem://" + name_; }

  Status List(std::string_view prefix, std::vector<FileInfo>* out) override {
    out->clear();
    std::lock_guard<std::mutex> lock(store_->mu);
    for (auto it = store_->files.lower_bound(prefix);
         it != store_->files.end() && it->first.starts_with(prefix); ++it) {
      out->push_back(FileInfo{it->first, it->second.size(), "", 0});
    }
    return Status::OK();
  }

  Status Read(std::string_view path, std::string* contents) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    auto it = store_->files.find(path);
    if (it == store_->files.end()) return Status::NotFound(Describe() + "/" + std::string(path));
    *contents = it->second;
    return Status::OK();
  }

  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    auto it = store_->files.find(path);
    if (it == store_->files.end()) return Status::NotFound(Describe() + "/" + std::string(path));
    const std::string& data = it->second;
    if (offset >= data.size()) {
      out->clear();
    } else {
      *out = data.substr(offset, length);
    }
    return Status::OK();
  }

  Status Stat(std::string_view path, FileInfo* info) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    auto it = store_->files.find(path);
    if (it == store_->files.end()) return Status::NotFound(Describe() + "/" + std::string(path));
    *info = FileInfo{it->first, it->second.size(), "", 0};
    return Status::OK();
  }

  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    auto [it, inserted] = store_->files.emplace(std::string(path), std::string(contents));
    if (!inserted) return Status::AlreadyExists(Describe() + "/" + std::string(path));
    return Status::OK();
  }

  Status NewWritableFile(std::string_view path, std::unique_ptr<WritableFile>* out) override {
    if (path.empty() || path.front() == '/') {
      return Status::InvalidArgument("bad path: '" + std::string(path) + "'");
    }
    *out = std::make_unique<MemoryWritableFile>(store_, std::string(path));
    return Status::OK();
  }

  Status Delete(const std::vector<std::string>& paths) override {
    std::lock_guard<std::mutex> lock(store_->mu);
    for (const std::string& p : paths) store_->files.erase(p);
    return Status::OK();
  }

 private:
  std::string name_;
  std::shared_ptr<Store> store_;
};

}  // namespace

std::unique_ptr<FileSystem> NewMemoryFileSystem(const std::string& name) {
  return std::make_unique<MemoryFileSystem>(name, std::make_shared<Store>());
}

std::unique_ptr<FileSystem> OpenSharedMemoryFileSystem(const std::string& name) {
  static std::mutex mu;
  static auto* stores = new std::map<std::string, std::shared_ptr<Store>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& store = (*stores)[name];
  if (!store) store = std::make_shared<Store>();
  return std::make_unique<MemoryFileSystem>(name, store);
}

}  // namespace sparkify::fs
