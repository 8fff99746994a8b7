// The real binary, killed with SIGKILL at named points of a run on local disk
// (SPARKIFY_CRASH_AT), must leave the lake reading as its previous state (or,
// once the switch is past, as the new one, whole); the next run must give
// exactly the rows of an uninterrupted run and leave nothing stray. Also: a
// second writer fails fast, a dead one never blocks, and re-runs duplicate
// nothing. Runs in the default ctest run; the longer variants (timed kills,
// S3) are in kill_slow_test.cc.
#include <gtest/gtest.h>

#include <filesystem>

#include "etl_harness.h"
#include "fs/local_file_system.h"

namespace sparkify::commit_test {
namespace {

namespace stdfs = std::filesystem;

// The first `days` days of the sample's logs, as a folder of symlinks.
std::string LogsOfFirstDays(const std::string& dir, int days) {
  std::string out = dir + "/logs-" + std::to_string(days);
  for (int d = 1; d <= days; ++d) {
    char name[64];
    std::snprintf(name, sizeof(name), "2018/11/2018-11-%02d-events.json", d);
    stdfs::path src = stdfs::path(SampleDir()) / "log_data" / name;
    if (!stdfs::exists(src)) continue;
    stdfs::create_directories(stdfs::path(out) / "2018/11");
    stdfs::create_symlink(stdfs::absolute(src), stdfs::path(out) / name);
  }
  return out;
}

// `manifests`: the --symlink-manifests policy ("auto": none on local disk).
EtlOptions Etl(const std::string& logs, const std::string& out,
               const std::string& manifests = "auto") {
  EtlOptions o;
  o.args = {"--songs", SampleDir() + "/song_data", "--logs", logs, "--out",
            out,       "--symlink-manifests",      manifests};
  return o;
}

std::string AllLogs() { return SampleDir() + "/log_data"; }

TEST(KillTest, KilledAtNamedPointsLocalLakeReadsAsBeforeAndNextRunCompletes) {
  TempDir tmp;
  // The previous state: a lake of the first 10 days; the new one: all 30.
  // With symlink manifests, so that a kill can also land while they are written.
  std::string before = tmp.path() + "/before";
  std::string clean = tmp.path() + "/clean";
  ASSERT_EQ(RunEtl(Etl(LogsOfFirstDays(tmp.path(), 10), before, "always")).exit_code, 0);
  ASSERT_EQ(RunEtl(Etl(AllLogs(), clean, "always")).exit_code, 0);

  struct Point {
    const char* spec;
    bool past_switch;  // the new state may be visible (whole) after this point
  };
  const Point points[] = {
      {"begin.recovered", false},
      {"data.closed:5", false},
      {"commit.manifest_written", false},
      {"commit.current_written", false},
      // Table links exist already: the first publish step is the switch.
      {"publish.step:1", true},
      {"commit.published", true},
  };
  std::vector<std::string> lakes = {before, clean};
  for (const Point& p : points) {
    SCOPED_TRACE(p.spec);
    std::string lake = tmp.path() + "/lake-" + p.spec;
    CopyLake(before, lake);
    EtlOptions o = Etl(AllLogs(), lake, "always");
    o.env["SPARKIFY_CRASH_AT"] = p.spec;
    EtlResult r = RunEtl(o);
    ASSERT_TRUE(r.killed) << "not killed at " << p.spec << ": " << r.output;
    lakes.push_back(lake);
  }
  auto digests = DigestLakes(lakes);
  ASSERT_NE(digests[before], digests[clean]);
  for (const Point& p : points) {
    std::string lake = tmp.path() + "/lake-" + p.spec;
    if (p.past_switch) {
      EXPECT_EQ(digests[lake], digests[clean]) << "after a kill at " << p.spec;
    } else {
      EXPECT_EQ(digests[lake], digests[before]) << "after a kill at " << p.spec;
    }
  }

  // The next run (no --force-unlock: the dead run's flock went with it).
  std::vector<std::string> rerun;
  for (const Point& p : points) {
    std::string lake = tmp.path() + "/lake-" + p.spec;
    EtlResult r = RunEtl(Etl(AllLogs(), lake, "always"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    rerun.push_back(lake);
  }
  auto after = DigestLakes(rerun);
  for (const std::string& lake : rerun) {
    SCOPED_TRACE(lake);
    EXPECT_EQ(after[lake], digests[clean]);
    auto fs = fs::NewLocalFileSystem(lake);
    ExpectNoStrayFiles(fs.get());
    ExpectSymlinkManifestsMatchCommit(fs.get());
  }
}

TEST(LockTest, SecondRunFailsFastAndADeadRunNeverBlocksLocally) {
  TempDir tmp;
  std::string lake = tmp.path() + "/lake";
  EtlOptions first = Etl(AllLogs(), lake);
  first.env["SPARKIFY_STALL_AT"] = "begin.recovered";  // holds the lock, then waits
  std::string log;
  pid_t pid = StartEtl(first, &log);
  // Wait until it holds the lock: its lock file names it.
  std::string lock_file = lake + "/_sparkify/lock";
  for (int i = 0; i < 200 && !(stdfs::exists(lock_file) && stdfs::file_size(lock_file) > 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto t0 = std::chrono::steady_clock::now();
  EtlResult second = RunEtl(Etl(AllLogs(), lake));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("another run is writing the lake"), std::string::npos)
      << second.output;
  EXPECT_NE(second.output.find("\"pid\":" + std::to_string(pid)), std::string::npos)
      << second.output;
  EXPECT_LT(took, std::chrono::seconds(10));  // fails at once, does not wait for the lock
  EtlResult killed = WaitEtl(pid, log, 0);
  EXPECT_TRUE(killed.killed);
  // The holder died with SIGKILL: the next run proceeds without --force-unlock.
  EtlResult third = RunEtl(Etl(AllLogs(), lake));
  EXPECT_EQ(third.exit_code, 0) << third.output;
}

TEST(IdempotenceTest, ReRunGivesTheSameRowsAndDuplicatesNothing) {
  TempDir tmp;
  std::string once = tmp.path() + "/once", twice = tmp.path() + "/twice";
  ASSERT_EQ(RunEtl(Etl(AllLogs(), once)).exit_code, 0);
  ASSERT_EQ(RunEtl(Etl(AllLogs(), twice)).exit_code, 0);
  ASSERT_EQ(RunEtl(Etl(AllLogs(), twice)).exit_code, 0);
  auto d = DigestLakes({once, twice});
  EXPECT_EQ(d[once], d[twice]);  // same rows, songplay_id included
  // The SPEC's reference counts: nothing duplicated by the second run.
  EXPECT_TRUE(d[twice]["songplays"].starts_with("6820 ")) << d[twice]["songplays"];
  EXPECT_TRUE(d[twice]["users"].starts_with("97 ")) << d[twice]["users"];
  EXPECT_TRUE(d[twice]["time"].starts_with("6813 ")) << d[twice]["time"];
  auto fs = fs::NewLocalFileSystem(twice);
  ExpectNoStrayFiles(fs.get());
}

// On local disk symlink manifests are written only when asked for; a run
// without them leaves none of an earlier run's visible.
TEST(SymlinkManifestTest, LocalLakeHasThemOnlyWhenAskedFor) {
  TempDir tmp;
  std::string lake = tmp.path() + "/lake";
  auto fs = fs::NewLocalFileSystem(lake);
  ASSERT_EQ(RunEtl(Etl(AllLogs(), lake)).exit_code, 0);
  EXPECT_TRUE(SymlinkManifestFiles(fs.get()).empty());
  ASSERT_EQ(RunEtl(Etl(AllLogs(), lake, "always")).exit_code, 0);
  ExpectSymlinkManifestsMatchCommit(fs.get());
  ASSERT_EQ(RunEtl(Etl(AllLogs(), lake, "never")).exit_code, 0);
  EXPECT_TRUE(SymlinkManifestFiles(fs.get()).empty());
  ExpectNoStrayFiles(fs.get());
  EtlResult bad = RunEtl(Etl(AllLogs(), lake, "sometimes"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

}  // namespace
}  // namespace sparkify::commit_test
