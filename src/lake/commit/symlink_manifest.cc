#include "lake/commit/symlink_manifest.h"

namespace sparkify::lake::commit {

namespace {

constexpr std::string_view kManifestName = "manifest";

std::string RootUri(std::string_view root) {
  std::string uri(root);
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  // Hadoop's and Trino's file systems want a scheme on every path they read.
  if (!uri.empty() && uri.front() == '/') uri = "file://" + uri;
  return uri;
}

}  // namespace

std::map<std::string, std::string> SymlinkManifests(std::string_view root_uri,
                                                    std::string_view table,
                                                    const TableState& state) {
  std::map<std::string, std::string> out;
  std::string table_uri = RootUri(root_uri) + "/" + std::string(table) + "/";
  for (const std::string& file : state.files) {
    size_t slash = file.rfind('/');
    std::string partition = slash == std::string::npos ? "" : file.substr(0, slash + 1);
    std::string& contents =
        out[std::string(kSymlinkManifestDir) + partition + std::string(kManifestName)];
    contents += table_uri + file + "\n";
  }
  return out;
}

bool IsSymlinkManifestPath(std::string_view path_in_table) {
  return path_in_table.starts_with(kSymlinkManifestDir);
}

}  // namespace sparkify::lake::commit
