// FileSystem: everything the pipeline needs from storage, in the manner of
// LevelDB's Env. Local disk, memory (tests) and S3 implement it; the pipeline
// never touches a path or a socket directly.
//
// Paths are '/'-separated keys relative to the file system's root, never
// starting with '/': "songs/year=1969/artist_id=AR1/part-0.parquet". A
// FileSystem is made for a root by OpenFileSystem("/data/lake") or
// OpenFileSystem("s3://bucket/prefix") (see fs/open.h).
//
// Every method is safe to call from several threads at once.
//
// How to use:
//   1. fs->List("", &files) to find inputs (recursive, sorted by path).
//   2. fs->ReadMany(paths, callback) to fetch many objects with I/O in flight;
//      fs->NewRandomAccessFile(path) to read parts of a big one, without a
//      copy where the store allows (local disk maps the file).
//   3. fs->NewWritableFile(path) to stream an output; Close() makes it visible
//      whole, or not at all (a crashed writer leaves no partial object under
//      `path`; it may leave temporaries that CleanupTemporaries() removes).
//      Close() may hand the upload to the background (write-behind, S3): call
//      fs->WaitForWrites() before anything that relies on the files existing.
//   4. fs->Copy / fs->CopyMany to copy files inside the store (S3: server side).
//   5. fs->Delete(paths) to clean up.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sparkify::fs {

struct FileInfo {
  std::string path;      // relative to the root
  uint64_t size = 0;     // bytes
  std::string etag;      // S3 ETag (quoted as S3 returns it); empty on local disk
  int64_t mtime_ns = 0;  // modification time, ns since the epoch (0 if unknown)
};

// A file being written. Not thread-safe: one writer per file.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends bytes; may buffer. Errors may surface here or at Close().
  virtual Status Append(std::string_view data) = 0;
  // Makes the whole file visible under its path atomically (rename on local
  // disk, PUT or CompleteMultipartUpload on S3). After an error nothing is
  // visible under the path and temporaries are removed (best effort).
  //
  // Write-behind: an implementation may return OK before the file is stored
  // and finish the upload in the background (S3 does, for files that fit in
  // one PUT). Such a file is guaranteed visible to every reader only once the
  // owning FileSystem's WaitForWrites() has returned OK; if its upload fails,
  // WaitForWrites() returns the error (and later Close() calls may too). Read,
  // ReadRange, Stat and Delete of its path through the same FileSystem wait
  // for it first, so a writer always reads its own writes.
  virtual Status Close() = 0;
  // Abandons the file: nothing becomes visible. Also done by the destructor
  // when Close() was not called.
  virtual void Abort() = 0;
};

// A file opened for reads at any offset (FileSystem::NewRandomAccessFile), in
// the manner of LevelDB's RandomAccessFile. Safe to use from several threads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` (fewer at the end of the file, none past
  // it) and points *result at them. *result points either into *scratch
  // (resized as needed; the implementation may reuse its memory) or into
  // memory this file owns (a mapping of the file), so it stays valid until the
  // next Read() with the same `scratch` or until this file is destroyed,
  // whichever comes first.
  //
  // Where *result points into a mapping, its bytes are read lazily from the
  // file: they are those of the file as it was opened as long as the file is
  // not modified in place. This interface never does that (Close() publishes a
  // whole new file; Delete() and replacing a path leave an open file intact),
  // but another program truncating an input while it is read could end the
  // process (SIGBUS), as with any mapped file.
  virtual Status Read(uint64_t offset, uint64_t n, std::string* scratch,
                      std::string_view* result) const = 0;
};

class FileSystem {
 public:
  FileSystem() = default;
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;
  virtual ~FileSystem() = default;

  // A URI for messages: "/data/lake" or "s3://bucket/prefix". Never holds secrets.
  virtual std::string Describe() const = 0;

  // Lists every file (object) whose path starts with `prefix`, recursively,
  // sorted by path. Directories themselves are not listed. A prefix that
  // matches nothing gives OK and an empty list; a root that does not exist
  // (missing directory, missing bucket) gives NotFound.
  virtual Status List(std::string_view prefix, std::vector<FileInfo>* out) = 0;

  // List(), except that sizes and modification times may be left 0 where
  // finding them costs a call per file: on local disk that is a stat(2) each,
  // half the time of listing a catalogue of one-song files. For callers that
  // read every file anyway. The default calls List() (S3's listing has them).
  virtual Status ListPaths(std::string_view prefix, std::vector<FileInfo>* out) {
    return List(prefix, out);
  }

  // Reads a whole file. NotFound if it does not exist.
  virtual Status Read(std::string_view path, std::string* contents) = 0;

  // Reads `length` bytes at `offset` (fewer at the end of the file).
  virtual Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                           std::string* out) = 0;

  // Opens a file for Read()s at any offset; NotFound if it does not exist.
  // Local disk maps the file, so reads copy nothing. The default reads each
  // range with ReadRange() (S3: one ranged GET per Read, which may see a newer
  // version of the object if it is replaced meanwhile).
  virtual Status NewRandomAccessFile(std::string_view path, std::unique_ptr<RandomAccessFile>* out);

  // How many bytes a caller that cuts big files into units of work (the log
  // stage's chunks) should read at a time here. The default suits object
  // stores: each ranged GET waits for a round trip, which 16 MB amortize.
  // Local disk needs no amortizing (reads are mappings) and says less, so
  // that a unit's parsed rows are still in the CPU's caches when they are
  // turned into table rows.
  virtual uint64_t PreferredReadBytes() const { return kDefaultReadBytes; }
  static constexpr uint64_t kDefaultReadBytes = 16u << 20;

  // Size and metadata of one file; NotFound if absent.
  virtual Status Stat(std::string_view path, FileInfo* info) = 0;

  // Reads many files, calling `on_file(index, status, contents)` once per path,
  // from any thread, possibly concurrently and in any order. Implementations
  // keep I/O in flight (S3: many requests at once). The default reads one by one.
  using ReadCallback =
      std::function<void(size_t index, const Status& status, std::string&& contents)>;
  virtual void ReadMany(const std::vector<std::string>& paths, const ReadCallback& on_file);

  // Writes a whole file atomically (see WritableFile::Close).
  virtual Status Write(std::string_view path, std::string_view contents);

  // Writes the file only if no file exists under `path`; AlreadyExists
  // otherwise. Used for locks; on S3 this is a conditional PUT (If-None-Match).
  virtual Status WriteIfAbsent(std::string_view path, std::string_view contents) = 0;

  // Opens a file for streaming writes.
  virtual Status NewWritableFile(std::string_view path, std::unique_ptr<WritableFile>* out) = 0;

  // NewWritableFile for a path that no reader looks at before the caller
  // publishes it by other means (a run's own version folder): the file may be
  // written under `path` itself from the start, with no temporary to rename.
  // Close() still says whether the whole file was written, and Abort() or a
  // failed Close() removes it; but a process that dies meanwhile can leave a
  // partial file under `path`, so the caller must delete what a dead writer
  // left there (the commit protocol deletes such folders whole). The caller
  // also keeps the path's folders from being renamed while it writes there
  // (an implementation may hold them open between calls). Local disk: no
  // temporary and no rename(2) per file, and the file is made relative to its
  // folder's parent, kept open per thread. Default: NewWritableFile.
  virtual Status NewWritableFileInPlace(std::string_view path, std::unique_ptr<WritableFile>* out) {
    return NewWritableFile(path, out);
  }

  // Deletes files; missing ones are not an error. Batches where it can.
  virtual Status Delete(const std::vector<std::string>& paths) = 0;

  // Waits until every write-behind upload started by WritableFile::Close() on
  // this FileSystem (from any thread) has finished, and returns the first
  // error among those that finished since the previous call, or OK. Each
  // error is returned once. Callers call it before anything that depends on
  // those files (a manifest naming them, a commit point). Implementations
  // without write-behind (local disk, memory) return OK at once.
  virtual Status WaitForWrites() { return Status::OK(); }

  // Makes every file and folder written, closed, renamed or linked through
  // this FileSystem so far durable: after it returns OK they survive a crash
  // of the machine, not only of the process. Local disk: syncfs(2) of the file
  // system holding the root (every dirty page of that file system, this run's
  // or not: one call instead of an fsync per file and per folder). Object
  // stores and memory return OK at once: a PUT is durable when acknowledged.
  // Does not wait for write-behind uploads: call WaitForWrites() first.
  virtual Status Sync() { return Status::OK(); }

  // Copies file `from` to `to` (replacing `to`), which becomes visible whole
  // or not at all, as with Write(); `from` is unchanged. NotFound if `from`
  // does not exist. Files are never modified in place by this interface, so an
  // implementation may share storage between the two (local disk: a hard
  // link). S3: a server-side CopyObject (no bytes go through the client;
  // objects up to 5 GB). The default reads the file and writes it.
  virtual Status Copy(std::string_view from, std::string_view to);

  // Copies many files ({from, to} pairs), with copies in flight at once where
  // the store allows (S3: up to max_in_flight CopyObject requests). Every copy
  // is attempted; returns the first error. The default copies one by one.
  virtual Status CopyMany(const std::vector<std::pair<std::string, std::string>>& copies);

  // Removes what crashed writers left behind (local temporaries, S3
  // unfinished multipart uploads) under `prefix`. Returns how many were removed.
  virtual Status CleanupTemporaries(std::string_view prefix, size_t* removed) {
    *removed = 0;
    return Status::OK();
  }
};

}  // namespace sparkify::fs
