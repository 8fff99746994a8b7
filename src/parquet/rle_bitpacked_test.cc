#include "parquet/rle_bitpacked.h"

#include <gtest/gtest.h>

#include <random>

namespace sparkify::parquet {
namespace {

TEST(RleBitPacked, BitPackingMatchesTheSpecExample) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  BitPack(v.data(), v.size(), 3, &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0b10001000);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0b11000110);
  EXPECT_EQ(static_cast<uint8_t>(out[2]), 0b11111010);
  std::vector<uint32_t> back(8);
  BitUnpack(reinterpret_cast<const uint8_t*>(out.data()), 8, 3, back.data());
  EXPECT_EQ(back, v);
}

TEST(RleBitPacked, LongRunBecomesOneRleRun) {
  std::vector<uint8_t> ones(1000, 1);
  std::string out;
  RleBpEncode(ones.data(), ones.size(), 1, &out);
  // varint(1000 << 1) = 2 bytes, value 1 byte.
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), (2000 & 0x7F) | 0x80);
  EXPECT_EQ(static_cast<uint8_t>(out[2]), 1);
}

TEST(RleBitPacked, RoundTripsMixedRunsAtManyWidths) {
  std::mt19937 rng(7);
  for (int width : {1, 2, 3, 5, 8, 12, 17, 24, 31, 32}) {
    const uint64_t max = width == 32 ? 0xFFFFFFFFull : ((1ull << width) - 1);
    std::vector<uint32_t> v;
    for (int block = 0; block < 200; ++block) {
      uint32_t x = static_cast<uint32_t>(rng() & max);
      int len = rng() % 20;
      bool run = rng() % 2;
      for (int k = 0; k < len; ++k) v.push_back(run ? x : static_cast<uint32_t>(rng() & max));
    }
    std::string out;
    RleBpEncode(v.data(), v.size(), width, &out);
    RleBpDecoder dec(reinterpret_cast<const uint8_t*>(out.data()), out.size(), width);
    std::vector<uint32_t> back(v.size());
    // Odd batch sizes exercise decoding from the middle of a bit-packed group.
    size_t got = 0;
    while (got < v.size()) {
      size_t n = std::min<size_t>(v.size() - got, 1 + rng() % 13);
      ASSERT_EQ(dec.GetBatch(back.data() + got, n), n) << "width " << width;
      got += n;
    }
    EXPECT_EQ(back, v) << "width " << width;
  }
}

TEST(RleBitPacked, DecoderStopsAtTheEndOfInput) {
  const uint8_t data[] = {0x03, 0xFF};  // one bit-packed group of width 3 needs 3 bytes
  RleBpDecoder dec(data, sizeof(data), 3);
  uint32_t out[16];
  EXPECT_LT(dec.GetBatch(out, 16), 16u);
}

}  // namespace
}  // namespace sparkify::parquet
