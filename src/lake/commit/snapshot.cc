#include "lake/commit/snapshot.h"

#include "lake/commit/manifest.h"
#include "lake/commit/table_layout.h"

namespace sparkify::lake {

Status ReadSnapshot(fs::FileSystem* fs, std::map<std::string, std::vector<std::string>>* tables) {
  tables->clear();
  std::string current, text, published;
  SPARKIFY_RETURN_IF_ERROR(fs->Read(commit::kCurrentPath, &current));
  SPARKIFY_RETURN_IF_ERROR(fs->Read(current, &text));
  commit::Manifest m;
  SPARKIFY_RETURN_IF_ERROR(commit::Manifest::Decode(text, &m).WithContext(current));
  Status s = fs->Read(commit::kPublishedPath, &published);
  if (!s.ok() && !s.IsNotFound()) return s;
  bool local = commit::IsLocalRoot(*fs);
  for (const auto& [table, state] : m.tables) {
    auto& paths = (*tables)[table];
    for (const std::string& f : state.files) {
      if (local) {
        // Version folders are immutable and complete before CURRENT names them.
        paths.push_back(std::string(commit::kVersionsDir) + table + "/" + state.version_run + "/" +
                        f);
        continue;
      }
      std::string visible = table + "/" + f;
      if (published != current) {
        // Publish unfinished: this run's new files may still be only staged.
        std::string staged = commit::StagingPrefix(m.run_id) + visible;
        fs::FileInfo info;
        if (fs->Stat(staged, &info).ok()) {
          paths.push_back(staged);
          continue;
        }
      }
      paths.push_back(visible);
    }
  }
  return Status::OK();
}

}  // namespace sparkify::lake
