// MemoryFileSystem: FileSystem in a map, for tests. Thread-safe. Files become
// visible at WritableFile::Close(), as on the real implementations.
#pragma once

#include <memory>
#include <string>

#include "fs/file_system.h"

namespace sparkify::fs {

std::unique_ptr<FileSystem> NewMemoryFileSystem(const std::string& name = "mem");

// The process-wide file system behind "mem://name" URIs. It lives until exit;
// the returned object is a handle that shares its contents.
std::unique_ptr<FileSystem> OpenSharedMemoryFileSystem(const std::string& name);

}  // namespace sparkify::fs
