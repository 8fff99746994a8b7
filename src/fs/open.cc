#include "fs/open.h"

namespace sparkify::fs {

Status OpenFileSystem(const std::string& uri, const OpenOptions& options,
                      std::unique_ptr<FileSystem>* out) {
  return Status::NotSupported("no file system implementation yet for " + uri);
}

}  // namespace sparkify::fs
