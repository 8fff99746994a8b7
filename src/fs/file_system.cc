#include "fs/file_system.h"

namespace sparkify::fs {

namespace {

// NewRandomAccessFile's default: every Read is a ReadRange into the scratch.
class RangeReadFile : public RandomAccessFile {
 public:
  RangeReadFile(FileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  Status Read(uint64_t offset, uint64_t n, std::string* scratch,
              std::string_view* result) const override {
    Status s = fs_->ReadRange(path_, offset, n, scratch);
    *result = s.ok() ? std::string_view(*scratch) : std::string_view();
    return s;
  }

 private:
  FileSystem* const fs_;
  const std::string path_;
};

}  // namespace

Status FileSystem::NewRandomAccessFile(std::string_view path,
                                       std::unique_ptr<RandomAccessFile>* out) {
  // Stat says NotFound now rather than at the first Read.
  FileInfo info;
  SPARKIFY_RETURN_IF_ERROR(Stat(path, &info));
  *out = std::make_unique<RangeReadFile>(this, std::string(path));
  return Status::OK();
}

void FileSystem::ReadMany(const std::vector<std::string>& paths, const ReadCallback& on_file) {
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string contents;
    Status s = Read(paths[i], &contents);
    on_file(i, s, std::move(contents));
  }
}

Status FileSystem::Write(std::string_view path, std::string_view contents) {
  std::unique_ptr<WritableFile> file;
  SPARKIFY_RETURN_IF_ERROR(NewWritableFile(path, &file));
  Status s = file->Append(contents);
  if (!s.ok()) {
    file->Abort();
    return s;
  }
  return file->Close();
}

Status FileSystem::Copy(std::string_view from, std::string_view to) {
  std::string contents;
  SPARKIFY_RETURN_IF_ERROR(Read(from, &contents));
  return Write(to, contents);
}

Status FileSystem::CopyMany(const std::vector<std::pair<std::string, std::string>>& copies) {
  Status first;
  for (const auto& [from, to] : copies) {
    Status s = Copy(from, to);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace sparkify::fs
