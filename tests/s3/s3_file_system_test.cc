// S3FileSystem against a real S3 server (Swift + s3api on 127.0.0.1, which
// checks SigV4 signatures): listing with continuation, odd keys, ranged and
// parallel reads, multipart upload, abort, batch delete, conditional writes,
// and the errors users see for wrong credentials and missing buckets.
#include "s3/s3_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "fs/open.h"
#include "s3_test_env.h"

namespace sparkify::s3 {
namespace {

using testing::OptionsFor;
using testing::TestServer;
using testing::UniquePrefix;

class S3FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SPARKIFY_REQUIRE_S3_SERVER(&server_);
    prefix_ = UniquePrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs_ = Open(OptionsFor(server_));
  }

  void TearDown() override {
    if (!fs_) return;
    std::vector<fs::FileInfo> files;
    if (fs_->List("", &files).ok()) {
      std::vector<std::string> paths;
      for (const auto& f : files) paths.push_back(f.path);
      fs_->Delete(paths);
    }
    size_t removed = 0;
    fs_->CleanupTemporaries("", &removed);
  }

  std::unique_ptr<S3FileSystem> Open(const S3Options& options, const std::string& prefix = "") {
    std::unique_ptr<S3FileSystem> fs;
    Status s = S3FileSystem::Open(
        "s3://" + server_.bucket + "/" + (prefix.empty() ? prefix_ : prefix), options, &fs);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return fs;
  }

  static std::string RandomBytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
      uint64_t v = rng();
      for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
    }
    return out;
  }

  TestServer server_;
  std::string prefix_;
  std::unique_ptr<S3FileSystem> fs_;
};

// Keys with every character class that trips signers: '=', spaces, '%', '+',
// unicode, shell and URL metacharacters.
const std::vector<std::string> kOddKeys = {
    "songplays/year=2018/month=11/part-00000.parquet",
    "with space/a b.json",
    "percent%41/100%.json",
    "plus+sign/a+b=c.json",
    "unicode/\xc3\xa9t\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.json",
    "punct/!$&'()*,;:@~[]^`{}|.json",
    "tilde~dash-under_score.dot.json",
};

TEST_F(S3FileSystemTest, WritesListsReadsAndStatsOddKeys) {
  for (size_t i = 0; i < kOddKeys.size(); ++i) {
    ASSERT_TRUE(fs_->Write(kOddKeys[i], "content of " + kOddKeys[i]).ok()) << kOddKeys[i];
  }
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  std::vector<std::string> expected = kOddKeys;
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(files.size(), expected.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i].path, expected[i]);
    EXPECT_EQ(files[i].size, ("content of " + expected[i]).size());
    EXPECT_FALSE(files[i].etag.empty());
    EXPECT_GT(files[i].mtime_ns, 0);
  }
  for (const auto& key : kOddKeys) {
    std::string got;
    ASSERT_TRUE(fs_->Read(key, &got).ok()) << key;
    EXPECT_EQ(got, "content of " + key);
    fs::FileInfo info;
    ASSERT_TRUE(fs_->Stat(key, &info).ok()) << key;
    EXPECT_EQ(info.size, got.size());
  }
  // A prefix with '=' selects one partition.
  ASSERT_TRUE(fs_->List("songplays/year=2018/", &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, kOddKeys[0]);
  ASSERT_TRUE(fs_->List("no-such-prefix/", &files).ok());
  EXPECT_TRUE(files.empty());
}

TEST_F(S3FileSystemTest, ListFollowsContinuationTokens) {
  S3Options options = OptionsFor(server_);
  options.list_page_size = 7;  // 40 objects = 6 pages
  auto fs = Open(options);
  std::vector<std::pair<std::string, std::string>> files_to_write;
  for (int i = 0; i < 40; ++i) {
    char name[64];
    snprintf(name, sizeof(name), "log_data/2018/11/2018-11-%02d-events.json", i);
    files_to_write.emplace_back(name, std::to_string(i));
  }
  ASSERT_TRUE(testing::WriteAll(fs.get(), files_to_write).ok());
  uint64_t before = fs->stats().requests;
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("log_data/", &files).ok());
  ASSERT_EQ(files.size(), 40u);
  EXPECT_EQ(fs->stats().requests - before, 6u);  // ceil(40 / 7) pages
  for (int i = 0; i < 40; ++i) {
    char name[64];
    snprintf(name, sizeof(name), "log_data/2018/11/2018-11-%02d-events.json", i);
    EXPECT_EQ(files[i].path, name);
  }
}

TEST_F(S3FileSystemTest, RangedReads) {
  const std::string data = RandomBytes(1000, 7);
  ASSERT_TRUE(fs_->Write("a=1/blob.bin", data).ok());
  std::string got;
  ASSERT_TRUE(fs_->ReadRange("a=1/blob.bin", 10, 20, &got).ok());
  EXPECT_EQ(got, data.substr(10, 20));
  ASSERT_TRUE(fs_->ReadRange("a=1/blob.bin", 990, 100, &got).ok());  // the tail only
  EXPECT_EQ(got, data.substr(990));
  ASSERT_TRUE(fs_->ReadRange("a=1/blob.bin", 0, 0, &got).ok());
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(fs_->ReadRange("a=1/blob.bin", 5000, 10, &got).ok());  // past the end
  EXPECT_TRUE(got.empty());
}

// The default RandomAccessFile (a ranged GET per Read), as the log stage
// reads a big log object's chunks.
TEST_F(S3FileSystemTest, RandomAccessFileReadsRanges) {
  const std::string data = RandomBytes(1000, 8);
  ASSERT_TRUE(fs_->Write("a=1/big.bin", data).ok());
  std::unique_ptr<fs::RandomAccessFile> file;
  ASSERT_TRUE(fs_->NewRandomAccessFile("a=1/big.bin", &file).ok());
  std::string scratch;
  std::string_view got;
  ASSERT_TRUE(file->Read(10, 20, &scratch, &got).ok());
  EXPECT_EQ(got, data.substr(10, 20));
  ASSERT_TRUE(file->Read(990, 100, &scratch, &got).ok());  // the tail only
  EXPECT_EQ(got, data.substr(990));
  ASSERT_TRUE(file->Read(5000, 10, &scratch, &got).ok());  // past the end
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(fs_->NewRandomAccessFile("a=1/missing.bin", &file).IsNotFound());
}

TEST_F(S3FileSystemTest, ReadManyKeepsManyInFlight) {
  constexpr int kFiles = 300;
  std::vector<std::string> paths;
  std::vector<std::pair<std::string, std::string>> files_to_write;
  for (int i = 0; i < kFiles; ++i) {
    paths.push_back("song_data/A/" + std::to_string(i) + ".json");
    files_to_write.emplace_back(paths.back(), "{\"song\": " + std::to_string(i) + "}");
  }
  ASSERT_TRUE(testing::WriteAll(fs_.get(), files_to_write).ok());
  auto start = std::chrono::steady_clock::now();
  paths.push_back("song_data/missing.json");
  std::mutex mu;
  std::map<size_t, std::pair<Status, std::string>> results;
  fs_->ReadMany(paths, [&](size_t i, const Status& s, std::string&& contents) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(results.count(i), 0u) << "called twice for " << i;
    results[i] = {s, std::move(contents)};
  });
  ASSERT_EQ(results.size(), paths.size());
  std::cerr << "ReadMany of " << paths.size() << " objects: "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_TRUE(results[i].first.ok()) << results[i].first.ToString();
    EXPECT_EQ(results[i].second, "{\"song\": " + std::to_string(i) + "}");
  }
  EXPECT_TRUE(results[kFiles].first.IsNotFound());
  EXPECT_NE(results[kFiles].first.message().find("song_data/missing.json"), std::string::npos);
}

// Close() of a small file hands its PUT to the background and returns; the
// queue never holds more than its bound; reads of a pending key wait for it;
// after WaitForWrites() every file is listed with its contents.
TEST_F(S3FileSystemTest, WriteBehindIsBoundedAndReadsItsOwnWrites) {
  S3Options options = OptionsFor(server_);
  options.max_pending_writes = 8;
  auto fs = Open(options);
  constexpr int kFiles = 120;
  std::atomic<bool> stop{false};
  std::atomic<size_t> max_pending{0};
  std::thread sampler([&] {
    while (!stop) {
      size_t n = fs->pending_writes();
      if (n > max_pending) max_pending = n;
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < kFiles; ++i) {
    std::unique_ptr<fs::WritableFile> file;
    ASSERT_TRUE(fs->NewWritableFile("t/p=" + std::to_string(i) + "/f", &file).ok());
    ASSERT_TRUE(file->Append("file " + std::to_string(i)).ok());
    ASSERT_TRUE(file->Close().ok());
  }
  // Read-your-writes for a file that may still be in flight.
  std::string data;
  ASSERT_TRUE(fs->Read("t/p=" + std::to_string(kFiles - 1) + "/f", &data).ok());
  EXPECT_EQ(data, "file " + std::to_string(kFiles - 1));
  ASSERT_TRUE(fs->WaitForWrites().ok());
  stop = true;
  sampler.join();
  EXPECT_EQ(fs->pending_writes(), 0u);
  EXPECT_GT(max_pending.load(), 1u) << "writes never overlapped";
  EXPECT_LE(max_pending.load(), 8u);
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("t/", &files).ok());
  ASSERT_EQ(files.size(), static_cast<size_t>(kFiles));
  std::mutex mu;
  std::vector<std::string> paths;
  for (auto& f : files) paths.push_back(f.path);
  fs->ReadMany(paths, [&](size_t i, const Status& s, std::string&& contents) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::string n = paths[i].substr(4, paths[i].size() - 6);  // "t/p=<n>/f"
    EXPECT_EQ(contents, "file " + n) << paths[i];
  });
}

// A write-behind PUT that fails is never lost: WaitForWrites() returns its
// error (once), naming the key.
TEST_F(S3FileSystemTest, WriteBehindFailureIsReportedByWaitForWrites) {
  // Swift refuses object names over 1,024 bytes: a deterministic failure.
  std::string long_name = "t/" + std::string(1100, 'x');
  std::unique_ptr<fs::WritableFile> ok_file, bad_file;
  ASSERT_TRUE(fs_->NewWritableFile("t/fine", &ok_file).ok());
  ASSERT_TRUE(ok_file->Append("fine").ok());
  ASSERT_TRUE(fs_->NewWritableFile(long_name, &bad_file).ok());
  ASSERT_TRUE(bad_file->Append("doomed").ok());
  ASSERT_TRUE(ok_file->Close().ok());
  Status closed = bad_file->Close();  // OK (handed over) or already the error
  Status waited = fs_->WaitForWrites();
  ASSERT_FALSE(closed.ok() && waited.ok()) << "the failed PUT was lost";
  Status error = closed.ok() ? waited : closed;
  EXPECT_NE(error.message().find("xxxxxxxx"), std::string::npos) << error.ToString();
  EXPECT_TRUE(fs_->WaitForWrites().ok());  // reported once
  std::string data;
  ASSERT_TRUE(fs_->Read("t/fine", &data).ok());
  EXPECT_EQ(data, "fine");
}

// CopyObject: odd keys, a missing source, many in flight, and no data through
// the client (a server-side copy).
TEST_F(S3FileSystemTest, CopyIsServerSide) {
  const std::string big = RandomBytes(64 << 10, 7);
  std::vector<std::pair<std::string, std::string>> copies;
  for (size_t i = 0; i < kOddKeys.size(); ++i) {
    ASSERT_TRUE(fs_->Write("staging/" + kOddKeys[i], big + kOddKeys[i]).ok());
    copies.emplace_back("staging/" + kOddKeys[i], "table/" + kOddKeys[i]);
  }
  for (int i = 0; i < 8; ++i) {
    std::string from = "staging/many/year=" + std::to_string(2000 + i) + "/part.parquet";
    ASSERT_TRUE(fs_->Write(from, big + std::to_string(i)).ok());
    copies.emplace_back(from, "table/many/year=" + std::to_string(2000 + i) + "/part.parquet");
  }
  S3Stats before = fs_->stats();
  ASSERT_TRUE(fs_->CopyMany(copies).ok());
  S3Stats after = fs_->stats();
  // 15 x 64 KB copied; requests and answers are a few hundred bytes each.
  EXPECT_LT(after.bytes_sent - before.bytes_sent, 32u << 10);
  EXPECT_LT(after.bytes_received - before.bytes_received, 32u << 10);
  for (const auto& [from, to] : copies) {
    std::string a, b;
    ASSERT_TRUE(fs_->Read(from, &a).ok()) << from;
    ASSERT_TRUE(fs_->Read(to, &b).ok()) << to;
    EXPECT_TRUE(a == b) << to;
  }
  ASSERT_TRUE(fs_->Copy("staging/" + kOddKeys[1], "single/copy").ok());
  std::string data;
  ASSERT_TRUE(fs_->Read("single/copy", &data).ok());
  EXPECT_EQ(data, big + kOddKeys[1]);
  Status missing = fs_->Copy("staging/no-such-key", "single/other");
  EXPECT_TRUE(missing.IsNotFound()) << missing.ToString();
  EXPECT_NE(missing.message().find("no-such-key"), std::string::npos) << missing.ToString();
  EXPECT_TRUE(fs_->CopyMany({{"staging/no-such-key", "x"}, copies[0]}).IsNotFound());
}

TEST_F(S3FileSystemTest, MultipartUploadIsByteForByte) {
  // 8 MiB parts: 21 MiB + a bit makes three parts, the last one short.
  const std::string data = RandomBytes((21 << 20) + 12345, 42);
  std::unique_ptr<fs::WritableFile> file;
  ASSERT_TRUE(fs_->NewWritableFile("big/year=2018/big.bin", &file).ok());
  size_t pos = 0, step = 1;
  while (pos < data.size()) {  // odd-sized appends
    size_t n = std::min(data.size() - pos, step);
    ASSERT_TRUE(file->Append(std::string_view(data).substr(pos, n)).ok());
    pos += n;
    step = step * 3 + 7;
  }
  fs::FileInfo info;
  EXPECT_TRUE(fs_->Stat("big/year=2018/big.bin", &info).IsNotFound()) << "visible before Close";
  ASSERT_TRUE(file->Close().ok());
  std::string got;
  ASSERT_TRUE(fs_->Read("big/year=2018/big.bin", &got).ok());
  ASSERT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  ASSERT_TRUE(fs_->Stat("big/year=2018/big.bin", &info).ok());
  EXPECT_EQ(info.size, data.size());
  EXPECT_NE(info.etag.find("-3"), std::string::npos) << "not a 3-part upload: " << info.etag;
  size_t removed = 1;
  ASSERT_TRUE(fs_->CleanupTemporaries("", &removed).ok());
  EXPECT_EQ(removed, 0u) << "parts left behind";
  // A big Write() goes the same way.
  ASSERT_TRUE(fs_->Write("big/whole.bin", data).ok());
  ASSERT_TRUE(fs_->Read("big/whole.bin", &got).ok());
  EXPECT_TRUE(got == data);
}

TEST_F(S3FileSystemTest, AbortLeavesNothingBehind) {
  const std::string data = RandomBytes((9 << 20), 3);
  {
    std::unique_ptr<fs::WritableFile> file;
    ASSERT_TRUE(fs_->NewWritableFile("aborted.bin", &file).ok());
    ASSERT_TRUE(file->Append(data).ok());
    ASSERT_TRUE(file->Append("more").ok());  // starts the multipart upload
    file->Abort();
  }
  {
    std::unique_ptr<fs::WritableFile> file;  // dropped without Close(): aborted too
    ASSERT_TRUE(fs_->NewWritableFile("dropped.bin", &file).ok());
    ASSERT_TRUE(file->Append(data + "x").ok());
  }
  fs::FileInfo info;
  EXPECT_TRUE(fs_->Stat("aborted.bin", &info).IsNotFound());
  EXPECT_TRUE(fs_->Stat("dropped.bin", &info).IsNotFound());
  size_t removed = 1;
  ASSERT_TRUE(fs_->CleanupTemporaries("", &removed).ok());
  EXPECT_EQ(removed, 0u);
}

TEST_F(S3FileSystemTest, CleanupTemporariesAbortsUnfinishedUploads) {
  // A crashed writer: an upload started (one part sent) and never finished.
  for (const std::string key : {"lake/songs/year=2018/crashed.parquet", "lake/other.parquet"}) {
    S3Request create;
    create.method = "POST";
    create.bucket = server_.bucket;
    create.key = prefix_ + "/" + key;
    create.query = {{"uploads", ""}};
    S3Response resp;
    ASSERT_TRUE(fs_->client()->Execute(create, &resp).ok());
  }
  size_t removed = 0;
  ASSERT_TRUE(fs_->CleanupTemporaries("lake/songs/", &removed).ok());
  EXPECT_EQ(removed, 1u);
  ASSERT_TRUE(fs_->CleanupTemporaries("", &removed).ok());
  EXPECT_EQ(removed, 1u);
  ASSERT_TRUE(fs_->CleanupTemporaries("", &removed).ok());
  EXPECT_EQ(removed, 0u);
}

TEST_F(S3FileSystemTest, BatchDelete) {
  std::vector<std::string> paths;
  for (const auto& key : kOddKeys) {
    ASSERT_TRUE(fs_->Write(key, "x").ok());
    paths.push_back(key);
  }
  ASSERT_TRUE(fs_->Write("keep.json", "x").ok());
  paths.push_back("never-existed.json");  // missing keys are not an error
  uint64_t before = fs_->stats().requests;
  ASSERT_TRUE(fs_->Delete(paths).ok());
  EXPECT_EQ(fs_->stats().requests - before, 1u) << "not one batch request";
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs_->List("", &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "keep.json");
}

TEST_F(S3FileSystemTest, WriteIfAbsent) {
  Status first = fs_->WriteIfAbsent("_lock", "first");
  ASSERT_TRUE(first.ok()) << first.ToString();
  Status s = fs_->WriteIfAbsent("_lock", "second");
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  std::string got;
  ASSERT_TRUE(fs_->Read("_lock", &got).ok());
  EXPECT_EQ(got, "first");

  S3Options options = OptionsFor(server_);
  options.conditional_put = false;  // the HEAD-then-PUT fallback
  auto fallback = Open(options);
  ASSERT_TRUE(fallback->WriteIfAbsent("_lock2", "a").ok());
  EXPECT_TRUE(fallback->WriteIfAbsent("_lock2", "b").IsAlreadyExists());
  EXPECT_TRUE(fallback->WriteIfAbsent("_lock", "b").IsAlreadyExists());
}

TEST_F(S3FileSystemTest, MissingKeyIsNotFoundNamingTheKey) {
  std::string got;
  Status s = fs_->Read("nope/year=1/x.json", &got);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find(server_.bucket), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("nope/year=1/x.json"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("404"), std::string::npos) << s.ToString();
  fs::FileInfo info;
  EXPECT_TRUE(fs_->Stat("nope.json", &info).IsNotFound());
}

TEST_F(S3FileSystemTest, WrongSecretIsPermissionDeniedWithoutTheSecret) {
  S3Options options = OptionsFor(server_);
  const std::string wrong_secret = "Wr0ngSecretThatMustNeverBePrinted";
  options.credentials.env_override["AWS_SECRET_ACCESS_KEY"] = wrong_secret;
  auto fs = Open(options);
  std::vector<fs::FileInfo> files;
  Status s = fs->List("", &files);
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_EQ(s.ToString().find(wrong_secret), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find(server_.secret_key), std::string::npos);
  EXPECT_NE(s.message().find("403"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("s3://" + server_.bucket + "/" + prefix_), std::string::npos)
      << s.ToString();
  EXPECT_EQ(fs->stats().retries, 0u) << "an auth error must not be retried";
  std::string got;
  s = fs->Read("x", &got);
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_EQ(s.ToString().find(wrong_secret), std::string::npos);
  EXPECT_EQ(fs->Describe().find(wrong_secret), std::string::npos);
}

TEST_F(S3FileSystemTest, RootPrefixWithoutObjectsIsNotFoundLikeAMissingDirectory) {
  ASSERT_TRUE(fs_->Write("song_data/a.json", "{}").ok());
  auto missing = Open(OptionsFor(server_), prefix_ + "/no-such-folder");
  std::vector<fs::FileInfo> files;
  Status s = missing->List("", &files);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find(prefix_ + "/no-such-folder"), std::string::npos) << s.ToString();
  s = missing->List("sub/", &files);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  // An existing root with nothing under the asked prefix is an empty list.
  ASSERT_TRUE(fs_->List("log_data/", &files).ok());
  EXPECT_TRUE(files.empty());
  // "song_data" is a prefix of keys, so it exists.
  auto songs = Open(OptionsFor(server_), prefix_ + "/song_data");
  ASSERT_TRUE(songs->List("", &files).ok());
  EXPECT_EQ(files.size(), 1u);
}

TEST_F(S3FileSystemTest, MissingBucketIsNotFound) {
  std::unique_ptr<S3FileSystem> fs;
  ASSERT_TRUE(S3FileSystem::Open("s3://no-such-bucket-sparkify/x", OptionsFor(server_), &fs).ok());
  std::vector<fs::FileInfo> files;
  Status s = fs->List("", &files);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("no-such-bucket-sparkify"), std::string::npos);
  EXPECT_EQ(fs->stats().retries, 0u);
}

TEST_F(S3FileSystemTest, VirtualHostedAddressing) {
  // bucket.localhost resolves to the loopback address; the server is set up
  // with storage_domain = localhost.
  S3Options options = OptionsFor(server_);
  options.endpoint = "http://localhost:" + server_.endpoint.substr(server_.endpoint.rfind(':') + 1);
  options.addressing = Addressing::kVirtual;
  auto fs = Open(options);
  Status s = fs->Write("virtual/year=2018/a b.json", "hosted");
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("virtual/", &files).ok());
  ASSERT_EQ(files.size(), 1u);
  std::string got;
  ASSERT_TRUE(fs_->Read("virtual/year=2018/a b.json", &got).ok());  // path-style sees it
  EXPECT_EQ(got, "hosted");
}

TEST_F(S3FileSystemTest, OpenFileSystemReadsTheAwsEnvironment) {
  ASSERT_TRUE(fs_->Write("env/a.json", "via env").ok());
  setenv("AWS_ENDPOINT_URL", server_.endpoint.c_str(), 1);
  setenv("AWS_ACCESS_KEY_ID", server_.access_key.c_str(), 1);
  setenv("AWS_SECRET_ACCESS_KEY", server_.secret_key.c_str(), 1);
  setenv("AWS_REGION", "us-east-1", 1);
  setenv("SPARKIFY_S3_ADDRESSING", "path", 1);
  std::unique_ptr<fs::FileSystem> fs;
  Status s = fs::OpenFileSystem("s3://" + server_.bucket + "/" + prefix_ + "/env/", {}, &fs);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fs->Describe(), "s3://" + server_.bucket + "/" + prefix_ + "/env");
  std::string got;
  ASSERT_TRUE(fs->Read("a.json", &got).ok());
  EXPECT_EQ(got, "via env");
  for (const char* v : {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                        "AWS_REGION", "SPARKIFY_S3_ADDRESSING"}) {
    unsetenv(v);
  }
}

}  // namespace
}  // namespace sparkify::s3
