// The local S3 server the tests talk to, from the variables that
// `eval "$(tests/s3/swift-server.sh start)"` exports. Without them the S3 tests
// skip locally and FAIL under CI=true, so a CI that forgot the server is caught.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "s3/s3_file_system.h"

namespace sparkify::s3::testing {

struct TestServer {
  std::string endpoint, access_key, secret_key, bucket;
};

inline bool GetTestServer(TestServer* out) {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  out->endpoint = get("SPARKIFY_TEST_S3_ENDPOINT");
  out->access_key = get("SPARKIFY_TEST_S3_ACCESS_KEY");
  out->secret_key = get("SPARKIFY_TEST_S3_SECRET_KEY");
  out->bucket = get("SPARKIFY_TEST_S3_BUCKET");
  return !out->endpoint.empty() && !out->access_key.empty() && !out->secret_key.empty() &&
         !out->bucket.empty();
}

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Use at the start of a test (or SetUp): fails under CI, skips otherwise.
#define SPARKIFY_REQUIRE_S3_SERVER(server)                                               \
  do {                                                                                   \
    if (!::sparkify::s3::testing::GetTestServer(server)) {                               \
      if (::sparkify::s3::testing::InCi()) {                                             \
        FAIL() << "SPARKIFY_TEST_S3_* not set under CI: run "                            \
                  "eval \"$(tests/s3/swift-server.sh start)\" before ctest";             \
      }                                                                                  \
      GTEST_SKIP() << "no local S3 server (eval \"$(tests/s3/swift-server.sh start)\")"; \
    }                                                                                    \
  } while (0)

// Options for the test server with its credentials (the process environment is not read).
inline S3Options OptionsFor(const TestServer& server) {
  S3Options o;
  o.endpoint = server.endpoint;
  o.region = "us-east-1";
  o.credentials.use_env_override = true;
  o.credentials.env_override = {{"AWS_ACCESS_KEY_ID", server.access_key},
                                {"AWS_SECRET_ACCESS_KEY", server.secret_key}};
  return o;
}

// A prefix no other test (or concurrent run) uses.
inline std::string UniquePrefix(const std::string& name) {
  static std::atomic<int> counter{0};
  return "test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name;
}

// Writes many small files with several threads (Swift takes tens of ms per PUT).
inline Status WriteAll(fs::FileSystem* fs,
                       const std::vector<std::pair<std::string, std::string>>& files,
                       int threads = 16) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < files.size(); i = next++) {
        Status s = fs->Write(files[i].first, files[i].second);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace sparkify::s3::testing
