// Manifest: the complete description of one committed state of the lake.
//
// Every commit writes a new manifest `_sparkify/manifests/v<seq>-<run>.json`
// and then points `_sparkify/CURRENT` at it; that one small overwrite is the
// commit point (see docs/commit-protocol.md). A manifest names, for every
// table, the exact data files that make up the table, so that recovery can
// make the visible folders match it and delete everything else.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sparkify::lake::commit {

// Where the commit protocol keeps its own objects, under the lake root.
// Readers ignore it: Spark, Hive and Trino skip names starting with '_', and a
// table reader globs `<table>/...`, never the lake root.
inline constexpr std::string_view kMetaDir = "_sparkify/";
inline constexpr std::string_view kCurrentPath = "_sparkify/CURRENT";
inline constexpr std::string_view kManifestDir = "_sparkify/manifests/";
inline constexpr std::string_view kStagingDir = "_sparkify/staging/";
inline constexpr std::string_view kVersionsDir = "_sparkify/versions/";
// The local lock file (flock).
inline constexpr std::string_view kLockPath = "_sparkify/lock";
// Object stores: one lock object per contending run, `<dir><run_id>`.
inline constexpr std::string_view kLockDir = "_sparkify/locks/";
// Holds the Path() of the last manifest whose publish step completed.
inline constexpr std::string_view kPublishedPath = "_sparkify/PUBLISHED";
inline constexpr std::string_view kSuccessPath = "_SUCCESS";
inline constexpr std::string_view kSummaryPath = "_run_summary.json";

struct TableState {
  // The run whose version directory holds the table's files (local layout);
  // on object stores the files live in the table folder itself.
  std::string version_run;
  // Data files relative to the table folder, sorted:
  // "year=2018/month=11/part-<run>-3.parquet".
  std::vector<std::string> files;
};

struct Manifest {
  uint64_t seq = 0;      // 1 for the first commit, +1 per commit
  std::string run_id;    // the run that committed it
  std::string previous;  // Path() of the manifest it replaced ("" for the first)
  std::map<std::string, TableState, std::less<>> tables;
  // Side outputs of the run (rejects), relative to the lake root.
  std::vector<std::string> run_files;
  std::string summary_json;  // copied to _run_summary.json at publish
  std::string state;         // Transaction::SetState's opaque blob

  // "_sparkify/manifests/v0000000003-<run>.json"
  std::string Path() const;
  std::string Encode() const;
  static Status Decode(std::string_view json, Manifest* out);
};

// Escapes `s` as the contents of a JSON string (no quotes added).
std::string JsonEscape(std::string_view s);

}  // namespace sparkify::lake::commit
