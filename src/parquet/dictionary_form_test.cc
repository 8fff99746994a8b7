// String columns in dictionary form (column_vector.h) must give the same file
// as the same rows in plain form, whatever the writer decides (dictionary or
// not, nulls, pages, row groups), and read back as the same rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/dictionary_encoder.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace sparkify::parquet {
namespace {

// `rows` values drawn from `distinct` strings of about `length` bytes; every
// `null_every`-th row null (0: none).
struct Rows {
  std::vector<std::string> values;  // the dictionary, distinct
  std::vector<int64_t> pick;        // per row: index into values, -1 for null
};

Rows MakeRows(size_t rows, size_t distinct, size_t length, size_t null_every, uint32_t seed) {
  std::mt19937 rng(seed);
  Rows r;
  for (size_t i = 0; i < distinct; ++i) {
    std::string s = "value " + std::to_string(i) + " ";
    while (s.size() < length) s.push_back(static_cast<char>('a' + rng() % 26));
    r.values.push_back(s);
  }
  for (size_t i = 0; i < rows; ++i) {
    const bool null = null_every != 0 && i % null_every == 0;
    r.pick.push_back(null ? -1 : static_cast<int64_t>(rng() % distinct));
  }
  return r;
}

ColumnVector Plain(const Rows& r) {
  ColumnVector c(PhysicalType::kByteArray);
  for (int64_t p : r.pick) {
    if (p < 0) {
      c.AppendNull();
    } else {
      c.AppendString(r.values[p]);
    }
  }
  return c;
}

// The same rows in dictionary form; the dictionary also holds values no row
// uses (`extra`), in an order unrelated to first use.
ColumnVector Coded(const Rows& r, size_t extra) {
  auto dict = std::make_shared<ColumnVector>(PhysicalType::kByteArray);
  for (size_t i = 0; i < extra; ++i) dict->AppendString("unused " + std::to_string(i));
  for (size_t i = r.values.size(); i-- > 0;) dict->AppendString(r.values[i]);
  ColumnVector c(PhysicalType::kByteArray);
  c.dictionary = dict;
  for (int64_t p : r.pick) {
    if (p < 0) {
      c.AppendNull();
    } else {
      c.AppendCode(static_cast<uint32_t>(extra + r.values.size() - 1 - p));
    }
  }
  return c;
}

std::string Write(const ColumnVector& c, const WriterOptions& options, Repetition rep) {
  Schema schema{{{"s", PhysicalType::kByteArray, LogicalType::kString, rep}}};
  StringSink sink;
  FileWriter w(schema, options, &sink);
  EXPECT_TRUE(w.WriteBatch({c}).ok());
  EXPECT_TRUE(w.Close().ok());
  return sink.Release();
}

struct Case {
  size_t rows, distinct, length, null_every;
};

TEST(DictionaryForm, WritesTheSameBytesAsThePlainForm) {
  const Case cases[] = {
      {100000, 40, 120, 0},   // user agents: few, long, repeating; one direct row group
      {100000, 300, 20, 7},   // places, with nulls
      {1000, 2, 4, 0},        // levels; a buffered (small) batch
      {5000, 5000, 12, 0},    // all distinct: no dictionary (first look)
      {70000, 20000, 80, 3},  // too big a dictionary: falls back to PLAIN/DELTA
      {300, 10, 10, 1},       // only nulls
      // At the writer's decision points: the first look at 2,048 values
      // (here the end of the chunk), the probe at 16,384 and at the end.
      {2048, 2048, 12, 0},
      {2049, 2049, 12, 0},
      {16384, 3000, 30, 0},
      {16385, 9000, 6, 0},
      {40000, 1200, 3, 0},
  };
  uint32_t seed = 1;
  for (const Case& k : cases) {
    const Rows r = MakeRows(k.rows, k.distinct, k.length, k.null_every, seed++);
    for (int version : {1, 2}) {
      for (Codec codec : {Codec::kSnappy, Codec::kZstd}) {
        WriterOptions o;
        o.codec = codec;
        o.data_page_version = version;
        // Row groups cut by bytes too (the text's size decides them).
        if (version == 2) o.row_group_size = 1 << 20;
        const Repetition rep = k.null_every ? Repetition::kOptional : Repetition::kRequired;
        const std::string plain = Write(Plain(r), o, rep);
        const std::string coded = Write(Coded(r, 3), o, rep);
        EXPECT_EQ(plain, coded) << k.rows << " rows, " << k.distinct << " distinct, v" << version;
      }
    }
  }
}

TEST(DictionaryForm, DecidesAsThePlainFormWhenTheProbeAndTheEndDisagree) {
  // 100 values repeating over the probe's 16,384 rows (the dictionary pays
  // there), then 120,000 new ones: at the end of the chunk the dictionary
  // pays only because the writer counts the probe's PLAIN size twice (at the
  // probe and at the end). The dictionary form decides at the same points
  // with the same sums (a chunk it gives up is decided again in plain form).
  Rows r = MakeRows(0, 120100, 12, 0, 11);
  for (size_t i = 0; i < 16384; ++i) r.pick.push_back(static_cast<int64_t>(i % 100));
  for (size_t i = 100; i < r.values.size(); ++i) r.pick.push_back(static_cast<int64_t>(i));
  WriterOptions o;
  o.dictionary_page_size_limit = 8 << 20;
  EXPECT_EQ(Write(Plain(r), o, Repetition::kRequired),
            Write(Coded(r, 0), o, Repetition::kRequired));
}

TEST(DictionaryForm, ReadsBackAsTheRows) {
  const Rows r = MakeRows(30000, 50, 60, 5, 7);
  const std::string file = Write(Coded(r, 0), WriterOptions{}, Repetition::kOptional);
  auto reader = FileReader::Open("coded.parquet", file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto read = (*reader)->ReadAll();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const std::vector<ColumnVector>& columns = *read;
  ASSERT_EQ(columns.size(), 1u);
  ASSERT_EQ(columns[0].size(), r.pick.size());
  for (size_t i = 0; i < r.pick.size(); ++i) {
    if (r.pick[i] < 0) {
      EXPECT_TRUE(columns[0].IsNull(i)) << i;
    } else {
      EXPECT_EQ(columns[0].StringAt(i), r.values[r.pick[i]]) << i;
    }
  }
}

TEST(DictionaryForm, BadCodesAndDictionariesAreRejected) {
  Schema schema{{{"s", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional}}};
  auto dict = std::make_shared<ColumnVector>(PhysicalType::kByteArray);
  dict->AppendString("a");
  ColumnVector c(PhysicalType::kByteArray);
  c.dictionary = dict;
  c.AppendCode(0);
  c.AppendCode(1);  // out of range
  StringSink sink;
  FileWriter w(schema, WriterOptions{}, &sink);
  EXPECT_FALSE(w.WriteBatch({c}).ok());
  // A null row's code is not used, in range or not; after nulls a bad code
  // in a non-null row is still found.
  ColumnVector nulls(PhysicalType::kByteArray);
  nulls.dictionary = dict;
  nulls.AppendNull();
  nulls.codes.back() = 7;
  nulls.AppendCode(0);
  StringSink sink_nulls;
  FileWriter w_nulls(schema, WriterOptions{}, &sink_nulls);
  EXPECT_TRUE(w_nulls.WriteBatch({nulls}).ok());
  nulls.AppendCode(1);
  StringSink sink_bad;
  FileWriter w_bad(schema, WriterOptions{}, &sink_bad);
  EXPECT_FALSE(w_bad.WriteBatch({nulls}).ok());

  // An empty dictionary: only rows that are all null pass.
  auto empty = std::make_shared<ColumnVector>(PhysicalType::kByteArray);
  ColumnVector none(PhysicalType::kByteArray);
  none.dictionary = empty;
  none.AppendNull();
  none.AppendNull();
  StringSink sink_none;
  FileWriter w_none(schema, WriterOptions{}, &sink_none);
  EXPECT_TRUE(w_none.WriteBatch({none}).ok());
  none.AppendCode(0);
  StringSink sink_none_bad;
  FileWriter w_none_bad(schema, WriterOptions{}, &sink_none_bad);
  EXPECT_FALSE(w_none_bad.WriteBatch({none}).ok());

  auto with_null = std::make_shared<ColumnVector>(PhysicalType::kByteArray);
  with_null->AppendNull();
  ColumnVector d(PhysicalType::kByteArray);
  d.dictionary = with_null;
  d.AppendNull();
  StringSink sink2;
  FileWriter w2(schema, WriterOptions{}, &sink2);
  EXPECT_FALSE(w2.WriteBatch({d}).ok());
}

}  // namespace
}  // namespace sparkify::parquet

namespace sparkify::parquet {
namespace {

// Small values take a direct table, others the hash table: the indices are
// first-seen order either way, for values in both and across growth.
TEST(NumberDictionary, IndicesAreFirstSeenOrderForSmallAndLargeValues) {
  NumberDictionary<int32_t> d32;
  NumberDictionary<int64_t> d64;
  NumberDictionary<double> dd;
  std::vector<int64_t> first_seen;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    const int64_t v =
        (i % 3 == 0) ? static_cast<int64_t>(rng() % 5000) - 100 : static_cast<int64_t>(rng() % 70);
    auto it = std::find(first_seen.begin(), first_seen.end(), v);
    const uint32_t expected = static_cast<uint32_t>(it - first_seen.begin());
    if (it == first_seen.end()) first_seen.push_back(v);
    ASSERT_EQ(d32.Insert(static_cast<int32_t>(v)), expected) << v;
    ASSERT_EQ(d64.Insert(v), expected) << v;
    ASSERT_EQ(dd.Insert(static_cast<double>(v)), expected) << v;
  }
  EXPECT_EQ(d64.size(), first_seen.size());
  EXPECT_EQ(d32.values()[5], first_seen[5]);
}

}  // namespace
}  // namespace sparkify::parquet
