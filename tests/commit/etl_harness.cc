#include "etl_harness.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "lake/commit/manifest.h"
#include "lake/commit/symlink_manifest.h"
#include "lake/commit/table_layout.h"

extern char** environ;

namespace sparkify::commit_test {

namespace stdfs = std::filesystem;
using lake::commit::Manifest;

std::string SampleDir() { return std::string(SPARKIFY_SOURCE_DIR) + "/../shared/data/sample"; }

TempDir::TempDir() {
  char tmpl[] = "/tmp/sparkify-commit-XXXXXX";
  if (::mkdtemp(tmpl) != nullptr) path_ = tmpl;
}
TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) stdfs::remove_all(path_, ec);
}

pid_t StartEtl(const EtlOptions& options, std::string* log_path) {
  static int counter = 0;
  *log_path = "/tmp/sparkify-commit-etl-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + ".log";
  std::vector<std::string> argv_s = {SPARKIFY_BINARY, "etl", "--quiet"};
  argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> env_s;
  for (auto& [k, v] : env) env_s.push_back(k + "=" + v);
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* log = std::fopen(log_path->c_str(), "w");
    if (log != nullptr) {
      ::dup2(fileno(log), 1);
      ::dup2(fileno(log), 2);
    }
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

EtlResult WaitEtl(pid_t pid, const std::string& log_path, int kill_after_ms) {
  if (kill_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EtlResult r;
  r.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  std::ifstream in(log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  ::unlink(log_path.c_str());
  return r;
}

EtlResult RunEtl(const EtlOptions& options) {
  std::string log;
  pid_t pid = StartEtl(options, &log);
  return WaitEtl(pid, log, options.kill_after_ms);
}

std::map<std::string, LakeDigest> DigestLakes(const std::vector<std::string>& lakes) {
  std::string cmd = "node " + std::string(SPARKIFY_SOURCE_DIR) + "/tests/commit/lake_digest.mjs";
  for (auto& l : lakes) cmd += " '" + l + "'";
  std::map<std::string, LakeDigest> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  char line[1024];
  while (std::fgets(line, sizeof(line), p) != nullptr) {
    std::istringstream ls(line);
    std::string lake, table, rows, hash;
    ls >> lake >> table >> rows >> hash;
    out[lake][table] = rows + " " + hash;
  }
  int rc = ::pclose(p);
  EXPECT_EQ(rc, 0) << cmd;
  for (auto& l : lakes) EXPECT_EQ(out[l].size(), 5u) << "no digest for " << l;
  return out;
}

LakeDigest DigestLake(const std::string& lake) { return DigestLakes({lake})[lake]; }

Status DownloadTables(fs::FileSystem* fs, const std::string& local_dir) {
  for (const char* table : {"songs", "artists", "users", "time", "songplays"}) {
    std::vector<fs::FileInfo> files;
    Status s = fs->List(std::string(table) + "/", &files);
    if (s.IsNotFound()) continue;
    SPARKIFY_RETURN_IF_ERROR(s);
    for (auto& f : files) {
      std::string contents;
      SPARKIFY_RETURN_IF_ERROR(fs->Read(f.path, &contents));
      stdfs::path dest = stdfs::path(local_dir) / f.path;
      stdfs::create_directories(dest.parent_path());
      std::ofstream(dest, std::ios::binary) << contents;
    }
  }
  return Status::OK();
}

namespace {

bool LoadManifest(fs::FileSystem* fs, const std::string& path, Manifest* m) {
  std::string text;
  return fs->Read(path, &text).ok() && Manifest::Decode(text, m).ok();
}

}  // namespace

void ExpectNoStrayFiles(fs::FileSystem* fs) {
  std::string current;
  ASSERT_TRUE(fs->Read(lake::commit::kCurrentPath, &current).ok());
  Manifest m, prev;
  ASSERT_TRUE(LoadManifest(fs, current, &m));
  bool has_prev = !m.previous.empty() && LoadManifest(fs, m.previous, &prev);
  std::set<std::string> allowed = {std::string(lake::commit::kCurrentPath),
                                   std::string(lake::commit::kPublishedPath),
                                   std::string(lake::commit::kLockPath),
                                   std::string(lake::commit::kSuccessPath),
                                   std::string(lake::commit::kSummaryPath),
                                   current,
                                   m.previous};
  for (auto& f : m.run_files) allowed.insert(f);
  auto allow_tables = [&](const Manifest& mm, bool visible) {
    for (auto& [table, state] : mm.tables) {
      auto allow = [&](const std::string& f) {
        if (visible) {
          allowed.insert(table + "/" + f);
          allowed.insert("_sparkify/current/" + table + "/" + f);
        }
        allowed.insert(std::string(lake::commit::kVersionsDir) + table + "/" + state.version_run +
                       "/" + f);
        allowed.insert("_sparkify/snapshots/" + mm.run_id + "/" + table + "/" + f);
      };
      for (auto& f : state.files) allow(f);
      for (auto& [f, contents] : lake::commit::SymlinkManifests("", table, state)) allow(f);
    }
  };
  allow_tables(m, true);
  if (has_prev) allow_tables(prev, false);
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("", &files).ok());
  for (auto& f : files) EXPECT_TRUE(allowed.count(f.path)) << "stray file: " << f.path;
  size_t temporaries = 0;
  ASSERT_TRUE(fs->CleanupTemporaries("", &temporaries).ok());
  EXPECT_EQ(temporaries, 0u) << "temporaries or unfinished multipart uploads were left";
}

std::map<std::string, std::string> SymlinkManifestFiles(fs::FileSystem* fs) {
  std::map<std::string, std::string> out;
  for (const char* table : {"songs", "artists", "users", "time", "songplays"}) {
    std::vector<fs::FileInfo> files;
    Status s =
        fs->List(std::string(table) + "/" + std::string(lake::commit::kSymlinkManifestDir), &files);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    for (auto& f : files) {
      EXPECT_TRUE(fs->Read(f.path, &out[f.path]).ok()) << f.path;
    }
  }
  return out;
}

void ExpectSymlinkManifestsMatchCommit(fs::FileSystem* fs) {
  std::string current;
  ASSERT_TRUE(fs->Read(lake::commit::kCurrentPath, &current).ok());
  Manifest m;
  ASSERT_TRUE(LoadManifest(fs, current, &m));
  std::string root = fs->Describe();
  if (lake::commit::IsLocalRoot(*fs)) {
    root = "file://" + stdfs::absolute(root).lexically_normal().string();
  }
  std::map<std::string, std::string> want;
  size_t data_files = 0;
  for (auto& [table, state] : m.tables) {
    if (table.starts_with("_")) continue;  // hidden tables get none
    data_files += state.files.size();
    for (auto& [path, contents] : lake::commit::SymlinkManifests(root, table, state)) {
      want[table + "/" + path] = contents;
    }
  }
  EXPECT_GT(data_files, 0u);
  auto got = SymlinkManifestFiles(fs);
  EXPECT_EQ(got.size(), want.size());
  for (auto& [path, contents] : want) {
    EXPECT_EQ(got[path], contents) << path;
    // Each line names a file that a reader can open.
    std::istringstream lines(contents);
    for (std::string uri; std::getline(lines, uri);) {
      ASSERT_TRUE(uri.starts_with(root + "/")) << uri;
      fs::FileInfo info;
      EXPECT_TRUE(fs->Stat(uri.substr(root.size() + 1), &info).ok()) << uri;
    }
  }
}

void CopyLake(const std::string& from, const std::string& to) {
  std::error_code ec;
  stdfs::copy(from, to, stdfs::copy_options::recursive | stdfs::copy_options::copy_symlinks, ec);
  ASSERT_FALSE(ec) << ec.message();
}

}  // namespace sparkify::commit_test
