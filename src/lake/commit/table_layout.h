// TableLayout: where a run's data files live before and after they are
// published, and how the visible table folders are switched to a new manifest.
//
//   - VersionedDirLayout (local disk): a run writes into its own version
//     directory `_sparkify/versions/<table>/<run>/`; the table folder
//     `<table>` is a symlink to the current version, switched with one
//     rename(2). A listing reader sees the old or the new table, never a mix.
//   - StagedObjectLayout (S3, memory): a run writes under
//     `_sparkify/staging/<run>/<table>/`; publishing copies the new files into
//     the table folder and then deletes the superseded ones. Object stores have
//     no rename, so a listing reader can see a mix during that step only.
//
// Publish() is idempotent: it is how the next run rolls a commit forward when
// the committing run died after the commit point.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/commit/manifest.h"

namespace sparkify::lake::commit {

class TableLayout {
 public:
  virtual ~TableLayout() = default;

  // The path (relative to the lake root) where run `run_id` writes `file`
  // (relative to the table folder) of `table`.
  virtual std::string DataPath(std::string_view table, std::string_view run_id,
                               std::string_view file) const = 0;

  // Makes `next`'s files exist where Publish() expects them, before the
  // manifest is written (local: hard links of the files an appended table
  // carries over into the new version directory). `previous` may be null.
  virtual Status Prepare(const Manifest* previous, const Manifest& next) = 0;

  // Makes every table folder show exactly `m`'s files. Idempotent.
  virtual Status PublishTables(const Manifest& m) = 0;

  // Deletes table data that neither `m` nor `keep` (may be null) references:
  // superseded versions, files of runs that died before committing.
  virtual Status CollectGarbage(const Manifest* m, const Manifest* keep) = 0;
};

// `root_dir` is the local directory `fs` is rooted at. With
// `symlink_manifests`, every table version the layout publishes carries its
// Hive symlink manifests (symlink_manifest.h); without, none does, and the
// object layout deletes those an earlier commit published.
std::unique_ptr<TableLayout> NewVersionedDirLayout(fs::FileSystem* fs, std::string root_dir,
                                                   bool symlink_manifests);
std::unique_ptr<TableLayout> NewStagedObjectLayout(fs::FileSystem* fs, bool symlink_manifests);

// True when `fs` is rooted in a local directory (its Describe() is a path,
// not a URI): the versioned-directory layout and flock apply.
bool IsLocalRoot(const fs::FileSystem& fs);

// "_sparkify/staging/<run>/" — the run's scratch area on every layout.
std::string StagingPrefix(std::string_view run_id);

}  // namespace sparkify::lake::commit
