// StagedObjectLayout: the layout for object stores (S3), which cannot rename.
// See table_layout.h and docs/commit-protocol.md.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "lake/commit/crash_point.h"
#include "lake/commit/table_layout.h"

namespace sparkify::lake::commit {

namespace {

// Copies in flight while publishing: the publish step is the window in which
// a listing reader can see a mix, so it is kept short.
constexpr size_t kCopyThreads = 16;

class StagedObjectLayout : public TableLayout {
 public:
  explicit StagedObjectLayout(fs::FileSystem* fs) : fs_(fs) {}

  std::string DataPath(std::string_view table, std::string_view run_id,
                       std::string_view file) const override {
    return StagingPrefix(run_id) + std::string(table) + "/" + std::string(file);
  }

  Status Prepare(const Manifest* previous, const Manifest& next) override {
    return Status::OK();  // staged files are copied at publish time
  }

  // Table by table: copy in the new files, then delete the superseded ones,
  // so a listing reader sees a mix only of the one table being switched.
  Status PublishTables(const Manifest& m) override {
    for (const auto& [table, state] : m.tables) {
      std::string folder = table + "/";
      std::vector<fs::FileInfo> listed;
      SPARKIFY_RETURN_IF_ERROR(fs_->List(folder, &listed));
      std::set<std::string> visible;
      for (auto& f : listed) visible.insert(f.path.substr(folder.size()));
      std::vector<std::string> missing;
      for (const std::string& f : state.files) {
        if (!visible.count(f)) missing.push_back(f);
      }
      SPARKIFY_RETURN_IF_ERROR(CopyFromStaging(m.run_id, table, missing));
      std::set<std::string> wanted(state.files.begin(), state.files.end());
      std::vector<std::string> superseded;
      for (const std::string& f : visible) {
        if (!wanted.count(f)) superseded.push_back(folder + f);
      }
      SPARKIFY_RETURN_IF_ERROR(fs_->Delete(superseded));
      CrashPoint("publish.step");
    }
    return Status::OK();
  }

  Status CollectGarbage(const Manifest* m, const Manifest* keep) override {
    // Superseded table files went at publish time; dead runs only ever wrote
    // under the staging area, which the transaction clears.
    return Status::OK();
  }

 private:
  // Object stores have no rename: a copy is a read and a write, kCopyThreads
  // at a time, since each costs a round trip or two. (A server-side copy
  // would save the transfer; the FileSystem interface has none yet.)
  Status CopyFromStaging(const std::string& run_id, const std::string& table,
                         const std::vector<std::string>& files) {
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first_error;
    auto worker = [&] {
      for (size_t i = next++; i < files.size(); i = next++) {
        std::string contents;
        Status s = fs_->Read(DataPath(table, run_id, files[i]), &contents);
        if (s.IsNotFound()) {
          s = Status::Corruption("committed data file " + table + "/" + files[i] +
                                 " is neither in the table nor in the staging area");
        }
        if (s.ok()) s = fs_->Write(table + "/" + files[i], contents);
        if (s.ok()) CrashPoint("publish.step");
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = s;
          next = files.size();  // stop the others
        }
      }
    };
    std::vector<std::thread> threads;
    size_t n = std::min(files.size(), kCopyThreads);
    for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    return first_error;
  }

  fs::FileSystem* fs_;
};

}  // namespace

std::string StagingPrefix(std::string_view run_id) {
  return std::string(kStagingDir) + std::string(run_id) + "/";
}

std::unique_ptr<TableLayout> NewStagedObjectLayout(fs::FileSystem* fs) {
  return std::make_unique<StagedObjectLayout>(fs);
}

}  // namespace sparkify::lake::commit
