// LocalFileSystem: FileSystem on a local directory.
//
// Writes go to a temporary file in the destination's directory, named
// ".<name>.sparkify-tmp-<pid>-<n>", and are renamed into place by Close(), so
// a file is visible whole or not at all; a temporary whose process is dead is
// removed by CleanupTemporaries(). Temporaries are never listed by List().
// Delete() also removes directories it leaves empty, so that a cleaned-up
// partition does not linger as an empty folder.
#pragma once

#include <memory>
#include <string>

#include "fs/file_system.h"

namespace sparkify::fs {

// Opens the directory `root` (it need not exist yet: writing creates it,
// listing or reading reports NotFound).
std::unique_ptr<FileSystem> NewLocalFileSystem(const std::string& root);

// True for names of temporaries made by LocalFileSystem writers.
bool IsLocalTemporaryName(std::string_view file_name);

}  // namespace sparkify::fs
