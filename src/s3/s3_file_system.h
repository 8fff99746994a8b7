// S3FileSystem: the FileSystem interface (fs/file_system.h) on an S3 bucket and
// key prefix, over S3Client. Made by OpenFileSystem("s3://bucket/prefix").
//
//   List        ListObjectsV2, page by page with continuation tokens
//   Read(Range) GET, whole or with a Range header
//   ReadMany    many GETs in flight at once (S3Options::max_in_flight)
//   Write       one PUT below part_size (waits for it); above it a multipart upload
//   NewWritableFile  below part_size, Close() hands the PUT to the client's
//               background engine and returns (write-behind, see WaitForWrites);
//               above it a multipart upload whose parts go up in parallel,
//               aborted on failure, finished before Close() returns
//   WaitForWrites  waits for the write-behind PUTs; returns their first error
//   Copy(Many)  CopyObject (server side), many in flight
//   WriteIfAbsent  PUT with If-None-Match: * (see S3Options::conditional_put)
//   Delete      POST ?delete, up to 1,000 keys per request
//   CleanupTemporaries  aborts unfinished multipart uploads under a prefix
// A root prefix holding no object at all is NotFound for List, as a missing
// directory is on disk (S3 has no directories).
// Memory: a writer holds at most (max_parts_in_flight + 1) parts; write-behind
// holds at most max_pending_bytes (Close() blocks while the queue is full);
// reads hold what the caller asked for.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fs/file_system.h"
#include "fs/open.h"
#include "s3/credentials.h"
#include "s3/s3_client.h"

namespace sparkify::s3 {

// S3 wants every part but the last to be at least 5 MiB; 8 MiB is what AWS's own
// tools use, and keeps a writer's memory small.
inline constexpr size_t kDefaultPartSize = 8 << 20;
inline constexpr size_t kMinPartSize = 5 << 20;
// S3's limit on keys per DeleteObjects request.
inline constexpr size_t kMaxKeysPerDelete = 1000;

struct S3Options {
  std::string endpoint;  // empty = AWS
  std::string region;    // empty = from the environment/profile, else us-east-1
  Addressing addressing = Addressing::kAuto;
  CredentialOptions credentials;
  int max_in_flight = 64;  // concurrent GETs in ReadMany
  size_t part_size = kDefaultPartSize;
  int max_parts_in_flight = 4;  // parallel part uploads per writer
  int list_page_size = 1000;    // max-keys per ListObjectsV2 page
  // If-None-Match: * on WriteIfAbsent. When false, or when the server refuses
  // conditional PUTs (Swift's s3api answers 501 NotImplemented; the client then
  // switches by itself), WriteIfAbsent does HEAD then PUT, which races with a
  // concurrent writer: two writers can both see "absent" and both write.
  bool conditional_put = true;
  // Write-behind of small files (WritableFile::Close): at most this many PUTs
  // and bytes queued or in flight; Close() blocks while either limit is
  // reached. 0 writes = no write-behind (Close() waits for its PUT).
  // 256 x a few KB covers a lake's thousands of small partition files;
  // 64 MiB bounds the memory when they are large.
  int max_pending_writes = 256;
  size_t max_pending_bytes = 64 << 20;
  RetryPolicy retry;
};

// Fills S3Options from OpenOptions and the environment, the way AWS tools do:
// endpoint = options.endpoint, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL;
// region = options.region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's;
// addressing from SPARKIFY_S3_ADDRESSING=path|virtual; conditional writes off
// with SPARKIFY_S3_CONDITIONAL_PUT=0; write-behind off with
// SPARKIFY_S3_WRITE_BEHIND=0.
Status S3OptionsFromOpenOptions(const fs::OpenOptions& options, S3Options* out);

class S3FileSystem : public fs::FileSystem {
 public:
  // `uri` is "s3://bucket" or "s3://bucket/prefix".
  static Status Open(const std::string& uri, const S3Options& options,
                     std::unique_ptr<S3FileSystem>* out);
  ~S3FileSystem() override;

  std::string Describe() const override;
  Status List(std::string_view prefix, std::vector<fs::FileInfo>* out) override;
  Status Read(std::string_view path, std::string* contents) override;
  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override;
  Status Stat(std::string_view path, fs::FileInfo* info) override;
  void ReadMany(const std::vector<std::string>& paths, const ReadCallback& on_file) override;
  Status Write(std::string_view path, std::string_view contents) override;
  Status WriteIfAbsent(std::string_view path, std::string_view contents) override;
  Status NewWritableFile(std::string_view path, std::unique_ptr<fs::WritableFile>* out) override;
  Status Delete(const std::vector<std::string>& paths) override;
  Status WaitForWrites() override;
  Status Copy(std::string_view from, std::string_view to) override;
  Status CopyMany(const std::vector<std::pair<std::string, std::string>>& copies) override;
  Status CleanupTemporaries(std::string_view prefix, size_t* removed) override;

  S3Stats stats() const { return client_->stats(); }
  // Write-behind PUTs queued or in flight now (for tests of the bound).
  size_t pending_writes() {
    std::lock_guard<std::mutex> lock(pending_mu_);
    return pending_writes_;
  }
  const std::string& bucket() const { return bucket_; }
  S3Client* client() { return client_.get(); }

 private:
  class Writer;
  S3FileSystem(std::unique_ptr<S3Client> client, std::string bucket, std::string prefix,
               S3Options options);
  std::string KeyFor(std::string_view path) const;
  Status PutObject(const std::string& key, std::string_view contents,
                   std::vector<std::pair<std::string, std::string>> headers);
  // Write-behind: queues a PUT of `body` under `key` (blocking while the queue
  // is full) and returns; a failure goes to write_error_. Returns a pending
  // failure instead of queuing more.
  Status PutBehind(const std::string& key, std::string body);
  // Waits until no write-behind PUT of `key` (or of any key, for the second) is pending.
  void WaitForKey(const std::string& key);
  void WaitForAllWrites();
  S3Request CopyRequest(std::string_view from, std::string_view to) const;
  Status CopyResult(const Status& s, const S3Response& resp, std::string_view from,
                    std::string_view to) const;

  std::unique_ptr<S3Client> client_;
  std::string bucket_;
  std::string prefix_;  // "" or "some/prefix/" (always ending in '/')
  S3Options options_;
  std::atomic<bool> conditional_put_works_{true};  // false once the server said 501

  std::mutex pending_mu_;  // guards the write-behind state below
  std::condition_variable pending_cv_;
  size_t pending_writes_ = 0;
  size_t pending_bytes_ = 0;
  std::multiset<std::string> pending_keys_;
  Status write_error_;  // the first failed write-behind PUT not yet reported
};

}  // namespace sparkify::s3
