// ReadSnapshot: the lake as a manifest-aware reader sees it: every table's
// files from one commit, atomically, on every store and at every instant,
// even while a publish step runs or after a run died in the middle of one.
//
//   std::map<std::string, std::vector<std::string>> tables;
//   SPARKIFY_RETURN_IF_ERROR(lake::ReadSnapshot(fs, &tables));
//   for (auto& path : tables["songs"]) fs->Read(path, ...);
//
// Paths are relative to the lake root. A new lake (no commit yet) gives
// NotFound. Files may vanish if a later run commits and cleans up while the
// caller reads (the previous version is kept until the run after that).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"

namespace sparkify::lake {

Status ReadSnapshot(fs::FileSystem* fs, std::map<std::string, std::vector<std::string>>* tables);

}  // namespace sparkify::lake
