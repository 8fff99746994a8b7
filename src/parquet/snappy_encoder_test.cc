// Our SNAPPY compressor against libsnappy's decoder (what the reader, DuckDB
// and Spark use): every output must be a valid snappy buffer that decompresses
// to the input, for inputs that exercise each element kind and edge.
#include "parquet/snappy_encoder.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace sparkify::parquet {
namespace {

// Compresses from an exactly sized heap copy (so ASan sees any read past the
// input) and checks the output with libsnappy. Returns the compressed size.
size_t CheckRoundTrip(const std::string& data) {
  const size_t n = data.size();
  std::unique_ptr<char[]> in(new char[n]);
  if (n) std::memcpy(in.get(), data.data(), n);
  const size_t bound = SnappyMaxCompressedLength(n);
  std::unique_ptr<char[]> out(new char[bound]);
  const size_t m = SnappyCompress(in.get(), n, out.get());
  EXPECT_LE(m + 32, bound);
  EXPECT_TRUE(snappy::IsValidCompressedBuffer(out.get(), m)) << "size " << n;
  size_t len = 0;
  EXPECT_TRUE(snappy::GetUncompressedLength(out.get(), m, &len));
  EXPECT_EQ(len, n);
  std::string back;
  EXPECT_TRUE(snappy::Uncompress(out.get(), m, &back));
  EXPECT_TRUE(back == data) << "size " << n;
  return m;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(SnappyEncoder, ShortInputs) {
  std::mt19937_64 rng(1);
  for (size_t n = 0; n <= 40; ++n) {
    CheckRoundTrip(RandomBytes(rng, n));
    CheckRoundTrip(std::string(n, 'a'));
  }
}

TEST(SnappyEncoder, RunsUseOverlappingCopies) {
  // One byte repeated: copies at offset 1, split into pieces of at most 64.
  const std::string zeros(1 << 20, '\0');
  EXPECT_LT(CheckRoundTrip(zeros), zeros.size() / 20);
  for (size_t n : {65, 66, 67, 68, 69, 127, 128, 129, 131, 132}) {
    CheckRoundTrip(std::string(n, 'x'));
    CheckRoundTrip("head" + std::string(n, 'y') + "tail");
  }
}

TEST(SnappyEncoder, RepeatedPatternsOfEveryPeriod) {
  // Periods below and above the minimum match, below and above the 2048
  // offset of the short copy tag.
  std::mt19937_64 rng(2);
  for (size_t period :
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 2047, 2048, 2049, 5000}) {
    const std::string unit = RandomBytes(rng, period);
    std::string s;
    while (s.size() < 20000) s += unit;
    const size_t m = CheckRoundTrip(s);
    if (period <= 2048) {
      EXPECT_LT(m, s.size() / 4) << "period " << period;
    }
  }
}

TEST(SnappyEncoder, BlockBoundaries) {
  // Matches never reach across a 64 KiB block; inputs around the boundaries.
  std::mt19937_64 rng(3);
  const std::string unit = RandomBytes(rng, 1000);
  for (size_t n : {65535, 65536, 65537, 65536 + 15, 65536 + 16, 131072, 200000}) {
    std::string s;
    while (s.size() < n) s += unit;
    s.resize(n);
    CheckRoundTrip(s);
    CheckRoundTrip(RandomBytes(rng, n));
  }
}

TEST(SnappyEncoder, IncompressibleDataGrowsOnlyByTags) {
  std::mt19937_64 rng(4);
  const std::string s = RandomBytes(rng, 1 << 20);
  EXPECT_LE(CheckRoundTrip(s), s.size() + s.size() / 1000);
}

TEST(SnappyEncoder, RepeatsAfterRandomBlocksStillCompress) {
  // Random blocks make the next block search with fast-growing steps; the
  // repeats in it must still be found (each block judges the one after it).
  std::mt19937_64 rng(7);
  const std::string unit = RandomBytes(rng, 300);
  std::string s = RandomBytes(rng, 3 * 65536);
  const size_t random_part = s.size();
  while (s.size() < random_part + 65536) s += unit;
  s += RandomBytes(rng, 65536);
  while (s.size() < random_part + 3 * 65536) s += unit;
  const size_t m = CheckRoundTrip(s);
  // Each repeating block compresses to a few percent: well under half overall.
  EXPECT_LT(m, random_part + 65536 + 2 * 65536 / 4);
}

TEST(SnappyEncoder, StringColumnsAndText) {
  // What string pages hold: ids with shared parts, words, numbers as text.
  std::mt19937_64 rng(5);
  std::string ids, text;
  char buf[64];
  for (int i = 0; i < 50000; ++i) {
    int k =
        std::snprintf(buf, sizeof(buf), "SO%016llX%d", static_cast<unsigned long long>(rng()), i);
    ids.append(buf, k);
    static const char* kWords[] = {"the ",  "song ",        "of ",
                                   "love ", "Mozilla/5.0 ", "(Windows ",
                                   "NT ",   "6.1) ",        "Dallas-Fort Worth, TX ",
                                   "a"};
    text += kWords[rng() % 10];
  }
  EXPECT_LT(CheckRoundTrip(ids), ids.size());
  EXPECT_LT(CheckRoundTrip(text), text.size() / 3);
}

// Unique ids save between 1/64 and 1/4 of a block, which makes the next block
// search "lean" (one position in three probed, all of them remembered).
std::string UniqueIds(std::mt19937_64& rng, size_t n, int first_counter) {
  std::string s;
  char buf[64];
  for (int i = first_counter; s.size() < n; ++i) {
    int k = std::snprintf(buf, sizeof(buf), "%016llX%d", static_cast<unsigned long long>(rng()), i);
    s.append(buf, k);
  }
  s.resize(n);
  return s;
}

TEST(SnappyEncoder, LeanBlocksStillFindLongRepeats) {
  // After a block of ids, blocks whose records share a 12-byte token must
  // still compress by about the token's share: a lean search finds every
  // match of 7 bytes or more.
  std::mt19937_64 rng(8);
  std::string s = UniqueIds(rng, 65536, 1000000);
  const size_t head = CheckRoundTrip(s);
  EXPECT_LT(head, s.size() - s.size() / 64);  // the ids themselves compress a little
  std::string tail;
  char buf[64];
  while (tail.size() < 4 * 65536) {
    int k = std::snprintf(buf, sizeof(buf), "%016llX|user-agent|",
                          static_cast<unsigned long long>(rng()));
    tail.append(buf, k);
  }
  const size_t both = CheckRoundTrip(s + tail);
  // 28-byte records of which 12 repeat: a copy of 2-3 bytes each saves ~9 of 28.
  EXPECT_LT(both - head, tail.size() * 8 / 10);
}

TEST(SnappyEncoder, EveryModeFollowsEveryMode) {
  // Blocks of text (dense), ids (lean), random bytes (sparse) and runs, in
  // random orders and at lengths off the block size: each mode starts after
  // each other one, and matches never reach across blocks.
  std::mt19937_64 rng(9);
  std::string text;
  static const char* kWords[] = {"the ", "song ", "of ", "love ", "Dallas-Fort Worth, TX "};
  while (text.size() < 3 * 65536) text += kWords[rng() % 5];
  for (int iter = 0; iter < 40; ++iter) {
    std::string s;
    const int blocks = 2 + static_cast<int>(rng() % 6);
    for (int b = 0; b < blocks; ++b) {
      const size_t n = 65536 - 100 + rng() % 200;
      switch (rng() % 4) {
        case 0:
          s += text.substr(rng() % 65536, n);
          break;
        case 1:
          s += UniqueIds(rng, n, static_cast<int>(rng() % 1000000));
          break;
        case 2:
          s += RandomBytes(rng, n);
          break;
        default:
          s.append(n, static_cast<char>(rng()));
      }
    }
    s.resize(s.size() - rng() % 20);
    CheckRoundTrip(s);
  }
}

TEST(SnappyEncoder, RandomMixtures) {
  // Random pieces: fresh bytes, copies from a little or far back, runs.
  std::mt19937_64 rng(6);
  for (int iter = 0; iter < 300; ++iter) {
    std::string s;
    const size_t target = rng() % (iter < 200 ? 3000 : 150000);
    while (s.size() < target) {
      switch (rng() % 4) {
        case 0:
          s += RandomBytes(rng, 1 + rng() % 40);
          break;
        case 1:
          if (!s.empty()) {
            const size_t off = 1 + rng() % std::min<size_t>(s.size(), 70000);
            const size_t len = 1 + rng() % 100;
            for (size_t k = 0; k < len; ++k) s.push_back(s[s.size() - off]);
          }
          break;
        case 2:
          s.append(1 + rng() % 200, static_cast<char>(rng()));
          break;
        default:
          s += std::to_string(rng() % 100000);
      }
    }
    CheckRoundTrip(s);
  }
}

}  // namespace
}  // namespace sparkify::parquet
