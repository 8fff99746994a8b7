// Helpers for the end-to-end tests: run the binary, make scratch folders,
// query a lake with DuckDB through node.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sparkify::e2e {

// The shared sample data set (SPEC.md "Reference counts"): ../shared/data/sample
// beside the repository, or $SPARKIFY_SAMPLE_DIR when set.
std::string SampleDir();

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs build/sparkify with `args` (each shell-quoted).
CommandResult RunSparkify(const std::vector<std::string>& args);

// A fresh folder under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);                         // "" when missing
void WriteFile(const std::string& path, const std::string& contents);  // makes parent folders
bool Exists(const std::string& path);

// Every regular file under `root` as (path relative to root, contents),
// following symlinked folders (the commit protocol makes table folders symlinks),
// without the Hive symlink manifests (`_symlink_format_manifest/`).
std::vector<std::pair<std::string, std::string>> ListFiles(const std::string& root);

// A row as column -> value text (null as nullopt).
using Row = std::map<std::string, std::optional<std::string>>;

// Runs the queries in DuckDB and returns each one's rows. Records a test
// failure (never skips) when node or @duckdb/node-api is missing.
std::vector<std::vector<Row>> Duck(const std::vector<std::string>& queries);

// "read_parquet('<lake>/<table>/**/*.parquet', hive_partitioning=true)"
std::string Table(const std::string& lake, const std::string& table);

std::string Gzip(const std::string& data);
std::string Zstd(const std::string& data);

}  // namespace sparkify::e2e
