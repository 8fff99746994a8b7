// A first, simple Transaction: files are written under their final,
// run-scoped names and superseded files are deleted at Commit(). It is NOT yet
// atomic for readers that list folders during the commit; the commit protocol
// (docs/commit-protocol.md) replaces it.
#include "lake/commit/transaction.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

namespace sparkify::lake {

namespace {

constexpr std::string_view kLockPath = "_lock";
constexpr std::string_view kStatePath = "_sparkify/state.json";

std::string MakeRunId() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + "-" + std::to_string(::getpid());
}

class SimpleTransaction : public Transaction {
 public:
  SimpleTransaction(fs::FileSystem* fs, std::string run_id) : fs_(fs), run_id_(std::move(run_id)) {}
  ~SimpleTransaction() override { Abort(); }

  const std::string& run_id() const override { return run_id_; }

  void SetTableMode(std::string_view table, TableMode mode) override {
    std::lock_guard<std::mutex> lock(mu_);
    modes_[std::string(table)] = mode;
  }

  Status CommittedFiles(std::string_view table, std::vector<std::string>* paths) override {
    std::vector<fs::FileInfo> files;
    SPARKIFY_RETURN_IF_ERROR(fs_->List(std::string(table) + "/", &files));
    paths->clear();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& f : files) {
      if (!written_.count(f.path)) paths->push_back(f.path);
    }
    return Status::OK();
  }

  Status NewDataFile(std::string_view table, std::string_view partition,
                     std::unique_ptr<fs::WritableFile>* file, std::string* path) override {
    std::string p(table);
    p += '/';
    if (!partition.empty()) {
      p += partition;
      p += '/';
    }
    p += "part-" + run_id_ + "-" + std::to_string(seq_.fetch_add(1)) + ".parquet";
    SPARKIFY_RETURN_IF_ERROR(fs_->NewWritableFile(p, file));
    std::lock_guard<std::mutex> lock(mu_);
    written_.insert(p);
    tables_.insert(std::string(table));
    *path = p;
    return Status::OK();
  }

  Status WriteRunFile(std::string_view relative_path, std::string_view contents) override {
    return fs_->Write(relative_path, contents);
  }

  Status ReadState(std::string* state) override {
    Status s = fs_->Read(kStatePath, state);
    if (s.IsNotFound()) {
      state->clear();
      return Status::OK();
    }
    return s;
  }
  void SetState(std::string state) override { new_state_ = std::move(state); }

  Status Commit(std::string_view summary_json) override {
    if (done_) return Status::InvalidArgument("transaction already finished");
    std::vector<std::string> superseded;
    for (const std::string& table : tables_) {
      auto it = modes_.find(table);
      if (it != modes_.end() && it->second == TableMode::kAppend) continue;
      std::vector<std::string> old;
      SPARKIFY_RETURN_IF_ERROR(CommittedFiles(table, &old));
      superseded.insert(superseded.end(), old.begin(), old.end());
    }
    SPARKIFY_RETURN_IF_ERROR(fs_->Delete(superseded));
    if (!new_state_.empty()) SPARKIFY_RETURN_IF_ERROR(fs_->Write(kStatePath, new_state_));
    SPARKIFY_RETURN_IF_ERROR(fs_->Write("_run_summary.json", summary_json));
    SPARKIFY_RETURN_IF_ERROR(fs_->Write("_SUCCESS", ""));
    done_ = true;
    return fs_->Delete({std::string(kLockPath)});
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    std::vector<std::string> paths(written_.begin(), written_.end());
    paths.emplace_back(kLockPath);
    (void)fs_->Delete(paths);
  }

 private:
  fs::FileSystem* fs_;
  std::string run_id_;
  std::atomic<uint64_t> seq_{0};
  std::mutex mu_;
  std::map<std::string, TableMode, std::less<>> modes_;
  std::set<std::string> written_;
  std::set<std::string> tables_;
  std::string new_state_;
  bool done_ = false;
};

}  // namespace

Status Transaction::Begin(fs::FileSystem* fs, const TransactionOptions& options,
                          std::unique_ptr<Transaction>* out) {
  std::string run_id = options.run_id.empty() ? MakeRunId() : options.run_id;
  if (options.force_unlock) SPARKIFY_RETURN_IF_ERROR(fs->Delete({std::string(kLockPath)}));
  Status s = fs->WriteIfAbsent(kLockPath, run_id);
  if (s.IsAlreadyExists()) {
    std::string holder;
    (void)fs->Read(kLockPath, &holder);
    return Status::AlreadyExists("another run (" + holder + ") is writing the lake at " +
                                 fs->Describe() + "; use --force-unlock if it is dead");
  }
  SPARKIFY_RETURN_IF_ERROR(s);
  *out = std::make_unique<SimpleTransaction>(fs, std::move(run_id));
  return Status::OK();
}

}  // namespace sparkify::lake
