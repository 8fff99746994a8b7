#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

namespace sparkify::parquet::thrift {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(ThriftCompact, FieldHeadersUseDeltasAndLongFormForJumps) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 5);        // delta 1, type i32 (5) -> 0x15, zigzag(5) = 10
  w.FieldI32(17, -1);      // delta 16 does not fit a nibble: 0x05, zigzag(17)=34, zigzag(-1)=1
  w.FieldBool(18, true);   // delta 1, type true (1) -> 0x11
  w.FieldBool(19, false);  // delta 1, type false (2) -> 0x12
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x15, 10, 0x05, 34, 1, 0x11, 0x12, 0x00}));
}

TEST(ThriftCompact, ListHeadersShortAndLong) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldList(1, CType::kI32, 3);
  for (int i = 0; i < 3; ++i) w.ElemI32(i);
  w.FieldList(2, CType::kI64, 20);
  for (int i = 0; i < 20; ++i) w.ElemI64(-i);
  w.EndStruct();
  // 3 elements of i32: (3 << 4) | 5 = 0x35; 20 elements of i64: 0xF6 then varint 20.
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x35);
  EXPECT_EQ(static_cast<uint8_t>(out[6]), 0xF6);
  EXPECT_EQ(static_cast<uint8_t>(out[7]), 20);

  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(t, CType::kList);
  CType elem;
  uint32_t n;
  ASSERT_TRUE(r.ReadListHeader(&elem, &n));
  EXPECT_EQ(n, 3u);
  for (int i = 0; i < 3; ++i) {
    int32_t v;
    ASSERT_TRUE(r.ReadI32(&v));
    EXPECT_EQ(v, i);
  }
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(id, 2);
  ASSERT_TRUE(r.ReadListHeader(&elem, &n));
  EXPECT_EQ(n, 20u);
  EXPECT_EQ(elem, CType::kI64);
  for (int i = 0; i < 20; ++i) {
    int64_t v;
    ASSERT_TRUE(r.ReadI64(&v));
    EXPECT_EQ(v, -i);
  }
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(t, CType::kStop);
}

TEST(ThriftCompact, ZigZagExtremes) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI64(1, INT64_MIN);
  w.FieldI64(2, INT64_MAX);
  w.FieldI32(3, INT32_MIN);
  w.EndStruct();
  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t;
  int64_t a, b;
  int32_t c;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadI64(&a));
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadI64(&b));
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadI32(&c));
  EXPECT_EQ(a, INT64_MIN);
  EXPECT_EQ(b, INT64_MAX);
  EXPECT_EQ(c, INT32_MIN);
}

TEST(ThriftCompact, SkipsUnknownNestedValues) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldStruct(1);
  w.FieldBinary(1, "abc");
  w.FieldList(2, CType::kBoolTrue, 2);
  w.ElemBool(true);
  w.ElemBool(false);
  w.EndStruct();
  w.FieldI32(2, 42);
  w.EndStruct();
  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  ASSERT_TRUE(r.Skip(t));
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(id, 2);
  int32_t v;
  ASSERT_TRUE(r.ReadI32(&v));
  EXPECT_EQ(v, 42);
}

TEST(ThriftCompact, RejectsTruncationAndHugeLists) {
  // A binary claiming 100 bytes with 2 present.
  const uint8_t bin[] = {0x18, 100, 'a', 'b'};
  CompactReader r(bin, sizeof(bin));
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  std::string s;
  EXPECT_FALSE(r.ReadBinary(&s));
  EXPECT_FALSE(r.error().empty());

  // A list claiming 2^31 elements.
  const uint8_t list[] = {0x19, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x08};
  CompactReader r2(list, sizeof(list));
  ASSERT_TRUE(r2.BeginStruct());
  ASSERT_TRUE(r2.ReadFieldHeader(&id, &t));
  CType elem;
  uint32_t n;
  EXPECT_FALSE(r2.ReadListHeader(&elem, &n));
}

TEST(ThriftCompact, DeepNestingIsAnErrorNotARecursionCrash) {
  std::string deep(10000, static_cast<char>(0x1C));  // field 1+, type struct, forever
  CompactReader r(reinterpret_cast<const uint8_t*>(deep.data()), deep.size());
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_FALSE(r.Skip(t));
}

// The writer gathers bytes before appending them to the string: values that
// straddle or exceed its buffer, and text already in the string, come out
// whole and in order, by the end of the outermost struct.
TEST(ThriftCompact, WritesLongValuesAcrossItsBufferAfterWhatTheStringHeld) {
  std::string out = "head";
  const std::string big(3000, 'x');
  {
    CompactWriter w(&out);
    w.BeginStruct();
    w.FieldList(1, CType::kI64, 400);
    for (int i = 0; i < 400; ++i) w.ElemI64(INT64_MIN + i);  // 10 bytes each
    w.FieldBinary(2, big);
    w.FieldStruct(3);
    w.FieldBinary(1, "short");
    w.EndStruct();
    w.EndStruct();
    EXPECT_GT(out.size(), 4u + 4000u + 3000u);  // all there before the writer is gone
  }
  ASSERT_EQ(out.substr(0, 4), "head");
  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()) + 4, out.size() - 4);
  ASSERT_TRUE(r.BeginStruct());
  int16_t id;
  CType t, elem;
  uint32_t n;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadListHeader(&elem, &n));
  ASSERT_EQ(n, 400u);
  for (int i = 0; i < 400; ++i) {
    int64_t v;
    ASSERT_TRUE(r.ReadI64(&v));
    EXPECT_EQ(v, INT64_MIN + i);
  }
  std::string text;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadBinary(&text));
  EXPECT_EQ(id, 2);
  EXPECT_EQ(text, big);
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(id, 3);
  ASSERT_TRUE(r.BeginStruct());
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t) && r.ReadBinary(&text));
  EXPECT_EQ(text, "short");
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(t, CType::kStop);
  r.EndStruct();
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t));
  EXPECT_EQ(t, CType::kStop);
  EXPECT_EQ(r.position(), out.size() - 4);
}

}  // namespace
}  // namespace sparkify::parquet::thrift
