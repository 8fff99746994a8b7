// VersionedDirLayout: the layout for local disk, where a symlink can be
// switched atomically with rename(2). See table_layout.h and
// docs/commit-protocol.md.
//
//   <lake>/songs -> _sparkify/current/songs                 fixed, made once per table
//   _sparkify/current -> snapshots/<run>                    THE switch: one rename(2)
//   _sparkify/snapshots/<run>/songs -> ../../versions/songs/<version_run>
//   _sparkify/versions/songs/<version_run>/year=.../part-*.parquet
//
// One rename switches every table at once, so a reader never sees the new
// songplays with the old songs.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "lake/commit/crash_point.h"
#include "lake/commit/symlink_manifest.h"
#include "lake/commit/table_layout.h"

namespace sparkify::lake::commit {

namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view kCurrentLink = "_sparkify/current";
constexpr std::string_view kSnapshotsDir = "_sparkify/snapshots/";
// Temporary symlinks are made beside the link they replace (rename(2) needs
// the same directory), hidden so that no reader lists them.
constexpr std::string_view kLinkMarker = ".sparkify-link-";
// Where a table folder that predates the protocol (a real directory) is moved
// when the first versioned state is published.
constexpr std::string_view kLegacyDir = "_sparkify/legacy/";
// A version is renamed here before it is deleted, so that a reader that
// resolved it finds it whole or not at all, never half-deleted.
constexpr std::string_view kTrashDir = "_sparkify/trash/";

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

std::string ReadLink(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Points `link` at `target` atomically (symlink a temporary, rename over).
Status SwitchLink(const std::string& link, const std::string& target) {
  if (ReadLink(link) == target) return Status::OK();
  std::string dir = stdfs::path(link).parent_path().string();
  std::string tmp = dir + "/." + stdfs::path(link).filename().string() + std::string(kLinkMarker) +
                    std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) return Errno("cannot create symlink", tmp);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    Status s = Errno("cannot switch", link);
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::OK();
}

class VersionedDirLayout : public TableLayout {
 public:
  VersionedDirLayout(fs::FileSystem* fs, std::string root, bool symlink_manifests)
      : fs_(fs), root_(std::move(root)), symlink_manifests_(symlink_manifests) {}

  std::string DataPath(std::string_view table, std::string_view run_id,
                       std::string_view file) const override {
    // Built in one string: called once per data file (150,000 on a catalogue).
    std::string path;
    path.reserve(kVersionsDir.size() + table.size() + run_id.size() + file.size() + 2);
    path += kVersionsDir;
    path += table;
    path += '/';
    path += run_id;
    path += '/';
    path += file;
    return path;
  }

  Status Prepare(const Manifest* previous, const Manifest& next) override {
    std::string snapshot = Full(std::string(kSnapshotsDir) + next.run_id);
    std::error_code ec;
    stdfs::create_directories(snapshot, ec);
    if (ec) return Status::IOError("cannot create " + snapshot + ": " + ec.message());
    const std::string own_prefix = "part-" + next.run_id + "-";
    for (const auto& [table, state] : next.tables) {
      std::string dir = Full(VersionDir(table, state.version_run));
      stdfs::create_directories(dir, ec);  // an empty table is an empty folder
      if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
      // A version of an earlier run was complete when that run committed it,
      // and is never modified: only this run's versions need work.
      const bool new_version = state.version_run == next.run_id;
      const TableState* old = nullptr;
      if (previous != nullptr) {
        auto it = previous->tables.find(table);
        if (it != previous->tables.end() && it->second.version_run != state.version_run) {
          old = &it->second;
        }
      }
      // (A reference: `new_version ? state.files : {}` would copy the list.)
      static const std::vector<std::string> kNoFiles;
      for (const std::string& f : new_version ? state.files : kNoFiles) {
        // The run's own files are there: the transaction lists only those
        // whose Close() succeeded. No stat each (a catalogue has 150,000).
        size_t slash = f.rfind('/');
        if (f.compare(slash == std::string::npos ? 0 : slash + 1, own_prefix.size(), own_prefix) ==
            0) {
          continue;
        }
        std::string path = dir + "/" + f;
        if (::access(path.c_str(), F_OK) == 0) continue;
        // A table that keeps some committed files (appended, or partitions
        // not replaced) gets them as hard links: no copy, and each version
        // stays deletable on its own.
        if (old == nullptr) return Status::Corruption("data file missing: " + path);
        std::string from = Full(VersionDir(table, old->version_run)) + "/" + f;
        stdfs::create_directories(stdfs::path(path).parent_path(), ec);
        if (::link(from.c_str(), path.c_str()) != 0 && errno != EEXIST) {
          return Errno("cannot link " + from + " to", path);
        }
      }
      // This run's new version gets its symlink manifests (when wanted)
      // before anything points at it: they switch with the table, in the same
      // rename(2). (Their URIs are absolute, as the format wants: a moved lake
      // needs its next run to rewrite them.)
      if (symlink_manifests_ && new_version && !table.starts_with("_")) {
        std::error_code abs_ec;
        std::string root_uri = stdfs::absolute(root_, abs_ec).lexically_normal().string();
        if (abs_ec) root_uri = root_;
        for (const auto& [path, contents] : SymlinkManifests(root_uri, table, state)) {
          SPARKIFY_RETURN_IF_ERROR(
              fs_->Write(VersionDir(table, state.version_run) + "/" + path, contents));
        }
      }
      // Relative targets keep the lake movable (cp -a, mv).
      SPARKIFY_RETURN_IF_ERROR(
          SwitchLink(snapshot + "/" + table, "../../versions/" + table + "/" + state.version_run));
    }
    return Status::OK();
  }

  Status PublishTables(const Manifest& m) override {
    for (const auto& [table, state] : m.tables) {
      std::string link = Full(table);
      std::string target = std::string(kCurrentLink) + "/" + table;
      if (ReadLink(link) == target) continue;
      struct stat st;
      if (::lstat(link.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        // A real folder from before the protocol: move it aside first (the
        // only case where a table is briefly absent).
        std::string aside = Full(std::string(kLegacyDir) + table + "-" + m.run_id);
        std::error_code ec;
        stdfs::create_directories(Full(std::string(kLegacyDir)), ec);
        if (::rename(link.c_str(), aside.c_str()) != 0) return Errno("cannot move aside", link);
      }
      // Until `current` names a snapshot holding the table, this link
      // dangles: a reader sees no table, as before it existed.
      SPARKIFY_RETURN_IF_ERROR(SwitchLink(link, target));
      CrashPoint("publish.step");
    }
    // The switch of every table at once.
    SPARKIFY_RETURN_IF_ERROR(SwitchLink(Full(std::string(kCurrentLink)), "snapshots/" + m.run_id));
    CrashPoint("publish.step");
    return Status::OK();
  }

  Status CollectGarbage(const Manifest* m, const Manifest* keep) override {
    std::error_code ec;
    std::string trash_dir = Full(std::string(kTrashDir));
    stdfs::remove_all(trash_dir, ec);                          // what a dead run's cleanup left
    std::vector<std::pair<std::string, stdfs::path>> victims;  // (trash name, folder)
    stdfs::path versions = Full(std::string(kVersionsDir));
    if (stdfs::is_directory(versions, ec)) {
      for (const auto& table_dir : stdfs::directory_iterator(versions, ec)) {
        std::string table = table_dir.path().filename().string();
        for (const auto& version_dir : stdfs::directory_iterator(table_dir.path(), ec)) {
          std::string run = version_dir.path().filename().string();
          if (!Uses(m, table, run) && !Uses(keep, table, run)) {
            victims.emplace_back(table + "-" + run, version_dir.path());
          }
        }
      }
    }
    stdfs::path snapshots = Full(std::string(kSnapshotsDir));
    if (stdfs::is_directory(snapshots, ec)) {
      for (const auto& snapshot : stdfs::directory_iterator(snapshots, ec)) {
        std::string run = snapshot.path().filename().string();
        if ((m == nullptr || m->run_id != run) && (keep == nullptr || keep->run_id != run)) {
          victims.emplace_back("snapshot-" + run, snapshot.path());
        }
      }
    }
    if (!victims.empty()) stdfs::create_directories(trash_dir, ec);
    for (const auto& [name, dir] : victims) {
      std::string trash = trash_dir + name;
      if (::rename(dir.c_str(), trash.c_str()) != 0) {
        return Errno("cannot move to the trash", dir.string());
      }
    }
    stdfs::remove_all(trash_dir, ec);
    if (ec) return Status::IOError("cannot empty " + trash_dir + ": " + ec.message());
    stdfs::remove_all(Full(std::string(kLegacyDir)), ec);
    // Switch symlinks a dead run left half-made.
    for (const std::string& dir : {root_, Full("_sparkify")}) {
      for (const auto& entry : stdfs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with(".") && name.find(kLinkMarker) != std::string::npos) {
          ::unlink(entry.path().c_str());
        }
      }
    }
    return Status::OK();
  }

 private:
  static bool Uses(const Manifest* m, const std::string& table, const std::string& run) {
    if (m == nullptr) return false;
    auto it = m->tables.find(table);
    return it != m->tables.end() && it->second.version_run == run;
  }

  static std::string VersionDir(std::string_view table, std::string_view run) {
    return std::string(kVersionsDir) + std::string(table) + "/" + std::string(run);
  }

  std::string Full(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  fs::FileSystem* fs_;
  std::string root_;
  const bool symlink_manifests_;
};

}  // namespace

bool IsLocalRoot(const fs::FileSystem& fs) {
  return fs.Describe().find("://") == std::string::npos;
}

std::unique_ptr<TableLayout> NewVersionedDirLayout(fs::FileSystem* fs, std::string root_dir,
                                                   bool symlink_manifests) {
  return std::make_unique<VersionedDirLayout>(fs, std::move(root_dir), symlink_manifests);
}

}  // namespace sparkify::lake::commit
