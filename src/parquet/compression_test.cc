// Page compression: the raw zstd frames written for pages that do not
// compress must be frames libzstd reads back exactly, and the history must
// switch to them only after a page that did not compress, and back again.
#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sparkify::parquet {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string ZstdDecompress(std::string_view frame) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  EXPECT_NE(size, ZSTD_CONTENTSIZE_ERROR);
  EXPECT_NE(size, ZSTD_CONTENTSIZE_UNKNOWN);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return {};
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

TEST(ZstdRawFrame, DecompressesAtEverySizeAroundBlocks) {
  std::mt19937_64 rng(1);
  constexpr size_t kBlock = 128 * 1024;
  const std::vector<size_t> sizes = {0,          1,      255,        256,        65791,
                                     kBlock - 1, kBlock, kBlock + 1, 3 * kBlock, 1000000};
  for (size_t n : sizes) {
    const std::string in = RandomBytes(rng, n);
    std::unique_ptr<char[]> out(new char[ZstdRawFrameBound(n)]);
    const size_t m = ZstdRawFrame(in.data(), n, out.get());
    EXPECT_LE(m, ZstdRawFrameBound(n));
    EXPECT_LE(m, ZSTD_compressBound(n)) << "n " << n;  // no larger than zstd's own worst case
    const std::string_view frame(out.get(), m);
    EXPECT_EQ(ZSTD_findFrameCompressedSize(frame.data(), frame.size()), m) << "n " << n;
    EXPECT_TRUE(ZstdDecompress(frame) == in) << "n " << n;
    std::string back;
    EXPECT_TRUE(Decompress(format::ZSTD, frame, n, &back).ok());
    EXPECT_TRUE(back == in);
  }
}

TEST(CompressionHistory, ZstdStoresRawAfterAPageThatDidNotCompressThenTriesAgain) {
  std::mt19937_64 rng(2);
  Compressor zstd(format::ZSTD, 1);
  CompressionHistory history;
  const size_t n = 100000;
  std::string_view out;
  // Random bytes: zstd tries and fails; the following pages are stored raw.
  const std::string random = RandomBytes(rng, n);
  ASSERT_TRUE(zstd.Compress(random, &out, &history).ok());
  EXPECT_TRUE(ZstdDecompress(out) == random);
  EXPECT_GT(history.zstd_raw_pages, 0u);
  const std::string text(n, 'a');  // very compressible, yet stored raw while the run lasts
  size_t raw_pages = 0;
  for (int page = 0; page < 100 && history.zstd_raw_pages > 0; ++page) {
    ASSERT_TRUE(zstd.Compress(text, &out, &history).ok());
    EXPECT_EQ(out.size(), 4 + 1 + 4 + 3 + n);  // frame header, one raw block
    EXPECT_TRUE(ZstdDecompress(out) == text);
    ++raw_pages;
  }
  EXPECT_GT(raw_pages, 0u);
  EXPECT_LT(raw_pages, 100u);
  // Then it compresses again, and a page that compresses keeps it compressing.
  for (int page = 0; page < 3; ++page) {
    ASSERT_TRUE(zstd.Compress(text, &out, &history).ok());
    EXPECT_LT(out.size(), n / 100);
    EXPECT_TRUE(ZstdDecompress(out) == text);
    EXPECT_EQ(history.zstd_raw_pages, 0u);
  }
  // Without a history every page is compressed.
  ASSERT_TRUE(zstd.Compress(random, &out, nullptr).ok());
  ASSERT_TRUE(zstd.Compress(text, &out, nullptr).ok());
  EXPECT_LT(out.size(), n / 100);
}

}  // namespace
}  // namespace sparkify::parquet
