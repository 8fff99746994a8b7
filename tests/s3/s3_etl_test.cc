// `sparkify etl` with its input and output on the local S3 server: the lake
// must be the same, file for file and byte for byte, as the lake of a run on
// local folders (run ids in file names aside), also when the fault proxy sits
// in between. Wrong credentials and missing inputs end in one clear line that
// never shows the secret.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "fault_proxy.h"
#include "s3/s3_file_system.h"
#include "s3_test_env.h"

namespace sparkify::s3 {
namespace {

namespace stdfs = std::filesystem;
using testing::FaultOptions;
using testing::FaultProxy;

const char* const kTables[] = {"songs/", "artists/", "users/", "time/", "songplays/"};

std::string SampleDir() {
  const char* dir = std::getenv("SPARKIFY_SAMPLE_DIR");
  return dir && *dir ? dir : SPARKIFY_SOURCE_DIR "/../shared/data/sample";
}

std::string ReadLocal(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsTableFile(const std::string& path) {
  for (const char* t : kTables) {
    if (path.starts_with(t)) return path.ends_with(".parquet");
  }
  return false;
}

// Data file names carry the run id ("part-20261125T172947Z-27920-7f6f-18.parquet").
std::string WithoutRunId(const std::string& path) {
  static const std::regex kRunId("part-[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]+-");
  return std::regex_replace(path, kRunId, "part-");
}

using Lake = std::map<std::string, std::string>;  // table file (run id removed) -> bytes

Lake LocalLake(const std::string& root) {
  Lake lake;
  for (const auto& e : stdfs::recursive_directory_iterator(
           root, stdfs::directory_options::follow_directory_symlink)) {
    if (!e.is_regular_file()) continue;
    // lexically: relative() would resolve the table symlinks.
    std::string rel = e.path().lexically_relative(root).string();
    if (IsTableFile(rel)) lake[WithoutRunId(rel)] = ReadLocal(e.path());
  }
  return lake;
}

Lake S3Lake(fs::FileSystem* fs) {
  std::vector<fs::FileInfo> files;
  Status s = fs->List("", &files);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<std::string> paths;
  for (const auto& f : files) {
    if (IsTableFile(f.path)) paths.push_back(f.path);
  }
  Lake lake;
  std::mutex mu;
  fs->ReadMany(paths, [&](size_t i, const Status& st, std::string&& contents) {
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::lock_guard<std::mutex> lock(mu);
    lake[WithoutRunId(paths[i])] = std::move(contents);
  });
  return lake;
}

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs the sparkify binary with `env` added to this process's environment.
RunResult RunSparkify(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env) {
  std::string cmd = "env";
  for (const auto& [k, v] : env) cmd += " " + Quote(k + "=" + v);
  cmd += " " + Quote(SPARKIFY_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  RunResult run;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) run.output.append(buf.data(), n);
  int status = pclose(p);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class S3EtlTest : public ::testing::Test {
 protected:
  // The sample data set goes up once for the whole suite.
  static void SetUpTestSuite() {
    if (!testing::GetTestServer(&server_)) return;
    prefix_ = testing::UniquePrefix("etl");
    Status s = S3FileSystem::Open(Uri(""), testing::OptionsFor(server_), &fs_);
    if (!s.ok()) return;
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& e : stdfs::recursive_directory_iterator(SampleDir())) {
      if (!e.is_regular_file()) continue;
      files.emplace_back("input/" + stdfs::relative(e.path(), SampleDir()).string(),
                         ReadLocal(e.path()));
    }
    sample_files_ = files.size();
    upload_ = testing::WriteAll(fs_.get(), files);
  }

  static void TearDownTestSuite() {
    if (!fs_) return;
    std::vector<fs::FileInfo> files;
    if (fs_->List("", &files).ok()) {
      std::vector<std::string> paths;
      for (const auto& f : files) paths.push_back(f.path);
      fs_->Delete(paths);
    }
    fs_.reset();
  }

  void SetUp() override {
    SPARKIFY_REQUIRE_S3_SERVER(&server_);
    ASSERT_GT(sample_files_, 50u) << "sample data missing at " << SampleDir();
    ASSERT_TRUE(upload_.ok()) << upload_.ToString();
    local_out_ = stdfs::temp_directory_path() / (testing::UniquePrefix("etl") + "-local");
  }

  void TearDown() override { stdfs::remove_all(local_out_); }

  static std::string Uri(const std::string& rel) {
    return "s3://" + server_.bucket + "/" + prefix_ + (rel.empty() ? "" : "/" + rel);
  }

  std::map<std::string, std::string> Credentials() const {
    return {{"AWS_ACCESS_KEY_ID", server_.access_key},
            {"AWS_SECRET_ACCESS_KEY", server_.secret_key},
            {"AWS_REGION", "us-east-1"}};
  }

  Lake RunLocal() {
    RunResult run = RunSparkify({"etl", "--songs", SampleDir() + "/song_data", "--logs",
                                 SampleDir() + "/log_data", "--out", local_out_.string(), "-q"},
                                {});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return LocalLake(local_out_.string());
  }

  Lake RunOnS3(const std::string& endpoint, const std::string& out) {
    RunResult run = RunSparkify({"etl", "--songs", Uri("input/song_data"), "--logs",
                                 Uri("input/log_data"), "--out", Uri(out), "--endpoint", endpoint},
                                Credentials());
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.output.find(server_.secret_key), std::string::npos) << run.output;
    std::unique_ptr<S3FileSystem> lake_fs;
    EXPECT_TRUE(S3FileSystem::Open(Uri(out), testing::OptionsFor(server_), &lake_fs).ok());
    return S3Lake(lake_fs.get());
  }

  static void ExpectSameLake(const Lake& expected, const Lake& got) {
    ASSERT_GT(expected.size(), 5u);
    std::vector<std::string> a, b;
    for (const auto& [k, v] : expected) a.push_back(k);
    for (const auto& [k, v] : got) b.push_back(k);
    ASSERT_EQ(a, b);
    for (const auto& [path, bytes] : expected) {
      EXPECT_TRUE(got.at(path) == bytes) << path << " differs";
    }
    for (const char* t : kTables) {
      bool found = false;
      for (const auto& k : a) found |= k.starts_with(t);
      EXPECT_TRUE(found) << "no files in " << t;
    }
  }

  static inline testing::TestServer server_;
  static inline std::string prefix_;
  static inline std::unique_ptr<S3FileSystem> fs_;
  static inline size_t sample_files_ = 0;
  static inline Status upload_;
  stdfs::path local_out_;
};

TEST_F(S3EtlTest, LakeOnS3IsTheLocalRunsLake) {
  Lake local = RunLocal();
  Lake remote = RunOnS3(server_.endpoint, "lake-plain");
  ExpectSameLake(local, remote);
}

TEST_F(S3EtlTest, LakeOnS3IsTheSameUnderFaults) {
  Lake local = RunLocal();
  FaultOptions faults;
  faults.upstream_port =
      std::atoi(server_.endpoint.substr(server_.endpoint.rfind(':') + 1).c_str());
  faults.latency_ms = 2;
  faults.p_slowdown = 0.05;
  faults.p_server_error = 0.03;
  faults.p_reset = 0.03;
  faults.p_truncate = 0.03;
  faults.seed = 2018;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  Lake remote = RunOnS3(proxy.endpoint(), "lake-faults");
  ExpectSameLake(local, remote);
  auto c = proxy.counts();
  EXPECT_GT(c.slowdowns + c.server_errors + c.resets + c.truncations, 0u)
      << "no fault was injected: the test proved nothing";
}

TEST_F(S3EtlTest, WrongSecretFailsInOneClearLineWithoutTheSecret) {
  const std::string wrong = "NotTheSecret/abc+123=";
  auto env = Credentials();
  env["AWS_SECRET_ACCESS_KEY"] = wrong;
  RunResult run =
      RunSparkify({"etl", "--songs", Uri("input/song_data"), "--logs", Uri("input/log_data"),
                   "--out", Uri("lake"), "--endpoint", server_.endpoint},
                  env);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.output.find(wrong), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(server_.secret_key), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("PermissionDenied"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("403"), std::string::npos) << run.output;
  // The logs are listed first (the log stream starts before the songs are read).
  EXPECT_NE(run.output.find(Uri("input/log_data")), std::string::npos) << run.output;
  EXPECT_LE(std::count(run.output.begin(), run.output.end(), '\n'), 3) << run.output;
}

TEST_F(S3EtlTest, MissingBucketOrPrefixIsAUsageError) {
  for (const std::string songs :
       {std::string("s3://no-such-bucket-sparkify/song_data"), Uri("input/no_such_data")}) {
    RunResult run = RunSparkify({"etl", "--songs", songs, "--logs", Uri("input/log_data"), "--out",
                                 local_out_.string(), "--endpoint", server_.endpoint},
                                Credentials());
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(songs), std::string::npos) << run.output;
    EXPECT_LE(std::count(run.output.begin(), run.output.end(), '\n'), 2) << run.output;
  }
}

}  // namespace
}  // namespace sparkify::s3
