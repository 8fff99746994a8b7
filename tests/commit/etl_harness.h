// Test harness for the commit tests: runs the real `sparkify etl` binary (and
// kills it), reads a lake as a listing reader does (DuckDB through node,
// tests/commit/lake_digest.mjs), and checks that a lake holds nothing stray.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "fs/file_system.h"

namespace sparkify::commit_test {

// Where the sample data is: ../shared/data/sample from the repository root.
std::string SampleDir();

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct EtlResult {
  bool killed = false;  // died of SIGKILL (a crash point, or the test's kill)
  int exit_code = -1;   // when it exited
  std::string output;   // stdout + stderr
};

struct EtlOptions {
  std::vector<std::string> args;           // after "etl"
  std::map<std::string, std::string> env;  // added to this process's environment
  int kill_after_ms = -1;                  // >= 0: SIGKILL after this long
};

// Starts `sparkify etl ...`; Wait() collects it.
pid_t StartEtl(const EtlOptions& options, std::string* log_path);
EtlResult WaitEtl(pid_t pid, const std::string& log_path, int kill_after_ms = -1);
EtlResult RunEtl(const EtlOptions& options);

// table -> "rows sha256" as DuckDB reads <lake>/<table>/**/*.parquet, for
// each local lake given (one node process for all).
using LakeDigest = std::map<std::string, std::string>;
std::map<std::string, LakeDigest> DigestLakes(const std::vector<std::string>& lakes);
LakeDigest DigestLake(const std::string& lake);

// Copies what a listing reader sees of `fs`'s table folders into `local_dir`.
Status DownloadTables(fs::FileSystem* fs, const std::string& local_dir);

// Every file in the lake is referenced by the committed manifest (or, for
// table data, by the previous one: kept for readers in flight), a protocol
// file or a side output; no staging, temporaries or trash remain. Adds
// failures to the running test.
void ExpectNoStrayFiles(fs::FileSystem* fs);

// Every Hive symlink manifest of the lake's tables
// ("songs/_symlink_format_manifest/year=1969/.../manifest") -> its contents.
std::map<std::string, std::string> SymlinkManifestFiles(fs::FileSystem* fs);

// The lake's symlink manifests are exactly those of the committed manifest
// (`_sparkify/CURRENT`): one per partition of each table, naming each data
// file once by its absolute URI, and each named file exists.
void ExpectSymlinkManifestsMatchCommit(fs::FileSystem* fs);

// Copies a local lake (symlinks kept as symlinks).
void CopyLake(const std::string& from, const std::string& to);

}  // namespace sparkify::commit_test
