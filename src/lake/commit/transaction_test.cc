// Tests of the commit protocol on the in-memory file system (the object-store
// layout) and on local disk (the versioned-directory layout): publication,
// locking, and crashes at every step.
#include "lake/commit/transaction.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fs/local_file_system.h"
#include "fs/memory_file_system.h"
#include "lake/commit/crash_point.h"
#include "lake/commit/fault_injecting_file_system.h"
#include "lake/commit/lake_lock.h"
#include "lake/commit/manifest.h"
#include "lake/commit/snapshot.h"
#include "lake/commit/symlink_manifest.h"

namespace sparkify::lake {
namespace {

using commit::Manifest;

// What a run writes: table -> (partition, contents) per file. Contents do not
// depend on the run, so two runs of the same spec give the same logical lake.
struct RunSpec {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> files;
  std::map<std::string, TableMode> modes;
  std::map<std::string, std::string> run_files;
  std::string state;
};

RunSpec SpecA() {
  RunSpec s;
  s.files["songs"] = {{"year=1969/artist_id=A1", "song-1"}, {"year=1970/artist_id=A2", "song-2"}};
  s.files["users"] = {{"", "users-v1"}};
  s.files["songplays"] = {{"year=2018/month=11", "plays-day-1"}};
  s.run_files["_rejects/part-0.jsonl"] = "reject-a";
  s.state = "state-a";
  return s;
}

RunSpec SpecB() {  // an incremental day: new songs, users replaced, plays appended
  RunSpec s;
  s.files["songs"] = {{"year=1969/artist_id=A1", "song-1"},
                      {"year=1970/artist_id=A2", "song-2"},
                      {"year=1971/artist_id=A3", "song-3"}};
  s.files["users"] = {{"", "users-v2"}};
  s.files["songplays"] = {{"year=2018/month=11", "plays-day-2"},
                          {"year=2018/month=12", "plays-day-3"}};
  s.modes["songplays"] = TableMode::kAppend;
  s.state = "state-b";
  return s;
}

// The lake as a listing reader sees it: table -> sorted (partition folder, contents).
using LakeView = std::map<std::string, std::multiset<std::pair<std::string, std::string>>>;

LakeView Visible(fs::FileSystem* fs) {
  LakeView view;
  for (const char* table : {"songs", "users", "songplays"}) {
    std::vector<fs::FileInfo> files;
    Status s = fs->List(std::string(table) + "/", &files);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    auto& t = view[table];
    for (auto& f : files) {
      std::string rel = f.path.substr(strlen(table) + 1);
      if (commit::IsSymlinkManifestPath(rel)) continue;  // not data (tested on their own)
      std::string contents;
      EXPECT_TRUE(fs->Read(f.path, &contents).ok()) << f.path;
      size_t slash = rel.rfind('/');
      t.emplace(slash == std::string::npos ? "" : rel.substr(0, slash), contents);
    }
  }
  return view;
}

// The lake as a manifest-aware reader sees it (ReadSnapshot).
LakeView SnapshotView(fs::FileSystem* fs) {
  LakeView view{{"songs", {}}, {"users", {}}, {"songplays", {}}};
  std::map<std::string, std::vector<std::string>> tables;
  Status s = ReadSnapshot(fs, &tables);
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (auto& [table, paths] : tables) {
    for (auto& path : paths) {
      std::string contents;
      EXPECT_TRUE(fs->Read(path, &contents).ok()) << path;
      // Strip "<table>/", "_sparkify/versions/<table>/<run>/" or
      // "_sparkify/staging/<run>/<table>/" to get the partition folder.
      std::string rest = path;
      int prefix_parts = path.starts_with(std::string(commit::kMetaDir)) ? 4 : 1;
      for (int i = 0; i < prefix_parts; ++i) rest = rest.substr(rest.find('/') + 1);
      size_t slash = rest.rfind('/');
      view[table].emplace(slash == std::string::npos ? "" : rest.substr(0, slash), contents);
    }
  }
  return view;
}

// The view a committed run of `specs` (in order) must give.
LakeView Expected(const std::vector<RunSpec>& specs) {
  LakeView view{{"songs", {}}, {"users", {}}, {"songplays", {}}};
  for (const RunSpec& spec : specs) {
    for (auto& [table, files] : spec.files) {
      auto mode = spec.modes.count(table) ? spec.modes.at(table) : TableMode::kReplace;
      if (mode == TableMode::kReplace) view[table].clear();
      for (auto& f : files) view[table].insert(f);
    }
  }
  return view;
}

Status WriteSpec(Transaction* txn, const RunSpec& spec) {
  for (auto& [table, mode] : spec.modes) txn->SetTableMode(table, mode);
  for (auto& [table, files] : spec.files) {
    for (auto& [partition, contents] : files) {
      std::unique_ptr<fs::WritableFile> file;
      std::string path;
      SPARKIFY_RETURN_IF_ERROR(txn->NewDataFile(table, partition, &file, &path));
      SPARKIFY_RETURN_IF_ERROR(file->Append(contents));
      SPARKIFY_RETURN_IF_ERROR(file->Close());
    }
  }
  for (auto& [path, contents] : spec.run_files) {
    SPARKIFY_RETURN_IF_ERROR(txn->WriteRunFile(path, contents));
  }
  txn->SetState(spec.state);
  return Status::OK();
}

Status RunSpecOnce(fs::FileSystem* fs, const RunSpec& spec, TransactionOptions options = {}) {
  std::unique_ptr<Transaction> txn;
  SPARKIFY_RETURN_IF_ERROR(Transaction::Begin(fs, options, &txn));
  SPARKIFY_RETURN_IF_ERROR(WriteSpec(txn.get(), spec));
  return txn->Commit("{\"run\":\"" + spec.state + "\"}");
}

std::string CommittedState(fs::FileSystem* fs) {
  std::string current, text;
  if (!fs->Read(commit::kCurrentPath, &current).ok()) return "";
  Manifest m;
  EXPECT_TRUE(fs->Read(current, &text).ok());
  EXPECT_TRUE(Manifest::Decode(text, &m).ok());
  return m.state;
}

// The lake as a reader of the Hive symlink manifests sees it (Athena, Trino):
// for each table, every `_symlink_format_manifest/.../manifest` is read, and
// each URI in it must be `root_uri`/<table>/<partition>/<file>, in the
// manifest's own partition, and readable.
LakeView ManifestView(fs::FileSystem* fs, const std::string& root_uri) {
  LakeView view;
  for (const char* table : {"songs", "users", "songplays"}) {
    std::string dir = std::string(table) + "/" + std::string(commit::kSymlinkManifestDir);
    std::vector<fs::FileInfo> manifests;
    Status s = fs->List(dir, &manifests);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    auto& t = view[table];
    for (auto& m : manifests) {
      EXPECT_TRUE(m.path.ends_with("/manifest")) << m.path;
      std::string partition =
          m.path.substr(dir.size(), m.path.size() - dir.size() - std::strlen("manifest"));
      std::string text;
      EXPECT_TRUE(fs->Read(m.path, &text).ok()) << m.path;
      EXPECT_TRUE(text.ends_with("\n")) << m.path;
      std::string prefix = root_uri + "/" + table + "/" + partition;
      for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        std::string uri = text.substr(at, end - at);
        at = end + 1;
        EXPECT_TRUE(uri.starts_with(prefix)) << uri << " in " << m.path;
        std::string file = uri.substr(prefix.size());
        EXPECT_EQ(file.find('/'), std::string::npos) << uri << " in " << m.path;
        std::string contents;
        Status read = fs->Read(std::string(table) + "/" + partition + file, &contents);
        EXPECT_TRUE(read.ok()) << uri << ": " << read.ToString();
        t.emplace(partition.empty() ? "" : partition.substr(0, partition.size() - 1), contents);
      }
    }
  }
  return view;
}

// Every object in the lake is a table file of the committed manifest (or of
// `allow_previous`'s), a protocol file, or a published side output.
void ExpectNoStrayFiles(fs::FileSystem* fs) {
  std::string current, text;
  ASSERT_TRUE(fs->Read(commit::kCurrentPath, &current).ok());
  Manifest m;
  ASSERT_TRUE(fs->Read(current, &text).ok());
  ASSERT_TRUE(Manifest::Decode(text, &m).ok());
  std::set<std::string> allowed = {
      std::string(commit::kCurrentPath), std::string(commit::kPublishedPath),
      std::string(commit::kLockPath),    std::string(commit::kSuccessPath),
      std::string(commit::kSummaryPath), current};
  for (auto& f : m.run_files) allowed.insert(f);
  for (auto& [table, state] : m.tables) {
    for (auto& f : state.files) {
      allowed.insert(table + "/" + f);
      // Local disk: the same file reached through the layout's symlinks.
      allowed.insert(std::string(commit::kVersionsDir) + table + "/" + state.version_run + "/" + f);
      allowed.insert("_sparkify/current/" + table + "/" + f);
      allowed.insert("_sparkify/snapshots/" + m.run_id + "/" + table + "/" + f);
    }
    for (auto& [f, contents] : commit::SymlinkManifests(fs->Describe(), table, state)) {
      allowed.insert(table + "/" + f);
      allowed.insert(std::string(commit::kVersionsDir) + table + "/" + state.version_run + "/" + f);
      allowed.insert("_sparkify/current/" + table + "/" + f);
      allowed.insert("_sparkify/snapshots/" + m.run_id + "/" + table + "/" + f);
    }
  }
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("", &files).ok());
  for (auto& f : files) EXPECT_TRUE(allowed.count(f.path)) << "stray file: " << f.path;
  size_t temporaries = 0;
  ASSERT_TRUE(fs->CleanupTemporaries("", &temporaries).ok());
  EXPECT_EQ(temporaries, 0u);
}

class TransactionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      char tmpl[] = "/tmp/sparkify-commit-test-XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      dir_ = tmpl;
      fs_ = fs::NewLocalFileSystem(dir_ + "/lake");
    } else {
      fs_ = fs::NewMemoryFileSystem();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Recovery after a simulated death: the dead run's object lock stays behind.
  TransactionOptions AfterCrash() {
    TransactionOptions o;
    o.force_unlock = true;
    return o;
  }

  // Options that write symlink manifests on every store (local disk writes
  // none by default), for the tests that check them.
  static TransactionOptions WithManifests(TransactionOptions o = {}) {
    o.symlink_manifests = SymlinkManifestPolicy::kAlways;
    return o;
  }

  // The root as the symlink manifests spell it.
  std::string RootUri() const {
    return dir_.empty() ? fs_->Describe() : "file://" + dir_ + "/lake";
  }

  std::string dir_;
  std::unique_ptr<fs::FileSystem> fs_;
};

TEST_P(TransactionTest, SymlinkManifestsListEachPartitionsFiles) {
  TransactionOptions always;
  always.symlink_manifests = SymlinkManifestPolicy::kAlways;
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA(), always).ok());
  EXPECT_EQ(ManifestView(fs_.get(), RootUri()), Expected({SpecA()}));
  // The layout readers expect: one manifest per partition, or one per table.
  std::string text;
  EXPECT_TRUE(
      fs_->Read("songs/_symlink_format_manifest/year=1969/artist_id=A1/manifest", &text).ok());
  EXPECT_TRUE(text.starts_with(RootUri() + "/songs/year=1969/artist_id=A1/part-")) << text;
  EXPECT_TRUE(fs_->Read("users/_symlink_format_manifest/manifest", &text).ok());
  // Replaced, appended and new partitions: the manifests follow.
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecB(), always).ok());
  EXPECT_EQ(ManifestView(fs_.get(), RootUri()), Expected({SpecA(), SpecB()}));
  EXPECT_TRUE(
      fs_->Read("songs/_symlink_format_manifest/year=1971/artist_id=A3/manifest", &text).ok());
  // A partition that empties loses its manifest.
  RunSpec only_1971;
  only_1971.files["songs"] = {{"year=1971/artist_id=A3", "song-3"}};
  ASSERT_TRUE(RunSpecOnce(fs_.get(), only_1971, always).ok());
  EXPECT_TRUE(fs_->Read("songs/_symlink_format_manifest/year=1969/artist_id=A1/manifest", &text)
                  .IsNotFound());
  EXPECT_EQ(ManifestView(fs_.get(), RootUri())["songs"],
            Expected({SpecA(), SpecB(), only_1971})["songs"]);
  {  // the next run's Begin removes the previous version; nothing else is left
    std::unique_ptr<Transaction> txn;
    ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  }
  ExpectNoStrayFiles(fs_.get());
}

// kAuto: manifests on object stores (the memory store stands for one), none
// on local disk; kNever: none, and a commit removes those published before.
TEST_P(TransactionTest, SymlinkManifestPolicyDecidesWhereManifestsAre) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  LakeView none{{"songs", {}}, {"users", {}}, {"songplays", {}}};
  if (GetParam() == "local") {
    EXPECT_EQ(ManifestView(fs_.get(), RootUri()), none);
  } else {
    EXPECT_EQ(ManifestView(fs_.get(), RootUri()), Expected({SpecA()}));
  }
  TransactionOptions always, never;
  always.symlink_manifests = SymlinkManifestPolicy::kAlways;
  never.symlink_manifests = SymlinkManifestPolicy::kNever;
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecB(), always).ok());
  EXPECT_EQ(ManifestView(fs_.get(), RootUri()), Expected({SpecA(), SpecB()}));
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA(), never).ok());
  EXPECT_EQ(ManifestView(fs_.get(), RootUri()), none);
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA(), SpecB(), SpecA()}));
  {  // the next run's Begin removes the previous version; nothing else is left
    std::unique_ptr<Transaction> txn;
    ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  }
  ExpectNoStrayFiles(fs_.get());
  SymlinkManifestPolicy policy;
  EXPECT_TRUE(ParseSymlinkManifestPolicy("never", &policy));
  EXPECT_EQ(policy, SymlinkManifestPolicy::kNever);
  EXPECT_FALSE(ParseSymlinkManifestPolicy("sometimes", &policy));
}

TEST_P(TransactionTest, CommitPublishesExactlyTheRunsFiles) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));
  std::string text;
  EXPECT_TRUE(fs_->Read("_SUCCESS", &text).ok());
  EXPECT_TRUE(fs_->Read("_run_summary.json", &text).ok());
  EXPECT_EQ(text, "{\"run\":\"state-a\"}");
  EXPECT_TRUE(fs_->Read("_rejects/part-0.jsonl", &text).ok());
  EXPECT_EQ(text, "reject-a");
  ExpectNoStrayFiles(fs_.get());
}

TEST_P(TransactionTest, ReplaceSupersedesAppendAccumulatesStateCarries) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  std::string state;
  ASSERT_TRUE(txn->ReadState(&state).ok());
  EXPECT_EQ(state, "state-a");
  std::vector<std::string> committed;
  ASSERT_TRUE(txn->CommittedFiles("songplays", &committed).ok());
  ASSERT_EQ(committed.size(), 1u);
  ASSERT_TRUE(fs_->Read(committed[0], &state).ok());
  EXPECT_EQ(state, "plays-day-1");
  ASSERT_TRUE(WriteSpec(txn.get(), SpecB()).ok());
  ASSERT_TRUE(txn->Commit("{}").ok());
  txn.reset();
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA(), SpecB()}));
  // The side output of run A is gone: B wrote none.
  EXPECT_TRUE(fs_->Read("_rejects/part-0.jsonl", &state).IsNotFound());
  EXPECT_EQ(CommittedState(fs_.get()), "state-b");
  // The next Begin() drops the version kept for in-flight readers.
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  txn->Abort();
  ExpectNoStrayFiles(fs_.get());
}

TEST_P(TransactionTest, ReplacePartitionsKeepsTheOthers) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  RunSpec b;
  b.modes["songs"] = TableMode::kReplacePartitions;
  b.files["songs"] = {{"year=1970/artist_id=A2", "song-2-fixed"},
                      {"year=1971/artist_id=A3", "song-3"}};
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  ASSERT_TRUE(WriteSpec(txn.get(), b).ok());
  txn->ReplacePartition("songs", "year=1969/artist_id=A1");   // emptied
  txn->ReplacePartition("songplays", "year=2099/month=1");    // not that mode: ignored
  txn->SetTableMode("users", TableMode::kReplacePartitions);  // nothing replaced: kept
  ASSERT_TRUE(txn->Commit("{}").ok());
  txn.reset();
  LakeView expected = Expected({SpecA()});
  expected["songs"] = {{"year=1970/artist_id=A2", "song-2-fixed"},
                       {"year=1971/artist_id=A3", "song-3"}};
  EXPECT_EQ(Visible(fs_.get()), expected);
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  txn->Abort();
  ExpectNoStrayFiles(fs_.get());
}

TEST_P(TransactionTest, HiddenTablesHoldStateFiles) {
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  txn->SetTableMode("_inputs", TableMode::kAppend);
  std::unique_ptr<fs::WritableFile> file;
  std::string path;
  ASSERT_TRUE(txn->NewTableFile("_inputs", "logs", ".bin", &file, &path).ok());
  EXPECT_TRUE(path.ends_with(".bin")) << path;
  ASSERT_TRUE(file->Append("batch").ok());
  ASSERT_TRUE(file->Close().ok());
  ASSERT_TRUE(txn->Commit("{}").ok());
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  std::vector<std::string> files;
  ASSERT_TRUE(txn->CommittedFiles("_inputs", &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].starts_with("_inputs/logs/part-")) << files[0];
  std::string contents;
  ASSERT_TRUE(fs_->Read(files[0], &contents).ok());
  EXPECT_EQ(contents, "batch");
}

TEST_P(TransactionTest, ReRunWithSameInputGivesSameLake) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));
}

TEST_P(TransactionTest, AbortAndDestructionLeaveThePreviousState) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  {
    std::unique_ptr<Transaction> txn;
    ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
    ASSERT_TRUE(WriteSpec(txn.get(), SpecB()).ok());
    EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));  // nothing shows before Commit()
  }
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));
  EXPECT_EQ(CommittedState(fs_.get()), "state-a");
  ExpectNoStrayFiles(fs_.get());
}

TEST_P(TransactionTest, SecondWriterFailsFastUntilTheFirstFinishes) {
  std::unique_ptr<Transaction> first, second;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &first).ok());
  Status s = Transaction::Begin(fs_.get(), {}, &second);
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_NE(s.message().find("another run is writing the lake"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(first->run_id()), std::string::npos) << s.message();
  ASSERT_TRUE(WriteSpec(first.get(), SpecA()).ok());
  ASSERT_TRUE(first->Commit("{}").ok());
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &second).ok());
}

TEST_P(TransactionTest, RejectsNamesThatWouldEscapeTheTable) {
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  std::unique_ptr<fs::WritableFile> file;
  std::string path;
  EXPECT_TRUE(txn->NewDataFile("_sparkify", "", &file, &path).IsInvalidArgument());
  EXPECT_TRUE(txn->NewDataFile("songs", "../x", &file, &path).IsInvalidArgument());
  EXPECT_TRUE(txn->NewDataFile("a/b", "", &file, &path).IsInvalidArgument());
}

TEST_P(TransactionTest, NumberedFilesAreNamedByTheirNumberNotByOpeningOrder) {
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs_.get(), {}, &txn).ok());
  const std::string run = txn->run_id();
  std::unique_ptr<fs::WritableFile> file;
  std::string p7, p3, p0;
  ASSERT_TRUE(txn->NewNumberedDataFile("songs", "year=1", 7, &file, &p7).ok());
  ASSERT_TRUE(file->Close().ok());
  ASSERT_TRUE(txn->NewNumberedDataFile("songs", "year=2", 3, &file, &p3).ok());
  ASSERT_TRUE(file->Close().ok());
  EXPECT_TRUE(p7.ends_with("year=1/part-" + run + "-7.parquet")) << p7;
  EXPECT_TRUE(p3.ends_with("year=2/part-" + run + "-3.parquet")) << p3;
  // A number names one file of a folder: taken twice there, it is refused;
  // another table has its own numbers.
  std::string again;
  EXPECT_TRUE(txn->NewNumberedDataFile("songs", "year=1", 7, &file, &again).IsInvalidArgument());
  ASSERT_TRUE(txn->NewNumberedDataFile("artists", "", 7, &file, &again).ok());
  ASSERT_TRUE(file->Close().ok());
  // Files without a number take the first one the table does not use there.
  ASSERT_TRUE(txn->NewNumberedDataFile("users", "", 0, &file, &p0).ok());
  ASSERT_TRUE(file->Close().ok());
  std::string next;
  ASSERT_TRUE(txn->NewDataFile("users", "", &file, &next).ok());
  ASSERT_TRUE(file->Close().ok());
  EXPECT_NE(next, p0);
  EXPECT_TRUE(next.ends_with("part-" + run + "-1.parquet")) << next;
}

TEST_P(TransactionTest, ManifestListsFilesInPathOrderWhateverTheClosingOrder) {
  // Closed in several ascending runs (as write groups of two threads close
  // them), with a partition of two files and one file written again.
  RunSpec spec;
  for (const char* p : {"year=3", "year=5", "year=1", "year=4", "year=2", "year=6", "year=0",
                        "year=5", "year=10"}) {
    spec.files["songs"].push_back({p, std::string("in ") + p});
  }
  ASSERT_TRUE(RunSpecOnce(fs_.get(), spec).ok());
  std::map<std::string, std::vector<std::string>> tables;
  ASSERT_TRUE(ReadSnapshot(fs_.get(), &tables).ok());
  const std::vector<std::string>& paths = tables["songs"];
  ASSERT_EQ(paths.size(), 9u);
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()).size(), 9u);
  EXPECT_EQ(SnapshotView(fs_.get()), Expected({spec}));
}

// A store with write-behind whose background uploads fail: every Close()
// returns OK at once, and the failure only shows in WaitForWrites(), as an
// S3 PUT that fails after Close() returned.
class FailingWriteBehindFileSystem : public fs::FileSystem {
 public:
  explicit FailingWriteBehindFileSystem(fs::FileSystem* base) : base_(base) {}
  std::string Describe() const override { return base_->Describe(); }
  Status List(std::string_view prefix, std::vector<fs::FileInfo>* out) override {
    return base_->List(prefix, out);
  }
  Status Read(std::string_view path, std::string* contents) override {
    return base_->Read(path, contents);
  }
  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    return base_->ReadRange(path, offset, length, out);
  }
  Status Stat(std::string_view path, fs::FileInfo* info) override {
    return base_->Stat(path, info);
  }
  Status Write(std::string_view path, std::string_view contents) override {
    return base_->Write(path, contents);
  }
  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    return base_->WriteIfAbsent(path, contents);
  }
  Status NewWritableFile(std::string_view path, std::unique_ptr<fs::WritableFile>* out) override {
    *out = std::make_unique<LostFile>(this);
    return Status::OK();
  }
  Status Delete(const std::vector<std::string>& paths) override { return base_->Delete(paths); }
  Status WaitForWrites() override {
    if (lost_ == 0) return Status::OK();
    lost_ = 0;
    return Status::Unavailable("S3 PUT of a data file: HTTP 503 SlowDown (10 attempts)");
  }

 private:
  class LostFile : public fs::WritableFile {
   public:
    explicit LostFile(FailingWriteBehindFileSystem* owner) : owner_(owner) {}
    Status Append(std::string_view) override { return Status::OK(); }
    Status Close() override {
      owner_->lost_++;
      return Status::OK();
    }
    void Abort() override {}

   private:
    FailingWriteBehindFileSystem* owner_;
  };
  fs::FileSystem* base_;
  std::atomic<int> lost_{0};
};

TEST_P(TransactionTest, FailedBackgroundUploadFailsTheCommitBeforeItsPoint) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA(), WithManifests()).ok());
  FailingWriteBehindFileSystem failing(fs_.get());
  Status s = RunSpecOnce(&failing, SpecB(), WithManifests());
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_NE(s.message().find("not committed"), std::string::npos) << s.ToString();
  EXPECT_EQ(CommittedState(fs_.get()), "state-a");
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));
  EXPECT_EQ(ManifestView(fs_.get(), RootUri()), Expected({SpecA()}));
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecB(), WithManifests()).ok());
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA(), SpecB()}));
}

// Forwards to another store and records the calls a commit's durability
// depends on: whole-file writes (the manifest, the commit point) and Sync(),
// which fails on demand as a disk's write-back error would.
class SyncRecordingFileSystem : public fs::FileSystem {
 public:
  explicit SyncRecordingFileSystem(fs::FileSystem* base) : base_(base) {}
  std::vector<std::string> events;  // "write <path>" or "sync"
  bool fail_sync = false;

  std::string Describe() const override { return base_->Describe(); }
  Status List(std::string_view prefix, std::vector<fs::FileInfo>* out) override {
    return base_->List(prefix, out);
  }
  Status Read(std::string_view path, std::string* contents) override {
    return base_->Read(path, contents);
  }
  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    return base_->ReadRange(path, offset, length, out);
  }
  Status Stat(std::string_view path, fs::FileInfo* info) override {
    return base_->Stat(path, info);
  }
  Status Write(std::string_view path, std::string_view contents) override {
    Record("write " + std::string(path));
    return base_->Write(path, contents);
  }
  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    return base_->WriteIfAbsent(path, contents);
  }
  Status NewWritableFile(std::string_view path, std::unique_ptr<fs::WritableFile>* out) override {
    return base_->NewWritableFile(path, out);
  }
  Status NewWritableFileInPlace(std::string_view path,
                                std::unique_ptr<fs::WritableFile>* out) override {
    return base_->NewWritableFileInPlace(path, out);
  }
  Status Delete(const std::vector<std::string>& paths) override { return base_->Delete(paths); }
  Status WaitForWrites() override { return base_->WaitForWrites(); }
  Status Copy(std::string_view from, std::string_view to) override { return base_->Copy(from, to); }
  Status CopyMany(const std::vector<std::pair<std::string, std::string>>& copies) override {
    return base_->CopyMany(copies);
  }
  Status CleanupTemporaries(std::string_view prefix, size_t* removed) override {
    return base_->CleanupTemporaries(prefix, removed);
  }
  Status Sync() override {
    Record("sync");
    if (fail_sync) return Status::IOError("syncfs: Input/output error");
    return base_->Sync();
  }

 private:
  void Record(std::string event) {
    std::lock_guard<std::mutex> lock(mu_);
    events.push_back(std::move(event));
  }
  fs::FileSystem* base_;
  std::mutex mu_;
};

TEST_P(TransactionTest, SyncedCommitFlushesBeforeItsPointAndAtTheEnd) {
  SyncRecordingFileSystem recording(fs_.get());
  TransactionOptions synced;
  synced.sync = true;
  ASSERT_TRUE(RunSpecOnce(&recording, SpecA(), synced).ok());
  const std::vector<std::string>& e = recording.events;
  auto at = [&](const std::string& event) {
    return std::find(e.begin(), e.end(), event) - e.begin();
  };
  std::string current;
  ASSERT_TRUE(fs_->Read(commit::kCurrentPath, &current).ok());
  const auto manifest = at("write " + current);
  const auto commit_point = at("write " + std::string(commit::kCurrentPath));
  ASSERT_LT(manifest, commit_point);
  ASSERT_LT(commit_point, static_cast<long>(e.size()));
  EXPECT_EQ(std::count(e.begin(), e.end(), "sync"), 2);
  // Data and manifest on disk before the commit point; the commit point and
  // what was published after it before Commit() returns.
  EXPECT_EQ(std::count(e.begin() + manifest, e.begin() + commit_point, "sync"), 1);
  EXPECT_EQ(e.back(), "sync");
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));

  // Not asked for: no sync at all.
  recording.events.clear();
  ASSERT_TRUE(RunSpecOnce(&recording, SpecB()).ok());
  EXPECT_EQ(std::count(e.begin(), e.end(), "sync"), 0);
  EXPECT_EQ(CommittedState(fs_.get()), "state-b");
}

TEST_P(TransactionTest, FailedSyncFailsTheCommitBeforeItsPoint) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA()).ok());
  SyncRecordingFileSystem failing(fs_.get());
  failing.fail_sync = true;
  TransactionOptions synced;
  synced.sync = true;
  Status s = RunSpecOnce(&failing, SpecB(), synced);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("not committed"), std::string::npos) << s.ToString();
  EXPECT_EQ(CommittedState(fs_.get()), "state-a");
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA()}));
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecB(), synced).ok());  // the real store's Sync()
  EXPECT_EQ(Visible(fs_.get()), Expected({SpecA(), SpecB()}));
}

// Crashes run B after each of its mutating file-system operations in turn
// (the fault-injecting file system fails everything after that), then checks
// that the lake reads as A, or as B when the crash came after the commit
// point, and that the next run completes it and leaves nothing behind.
TEST_P(TransactionTest, CrashAfterEveryOperationLeavesOneCompleteState) {
  ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA(), WithManifests()).ok());
  const LakeView a = Expected({SpecA()});
  const LakeView ab = Expected({SpecA(), SpecB()});
  int saw_old = 0, saw_new = 0;
  for (long budget = 0;; ++budget) {
    SCOPED_TRACE("crash after operation " + std::to_string(budget));
    testing::FaultInjectingFileSystem faulty(fs_.get(), budget);
    Status s = RunSpecOnce(&faulty, SpecB(), WithManifests());
    if (!faulty.crashed()) {  // the budget outlasted the run: done
      ASSERT_TRUE(s.ok()) << s.ToString();
      break;
    }
    bool committed = CommittedState(fs_.get()) == "state-b";
    if (s.ok()) {
      EXPECT_TRUE(committed);  // died releasing the lock, after the run
    }
    // A listing reader right after the crash: on local disk the switch is
    // atomic per table; on an object store a dead publish may be half done
    // until the next run rolls it forward, so only local disk is checked here.
    if (GetParam() == "local") {
      // One rename switches all tables: a listing reader sees A, or B whole
      // once the switch is done (committed), never some tables of each.
      LakeView visible = Visible(fs_.get());
      if (committed) {
        EXPECT_TRUE(visible == a || visible == ab);
      } else {
        EXPECT_EQ(visible, a);
      }
    }
    // A manifest-aware reader sees one commit whole, even mid-publish.
    EXPECT_EQ(SnapshotView(fs_.get()), committed ? ab : a);
    // Symlink manifests change only after the commit point: a run that died
    // before it leaves them describing A, on every store.
    if (!committed) {
      EXPECT_EQ(ManifestView(fs_.get(), RootUri()), a);
    }
    {
      std::unique_ptr<Transaction> recover;
      ASSERT_TRUE(Transaction::Begin(fs_.get(), WithManifests(AfterCrash()), &recover).ok());
      EXPECT_EQ(Visible(fs_.get()), committed ? ab : a);
      EXPECT_EQ(ManifestView(fs_.get(), RootUri()), committed ? ab : a);
      (committed ? saw_new : saw_old)++;
      recover->Abort();
    }
    ExpectNoStrayFiles(fs_.get());
    // Back to A for the next crash point.
    ASSERT_TRUE(RunSpecOnce(fs_.get(), SpecA(), WithManifests(AfterCrash())).ok());
  }
  EXPECT_GT(saw_old, 3);
  EXPECT_GT(saw_new, 3);
}

// A reader that opens the table folder while runs commit must always find
// exactly one run's complete file set: the folder is switched whole. The
// reader resolves the folder once per listing, as the switch is one rename(2)
// of the folder's symlink; a walk that re-resolves `songs/` for each subfolder
// can straddle the switch (docs/commit-protocol.md). Local disk only: object
// stores have no atomic switch.
TEST_P(TransactionTest, ReaderOpeningTheTableSeesOneCompleteVersion) {
  if (GetParam() != "local") GTEST_SKIP() << "object stores publish file by file";
  constexpr int kRuns = 15;
  constexpr int kFilesPerRun = 6;
  std::atomic<bool> stop{false};
  std::atomic<int> listings{0}, bad{0};
  std::string table_dir = dir_ + "/lake/songs";
  std::thread reader([&] {
    while (!stop) {
      char resolved[PATH_MAX];
      if (::realpath(table_dir.c_str(), resolved) == nullptr) continue;  // before the first commit
      std::vector<fs::FileInfo> files;
      Status s = fs::NewLocalFileSystem(resolved)->List("", &files);
      std::set<std::string> runs;
      std::erase_if(files,
                    [](const fs::FileInfo& f) { return commit::IsSymlinkManifestPath(f.path); });
      for (auto& f : files) {
        size_t at = f.path.find("part-");
        runs.insert(f.path.substr(at, f.path.rfind('-') - at));
      }
      // A version two commits old may be deleted under a slow reader.
      if (::access(resolved, F_OK) != 0) continue;
      if (!s.ok() || runs.size() != 1 || files.size() != kFilesPerRun) ++bad;
      ++listings;
    }
  });
  for (int i = 0; i < kRuns; ++i) {
    RunSpec spec;
    for (int f = 0; f < kFilesPerRun; ++f) {
      spec.files["songs"].push_back({"year=" + std::to_string(1960 + f % 3), "x"});
    }
    ASSERT_TRUE(RunSpecOnce(fs_.get(), spec).ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0) << "of " << listings.load() << " listings";
  EXPECT_GT(listings.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Layouts, TransactionTest, ::testing::Values("memory", "local"));

// ---- locks -----------------------------------------------------------------

TEST(ObjectLockTest, StaleLockIsBrokenFreshOneOnlyByForce) {
  auto fs = fs::NewMemoryFileSystem();
  int64_t now = 1'000'000'000;
  TransactionOptions opts;
  opts.now_ms = [&] { return now; };
  // A dead run's lock: written, never refreshed.
  ASSERT_TRUE(fs->Write(std::string(commit::kLockDir) + "dead",
                        "{\"run_id\":\"dead\",\"host\":\"h\",\"pid\":1,\"expires_ms\":" +
                            std::to_string(now + 60'000) + "}")
                  .ok());
  std::unique_ptr<Transaction> txn;
  Status s = Transaction::Begin(fs.get(), opts, &txn);
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_NE(s.message().find("dead"), std::string::npos);
  EXPECT_NE(s.message().find("--force-unlock"), std::string::npos);
  now += 61'000;  // past its expiry
  ASSERT_TRUE(Transaction::Begin(fs.get(), opts, &txn).ok());
  ASSERT_TRUE(WriteSpec(txn.get(), SpecA()).ok());
  ASSERT_TRUE(txn->Commit("{}").ok());
  EXPECT_EQ(Visible(fs.get()), Expected({SpecA()}));
}

// Lock objects in `_sparkify/locks/`, sorted.
std::vector<std::string> LockObjects(fs::FileSystem* fs) {
  std::vector<fs::FileInfo> files;
  EXPECT_TRUE(fs->List(commit::kLockDir, &files).ok());
  std::vector<std::string> out;
  for (auto& f : files) out.push_back(f.path);
  return out;
}

TEST(ObjectLockTest, LoserLeavesNoLockObjectAndWinnerReleasesItsOwn) {
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<commit::LakeLock> first, second;
  commit::LockOptions a, b;
  a.run_id = "run-a";
  b.run_id = "run-b";
  ASSERT_TRUE(commit::AcquireObjectLock(fs.get(), a, &first).ok());
  EXPECT_EQ(LockObjects(fs.get()),
            std::vector<std::string>{std::string(commit::kLockDir) + "run-a"});
  Status s = commit::AcquireObjectLock(fs.get(), b, &second);
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_NE(s.message().find("run-a"), std::string::npos) << s.message();
  EXPECT_EQ(LockObjects(fs.get()).size(), 1u);
  EXPECT_TRUE(first->CheckHeld().ok());
  first->Release();
  EXPECT_TRUE(LockObjects(fs.get()).empty());
  ASSERT_TRUE(commit::AcquireObjectLock(fs.get(), b, &second).ok());
}

// A store whose List() lets no caller list before all `contenders` have come
// to list, nor return before all have listed: every contender wrote its lock
// object before any listed, the worst interleaving for a lock without
// conditional writes.
class ListBarrierFileSystem : public fs::FileSystem {
 public:
  ListBarrierFileSystem(fs::FileSystem* base, int contenders)
      : base_(base), contenders_(contenders) {}
  std::string Describe() const override { return base_->Describe(); }
  Status List(std::string_view prefix, std::vector<fs::FileInfo>* out) override {
    Wait(&arrived_);
    Status s = base_->List(prefix, out);
    Wait(&listed_);
    return s;
  }
  Status Read(std::string_view path, std::string* out) override { return base_->Read(path, out); }
  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    return base_->ReadRange(path, offset, length, out);
  }
  Status Stat(std::string_view path, fs::FileInfo* out) override { return base_->Stat(path, out); }
  Status Write(std::string_view path, std::string_view contents) override {
    return base_->Write(path, contents);
  }
  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    return base_->WriteIfAbsent(path, contents);
  }
  Status NewWritableFile(std::string_view path, std::unique_ptr<fs::WritableFile>* out) override {
    return base_->NewWritableFile(path, out);
  }
  Status Delete(const std::vector<std::string>& paths) override { return base_->Delete(paths); }

 private:
  // Blocks until `contenders_` callers have counted themselves in `*count`.
  void Wait(int* count) {
    std::unique_lock<std::mutex> lock(mu_);
    if (++*count >= contenders_) cv_.notify_all();
    cv_.wait(lock, [&] { return *count >= contenders_; });
  }

  fs::FileSystem* base_;
  const int contenders_;
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
  int listed_ = 0;
};

TEST(ObjectLockTest, RunsThatRaceNeverBothHoldTheLake) {
  // Free-running races: at most one of the contenders wins each round.
  for (int round = 0; round < 30; ++round) {
    auto fs = fs::NewMemoryFileSystem();
    std::atomic<int> winners{0};
    std::vector<std::unique_ptr<commit::LakeLock>> locks(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        commit::LockOptions o;
        o.run_id = "run-" + std::to_string(round) + "-" + std::to_string(t);
        if (commit::AcquireObjectLock(fs.get(), o, &locks[t]).ok()) ++winners;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_LE(winners.load(), 1) << "round " << round;
    for (auto& l : locks) {
      if (l) l->Release();
    }
    EXPECT_TRUE(LockObjects(fs.get()).empty());
  }
  // The worst interleaving: both wrote before either listed, and both listed
  // before either went on. At most one wins (a loser deletes its object
  // before the other reads it, which may let the other win), a loser leaves
  // nothing, and once the winner releases, the next run gets the lake.
  auto base = fs::NewMemoryFileSystem();
  ListBarrierFileSystem fs(base.get(), 2);
  std::unique_ptr<commit::LakeLock> l1, l2;
  Status s1, s2;
  std::thread t1([&] {
    commit::LockOptions o;
    o.run_id = "one";
    s1 = commit::AcquireObjectLock(&fs, o, &l1);
  });
  std::thread t2([&] {
    commit::LockOptions o;
    o.run_id = "two";
    s2 = commit::AcquireObjectLock(&fs, o, &l2);
  });
  t1.join();
  t2.join();
  EXPECT_FALSE(s1.ok() && s2.ok());
  for (const Status* s : {&s1, &s2}) {
    if (!s->ok()) {
      EXPECT_TRUE(s->IsAlreadyExists()) << s->ToString();
    }
  }
  EXPECT_EQ(LockObjects(base.get()).size(), (s1.ok() || s2.ok()) ? 1u : 0u);
  if (l1) l1->Release();
  if (l2) l2->Release();
  std::unique_ptr<commit::LakeLock> next;
  commit::LockOptions o;
  o.run_id = "three";
  EXPECT_TRUE(commit::AcquireObjectLock(base.get(), o, &next).ok());
}

TEST(ObjectLockTest, ForceUnlockBreaksALiveLockAndItsOwnerCannotCommit) {
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<Transaction> owner, breaker;
  ASSERT_TRUE(Transaction::Begin(fs.get(), {}, &owner).ok());
  ASSERT_TRUE(WriteSpec(owner.get(), SpecA()).ok());
  TransactionOptions force;
  force.force_unlock = true;
  ASSERT_TRUE(Transaction::Begin(fs.get(), force, &breaker).ok());
  Status s = owner->Commit("{}");
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_EQ(Visible(fs.get()), Expected({}));
  ASSERT_TRUE(WriteSpec(breaker.get(), SpecB()).ok());
  ASSERT_TRUE(breaker->Commit("{}").ok());
}

TEST(ObjectLockTest, LiveRunRefreshesItsLock) {
  ::setenv("SPARKIFY_LOCK_TTL_MS", "300", 1);
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<Transaction> owner, other;
  ASSERT_TRUE(Transaction::Begin(fs.get(), {}, &owner).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(900));  // three ttls
  Status s = Transaction::Begin(fs.get(), {}, &other);
  ::unsetenv("SPARKIFY_LOCK_TTL_MS");
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  ASSERT_TRUE(WriteSpec(owner.get(), SpecA()).ok());
  EXPECT_TRUE(owner->Commit("{}").ok());
}

TEST(LocalLockTest, LockGoesWithTheProcess) {
  char tmpl[] = "/tmp/sparkify-lock-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string lake = std::string(tmpl) + "/lake";
  auto fs = fs::NewLocalFileSystem(lake);
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  if (child == 0) {
    std::unique_ptr<Transaction> txn;
    if (!Transaction::Begin(fs.get(), {}, &txn).ok()) ::_exit(3);
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    ::raise(SIGKILL);  // dies holding the lock
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  std::unique_ptr<Transaction> txn;
  Status s = Transaction::Begin(fs.get(), {}, &txn);
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_NE(s.message().find("pid"), std::string::npos) << s.message();
  (void)!::write(release[1], &c, 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(Transaction::Begin(fs.get(), {}, &txn).ok());
  txn.reset();
  std::filesystem::remove_all(tmpl);
}

// ---- crash points in a real process -----------------------------------------

// Forks a child that runs B with SPARKIFY_CRASH_AT=`point`; it dies by
// SIGKILL at that point. The lake must read as A (or as B after the commit
// point, once recovered), and the next run must give B's lake.
TEST(CrashPointTest, KilledAtEachNamedPointOnLocalDisk) {
  char tmpl[] = "/tmp/sparkify-crash-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  auto fs = fs::NewLocalFileSystem(std::string(tmpl) + "/lake");
  for (std::string_view point : kCrashPoints) {
    for (const char* occurrence : {":1", ":2"}) {
      std::string spec = std::string(point) + occurrence;
      SCOPED_TRACE(spec);
      ASSERT_TRUE(RunSpecOnce(fs.get(), SpecA()).ok());
      pid_t child = ::fork();
      if (child == 0) {
        SetCrashPointForTesting(spec);
        Status s = RunSpecOnce(fs.get(), SpecB());
        ::_exit(s.ok() ? 0 : 1);
      }
      int status = 0;
      ASSERT_EQ(::waitpid(child, &status, 0), child);
      bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      if (!killed) {
        EXPECT_EQ(WEXITSTATUS(status), 0);  // the point was not reached that often
        EXPECT_EQ(Visible(fs.get()), Expected({SpecA(), SpecB()}));
        continue;
      }
      bool committed = CommittedState(fs.get()) == "state-b";
      if (!committed) {
        EXPECT_EQ(Visible(fs.get()), Expected({SpecA()}));
      }
      std::unique_ptr<Transaction> txn;
      ASSERT_TRUE(Transaction::Begin(fs.get(), {}, &txn).ok());  // no force: flock died
      EXPECT_EQ(Visible(fs.get()), committed ? Expected({SpecA(), SpecB()}) : Expected({SpecA()}));
      txn->Abort();
      txn.reset();
      ExpectNoStrayFiles(fs.get());
      if (!committed) {
        ASSERT_TRUE(RunSpecOnce(fs.get(), SpecB()).ok());
        EXPECT_EQ(Visible(fs.get()), Expected({SpecA(), SpecB()}));
      }
    }
  }
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace sparkify::lake
