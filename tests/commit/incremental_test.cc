// `sparkify etl --incremental` over the sample split by day must end with
// exactly the lake of one full run over all days: songplays (ids included),
// users with their latest level, time, songs and artists; a play whose song
// arrives days later is matched once it arrives. Each daily run reads only
// the new day's log object.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "etl_harness.h"
#include "fs/local_file_system.h"

namespace sparkify::commit_test {
namespace {

namespace stdfs = std::filesystem;

// The song that the sample's only matched play ("Setanta matins", played on
// 2018-11-21) needs; it arrives late in the split runs.
constexpr const char* kLateSong = "A/A/C/TRAACCG128F92E8A55.json";
constexpr int kLateSongDay = 25;
constexpr int kDays = 30;

void Link(const stdfs::path& from, const stdfs::path& to) {
  stdfs::create_directories(to.parent_path());
  stdfs::create_symlink(stdfs::absolute(from), to);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The number of objects of `input` ("songs"/"logs") the run summary says were read.
std::string ObjectsRead(const std::string& summary, const std::string& input) {
  size_t at = summary.find("\"" + input + "\": {");
  if (at == std::string::npos) return "?";
  size_t obj = summary.find("\"objects\":", at);
  return summary.substr(obj + 10, summary.find(',', obj) - obj - 10);
}

TEST(IncrementalTest, DailyRunsEqualOneFullRunIncludingALateSong) {
  TempDir tmp;
  std::string sample = SampleDir();
  std::string songs = tmp.path() + "/songs", logs = tmp.path() + "/logs";
  for (const auto& e : stdfs::recursive_directory_iterator(sample + "/song_data")) {
    if (!e.is_regular_file()) continue;
    std::string rel = stdfs::relative(e.path(), sample + "/song_data").string();
    if (rel != kLateSong) Link(e.path(), stdfs::path(songs) / rel);
  }
  std::string full = tmp.path() + "/full", inc = tmp.path() + "/inc";
  EtlOptions full_run;
  full_run.args = {"--songs", sample + "/song_data", "--logs", sample + "/log_data", "--out", full};
  ASSERT_EQ(RunEtl(full_run).exit_code, 0);

  EtlOptions inc_run;
  inc_run.args = {"--songs", songs, "--logs", logs, "--out", inc, "--incremental"};
  int runs = 0;
  for (int day = 1; day <= kDays; ++day) {
    char name[64];
    std::snprintf(name, sizeof(name), "2018/11/2018-11-%02d-events.json", day);
    stdfs::path log = stdfs::path(sample) / "log_data" / name;
    if (!stdfs::exists(log)) continue;
    Link(log, stdfs::path(logs) / name);
    bool song_arrives = day == kLateSongDay;
    if (song_arrives)
      Link(stdfs::path(sample) / "song_data" / kLateSong, stdfs::path(songs) / kLateSong);
    EtlResult r = RunEtl(inc_run);
    ASSERT_EQ(r.exit_code, 0) << "day " << day << ": " << r.output;
    ++runs;
    std::string summary = ReadFile(inc + "/_run_summary.json");
    EXPECT_EQ(ObjectsRead(summary, "logs"), "1") << "day " << day << " read more than its log";
    EXPECT_EQ(ObjectsRead(summary, "songs"), runs == 1      ? "70"
                                             : song_arrives ? "1"
                                                            : "0")
        << "day " << day;
  }
  ASSERT_GT(runs, 1);
  auto d = DigestLakes({full, inc});
  EXPECT_EQ(d[inc], d[full]);
  auto fs = fs::NewLocalFileSystem(inc);
  ExpectNoStrayFiles(fs.get());

  // Nothing new: the run reads nothing and changes nothing.
  EtlResult again = RunEtl(inc_run);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ObjectsRead(ReadFile(inc + "/_run_summary.json"), "logs"), "0");
  EXPECT_EQ(DigestLake(inc), d[full]);

  // A full run afterwards resets the state; the next incremental run starts over.
  full_run.args[5] = inc;
  ASSERT_EQ(RunEtl(full_run).exit_code, 0);
  again = RunEtl(inc_run);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ObjectsRead(ReadFile(inc + "/_run_summary.json"), "logs"), std::to_string(runs));
  EXPECT_EQ(DigestLake(inc), d[full]);
}

}  // namespace
}  // namespace sparkify::commit_test
