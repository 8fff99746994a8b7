#include "lake/decompress.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

namespace sparkify::lake {
namespace {

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

TEST(Decompress, BySuffix) {
  EXPECT_EQ(CompressionOf("a/b.json.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionOf("a/b.json.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionOf("a/b.json"), Compression::kNone);
}

TEST(Decompress, GzipAndZstdIncludingConcatenatedMembers) {
  std::string a(300000, 'a'), b = "{\"x\":1}\n";
  std::string out;
  ASSERT_TRUE(Decompress(Compression::kGzip, Gzip(a) + Gzip(b), &out).ok());
  EXPECT_EQ(out, a + b);
  ASSERT_TRUE(Decompress(Compression::kZstd, Zstd(a) + Zstd(b), &out).ok());
  EXPECT_EQ(out, a + b);
}

TEST(Decompress, TruncatedStreamsKeepWhatCameBefore) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data += "{\"i\":" + std::to_string(i) + "}\n";
  std::string out;
  std::string gz = Gzip(data);
  Status s = Decompress(Compression::kGzip, gz.substr(0, gz.size() / 2), &out);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_GT(out.size(), 0u);
  EXPECT_EQ(out, data.substr(0, out.size()));
  std::string zs = Zstd(data);
  s = Decompress(Compression::kZstd, zs.substr(0, zs.size() / 2), &out);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(out, data.substr(0, out.size()));
  EXPECT_TRUE(Decompress(Compression::kGzip, "not gzip at all", &out).IsCorruption());
  EXPECT_TRUE(Decompress(Compression::kZstd, "not zstd at all", &out).IsCorruption());
}

}  // namespace
}  // namespace sparkify::lake
