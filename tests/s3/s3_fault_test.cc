// S3FileSystem through FaultProxy: under latency, 503 SlowDown, 500, connection
// resets and responses cut short, listing, parallel reads and writes (small and
// multipart) still give identical content, and the client's counters show the
// retries that made it so. A server that never recovers gives a bounded,
// readable error.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>

#include "fault_proxy.h"
#include "s3/s3_file_system.h"
#include "s3_test_env.h"

namespace sparkify::s3 {
namespace {

using testing::FaultOptions;
using testing::FaultProxy;

int PortOf(const std::string& endpoint) {
  return std::atoi(endpoint.substr(endpoint.rfind(':') + 1).c_str());
}

class S3FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SPARKIFY_REQUIRE_S3_SERVER(&server_);
    prefix_ =
        testing::UniquePrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  void TearDown() override {
    if (server_.endpoint.empty()) return;
    auto fs = OpenDirect();
    std::vector<fs::FileInfo> files;
    if (fs->List("", &files).ok()) {
      std::vector<std::string> paths;
      for (const auto& f : files) paths.push_back(f.path);
      fs->Delete(paths);
    }
    size_t removed;
    fs->CleanupTemporaries("", &removed);
  }

  std::unique_ptr<S3FileSystem> OpenVia(const std::string& endpoint, RetryPolicy retry) {
    S3Options options = testing::OptionsFor(server_);
    options.endpoint = endpoint;
    options.retry = retry;
    options.list_page_size = 25;
    std::unique_ptr<S3FileSystem> fs;
    EXPECT_TRUE(S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &fs).ok());
    return fs;
  }
  std::unique_ptr<S3FileSystem> OpenDirect() { return OpenVia(server_.endpoint, RetryPolicy()); }

  // Fast retries keep the test short; the attempt budget is what matters.
  static RetryPolicy TestRetry() {
    RetryPolicy r;
    r.max_attempts = 12;
    r.base_delay = std::chrono::milliseconds(2);
    r.max_delay = std::chrono::milliseconds(50);
    return r;
  }

  testing::TestServer server_;
  std::string prefix_;
};

TEST_F(S3FaultTest, ManyObjectsSurviveEveryKindOfFault) {
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.latency_ms = 2;
  faults.p_slowdown = 0.08;
  faults.p_server_error = 0.05;
  faults.p_reset = 0.05;
  faults.p_truncate = 0.05;
  faults.seed = 20181115;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  auto fs = OpenVia(proxy.endpoint(), TestRetry());

  constexpr int kFiles = 150;
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> paths;
  for (int i = 0; i < kFiles; ++i) {
    paths.push_back("song_data/year=" + std::to_string(1990 + i % 7) + "/song " +
                    std::to_string(i) + ".json");
    files.emplace_back(paths.back(), std::string(100 + i * 7, static_cast<char>('a' + i % 26)));
  }
  Status s = testing::WriteAll(fs.get(), files, 8);
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<fs::FileInfo> listed;
  s = fs->List("song_data/", &listed);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(listed.size(), files.size());

  std::mutex mu;
  std::map<size_t, std::string> got;
  fs->ReadMany(paths, [&](size_t i, const Status& st, std::string&& contents) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(st.ok()) << st.ToString();
    got[i] = std::move(contents);
  });
  ASSERT_EQ(got.size(), files.size());
  for (int i = 0; i < kFiles; ++i) EXPECT_EQ(got[i], files[i].second) << paths[i];

  // A multipart upload under the same faults.
  std::string big((17 << 20) + 3, '\0');
  std::mt19937_64 rng(5);
  for (auto& c : big) c = static_cast<char>(rng());
  s = fs->Write("big/part=1/data.bin", big);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::string back;
  s = fs->Read("big/part=1/data.bin", &back);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(back == big);

  auto counts = proxy.counts();
  S3Stats stats = fs->stats();
  EXPECT_GT(counts.slowdowns, 0u);
  EXPECT_GT(counts.server_errors, 0u);
  EXPECT_GT(counts.resets, 0u);
  EXPECT_GT(counts.truncations, 0u);
  EXPECT_GT(stats.retries, 0u);
  EXPECT_GT(stats.throttled, 0u);
  EXPECT_GT(stats.server_errors, 0u);
  EXPECT_GT(stats.network_errors, 0u);
  EXPECT_EQ(stats.failures, 0u);
  // Every injected error answer cost the client one attempt. (Not so for
  // resets: curl itself resends a request whose reused connection died
  // before any answer.)
  EXPECT_GE(stats.retries, counts.slowdowns + counts.server_errors);
}

TEST_F(S3FaultTest, ConnectionsAreReused) {
  auto direct = OpenDirect();
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> paths;
  for (int i = 0; i < 120; ++i) {
    paths.push_back("c/" + std::to_string(i));
    files.emplace_back(paths.back(), std::to_string(i));
  }
  ASSERT_TRUE(testing::WriteAll(direct.get(), files).ok());
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.latency_ms = 5;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  S3Options options = testing::OptionsFor(server_);
  options.endpoint = proxy.endpoint();
  options.max_in_flight = 8;
  std::unique_ptr<S3FileSystem> fs;
  ASSERT_TRUE(S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &fs).ok());
  for (int round = 0; round < 2; ++round) {
    size_t ok = 0;
    fs->ReadMany(paths, [&](size_t, const Status& s, std::string&&) { ok += s.ok(); });
    EXPECT_EQ(ok, paths.size());
  }
  // 240 GETs over at most 8 connections at once, kept alive across calls.
  EXPECT_EQ(proxy.counts().requests, 240u);
  EXPECT_LE(proxy.counts().connections, 16u);
}

// The benchmark's replay mode: a GET the server answered is answered again by
// the proxy (it still gives the old content after the object is gone), and a
// plain PUT is answered without reaching the server.
TEST_F(S3FaultTest, ReplayModeAnswersRepeatedGetsAndPutsItself) {
  auto direct = OpenDirect();
  ASSERT_TRUE(direct->Write("r/kept", "first content").ok());
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.replay = true;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  auto fs = OpenVia(proxy.endpoint(), RetryPolicy());
  std::string contents;
  ASSERT_TRUE(fs->Read("r/kept", &contents).ok());
  EXPECT_EQ(contents, "first content");
  EXPECT_EQ(proxy.counts().replayed, 0u);
  ASSERT_TRUE(direct->Delete({"r/kept"}).ok());
  contents.clear();
  ASSERT_TRUE(fs->Read("r/kept", &contents).ok());
  EXPECT_EQ(contents, "first content");
  EXPECT_EQ(proxy.counts().replayed, 1u);
  EXPECT_TRUE(fs->Read("r/never", &contents).IsNotFound());  // a 404 is forwarded

  ASSERT_TRUE(fs->Write("r/sunk", "not stored").ok());
  EXPECT_EQ(proxy.counts().replayed, 2u);
  fs::FileInfo info;
  EXPECT_TRUE(direct->Stat("r/sunk", &info).IsNotFound());
}

TEST_F(S3FaultTest, WhatGoesOnTheWire) {
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  auto fs = OpenVia(proxy.endpoint(), TestRetry());
  std::string got;
  fs->ReadRange("year=2018/a b+c.json", 5, 10, &got);
  std::string head = proxy.last_request_head();
  EXPECT_TRUE(head.starts_with("GET /" + server_.bucket + "/" + prefix_ +
                               "/year%3D2018/a%20b%2Bc.json HTTP/1.1\r\n"))
      << head;
  EXPECT_NE(head.find("Authorization: AWS4-HMAC-SHA256 Credential=" + server_.access_key + "/"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("Range: bytes=5-14\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find(server_.secret_key), std::string::npos) << head;

  // --no-sign-request: nothing signed, no credentials sent.
  S3Options options = testing::OptionsFor(server_);
  options.endpoint = proxy.endpoint();
  options.credentials.anonymous = true;
  std::unique_ptr<S3FileSystem> anonymous;
  ASSERT_TRUE(
      S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &anonymous).ok());
  EXPECT_FALSE(anonymous->Read("x.json", &got).ok());  // the test bucket is private
  head = proxy.last_request_head();
  EXPECT_EQ(head.find("Authorization:"), std::string::npos) << head;
  EXPECT_EQ(head.find(server_.access_key), std::string::npos) << head;
  EXPECT_EQ(anonymous->stats().retries, 0u);

  // Session tokens ride along, signed.
  options.credentials.anonymous = false;
  options.credentials.env_override["AWS_SESSION_TOKEN"] = "session-token-123";
  std::unique_ptr<S3FileSystem> temporary;
  ASSERT_TRUE(
      S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &temporary).ok());
  temporary->Read("x.json", &got);
  head = proxy.last_request_head();
  EXPECT_NE(head.find("x-amz-security-token: session-token-123\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("x-amz-date;x-amz-security-token, Signature="), std::string::npos) << head;
}

TEST_F(S3FaultTest, RangedReadsSurviveTruncation) {
  auto direct = OpenDirect();
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  ASSERT_TRUE(direct->Write("r.bin", data).ok());

  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.p_truncate = 0.4;
  faults.seed = 7;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  auto fs = OpenVia(proxy.endpoint(), TestRetry());
  for (uint64_t off = 0; off < data.size(); off += 9999) {
    std::string got;
    Status s = fs->ReadRange("r.bin", off, 5000, &got);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(got, data.substr(off, 5000));
  }
  EXPECT_GT(proxy.counts().truncations, 0u);
  EXPECT_GT(fs->stats().network_errors, 0u);
}

TEST_F(S3FaultTest, PersistentThrottlingEndsWithABoundedClearError) {
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.p_slowdown = 1.0;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  RetryPolicy retry = TestRetry();
  retry.max_attempts = 4;
  auto fs = OpenVia(proxy.endpoint(), retry);
  std::string got;
  Status s = fs->Read("year=2018/a.json", &got);
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_NE(s.message().find("503"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("SlowDown"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(server_.bucket), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("year=2018/a.json"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("4 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(proxy.counts().requests, 4u);
  EXPECT_EQ(fs->stats().retries, 3u);
  EXPECT_EQ(fs->stats().failures, 1u);
}

TEST_F(S3FaultTest, ConnectionRefusedIsRetriedThenUnavailable) {
  // A port nobody listens on: take one from a proxy and stop it.
  int port;
  {
    FaultProxy proxy(FaultOptions{});
    ASSERT_TRUE(proxy.Start().ok());
    port = proxy.port();
  }
  RetryPolicy retry = TestRetry();
  retry.max_attempts = 3;
  auto fs = OpenVia("http://127.0.0.1:" + std::to_string(port), retry);
  std::vector<fs::FileInfo> files;
  Status s = fs->List("", &files);
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_NE(s.message().find(server_.bucket), std::string::npos) << s.message();
  EXPECT_EQ(fs->stats().retries, 2u);
}

// Write-behind under every kind of fault: Close() returns at once, the
// engine retries in the background, WaitForWrites() is OK, and every object
// reads back whole from the server directly.
TEST_F(S3FaultTest, WriteBehindSurvivesEveryKindOfFault) {
  FaultOptions faults;
  faults.upstream_port = PortOf(server_.endpoint);
  faults.latency_ms = 2;
  faults.p_slowdown = 0.08;
  faults.p_server_error = 0.05;
  faults.p_reset = 0.05;
  faults.p_truncate = 0.05;
  faults.seed = 4;
  FaultProxy proxy(faults);
  ASSERT_TRUE(proxy.Start().ok());
  auto fs = OpenVia(proxy.endpoint(), TestRetry());
  constexpr int kFiles = 120;
  for (int i = 0; i < kFiles; ++i) {
    std::unique_ptr<fs::WritableFile> file;
    ASSERT_TRUE(fs->NewWritableFile("out/p=" + std::to_string(i) + "/f", &file).ok());
    ASSERT_TRUE(file->Append(std::string(50 + i, static_cast<char>('a' + i % 26))).ok());
    ASSERT_TRUE(file->Close().ok());
  }
  Status s = fs->WaitForWrites();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(fs->stats().retries, 0u);
  auto direct = OpenDirect();
  for (int i = 0; i < kFiles; ++i) {
    std::string data;
    ASSERT_TRUE(direct->Read("out/p=" + std::to_string(i) + "/f", &data).ok()) << i;
    EXPECT_EQ(data, std::string(50 + i, static_cast<char>('a' + i % 26))) << i;
  }
}

// A bucket in another region than the client's: S3 answers 301
// PermanentRedirect with the bucket's region in x-amz-bucket-region (the proxy
// plays that S3 once); the client re-signs for that region and goes on.
TEST_F(S3FaultTest, RegionRedirectHeaderIsFollowed) {
  FaultProxy proxy({.upstream_port = PortOf(server_.endpoint)});
  ASSERT_TRUE(proxy.Start().ok());
  S3Options options = testing::OptionsFor(server_);
  options.endpoint = proxy.endpoint();
  options.region = "ap-southeast-2";  // wrong: the server is us-east-1
  std::unique_ptr<S3FileSystem> fs;
  ASSERT_TRUE(S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &fs).ok());
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code>"
      "<Message>The bucket you are attempting to access must be addressed using the specified "
      "endpoint.</Message><Bucket>" +
      server_.bucket + "</Bucket></Error>";
  proxy.AnswerNext(
      "HTTP/1.1 301 Moved Permanently\r\nx-amz-bucket-region: us-east-1\r\n"
      "Content-Type: application/xml\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(fs->Write("region/a.txt", "hello").ok());
  EXPECT_EQ(fs->client()->region(), "us-east-1");
  std::string data;
  ASSERT_TRUE(fs->Read("region/a.txt", &data).ok());
  EXPECT_EQ(data, "hello");
  // The canned answer, then the PUT re-signed for us-east-1 and the GET.
  EXPECT_EQ(fs->stats().requests, 3u);
  EXPECT_EQ(proxy.counts().requests, 2u);  // forwarded to the server
  EXPECT_EQ(fs->stats().failures, 0u);
}

// The other form: 400 AuthorizationHeaderMalformed naming the expected
// region in <Region>. Swift's s3api answers so by itself for a request signed
// for the wrong region, so no proxy is needed; the first request of a client
// made for the wrong region switches it for good.
TEST_F(S3FaultTest, WrongRegionIsCorrectedFromTheServersAnswer) {
  S3Options options = testing::OptionsFor(server_);
  options.region = "eu-west-1";
  std::unique_ptr<S3FileSystem> fs;
  ASSERT_TRUE(S3FileSystem::Open("s3://" + server_.bucket + "/" + prefix_, options, &fs).ok());
  ASSERT_TRUE(fs->Write("region/b.txt", "hi").ok());
  EXPECT_EQ(fs->client()->region(), "us-east-1");
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("region/", &files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(fs->stats().failures, 0u);
  EXPECT_EQ(fs->stats().requests, 3u);  // PUT (wrong region), PUT, LIST
}

}  // namespace
}  // namespace sparkify::s3
