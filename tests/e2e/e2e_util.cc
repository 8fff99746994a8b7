#include "e2e_util.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sparkify::e2e {

namespace stdfs = std::filesystem;

namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

CommandResult RunShell(const std::string& command) {
  TempDir tmp;
  std::string full = command + " >" + Quote(tmp / "out") + " 2>" + Quote(tmp / "err");
  int rc = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(tmp / "out");
  r.err = ReadFile(tmp / "err");
  return r;
}

std::optional<std::string> ValueText(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return std::nullopt;
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64:
      return std::to_string(int64_t(e));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(uint64_t(e));
    case simdjson::dom::element_type::BOOL:
      return bool(e) ? "true" : "false";
    default:
      return simdjson::minify(e);
  }
}

}  // namespace

std::string SampleDir() {
  // A checkout outside the usual layout (a git worktree) can point elsewhere.
  if (const char* dir = std::getenv("SPARKIFY_SAMPLE_DIR")) return dir;
  return std::string(SPARKIFY_SOURCE_DIR) + "/../shared/data/sample";
}

CommandResult RunSparkify(const std::vector<std::string>& args) {
  std::string command = Quote(SPARKIFY_BINARY);
  for (const auto& a : args) command += " " + Quote(a);
  return RunShell(command);
}

TempDir::TempDir() {
  std::string tmpl = (stdfs::temp_directory_path() / "sparkify-e2e-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  stdfs::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& contents) {
  stdfs::create_directories(stdfs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

bool Exists(const std::string& path) { return stdfs::exists(path); }

std::vector<std::pair<std::string, std::string>> ListFiles(const std::string& root) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : stdfs::recursive_directory_iterator(
           root, stdfs::directory_options::follow_directory_symlink)) {
    if (!e.is_regular_file()) continue;
    std::string rel = stdfs::relative(e.path(), root).string();
    // Hive symlink manifests (for Athena/Trino; docs/commit-protocol.md) name
    // the files by absolute path and run: not table data.
    if (rel.starts_with("_symlink_format_manifest/")) continue;
    files.emplace_back(std::move(rel), ReadFile(e.path().string()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::vector<Row>> Duck(const std::vector<std::string>& queries) {
  std::string root = SPARKIFY_SOURCE_DIR;
  std::string command = "node " + Quote(root + "/tests/e2e/duckdb_query.mjs") + " " + Quote(root);
  for (const auto& q : queries) command += " " + Quote(q);
  CommandResult r = RunShell(command);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "DuckDB via node failed (run scripts/install-deps.sh --test): exit "
                  << r.exit_code << "\n"
                  << r.err;
    return std::vector<std::vector<Row>>(queries.size());
  }
  std::vector<std::vector<Row>> results;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  for (simdjson::dom::element rows : doc.get_array()) {
    std::vector<Row> out;
    for (simdjson::dom::element row : rows.get_array()) {
      Row values;
      for (auto field : row.get_object()) {
        values[std::string(field.key)] = ValueText(field.value);
      }
      out.push_back(std::move(values));
    }
    results.push_back(std::move(out));
  }
  return results;
}

std::string Table(const std::string& lake, const std::string& table) {
  return "read_parquet('" + lake + "/" + table + "/**/*.parquet', hive_partitioning=true)";
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

}  // namespace sparkify::e2e
