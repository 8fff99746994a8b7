#include "parquet/encodings.h"

#include <gtest/gtest.h>

#include <cstring>

#include "parquet/metadata.h"

namespace sparkify::parquet {
namespace {

// Streams built by hand from Encodings.md, so the decoders are checked against
// the specification rather than against an encoder of ours.

TEST(DeltaBinaryPacked, SpecExampleOneToFive) {
  // 1..5: header <block 128> <4 miniblocks> <count 5> <first 1 -> zigzag 2>,
  // block: <min delta 1 -> zigzag 2> <widths 0 0 0 0> (all deltas equal the min).
  const uint8_t data[] = {0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0};
  ColumnVector out(PhysicalType::kInt64);
  ASSERT_TRUE(DecodeDeltaBinaryPacked(ValueType{format::INT64}, data, sizeof(data), 5, &out).ok());
  EXPECT_EQ(out.i64, (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(DeltaBinaryPacked, SpecExampleWithBitPackedDeltas) {
  // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min -2, relative 0 0 0 3 3 3 3 (2 bits).
  // Block 8 values in 1 miniblock of 8 (header block size 8 is not a multiple
  // of 128, which the spec asks of writers; readers accept any multiple of 8).
  // Packed 0,0,0,3,3,3,3,(pad 0) at width 2: byte0 = 0b11000000, byte1 = 0b00111111.
  const uint8_t data[] = {8, 1, 8, 14, 3, 2, 0b11000000, 0b00111111};
  ColumnVector out(PhysicalType::kInt32);
  ASSERT_TRUE(DecodeDeltaBinaryPacked(ValueType{format::INT32}, data, sizeof(data), 8, &out).ok());
  EXPECT_EQ(out.i32, (std::vector<int32_t>{7, 5, 3, 1, 2, 3, 4, 5}));
}

TEST(DeltaLengthByteArray, HelloWorld) {
  // Lengths 5, 5 (first 5 -> zigzag 10, delta 0 -> min delta 0), then "HelloWorld".
  std::string data = {'\x08', '\x01', '\x02', '\x0a', '\x00', '\x00'};
  data += "HelloWorld";
  ColumnVector out(PhysicalType::kByteArray);
  ASSERT_TRUE(DecodeDeltaLengthByteArray(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                         2, &out)
                  .ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.StringAt(0), "Hello");
  EXPECT_EQ(out.StringAt(1), "World");
}

TEST(DeltaByteArray, PrefixesAndSuffixes) {
  // axis, axle, babble, babyhood: prefixes 0 2 0 3, suffixes axis le babble yhood.
  std::string data;
  // prefix lengths: first 0, deltas 2 -2 3 -> min -2, relative 4 0 5 (3 bits), block 8 / 1 mini.
  // relative values packed LSB first at width 3: 4,0,5,0,0,0,0,0 -> bits 100 000 101 ...
  // byte0 = 0b01000100? value0=4 (bits 0-2 = 100b), value1=0 (bits 3-5), value2=5 (bits 6-8)
  // byte0 bits: b0..b2 = 0,0,1 ; b3..b5 = 0 ; b6,b7 = 1,0 (5 = 101b, low bits 1,0) -> 0b01000100
  // byte1 bit0 = 1 (high bit of 5) -> 0x01, byte2 = 0.
  data += std::string{'\x08', '\x01', '\x04', '\x00', '\x03', '\x03', '\x44', '\x01', '\x00'};
  // suffix lengths 4 2 6 5: first 4 (zigzag 8), deltas -2 4 -1 -> min -2, relative 0 6 1 (3 bits)
  // 0,6,1 -> byte0 bits b0..b2 = 0, b3..b5 = 110b -> 0b00110000, b6,b7 = 1,0 -> 0b01110000
  data += std::string{'\x08', '\x01', '\x04', '\x08', '\x03', '\x03', '\x70', '\x00', '\x00'};
  data += "axislebabbleyhood";
  ColumnVector out(PhysicalType::kByteArray);
  Status s =
      DecodeDeltaByteArray(reinterpret_cast<const uint8_t*>(data.data()), data.size(), 4, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out.StringAt(0), "axis");
  EXPECT_EQ(out.StringAt(1), "axle");
  EXPECT_EQ(out.StringAt(2), "babble");
  EXPECT_EQ(out.StringAt(3), "babyhood");
}

TEST(Int96, SparkTimestampToMicros) {
  // 2000-01-01T00:00:01.5 UTC: Julian day 2451545, 1.5 s of nanos.
  uint8_t v[12];
  int64_t nanos = 1500000000;
  int32_t day = 2451545;
  std::memcpy(v, &nanos, 8);
  std::memcpy(v + 8, &day, 4);
  EXPECT_EQ(Int96ToMicros(v), 946684801500000LL);
}

TEST(Plain, TruncatedByteArrayIsCorruption) {
  const uint8_t data[] = {10, 0, 0, 0, 'a', 'b'};
  ColumnVector out(PhysicalType::kByteArray);
  Status s = DecodePlain(ValueType{format::BYTE_ARRAY}, data, sizeof(data), 1, &out);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST(ByteStreamSplit, Doubles) {
  double vals[2] = {1.5, -2.25};
  uint8_t raw[16], split[16];
  std::memcpy(raw, vals, 16);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 8; ++k) split[k * 2 + i] = raw[i * 8 + k];
  ColumnVector out(PhysicalType::kDouble);
  ASSERT_TRUE(DecodeByteStreamSplit(ValueType{format::DOUBLE}, split, 16, 2, &out).ok());
  EXPECT_EQ(out.f64, (std::vector<double>{1.5, -2.25}));
}

}  // namespace
}  // namespace sparkify::parquet
