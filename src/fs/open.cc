#include "fs/open.h"

#include "fs/local_file_system.h"
#include "fs/memory_file_system.h"
#include "s3/s3_file_system.h"

namespace sparkify::fs {

Status OpenFileSystem(const std::string& uri, const OpenOptions& options,
                      std::unique_ptr<FileSystem>* out) {
  if (uri.starts_with("s3://")) {
    s3::S3Options s3_options;
    SPARKIFY_RETURN_IF_ERROR(s3::S3OptionsFromOpenOptions(options, &s3_options));
    std::unique_ptr<s3::S3FileSystem> s3fs;
    SPARKIFY_RETURN_IF_ERROR(s3::S3FileSystem::Open(uri, s3_options, &s3fs));
    *out = std::move(s3fs);
    return Status::OK();
  }
  if (uri.starts_with("mem://")) {
    *out = OpenSharedMemoryFileSystem(uri.substr(6));
    return Status::OK();
  }
  std::string path = uri.starts_with("file://") ? uri.substr(7) : uri;
  if (path.find("://") != std::string::npos) {
    return Status::InvalidArgument("unsupported location (want a path or s3://bucket/prefix): " +
                                   uri);
  }
  *out = NewLocalFileSystem(path);
  return Status::OK();
}

}  // namespace sparkify::fs
