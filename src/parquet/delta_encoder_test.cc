// The DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY encoders
// against the decoders, which encodings_test.cc checks against hand-built streams
// from Encodings.md.
#include "parquet/delta_encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <memory>
#include <random>

#include "parquet/encodings.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {
namespace {

template <typename T>
std::vector<T> RoundTrip(const std::vector<T>& in) {
  std::string enc;
  DeltaBinaryPackedEncode(in.data(), in.size(), &enc);
  EXPECT_EQ(enc.size(), DeltaBinaryPackedSize(in.data(), in.size()));
  constexpr bool k64 = sizeof(T) == 8;
  ColumnVector out(k64 ? PhysicalType::kInt64 : PhysicalType::kInt32);
  Status s = DecodeDeltaBinaryPacked(ValueType{k64 ? format::INT64 : format::INT32},
                                     reinterpret_cast<const uint8_t*>(enc.data()), enc.size(),
                                     in.size(), &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if constexpr (k64) {
    return out.i64;
  } else {
    return out.i32;
  }
}

TEST(DeltaEncoder, SpecExampleBytes) {
  // 1..5 (Encodings.md): all deltas equal the min delta, so every width is 0.
  std::vector<int64_t> v = {1, 2, 3, 4, 5};
  std::string enc;
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  EXPECT_EQ(enc, std::string("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10));
}

TEST(DeltaEncoder, EveryLengthAroundBlockAndMiniblockEdges) {
  std::mt19937_64 rng(7);
  for (size_t n : {0, 1, 2, 3, 31, 32, 33, 64, 127, 128, 129, 130, 256, 257, 1000, 4097}) {
    std::vector<int64_t> ts;
    int64_t t = 1541105830796000LL;
    for (size_t i = 0; i < n; ++i) ts.push_back(t += static_cast<int64_t>(rng() % 2000000));
    EXPECT_EQ(RoundTrip(ts), ts) << n;
  }
}

TEST(DeltaEncoder, ExtremesWrapAround) {
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> v = {hi, lo, hi, 0, -1, lo, lo, hi, 1};
  std::mt19937_64 rng(3);
  for (int i = 0; i < 300; ++i) v.push_back(static_cast<int64_t>(rng()));  // 64-bit widths
  EXPECT_EQ(RoundTrip(v), v);

  constexpr int32_t lo32 = std::numeric_limits<int32_t>::min();
  constexpr int32_t hi32 = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> w = {hi32, lo32, 0, hi32, -1, lo32, 5};
  for (int i = 0; i < 300; ++i) w.push_back(static_cast<int32_t>(rng()));
  EXPECT_EQ(RoundTrip(w), w);
}

TEST(DeltaEncoder, EveryBitWidth) {
  // Miniblocks whose spread needs exactly w bits, for every w.
  std::vector<int64_t> v = {0};
  for (int w = 1; w <= 63; ++w) {
    for (int i = 0; i < 32; ++i) {
      // Wrapping addition (in uint64_t: signed overflow would be undefined).
      const uint64_t step = (i % 2) ? (uint64_t{1} << (w - 1)) : 0;
      v.push_back(static_cast<int64_t>(static_cast<uint64_t>(v.back()) + step));
    }
  }
  EXPECT_EQ(RoundTrip(v), v);
}

TEST(DeltaEncoder, EveryBitWidthInt32) {
  // The same for 32-bit values (their own delta and minimum loops), widths 1..32.
  std::vector<int32_t> v = {0};
  for (int w = 1; w <= 32; ++w) {
    for (int i = 0; i < 32; ++i) {
      const uint32_t step = (i % 2) ? (uint32_t{1} << (w - 1)) : 0;
      v.push_back(static_cast<int32_t>(static_cast<uint32_t>(v.back()) + step));
    }
  }
  EXPECT_EQ(RoundTrip(v), v);
}

TEST(DeltaEncoder, SmallStepsTakeFewBits) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < 12800; ++i) v.push_back(1541105830796000LL + i * 1000 + (i % 7));
  // Deltas 994..1001: 3 bits each instead of PLAIN's 64.
  EXPECT_LT(DeltaBinaryPackedSize(v.data(), v.size()), v.size() * 8 / 16);
}

// Strings as the writer passes them: bytes + offsets, copied into an exactly
// sized buffer so that ASan sees any read past the last value.
struct Strings {
  std::unique_ptr<char[]> data;
  std::vector<uint32_t> offsets{0};
  explicit Strings(const std::vector<std::string>& v) {
    std::string all;
    for (const auto& s : v) {
      all += s;
      offsets.push_back(static_cast<uint32_t>(all.size()));
    }
    data.reset(new char[all.size() + 1]);  // +1: a valid pointer when empty
    std::memcpy(data.get(), all.data(), all.size());
  }
};

std::vector<std::string> StringsOf(const ColumnVector& c) {
  std::vector<std::string> out;
  for (size_t i = 0; i < c.size(); ++i) out.emplace_back(c.StringAt(i));
  return out;
}

std::vector<std::string> DeltaByteArrayRoundTrip(const std::vector<std::string>& v) {
  Strings s(v);
  std::string enc;
  DeltaByteArrayEncode(s.data.get(), s.offsets.data(), v.size(), &enc);
  ColumnVector out(PhysicalType::kByteArray);
  Status st = DecodeDeltaByteArray(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(),
                                   v.size(), &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return StringsOf(out);
}

TEST(DeltaByteArray, RoundTripsPrefixesOfEveryLength) {
  std::mt19937_64 rng(11);
  std::vector<std::string> v = {"", "", "a", "ab", "ab", "", "abc"};
  // Shared heads of 0..70 bytes (across the 8-byte compare and the 32-byte copy),
  // suffixes of 0..70 bytes, and the odd value that shares nothing.
  std::string head;
  for (int i = 0; i < 3000; ++i) {
    if (i % 50 == 0) {
      head.clear();
      for (size_t k = rng() % 71; k > 0; --k) head.push_back(static_cast<char>('a' + rng() % 3));
    }
    std::string s = head.substr(0, rng() % (head.size() + 1));
    for (size_t k = rng() % 71; k > 0; --k) s.push_back(static_cast<char>(rng()));
    v.push_back(s);
  }
  v.push_back(std::string(5000, 'z'));
  v.push_back(std::string(4000, 'z') + "y");
  EXPECT_EQ(DeltaByteArrayRoundTrip(v), v);
  for (size_t n : {0, 1, 2, 33}) {
    std::vector<std::string> w(v.begin(), v.begin() + n);
    EXPECT_EQ(DeltaByteArrayRoundTrip(w), w) << n;
  }
}

// The DELTA_BYTE_ARRAY and DELTA_LENGTH_BYTE_ARRAY sizes of `v`, each checked
// against its size function.
std::pair<size_t, size_t> EncodeBothWays(const std::vector<std::string>& v) {
  Strings s(v);
  std::string dba, dlba;
  DeltaByteArrayEncode(s.data.get(), s.offsets.data(), v.size(), &dba);
  DeltaLengthByteArrayEncode(s.data.get(), s.offsets.data(), v.size(), &dlba);
  EXPECT_EQ(dba.size(), DeltaByteArraySize(s.data.get(), s.offsets.data(), v.size()));
  EXPECT_EQ(dlba.size(), DeltaLengthByteArraySize(s.offsets.data(), v.size()));
  return {dba.size(), dlba.size()};
}

TEST(DeltaByteArray, SharedPrefixesAreLeftOut) {
  // Ids with a common head: only the parts after the shared prefix are stored.
  std::vector<std::string> v;
  for (int i = 0; i < 1000; ++i) {
    v.push_back("https://example.com/users/" + std::to_string(100000 + i * 7));
  }
  auto [dba, dlba] = EncodeBothWays(v);
  // The URL head (26 bytes) and at least 2 leading digits are left out of 999 values.
  EXPECT_LT(dba + 999 * 24, dlba);
  EXPECT_EQ(DeltaByteArrayRoundTrip(v), v);
  // Values that share nothing with their neighbours, or a chunk of two values:
  // the second stream of lengths costs more than DELTA_BYTE_ARRAY saves.
  for (std::vector<std::string> w : std::vector<std::vector<std::string>>{
           {"abc", "bcd", "cde", "abc", "", "x"}, {"SOAXQ12", "SOBZZ34"}}) {
    auto [x, y] = EncodeBothWays(w);
    EXPECT_GT(x, y);
    EXPECT_EQ(DeltaByteArrayRoundTrip(w), w);
  }
}

TEST(DeltaLengthByteArray, RoundTrips) {
  std::vector<std::string> v = {"", "a", "", std::string(300, 'q'), "hello", ""};
  Strings s(v);
  std::string enc;
  DeltaLengthByteArrayEncode(s.data.get(), s.offsets.data(), v.size(), &enc);
  ColumnVector out(PhysicalType::kByteArray);
  ASSERT_TRUE(DecodeDeltaLengthByteArray(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(),
                                         v.size(), &out)
                  .ok());
  EXPECT_EQ(StringsOf(out), v);
}

}  // namespace
}  // namespace sparkify::parquet
