// The longer commit tests (label `slow`): the binary killed after timed delays
// on local disk, and the same guarantees on the local S3 server
// (tests/s3/swift-server.sh): kills at named points and after delays, the
// writer lock with its expiry and --force-unlock, incremental runs.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "etl_harness.h"
#include "fs/local_file_system.h"
#include "fs/open.h"
#include "lake/commit/snapshot.h"

namespace sparkify::commit_test {
namespace {

namespace stdfs = std::filesystem;

std::string AllLogs() { return SampleDir() + "/log_data"; }

std::string LogsOfDays(const std::string& dir, int first, int last) {
  std::string out = dir + "/logs-" + std::to_string(first) + "-" + std::to_string(last);
  for (int d = first; d <= last; ++d) {
    char name[64];
    std::snprintf(name, sizeof(name), "2018/11/2018-11-%02d-events.json", d);
    stdfs::path src = stdfs::path(SampleDir()) / "log_data" / name;
    if (!stdfs::exists(src)) continue;
    stdfs::create_directories(stdfs::path(out) / "2018/11");
    stdfs::create_symlink(stdfs::absolute(src), stdfs::path(out) / name);
  }
  return out;
}

EtlOptions Etl(const std::string& logs, const std::string& out) {
  EtlOptions o;
  o.args = {"--songs", SampleDir() + "/song_data", "--logs", logs, "--out", out};
  return o;
}

TEST(TimedKillTest, KilledAfterDelaysLocalLakeIsOldOrNewAndNextRunCompletes) {
  TempDir tmp;
  std::string before = tmp.path() + "/before", clean = tmp.path() + "/clean";
  ASSERT_EQ(RunEtl(Etl(LogsOfDays(tmp.path(), 1, 10), before)).exit_code, 0);
  ASSERT_EQ(RunEtl(Etl(AllLogs(), clean)).exit_code, 0);
  const int delays_ms[] = {0, 5, 15, 30, 50, 80, 120};
  std::vector<std::string> lakes = {before, clean};
  for (int delay : delays_ms) {
    std::string lake = tmp.path() + "/lake-" + std::to_string(delay);
    CopyLake(before, lake);
    EtlOptions o = Etl(AllLogs(), lake);
    o.kill_after_ms = delay;
    RunEtl(o);  // killed, or finished first
    lakes.push_back(lake);
  }
  auto d = DigestLakes(lakes);
  for (size_t i = 2; i < lakes.size(); ++i) {
    EXPECT_TRUE(d[lakes[i]] == d[before] || d[lakes[i]] == d[clean]) << lakes[i];
    EtlResult r = RunEtl(Etl(AllLogs(), lakes[i]));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  auto after = DigestLakes(std::vector<std::string>(lakes.begin() + 2, lakes.end()));
  for (size_t i = 2; i < lakes.size(); ++i) {
    EXPECT_EQ(after[lakes[i]], d[clean]) << lakes[i];
    auto fs = fs::NewLocalFileSystem(lakes[i]);
    ExpectNoStrayFiles(fs.get());
  }
}

// ---- S3 ----------------------------------------------------------------------

class S3CommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto get = [](const char* n) { return std::string(std::getenv(n) ? std::getenv(n) : ""); };
    endpoint_ = get("SPARKIFY_TEST_S3_ENDPOINT");
    bucket_ = get("SPARKIFY_TEST_S3_BUCKET");
    if (endpoint_.empty() || bucket_.empty()) {
      if (get("CI") == "true") FAIL() << "SPARKIFY_TEST_S3_* not set under CI";
      GTEST_SKIP() << "no local S3 server (eval \"$(tests/s3/swift-server.sh start)\")";
    }
    // The binary and this process take the credentials from the environment.
    env_ = {{"AWS_ACCESS_KEY_ID", get("SPARKIFY_TEST_S3_ACCESS_KEY")},
            {"AWS_SECRET_ACCESS_KEY", get("SPARKIFY_TEST_S3_SECRET_KEY")},
            {"AWS_REGION", "us-east-1"}};
    for (auto& [k, v] : env_) ::setenv(k.c_str(), v.c_str(), 1);
    // Swift takes tens of ms per object: a dozen songs (a dozen song
    // partitions) keep each run short; the protocol is the same.
    songs_ = songs_dir_.path() + "/songs";
    int n = 0;
    for (const auto& e : stdfs::recursive_directory_iterator(SampleDir() + "/song_data")) {
      if (!e.is_regular_file() || n++ >= kS3Songs) continue;
      stdfs::path to = stdfs::path(songs_) / stdfs::relative(e.path(), SampleDir() + "/song_data");
      stdfs::create_directories(to.parent_path());
      stdfs::create_symlink(stdfs::absolute(e.path()), to);
    }
    static int counter = 0;
    prefix_ = "s3://" + bucket_ + "/commit-test-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++);
  }
  void TearDown() override {
    for (auto& uri : used_) {
      auto fs = Open(uri);
      std::vector<fs::FileInfo> files;
      if (fs && fs->List("", &files).ok()) {
        std::vector<std::string> paths;
        for (auto& f : files) paths.push_back(f.path);
        (void)fs->Delete(paths);
      }
    }
  }

  std::unique_ptr<fs::FileSystem> Open(const std::string& uri) {
    fs::OpenOptions o;
    o.endpoint = endpoint_;
    o.region = "us-east-1";
    std::unique_ptr<fs::FileSystem> fs;
    Status s = fs::OpenFileSystem(uri, o, &fs);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return fs;
  }

  std::string Lake(const std::string& name) {
    used_.push_back(prefix_ + "/" + name);
    return used_.back();
  }

  EtlOptions S3Etl(const std::string& logs, const std::string& out) {
    EtlOptions o = Etl(logs, out);
    o.args[1] = songs_;
    o.args.push_back("--endpoint");
    o.args.push_back(endpoint_);
    o.env = env_;
    return o;
  }

  // What a listing reader of the S3 lake sees, read with DuckDB.
  LakeDigest Digest(const std::string& uri, const std::string& tmp) {
    std::string local = tmp + "/dl-" + std::to_string(downloads_++);
    auto fs = Open(uri);
    Status s = DownloadTables(fs.get(), local);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return DigestLake(local);
  }

  static constexpr int kS3Songs = 12;
  TempDir songs_dir_;
  std::string songs_;
  std::string endpoint_, bucket_, prefix_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> used_;
  int downloads_ = 0;
};

TEST_F(S3CommitTest, KilledAtNamedPointsS3LakeReadsAsBeforeAndNextRunCompletes) {
  TempDir tmp;
  std::string before_logs = LogsOfDays(tmp.path(), 1, 10);
  std::string clean = Lake("clean");
  ASSERT_EQ(RunEtl(S3Etl(AllLogs(), clean)).exit_code, 0);
  LakeDigest want_clean = Digest(clean, tmp.path());
  LakeDigest want_before;
  struct Point {
    const char* spec;
    bool before_publish;  // a listing reader must see the previous state
  };
  // Before the commit point, and at it (publishing not started): the
  // previous state. Inside the publish step (publish.step:2 = new files and
  // symlink manifests in place, old files not yet deleted): a mix until the next run.
  const Point points[] = {
      {"data.closed:3", true}, {"commit.current_written", true}, {"publish.step:2", false}};
  for (const Point& p : points) {
    SCOPED_TRACE(p.spec);
    std::string lake = Lake(std::string("lake-") + p.spec);
    ASSERT_EQ(RunEtl(S3Etl(before_logs, lake)).exit_code, 0);
    if (want_before.empty()) want_before = Digest(lake, tmp.path());
    auto fs = Open(lake);
    const auto manifests_before = SymlinkManifestFiles(fs.get());
    EtlOptions o = S3Etl(AllLogs(), lake);
    o.env["SPARKIFY_CRASH_AT"] = p.spec;
    EtlResult r = RunEtl(o);
    ASSERT_TRUE(r.killed) << r.output;
    // Symlink-manifest readers (Athena, Trino): the previous state until the
    // manifests are rewritten; at publish.step:2 they are all new already.
    if (p.before_publish) {
      EXPECT_EQ(SymlinkManifestFiles(fs.get()), manifests_before);
    } else {
      ExpectSymlinkManifestsMatchCommit(fs.get());
    }
    std::map<std::string, std::vector<std::string>> snapshot;
    ASSERT_TRUE(lake::ReadSnapshot(fs.get(), &snapshot).ok());
    if (p.before_publish) {
      EXPECT_EQ(Digest(lake, tmp.path()), want_before);
    }
    // The dead run's lock is an object: the next run needs it to expire or --force-unlock.
    EtlResult blocked = RunEtl(S3Etl(AllLogs(), lake));
    EXPECT_EQ(blocked.exit_code, 1) << blocked.output;
    EXPECT_NE(blocked.output.find("--force-unlock"), std::string::npos) << blocked.output;
    EtlOptions next = S3Etl(AllLogs(), lake);
    next.args.push_back("--force-unlock");
    r = RunEtl(next);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Digest(lake, tmp.path()), want_clean);
    ExpectNoStrayFiles(fs.get());
    ExpectSymlinkManifestsMatchCommit(fs.get());
  }
  EXPECT_NE(want_before, want_clean);
}

TEST_F(S3CommitTest, KilledAfterDelaysS3LakeCompletesOnTheNextRun) {
  TempDir tmp;
  std::string clean = Lake("clean");
  ASSERT_EQ(RunEtl(S3Etl(AllLogs(), clean)).exit_code, 0);
  LakeDigest want = Digest(clean, tmp.path());
  for (int delay : {150, 600, 1200}) {
    SCOPED_TRACE(delay);
    std::string lake = Lake("lake-" + std::to_string(delay));
    EtlOptions o = S3Etl(AllLogs(), lake);
    o.kill_after_ms = delay;
    o.env["SPARKIFY_LOCK_TTL_MS"] = "1000";
    RunEtl(o);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // its lock expires
    EtlOptions next = S3Etl(AllLogs(), lake);
    EtlResult r = RunEtl(next);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Digest(lake, tmp.path()), want);
    auto fs = Open(lake);
    ExpectNoStrayFiles(fs.get());
  }
}

TEST_F(S3CommitTest, SecondWriterFailsFastStaleLockExpiresForceUnlockBreaks) {
  TempDir tmp;
  std::string lake = Lake("lake");
  EtlOptions first = S3Etl(AllLogs(), lake);
  first.env["SPARKIFY_STALL_AT"] = "begin.recovered";
  first.env["SPARKIFY_LOCK_TTL_MS"] = "3000";
  std::string log;
  pid_t pid = StartEtl(first, &log);
  auto fs = Open(lake);
  // Wait until the first run holds the lake: its lock object is listed.
  std::vector<fs::FileInfo> locks;
  for (int i = 0; i < 400 && (!fs->List("_sparkify/locks/", &locks).ok() || locks.empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(locks.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EtlResult second = RunEtl(S3Etl(AllLogs(), lake));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("another run is writing the lake"), std::string::npos)
      << second.output;
  // The live run refreshes its lock: still held after more than one ttl.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  second = RunEtl(S3Etl(AllLogs(), lake));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_TRUE(WaitEtl(pid, log, 0).killed);
  // Dead: its lock is stale once its expiry passes.
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  EtlResult third = RunEtl(S3Etl(AllLogs(), lake));
  EXPECT_EQ(third.exit_code, 0) << third.output;
  EXPECT_NE(third.output.find("breaking the stale lake lock"), std::string::npos) << third.output;

  // --force-unlock breaks a lock that has not expired.
  first.env["SPARKIFY_LOCK_TTL_MS"] = "600000";
  pid = StartEtl(first, &log);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(WaitEtl(pid, log, 0).killed);
  EXPECT_EQ(RunEtl(S3Etl(AllLogs(), lake)).exit_code, 1);
  EtlOptions forced = S3Etl(AllLogs(), lake);
  forced.args.push_back("--force-unlock");
  EtlResult r = RunEtl(forced);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ExpectNoStrayFiles(fs.get());
}

TEST_F(S3CommitTest, IncrementalRunsEqualOneFullRun) {
  TempDir tmp;
  std::string full = Lake("full"), inc = Lake("inc");
  ASSERT_EQ(RunEtl(S3Etl(AllLogs(), full)).exit_code, 0);
  // Five runs of six days each, into the same growing input folder.
  std::string logs = tmp.path() + "/logs";
  for (int first = 1; first <= 30; first += 6) {
    for (int d = first; d < first + 6; ++d) {
      char name[64];
      std::snprintf(name, sizeof(name), "2018/11/2018-11-%02d-events.json", d);
      stdfs::path src = stdfs::path(SampleDir()) / "log_data" / name;
      if (!stdfs::exists(src)) continue;
      stdfs::create_directories(stdfs::path(logs) / "2018/11");
      stdfs::create_symlink(stdfs::absolute(src), stdfs::path(logs) / name);
    }
    EtlOptions o = S3Etl(logs, inc);
    o.args.push_back("--incremental");
    EtlResult r = RunEtl(o);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(Digest(inc, tmp.path()), Digest(full, tmp.path()));
  auto fs = Open(inc);
  ExpectNoStrayFiles(fs.get());
}

}  // namespace
}  // namespace sparkify::commit_test
