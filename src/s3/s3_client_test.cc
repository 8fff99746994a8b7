#include "s3/s3_client.h"

#include <gtest/gtest.h>

namespace sparkify::s3 {
namespace {

S3Request Get(std::string bucket, std::string key) {
  S3Request r;
  r.bucket = std::move(bucket);
  r.key = std::move(key);
  return r;
}

TEST(ResolveTarget, AwsDefaultIsVirtualHostedInTheRegion) {
  RequestTarget t = ResolveTarget("", "eu-west-1", Addressing::kAuto,
                                  Get("udacity-dend", "song_data/A/B/C/TRABC.json"));
  EXPECT_EQ(t.host, "udacity-dend.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(t.canonical_uri, "/song_data/A/B/C/TRABC.json");
  EXPECT_EQ(t.url, "https://udacity-dend.s3.eu-west-1.amazonaws.com/song_data/A/B/C/TRABC.json");
}

TEST(ResolveTarget, IpAndLocalhostEndpointsArePathStyle) {
  RequestTarget t =
      ResolveTarget("http://127.0.0.1:9000", "us-east-1", Addressing::kAuto, Get("b", "k=1/a b"));
  EXPECT_EQ(t.host, "127.0.0.1:9000");
  EXPECT_EQ(t.canonical_uri, "/b/k%3D1/a%20b");
  EXPECT_EQ(t.url, "http://127.0.0.1:9000/b/k%3D1/a%20b");
  t = ResolveTarget("http://localhost:9000/", "us-east-1", Addressing::kAuto, Get("b", "x"));
  EXPECT_EQ(t.url, "http://localhost:9000/b/x");
  t = ResolveTarget("http://[::1]:9000", "us-east-1", Addressing::kAuto, Get("b", "x"));
  EXPECT_EQ(t.url, "http://[::1]:9000/b/x");
}

TEST(ResolveTarget, ForcedAddressingWins) {
  EXPECT_EQ(
      ResolveTarget("http://localhost:9000", "us-east-1", Addressing::kVirtual, Get("b", "x")).url,
      "http://b.localhost:9000/x");
  EXPECT_EQ(
      ResolveTarget("https://minio.example.com", "us-east-1", Addressing::kPath, Get("b", "x")).url,
      "https://minio.example.com/b/x");
}

TEST(ResolveTarget, BucketsThatCannotBeHostNamesArePathStyle) {
  // Dots break the TLS wildcard certificate; upper case is not a DNS label.
  EXPECT_EQ(ResolveTarget("", "us-east-1", Addressing::kAuto, Get("my.bucket", "x")).url,
            "https://s3.us-east-1.amazonaws.com/my.bucket/x");
  EXPECT_EQ(ResolveTarget("", "us-east-1", Addressing::kAuto, Get("MyBucket", "x")).url,
            "https://s3.us-east-1.amazonaws.com/MyBucket/x");
}

TEST(ResolveTarget, DefaultPortsAreNotInTheHostHeader) {
  EXPECT_EQ(ResolveTarget("https://s3.example.com:443", "r", Addressing::kPath, Get("b", "")).host,
            "s3.example.com");
  EXPECT_EQ(ResolveTarget("http://10.0.0.1:80", "r", Addressing::kAuto, Get("b", "")).host,
            "10.0.0.1");
}

TEST(ResolveTarget, QueryIsCanonical) {
  S3Request r = Get("b", "");
  r.query = {{"prefix", "song data/"}, {"list-type", "2"}, {"uploads", ""}};
  EXPECT_EQ(ResolveTarget("http://127.0.0.1:1", "r", Addressing::kAuto, r).url,
            "http://127.0.0.1:1/b?list-type=2&prefix=song%20data%2F&uploads=");
}

}  // namespace
}  // namespace sparkify::s3

namespace sparkify::s3 {
namespace {

TEST(RetryPolicy, DelaysGrowExponentiallyUpToTheCapWithJitter) {
  RetryPolicy p;
  p.base_delay = std::chrono::milliseconds(10);
  p.max_delay = std::chrono::milliseconds(1000);
  std::mt19937_64 rng(1);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    int64_t cap = std::min<int64_t>(10LL << attempt, 1000);
    int64_t max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      int64_t d = p.Delay(attempt, rng).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, cap);
      max_seen = std::max(max_seen, d);
    }
    EXPECT_GT(max_seen, cap / 2) << "no spread at attempt " << attempt;  // jitter covers the range
  }
  EXPECT_LE(p.Delay(1000, rng).count(), 1000);  // no overflow for huge attempt numbers
}

}  // namespace
}  // namespace sparkify::s3
