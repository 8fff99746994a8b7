// The commit protocol (docs/commit-protocol.md):
//
//   Begin:  lock -> read CURRENT -> roll forward an unpublished commit ->
//           collect garbage of dead runs.
//   Run:    data files go to the run's own staging/version folder; nothing in
//           a table folder changes.
//   Commit: assemble the next manifest -> write it -> overwrite CURRENT (the
//           commit point) -> publish (switch table folders, side outputs,
//           _run_summary.json, _SUCCESS) -> write PUBLISHED -> collect garbage
//           -> unlock.
//
// Every step before the commit point leaves the previous state untouched;
// every step after it is idempotent and is redone by the next run if this one
// dies.
#include "lake/commit/transaction.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <unordered_set>

#include "lake/commit/crash_point.h"
#include "lake/commit/lake_lock.h"
#include "lake/commit/manifest.h"
#include "lake/commit/step_timer.h"
#include "lake/commit/table_layout.h"

namespace sparkify::lake {

namespace {

// Sorts a table's file names. They arrive in a few sorted runs (each write
// group closes its files in path order), so the runs are found and merged:
// sorting 150,000 long names with a common head whole, moving std::strings,
// was a serial part of the commit.
void SortFileNames(std::vector<std::string>* files) {
  const size_t n = files->size();
  if (n < 2) return;
  std::vector<std::string_view> names(files->begin(), files->end());
  if (std::is_sorted(names.begin(), names.end())) return;
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  auto less = [&](uint32_t a, uint32_t b) { return names[a] < names[b]; };
  std::vector<size_t> runs{0};  // where each ascending run starts
  for (size_t i = 1; i < n; ++i) {
    if (names[i] < names[i - 1]) runs.push_back(i);
  }
  runs.push_back(n);
  // Merge neighbouring runs until one is left: n log(runs) comparisons.
  while (runs.size() > 2) {
    std::vector<size_t> merged{0};
    for (size_t r = 0; r + 1 < runs.size(); r += 2) {
      if (r + 2 < runs.size()) {
        std::inplace_merge(order.begin() + runs[r], order.begin() + runs[r + 1],
                           order.begin() + runs[r + 2], less);
        merged.push_back(runs[r + 2]);
      } else {
        merged.push_back(runs[r + 1]);
      }
    }
    runs = std::move(merged);
  }
  std::vector<std::string> sorted;
  sorted.reserve(n);
  for (uint32_t i : order) sorted.push_back(std::move((*files)[i]));
  files->swap(sorted);
}

using commit::Manifest;
using commit::StepTimer;

constexpr std::string_view kParquetExtension = ".parquet";
// A data file's name beyond its partition, run id and extension: "/", "part-",
// "-" and a 64-bit number.
constexpr size_t kFileNameExtraBytes = 1 + 5 + 1 + 20;

// The partition folder of a file relative to its table ("" if none).
std::string_view PartitionOf(std::string_view file) {
  size_t slash = file.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : file.substr(0, slash);
}

// Side outputs (rejects) are staged here until published.
constexpr std::string_view kRunFilesDir = "_run/";

std::string MakeRunId() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  // The random tag keeps ids unique across machines with equal pids.
  std::random_device rd;
  char tag[16];
  std::snprintf(tag, sizeof(tag), "%04x", static_cast<unsigned>(rd() & 0xffff));
  return std::string(buf) + "-" + std::to_string(::getpid()) + "-" + tag;
}

Status ValidateName(std::string_view what, std::string_view name, bool allow_slash) {
  bool bad = name.empty() || name.front() == '/' || name.back() == '/' ||
             name.find("..") != std::string_view::npos ||
             (!allow_slash && name.find('/') != std::string_view::npos);
  // Tables may be hidden ('_') but never reach into the protocol's own folder.
  if (!allow_slash && !bad) bad = name.front() == '.' || name == "_sparkify";
  if (bad)
    return Status::InvalidArgument("bad " + std::string(what) + ": '" + std::string(name) + "'");
  return Status::OK();
}

// What the run has written so far; shared with the files it handed out so a
// late Close() never touches a destroyed transaction.
struct Written {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>, std::less<>> files;  // table -> files
};

class TrackedFile : public fs::WritableFile {
 public:
  TrackedFile(std::unique_ptr<fs::WritableFile> inner, std::shared_ptr<Written> written,
              std::string table, std::string file)
      : inner_(std::move(inner)),
        written_(std::move(written)),
        table_(std::move(table)),
        file_(std::move(file)) {}
  Status Append(std::string_view data) override { return inner_->Append(data); }
  Status Close() override {
    SPARKIFY_RETURN_IF_ERROR(inner_->Close());
    {
      std::lock_guard<std::mutex> lock(written_->mu);
      written_->files[table_].push_back(std::move(file_));  // not needed after Close()
    }
    CrashPoint("data.closed");
    return Status::OK();
  }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<fs::WritableFile> inner_;
  std::shared_ptr<Written> written_;
  std::string table_;
  std::string file_;
};

class CommitTransaction : public Transaction {
 public:
  CommitTransaction(fs::FileSystem* fs, std::string run_id, std::unique_ptr<commit::LakeLock> lock,
                    std::unique_ptr<commit::TableLayout> layout, bool sync)
      : fs_(fs),
        run_id_(std::move(run_id)),
        lock_(std::move(lock)),
        layout_(std::move(layout)),
        sync_(sync) {}
  ~CommitTransaction() override { Abort(); }

  const std::string& run_id() const override { return run_id_; }

  // Brings the lake to its last committed state: finishes publishing a
  // commit whose run died after the commit point, then deletes what dead runs
  // left. Called by Begin() with the lock held.
  Status Recover() {
    CrashPoint("begin.locked");
    std::string current_path;
    Status s = fs_->Read(commit::kCurrentPath, &current_path);
    if (!s.IsNotFound()) {
      SPARKIFY_RETURN_IF_ERROR(s);
      Manifest m;
      SPARKIFY_RETURN_IF_ERROR(LoadManifest(current_path, &m));
      current_ = std::move(m);
      std::string published;
      Status ps = fs_->Read(commit::kPublishedPath, &published);
      if (!ps.ok() && !ps.IsNotFound()) return ps;
      if (published != current_path) {
        std::fprintf(stderr,
                     "sparkify: finishing the publication of run %s, which died after committing\n",
                     current_->run_id.c_str());
        SPARKIFY_RETURN_IF_ERROR(Publish(*current_));
      }
    }
    SPARKIFY_RETURN_IF_ERROR(CollectGarbage(current_ ? &*current_ : nullptr, nullptr));
    recovered_ = true;
    CrashPoint("begin.recovered");
    return Status::OK();
  }

  void SetTableMode(std::string_view table, TableMode mode) override {
    std::lock_guard<std::mutex> lock(mu_);
    modes_[std::string(table)] = mode;
  }

  Status CommittedFiles(std::string_view table, std::vector<std::string>* paths) override {
    paths->clear();
    if (!current_) {
      // A lake written before the protocol: its table folder is its content.
      std::vector<fs::FileInfo> files;
      Status s = fs_->List(std::string(table) + "/", &files);
      if (s.IsNotFound()) return Status::OK();
      SPARKIFY_RETURN_IF_ERROR(s);
      for (auto& f : files) paths->push_back(f.path);
      return Status::OK();
    }
    auto it = current_->tables.find(table);
    if (it == current_->tables.end()) return Status::OK();
    for (const std::string& f : it->second.files) paths->push_back(std::string(table) + "/" + f);
    return Status::OK();
  }

  Status NewDataFile(std::string_view table, std::string_view partition,
                     std::unique_ptr<fs::WritableFile>* file, std::string* path) override {
    return NewTableFile(table, partition, kParquetExtension, file, path);
  }

  Status NewNumberedDataFile(std::string_view table, std::string_view partition, uint64_t number,
                             std::unique_ptr<fs::WritableFile>* file, std::string* path) override {
    return OpenTableFile(table, partition, kParquetExtension, number, file, path);
  }

  void ReplacePartition(std::string_view table, std::string_view partition) override {
    std::lock_guard<std::mutex> lock(mu_);
    replaced_partitions_[std::string(table)].insert(std::string(partition));
  }

  Status NewTableFile(std::string_view table, std::string_view partition,
                      std::string_view extension, std::unique_ptr<fs::WritableFile>* file,
                      std::string* path) override {
    return OpenTableFile(table, partition, extension, std::nullopt, file, path);
  }

  // `number` names the file; without it, the first number no file of the
  // table in this run has.
  Status OpenTableFile(std::string_view table, std::string_view partition,
                       std::string_view extension, std::optional<uint64_t> number,
                       std::unique_ptr<fs::WritableFile>* file, std::string* path) {
    SPARKIFY_RETURN_IF_ERROR(ValidateName("table name", table, false));
    if (extension.find('/') != std::string_view::npos) {
      return Status::InvalidArgument("bad file extension: '" + std::string(extension) + "'");
    }
    if (!partition.empty()) SPARKIFY_RETURN_IF_ERROR(ValidateName("partition", partition, true));
    if (done_) return Status::InvalidArgument("transaction already finished");
    // One string, built in place: a catalogue run opens 150,000 of these.
    std::string name;
    name.reserve(partition.size() + run_id_.size() + extension.size() + kFileNameExtraBytes);
    if (!partition.empty()) {
      name += partition;
      name += '/';
    }
    name += "part-";
    name += run_id_;
    name += '-';
    const size_t prefix = name.size();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = file_names_.find(table);
      if (it == file_names_.end()) it = file_names_.emplace(std::string(table), FileNames()).first;
      FileNames& used = it->second;
      for (;;) {
        uint64_t n = number ? *number : next_number_++;
        name.resize(prefix);
        char digits[24];
        name.append(digits, std::to_chars(digits, digits + sizeof(digits), n).ptr);
        name += extension;
        if (used.insert(name).second) break;
        if (number) {
          return Status::InvalidArgument("file number " + std::to_string(n) +
                                         " already used in table " + std::string(table));
        }
      }
    }
    std::string p = layout_->DataPath(table, run_id_, name);
    // The run's own folder: no reader looks there before the commit, and
    // what a dead run left there is deleted whole, so files need no
    // temporary + rename each (local disk: a rename per partition file).
    std::unique_ptr<fs::WritableFile> inner;
    SPARKIFY_RETURN_IF_ERROR(fs_->NewWritableFileInPlace(p, &inner));
    *file = std::make_unique<TrackedFile>(std::move(inner), written_, std::string(table),
                                          std::move(name));
    *path = std::move(p);
    return Status::OK();
  }

  Status WriteRunFile(std::string_view relative_path, std::string_view contents) override {
    SPARKIFY_RETURN_IF_ERROR(ValidateName("run file", relative_path, true));
    std::string staged = StagedRunFile(run_id_, relative_path);
    SPARKIFY_RETURN_IF_ERROR(fs_->Write(staged, contents));
    std::lock_guard<std::mutex> lock(mu_);
    run_files_.insert(std::string(relative_path));
    return Status::OK();
  }

  Status ReadState(std::string* state) override {
    *state = current_ ? current_->state : std::string();
    return Status::OK();
  }
  void SetState(std::string state) override {
    std::lock_guard<std::mutex> lock(mu_);
    new_state_ = std::move(state);
  }

  Status Commit(std::string_view summary_json) override {
    if (done_) return Status::InvalidArgument("transaction already finished");
    Status s = CommitSteps(summary_json);
    if (!committed_) {
      Abort();
    } else {
      done_ = true;
      lock_->Release();
    }
    return s;
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    // Uploads still in flight would land after the clean-up below and stay
    // as strays; their errors no longer matter.
    (void)fs_->WaitForWrites();
    // Best effort: what is left is removed by the next run's Begin(). Never
    // when recovery failed: then the committed state is not known.
    if (recovered_) (void)CollectGarbage(current_ ? &*current_ : nullptr, nullptr);
    lock_->Release();
  }

 private:
  static std::string StagedRunFile(std::string_view run_id, std::string_view relative_path) {
    return commit::StagingPrefix(run_id) + std::string(kRunFilesDir) + std::string(relative_path);
  }

  Status LoadManifest(const std::string& path, Manifest* m) {
    std::string text;
    Status s = fs_->Read(path, &text);
    if (s.IsNotFound()) {
      return Status::Corruption("the lake's " + std::string(commit::kCurrentPath) + " names " +
                                path + ", which is missing; refusing to write " + fs_->Describe());
    }
    SPARKIFY_RETURN_IF_ERROR(s);
    return Manifest::Decode(text, m).WithContext(path);
  }

  Manifest NextManifest(std::string_view summary_json) {
    Manifest next;
    if (current_) {
      next.seq = current_->seq + 1;
      next.previous = current_->Path();
      next.tables = current_->tables;
    } else {
      next.seq = 1;
    }
    next.run_id = run_id_;
    std::lock_guard<std::mutex> lock(mu_);
    std::lock_guard<std::mutex> wlock(written_->mu);
    std::set<std::string> touched;
    for (auto& [table, mode] : modes_) touched.insert(table);
    for (auto& [table, files] : written_->files) touched.insert(table);
    // ReplacePartition() declares nothing by itself: only the mode does.
    for (auto& [table, partitions] : replaced_partitions_) {
      auto it = modes_.find(table);
      if (it != modes_.end() && it->second == TableMode::kReplacePartitions) touched.insert(table);
    }
    for (const std::string& table : touched) {
      auto mode_it = modes_.find(table);
      TableMode mode = mode_it == modes_.end() ? TableMode::kReplace : mode_it->second;
      auto files_it = written_->files.find(table);
      std::vector<std::string> files;
      if (files_it != written_->files.end()) files = files_it->second;
      commit::TableState& state = next.tables[table];
      if (mode == TableMode::kAppend) {
        if (files.empty()) continue;  // nothing new: keep the committed version
        state.files.insert(state.files.end(), files.begin(), files.end());
      } else if (mode == TableMode::kReplacePartitions) {
        std::set<std::string, std::less<>> replaced;
        if (auto it = replaced_partitions_.find(table); it != replaced_partitions_.end()) {
          replaced = it->second;
        }
        for (const std::string& f : files) replaced.emplace(PartitionOf(f));
        if (replaced.empty()) continue;  // nothing replaced: keep the committed version
        std::vector<std::string> kept;
        for (const std::string& f : state.files) {
          if (!replaced.count(PartitionOf(f))) kept.push_back(f);
        }
        kept.insert(kept.end(), files.begin(), files.end());
        state.files = std::move(kept);
      } else {
        state.files = std::move(files);
      }
      state.version_run = run_id_;
      SortFileNames(&state.files);
    }
    next.run_files.assign(run_files_.begin(), run_files_.end());
    next.summary_json = std::string(summary_json);
    next.state = new_state_;
    return next;
  }

  Status CommitSteps(std::string_view summary_json) {
    // Data files may still be uploading (write-behind): the manifest must
    // name only files that exist, and a failed upload fails the run here,
    // before the commit point.
    StepTimer timer;
    Status written = fs_->WaitForWrites();
    if (!written.ok()) return written.WithContext("run " + run_id_ + " not committed");
    timer.Lap("wait for data files");
    SPARKIFY_RETURN_IF_ERROR(lock_->CheckHeld());
    Manifest next = NextManifest(summary_json);
    SPARKIFY_RETURN_IF_ERROR(layout_->Prepare(current_ ? &*current_ : nullptr, next));
    CrashPoint("commit.prepared");
    SPARKIFY_RETURN_IF_ERROR(fs_->Write(next.Path(), next.Encode()));
    CrashPoint("commit.manifest_written");
    if (sync_) {
      // Every file the manifest names, and the manifest, on disk before the
      // commit point can be: otherwise a machine crash could keep the new
      // `current` and lose the data it points to (the page cache writes back
      // in its own order, not the commit's).
      Status synced = fs_->Sync();
      if (!synced.ok()) return synced.WithContext("run " + run_id_ + " not committed");
      timer.Lap("sync data and manifest");
    }
    SPARKIFY_RETURN_IF_ERROR(lock_->CheckHeld());
    // The commit point: one small object overwritten whole.
    SPARKIFY_RETURN_IF_ERROR(fs_->Write(commit::kCurrentPath, next.Path()));
    committed_ = true;
    timer.Lap("manifest and commit point");
    CrashPoint("commit.current_written");
    Status s = Publish(next, &timer);
    if (!s.ok()) {
      return Status::IOError("run " + run_id_ + " committed, but publishing it failed (" +
                             s.ToString() + "); the next run on this lake finishes publishing it");
    }
    CrashPoint("commit.published");
    std::optional<Manifest> previous = std::move(current_);
    current_ = std::move(next);
    // Keep the previous version for readers that listed it just before the
    // switch; the next run's Begin() removes it. No search for temporaries:
    // Begin() removed the dead runs' ones with the lock held, and this run
    // left none (every file it wrote was closed before the commit point).
    // The search walks every folder of the lake: on the 1 GB benchmark,
    // 23,000 folders, most of the 0.9 s this clean-up took.
    s = CollectGarbage(&*current_, previous ? &*previous : nullptr, /*temporaries=*/false);
    timer.Lap("clean up");
    if (sync_) {
      // The commit point and the published folders: a run that returned OK
      // stays committed through a machine crash. (Before this, a crash keeps
      // either state whole: the next run rolls a durable commit point forward.)
      // Also after a failed clean-up: the run is committed all the same.
      Status synced = fs_->Sync();
      if (s.ok()) s = synced;
      timer.Lap("sync commit");
    }
    return s;
  }

  // Makes what listing readers see match `m`. Idempotent (roll forward).
  Status Publish(const Manifest& m, StepTimer* timer = nullptr) {
    SPARKIFY_RETURN_IF_ERROR(layout_->PublishTables(m));
    if (timer) timer->Lap("publish tables");
    for (const std::string& f : m.run_files) {
      std::string contents;
      Status s = fs_->Read(StagedRunFile(m.run_id, f), &contents);
      if (s.IsNotFound()) {
        return Status::Corruption("staged side output of run " + m.run_id + " is missing: " + f);
      }
      SPARKIFY_RETURN_IF_ERROR(s);
      SPARKIFY_RETURN_IF_ERROR(fs_->Write(f, contents));
    }
    if (!m.previous.empty()) {
      // Side outputs of the previous run that this one did not rewrite.
      Manifest prev;
      if (LoadManifest(m.previous, &prev).ok()) {
        std::set<std::string> keep(m.run_files.begin(), m.run_files.end());
        std::vector<std::string> stale;
        for (const std::string& f : prev.run_files) {
          if (!keep.count(f)) stale.push_back(f);
        }
        SPARKIFY_RETURN_IF_ERROR(fs_->Delete(stale));
      }
    }
    if (!m.summary_json.empty()) {
      SPARKIFY_RETURN_IF_ERROR(fs_->Write(commit::kSummaryPath, m.summary_json));
    }
    SPARKIFY_RETURN_IF_ERROR(fs_->Write(commit::kSuccessPath, ""));
    SPARKIFY_RETURN_IF_ERROR(fs_->Write(commit::kPublishedPath, m.Path()));
    if (timer) timer->Lap("publish side outputs");
    return Status::OK();
  }

  // Deletes everything that neither `m` nor `keep` references.
  // Removes the versions, snapshots and staged files `m` and `keep` do not
  // use and, when `temporaries`, what dead writers left anywhere in the lake.
  Status CollectGarbage(const Manifest* m, const Manifest* keep, bool temporaries = true) {
    SPARKIFY_RETURN_IF_ERROR(layout_->CollectGarbage(m, keep));
    std::vector<fs::FileInfo> files;
    std::vector<std::string> garbage;
    Status s = fs_->List(commit::kStagingDir, &files);
    if (s.IsNotFound()) return Status::OK();  // nothing was ever written
    SPARKIFY_RETURN_IF_ERROR(s);
    for (auto& f : files) garbage.push_back(f.path);
    SPARKIFY_RETURN_IF_ERROR(fs_->List(commit::kManifestDir, &files));
    for (auto& f : files) {
      if ((m != nullptr && f.path == m->Path()) || (keep != nullptr && f.path == keep->Path())) {
        continue;
      }
      garbage.push_back(f.path);
    }
    SPARKIFY_RETURN_IF_ERROR(fs_->Delete(garbage));
    if (!temporaries) return Status::OK();
    size_t removed = 0;
    return fs_->CleanupTemporaries("", &removed);
  }

  fs::FileSystem* fs_;
  std::string run_id_;
  std::unique_ptr<commit::LakeLock> lock_;
  std::unique_ptr<commit::TableLayout> layout_;
  const bool sync_;                  // TransactionOptions::sync
  std::optional<Manifest> current_;  // the last committed state
  uint64_t next_number_ = 0;         // guarded by mu_
  // Per table, the file names handed out (hashed: compared in a tree, 150,000
  // names sharing long partition prefixes cost a memcmp walk each).
  using FileNames = std::unordered_set<std::string>;
  std::map<std::string, FileNames, std::less<>> file_names_;  // guarded by mu_
  std::shared_ptr<Written> written_ = std::make_shared<Written>();
  std::mutex mu_;
  std::map<std::string, TableMode, std::less<>> modes_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> replaced_partitions_;
  std::set<std::string> run_files_;
  std::string new_state_;
  bool recovered_ = false;
  bool committed_ = false;
  bool done_ = false;
};

}  // namespace

bool ParseSymlinkManifestPolicy(std::string_view text, SymlinkManifestPolicy* out) {
  if (text == "auto") {
    *out = SymlinkManifestPolicy::kAuto;
  } else if (text == "always") {
    *out = SymlinkManifestPolicy::kAlways;
  } else if (text == "never") {
    *out = SymlinkManifestPolicy::kNever;
  } else {
    return false;
  }
  return true;
}

Status Transaction::Begin(fs::FileSystem* fs, const TransactionOptions& options,
                          std::unique_ptr<Transaction>* out) {
  commit::LockOptions lock_options;
  lock_options.run_id = options.run_id.empty() ? MakeRunId() : options.run_id;
  SPARKIFY_RETURN_IF_ERROR(ValidateName("run id", lock_options.run_id, false));
  lock_options.ttl = options.lock_ttl;
  if (const char* ttl = std::getenv("SPARKIFY_LOCK_TTL_MS"); ttl != nullptr && *ttl != '\0') {
    lock_options.ttl = std::chrono::milliseconds(std::atoll(ttl));
  }
  lock_options.force_unlock = options.force_unlock;
  lock_options.now_ms = options.now_ms;

  std::string root = fs->Describe();
  std::unique_ptr<commit::LakeLock> lock;
  std::unique_ptr<commit::TableLayout> layout;
  if (commit::IsLocalRoot(*fs)) {
    SPARKIFY_RETURN_IF_ERROR(commit::AcquireLocalLock(root, lock_options, &lock));
    layout = commit::NewVersionedDirLayout(
        fs, root, options.symlink_manifests == SymlinkManifestPolicy::kAlways);
  } else {
    SPARKIFY_RETURN_IF_ERROR(commit::AcquireObjectLock(fs, lock_options, &lock));
    layout = commit::NewStagedObjectLayout(
        fs, options.symlink_manifests != SymlinkManifestPolicy::kNever);
  }
  auto txn = std::make_unique<CommitTransaction>(fs, lock_options.run_id, std::move(lock),
                                                 std::move(layout), options.sync);
  Status s = txn->Recover();
  if (!s.ok()) return s.WithContext("cannot recover the lake at " + root);
  *out = std::move(txn);
  return Status::OK();
}

}  // namespace sparkify::lake
