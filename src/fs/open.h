// OpenFileSystem: picks the implementation for a location.
//   "/abs/dir", "rel/dir", "file:///dir"  -> LocalFileSystem rooted there
//   "s3://bucket/prefix"                  -> S3FileSystem (src/s3), see S3Options
//   "mem://name"                          -> a process-wide MemoryFileSystem (tests)
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "fs/file_system.h"

namespace sparkify::fs {

// Options that only some implementations use; ignored by the others.
struct OpenOptions {
  std::string config_file;  // dl.cfg with [AWS] credentials (optional)
  std::string endpoint;     // --endpoint, overrides AWS_ENDPOINT_URL(_S3)
  std::string region;       // overrides AWS_REGION / AWS_DEFAULT_REGION
  bool anonymous = false;   // --no-sign-request
  int max_in_flight = 0;    // concurrent requests; 0 = the implementation's default
};

Status OpenFileSystem(const std::string& uri, const OpenOptions& options,
                      std::unique_ptr<FileSystem>* out);

}  // namespace sparkify::fs
