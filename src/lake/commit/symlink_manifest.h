// Hive SymlinkTextInputFormat manifests, the file lists that Athena, Trino,
// Presto and Spark read instead of listing a table's folder:
//
//   <table>/_symlink_format_manifest/manifest                   unpartitioned table
//   <table>/_symlink_format_manifest/<partition path>/manifest  one per partition
//
// Each holds the absolute URI of every data file of its table or partition,
// one per line ("s3://bucket/lake/songs/year=1969/artist_id=AR1/part-...parquet").
// Generated from a commit manifest; each manifest file is written whole, so a
// reader of one sees the partition's previous or next file list, never a mix
// (see docs/commit-protocol.md for when each layout writes them).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "lake/commit/manifest.h"

namespace sparkify::lake::commit {

// The folder inside a table that holds its symlink manifests.
inline constexpr std::string_view kSymlinkManifestDir = "_symlink_format_manifest/";

// Path (relative to the table folder) -> contents of every symlink manifest
// of `table` in state `state`, for a lake whose root is `root_uri`
// ("s3://bucket/prefix" or "/abs/path"; a local path becomes a file:// URI).
// A table with no file gets no manifest: its readers see it empty.
std::map<std::string, std::string> SymlinkManifests(std::string_view root_uri,
                                                    std::string_view table,
                                                    const TableState& state);

// True for a path (relative to the table folder) inside kSymlinkManifestDir.
bool IsSymlinkManifestPath(std::string_view path_in_table);

}  // namespace sparkify::lake::commit
