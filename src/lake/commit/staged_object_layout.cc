// StagedObjectLayout: the layout for object stores (S3), which cannot rename.
// See table_layout.h and docs/commit-protocol.md.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lake/commit/crash_point.h"
#include "lake/commit/step_timer.h"
#include "lake/commit/symlink_manifest.h"
#include "lake/commit/table_layout.h"

namespace sparkify::lake::commit {

namespace {

// Publishing, all tables at once, in three steps that each keep many requests
// in flight (the publish step is the window in which a listing reader can
// see a mix, so it is kept short):
//   1. server-side copies of the run's new files from the staging area into
//      the table folders (FileSystem::CopyMany);
//   2. the symlink manifests of the changed tables (write-behind PUTs);
//   3. one batched delete of the superseded files and stale manifests.
// Nothing is deleted before every new file and manifest is in place, so a
// manifest reader never meets a missing file.
class StagedObjectLayout : public TableLayout {
 public:
  StagedObjectLayout(fs::FileSystem* fs, bool symlink_manifests)
      : fs_(fs), symlink_manifests_(symlink_manifests) {}

  std::string DataPath(std::string_view table, std::string_view run_id,
                       std::string_view file) const override {
    return StagingPrefix(run_id) + std::string(table) + "/" + std::string(file);
  }

  Status Prepare(const Manifest* previous, const Manifest& next) override {
    return Status::OK();  // staged files are copied at publish time
  }

  Status PublishTables(const Manifest& m) override {
    StepTimer timer;
    std::vector<std::pair<std::string, std::string>> copies;     // staging -> table folder
    std::vector<std::pair<std::string, std::string>> manifests;  // path, contents
    std::vector<std::string> superseded;
    // One listing per table, all at once: each is a round trip.
    std::vector<std::string> tables;
    for (const auto& [table, state] : m.tables) tables.push_back(table);
    std::vector<std::vector<fs::FileInfo>> listings(tables.size());
    std::vector<Status> listed_status(tables.size());
    {
      std::vector<std::thread> listers;
      for (size_t i = 0; i < tables.size(); ++i) {
        listers.emplace_back(
            [&, i] { listed_status[i] = fs_->List(tables[i] + "/", &listings[i]); });
      }
      for (auto& t : listers) t.join();
    }
    size_t index = 0;
    for (const auto& [table, state] : m.tables) {
      std::string folder = table + "/";
      std::vector<fs::FileInfo>& listed = listings[index];
      Status s = listed_status[index++];
      if (!s.ok() && !s.IsNotFound()) return s;
      std::set<std::string> visible_files, visible_manifests;
      for (auto& f : listed) {
        std::string in_table = f.path.substr(folder.size());
        (IsSymlinkManifestPath(in_table) ? visible_manifests : visible_files).insert(in_table);
      }
      for (const std::string& f : state.files) {
        if (!visible_files.count(f)) copies.emplace_back(DataPath(table, m.run_id, f), folder + f);
      }
      std::set<std::string> wanted(state.files.begin(), state.files.end());
      for (const std::string& f : visible_files) {
        if (!wanted.count(f)) superseded.push_back(folder + f);
      }
      // Hidden tables ('_inputs') are the protocol's own: no reader wants manifests of them.
      if (table.starts_with("_")) continue;
      // Without manifests, those an earlier commit published go too: a
      // manifest naming superseded files would mislead its readers.
      std::map<std::string, std::string> wanted_manifests;
      if (symlink_manifests_) wanted_manifests = SymlinkManifests(fs_->Describe(), table, state);
      for (auto& [path, contents] : wanted_manifests) {
        manifests.emplace_back(folder + path, std::move(contents));
      }
      for (const std::string& f : visible_manifests) {
        if (!wanted_manifests.count(f)) superseded.push_back(folder + f);
      }
    }
    timer.Lap("publish: list the table folders");
    StepTimer window;
    Status s = fs_->CopyMany(copies);
    if (s.IsNotFound()) {
      return Status::Corruption(
          "a committed data file is neither in its table nor in the staging area (" + s.message() +
          ")");
    }
    SPARKIFY_RETURN_IF_ERROR(s);
    timer.Lap("publish: copies");
    CrashPoint("publish.step");
    SPARKIFY_RETURN_IF_ERROR(WriteAll(manifests));
    timer.Lap("publish: symlink manifests");
    CrashPoint("publish.step");
    SPARKIFY_RETURN_IF_ERROR(fs_->Delete(superseded));
    timer.Lap("publish: deletes");
    window.Lap("publish: the listing readers' window (copies, manifests, deletes)");
    CrashPoint("publish.step");
    return Status::OK();
  }

  Status CollectGarbage(const Manifest* m, const Manifest* keep) override {
    // Superseded table files went at publish time; dead runs only ever wrote
    // under the staging area, which the transaction clears.
    return Status::OK();
  }

 private:
  // Small files, written with write-behind where the store has it (S3), so
  // they go up together; rewritten whole even when unchanged (idempotent).
  Status WriteAll(const std::vector<std::pair<std::string, std::string>>& files) {
    Status first;
    for (const auto& [path, contents] : files) {
      std::unique_ptr<fs::WritableFile> file;
      Status s = fs_->NewWritableFile(path, &file);
      if (s.ok()) s = file->Append(contents);
      if (s.ok()) {
        s = file->Close();
      } else if (file) {
        file->Abort();
      }
      if (!s.ok()) {
        first = s;
        break;
      }
    }
    Status waited = fs_->WaitForWrites();
    return first.ok() ? waited : first;
  }

  fs::FileSystem* fs_;
  const bool symlink_manifests_;
};

}  // namespace

std::string StagingPrefix(std::string_view run_id) {
  return std::string(kStagingDir) + std::string(run_id) + "/";
}

std::unique_ptr<TableLayout> NewStagedObjectLayout(fs::FileSystem* fs, bool symlink_manifests) {
  return std::make_unique<StagedObjectLayout>(fs, symlink_manifests);
}

}  // namespace sparkify::lake::commit
