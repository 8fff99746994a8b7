// Writer -> reader round trips, and checks of what the writer puts in the
// footer (statistics, page index, schema annotations) against the spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "parquet/metadata.h"
#include "parquet/reader.h"
#include "parquet/statistics.h"
#include "parquet/testing.h"
#include "parquet/writer.h"

namespace sparkify::parquet {
namespace {

using testing::AllTypesTable;
using testing::CanonicalRows;
using testing::Table;
using testing::WriteTable;

std::unique_ptr<FileReader> OpenOrDie(const std::string& bytes) {
  auto r = FileReader::Open("test.parquet", bytes);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

void ExpectRoundTrip(const Table& t, const WriterOptions& o, size_t batch_rows = 0) {
  auto bytes = WriteTable(t, o, batch_rows);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto r = OpenOrDie(*bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->num_rows(), static_cast<int64_t>(t.rows()));
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(CanonicalRows(*r, *cols), CanonicalRows(t));
}

TEST(RoundTrip, EveryCodecWithAndWithoutDictionary) {
  Table t = AllTypesTable(3000, 1, 7);
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    for (bool dict : {true, false}) {
      for (int version : {1, 2}) {
        WriterOptions o;
        o.codec = c;
        o.enable_dictionary = dict;
        o.data_page_version = version;
        o.data_page_size = 2048;
        SCOPED_TRACE(::testing::Message() << "codec " << static_cast<int>(c) << " dict " << dict
                                          << " pages v" << version);
        ExpectRoundTrip(t, o);
      }
    }
  }
}

TEST(RoundTrip, AllNullNoNullAndSmallPages) {
  WriterOptions o;
  o.data_page_size = 512;
  o.max_page_rows = 100;
  ExpectRoundTrip(AllTypesTable(2000, 2, 1), o);  // optional columns all null
  ExpectRoundTrip(AllTypesTable(2000, 3, 0), o);  // no nulls at all
  ExpectRoundTrip(AllTypesTable(2000, 4, 2), o);  // every other row null
}

TEST(RoundTrip, ManyRowGroupsAndBatches) {
  WriterOptions o;
  o.max_row_group_rows = 700;
  Table t = AllTypesTable(5000, 5, 3);
  auto bytes = WriteTable(t, o, 333);
  ASSERT_TRUE(bytes.ok());
  auto r = OpenOrDie(*bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->num_row_groups(), 8);  // 7 x 700 + 100
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(CanonicalRows(*r, *cols), CanonicalRows(t));
}

TEST(RoundTrip, LargeBatchesAreWrittenStraightFromTheCallersVectors) {
  WriterOptions o;
  o.max_row_group_rows = 60000;
  Table t = AllTypesTable(150000, 8, 3);
  auto bytes = WriteTable(t, o);  // one batch of 150000 rows
  ASSERT_TRUE(bytes.ok());
  auto r = OpenOrDie(*bytes);
  ASSERT_EQ(r->num_row_groups(), 3);
  EXPECT_EQ(r->metadata().row_groups[2].num_rows, 30000);
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(CanonicalRows(*r, *cols), CanonicalRows(t));
  // Small batches first, then large ones: the buffered path keeps the order.
  auto mixed = WriteTable(t, o, 70000);
  ASSERT_TRUE(mixed.ok());
  auto r2 = OpenOrDie(*mixed);
  auto cols2 = r2->ReadAll();
  ASSERT_TRUE(cols2.ok());
  EXPECT_EQ(CanonicalRows(*r2, *cols2), CanonicalRows(t));
}

// WriteLastBatch() encodes straight from the caller's vectors what
// WriteBatch() + Close() would copy first: the bytes must not differ, for one
// row, a row group's worth, several row groups, nulls, and after a batch.
TEST(Writer, LastBatchWritesTheBytesOfWriteBatchThenClose) {
  for (size_t rows : {size_t{1}, size_t{2}, size_t{999}, size_t{2500}}) {
    for (size_t max_rows : {size_t{700}, size_t{1} << 20}) {
      for (size_t null_every : {size_t{0}, size_t{1}, size_t{3}}) {
        SCOPED_TRACE(::testing::Message()
                     << rows << " rows, " << max_rows << " per group, nulls " << null_every);
        WriterOptions o;
        o.max_row_group_rows = max_rows;
        Table t = AllTypesTable(rows, 11, null_every);
        StringSink two_calls, last_batch;
        {
          FileWriter w(t.schema, o, &two_calls);
          ASSERT_TRUE(w.WriteBatch(t.columns).ok());
          ASSERT_TRUE(w.Close().ok());
        }
        {
          FileWriter w(t.schema, o, &last_batch);
          ASSERT_TRUE(w.WriteLastBatch(t.columns).ok());
          EXPECT_EQ(w.bytes_written(), last_batch.data().size());
          EXPECT_FALSE(w.Close().ok());  // already closed
        }
        EXPECT_EQ(last_batch.data(), two_calls.data());
      }
    }
  }
  // After an earlier batch the rows are buffered as WriteBatch() does.
  Table t = AllTypesTable(100, 12, 2);
  StringSink two_calls, last_batch;
  {
    FileWriter w(t.schema, WriterOptions(), &two_calls);
    ASSERT_TRUE(w.WriteBatch(t.columns).ok());
    ASSERT_TRUE(w.WriteBatch(t.columns).ok());
    ASSERT_TRUE(w.Close().ok());
  }
  {
    FileWriter w(t.schema, WriterOptions(), &last_batch);
    ASSERT_TRUE(w.WriteBatch(t.columns).ok());
    ASSERT_TRUE(w.WriteLastBatch(t.columns).ok());
  }
  EXPECT_EQ(last_batch.data(), two_calls.data());
  // A string column in dictionary form (the lake's songplays) gives the bytes
  // WriteBatch() gives for it after converting it to the plain form.
  {
    Schema schema{{{"s", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional}}};
    auto dict = std::make_shared<ColumnVector>(PhysicalType::kByteArray);
    for (const char* v : {"unused", "Free", "paid", "NYC"}) dict->AppendString(v);
    ColumnVector coded(PhysicalType::kByteArray);
    coded.dictionary = dict;
    for (uint32_t i = 0; i < 500; ++i) {
      if (i % 7 == 0) {
        coded.AppendNull();
      } else {
        coded.AppendCode(1 + i % 3);
      }
    }
    StringSink batch_then_close, last;
    FileWriter a(schema, WriterOptions(), &batch_then_close);
    ASSERT_TRUE(a.WriteBatch({coded}).ok());
    ASSERT_TRUE(a.Close().ok());
    FileWriter b(schema, WriterOptions(), &last);
    ASSERT_TRUE(b.WriteLastBatch({coded}).ok());
    EXPECT_EQ(last.data(), batch_then_close.data());
  }
  // Bad input is refused as by WriteBatch().
  FileWriter w(t.schema, WriterOptions(), &last_batch);
  std::vector<ColumnVector> short_batch(t.columns.begin(), t.columns.end() - 1);
  EXPECT_FALSE(w.WriteLastBatch(short_batch).ok());
}

// The writer keeps a chunk's metadata, and a file's serialized metadata, in
// buffers of the thread that later chunks and files reuse: nothing of an
// earlier file may show in a later one.
TEST(Writer, FileBytesDoNotDependOnWhatTheThreadWroteBefore) {
  // One row with strings past the column index's 64-byte bounds, a null, and
  // a file of a few rows.
  Schema schema{{{"id", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired},
                 {"title", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional},
                 {"d", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional}}};
  std::vector<ColumnVector> one_row;
  for (const ColumnSchema& c : schema.columns) one_row.emplace_back(c.type);
  one_row[0].AppendString(std::string(70, 'x') + "\xff");
  one_row[1].AppendNull();
  one_row[2].AppendDouble(2.5);
  Table few = AllTypesTable(5, 3, 2);
  auto write_both = [&](std::string* a, std::string* b) {
    StringSink sa, sb;
    FileWriter wa(schema, WriterOptions(), &sa);
    ASSERT_TRUE(wa.WriteLastBatch(one_row).ok());
    FileWriter wb(few.schema, WriterOptions(), &sb);
    ASSERT_TRUE(wb.WriteLastBatch(few.columns).ok());
    *a = sa.Release();
    *b = sb.Release();
  };
  std::string fresh_a, fresh_b, after_a, after_b;
  std::thread([&] { write_both(&fresh_a, &fresh_b); }).join();
  std::thread([&] {
    // Before: many pages and row groups, long strings, nulls, other options,
    // and writers open at the same time.
    WriterOptions small_pages;
    small_pages.max_page_rows = 7;
    small_pages.max_row_group_rows = 300;
    Table big = AllTypesTable(2000, 5, 3);
    StringSink s1, s2, s3;
    FileWriter w1(big.schema, small_pages, &s1);
    ASSERT_TRUE(w1.WriteBatch(big.columns).ok());
    WriterOptions bare;
    bare.write_statistics = false;
    bare.write_page_index = false;
    FileWriter w2(big.schema, bare, &s2);
    ASSERT_TRUE(w2.WriteBatch(big.columns).ok());
    ASSERT_TRUE(w1.Close().ok());
    ASSERT_TRUE(w2.Close().ok());
    std::vector<ColumnVector> long_row;
    for (const ColumnSchema& c : schema.columns) long_row.emplace_back(c.type);
    long_row[0].AppendString(std::string(5000, 'y'));
    long_row[1].AppendString(std::string(300, 'z'));
    long_row[2].AppendDouble(-1);
    FileWriter w3(schema, WriterOptions(), &s3);
    ASSERT_TRUE(w3.WriteLastBatch(long_row).ok());
    write_both(&after_a, &after_b);
  }).join();
  EXPECT_EQ(after_a, fresh_a);
  EXPECT_EQ(after_b, fresh_b);
  // The footer, with each chunk's metadata serialized when the chunk was
  // written, is what serializing the parsed footer whole gives.
  for (const std::string* file : {&fresh_a, &fresh_b}) {
    uint32_t len;
    std::memcpy(&len, file->data() + file->size() - 8, 4);
    const size_t start = file->size() - 8 - len;
    format::FileMetaData md;
    ASSERT_TRUE(
        format::Parse(reinterpret_cast<const uint8_t*>(file->data()) + start, len, &md).ok());
    ASSERT_FALSE(md.row_groups.empty());
    std::string again;
    format::Serialize(md, &again);
    EXPECT_EQ(again, file->substr(start, len));
  }
}

TEST(RoundTrip, DictionaryFallsBackToPlainPastTheLimit) {
  WriterOptions o;
  o.dictionary_page_size_limit = 1000;
  Table t = AllTypesTable(5000, 6, 5, 100000);  // high cardinality
  auto bytes = WriteTable(t, o);
  ASSERT_TRUE(bytes.ok());
  auto r = OpenOrDie(*bytes);
  const auto& md = *r->metadata().row_groups[0].columns[5].meta_data;  // "name"
  EXPECT_FALSE(md.dictionary_page_offset.has_value());
  const auto& city = *r->metadata().row_groups[0].columns[6].meta_data;  // 10 distinct values
  EXPECT_TRUE(city.dictionary_page_offset.has_value());
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(CanonicalRows(*r, *cols), CanonicalRows(t));
}

// Whether column `col` of the first row group lists encoding `enc`.
bool HasEncoding(const FileReader& r, int col, int32_t enc) {
  const auto& e = r.metadata().row_groups[0].columns[col].meta_data->encodings;
  return std::find(e.begin(), e.end(), enc) != e.end();
}

// The dictionary decision for numbers, as the writer documents it: given up
// when the dictionary's PLAIN size passes the limit, when the first 2,048
// values are all distinct (and more follow), or when dictionary + indices do
// not beat PLAIN after 16,384 values or at the end (bits accumulated at both).
template <typename T>
bool ExpectDictionary(const std::vector<T>& v, size_t limit) {
  std::vector<T> seen;
  size_t plain_bits = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (std::find(seen.begin(), seen.end(), v[i]) == seen.end()) seen.push_back(v[i]);
    if (seen.size() * sizeof(T) > limit) return false;
    if (i + 1 == 2048 && seen.size() == i + 1 && i + 1 < v.size()) return false;
    if (i + 1 == 16384 || i + 1 == v.size()) {
      plain_bits += (i + 1) * sizeof(T) * 8;
      size_t width = 1;
      while ((size_t{1} << width) < seen.size()) ++width;
      if (seen.size() * sizeof(T) * 8 + (i + 1) * width >= plain_bits) return false;
    }
  }
  return v.size() > 1;
}

TEST(RoundTrip, NumberDictionaryDecisionsAroundTheLookAndProbePoints) {
  Schema schema{{{"i", PhysicalType::kInt32, LogicalType::kNone, Repetition::kRequired},
                 {"l", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired},
                 {"d", PhysicalType::kDouble, LogicalType::kNone, Repetition::kRequired}}};
  for (size_t n : {size_t{2}, size_t{3}, size_t{2047}, size_t{2048}, size_t{2049}, size_t{16384},
                   size_t{16385}, size_t{20000}}) {
    for (size_t distinct : {size_t{1}, size_t{5}, size_t{400}, size_t{1500}, size_t{2048},
                            size_t{2049}, size_t{100000}}) {
      for (size_t limit : {size_t{1} << 20, size_t{800}, size_t{12}, size_t{3}}) {
        std::vector<ColumnVector> cols;
        for (const ColumnSchema& c : schema.columns) cols.emplace_back(c.type);
        std::vector<int32_t> i32;
        std::vector<int64_t> i64;
        std::vector<double> f64;
        for (size_t r = 0; r < n; ++r) {
          const size_t k = r % distinct;
          i32.push_back(static_cast<int32_t>(k * 7));  // small: the direct table
          i64.push_back(static_cast<int64_t>(k) * 1000003 + (int64_t{1} << 40));
          f64.push_back(static_cast<double>(k) / 3);
          cols[0].AppendInt32(i32.back());
          cols[1].AppendInt64(i64.back());
          cols[2].AppendDouble(f64.back());
        }
        WriterOptions o;
        o.dictionary_page_size_limit = limit;
        StringSink sink;
        FileWriter w(schema, o, &sink);
        ASSERT_TRUE(w.WriteLastBatch(cols).ok());
        auto r = OpenOrDie(sink.data());
        ASSERT_TRUE(r);
        SCOPED_TRACE(::testing::Message()
                     << n << " rows, " << distinct << " distinct, limit " << limit);
        auto has_dict = [&](int c) {
          return r->metadata()
              .row_groups[0]
              .columns[c]
              .meta_data->dictionary_page_offset.has_value();
        };
        EXPECT_EQ(has_dict(0), ExpectDictionary(i32, limit));
        EXPECT_EQ(has_dict(1), ExpectDictionary(i64, limit));
        EXPECT_EQ(has_dict(2), ExpectDictionary(f64, limit));
      }
    }
  }
}

// Chunks that take no dictionary: integers DELTA_BINARY_PACKED when it pays
// (growing timestamps and ids) and PLAIN when the values are noise; strings
// DELTA_(LENGTH_)BYTE_ARRAY under SNAPPY; PLAIN for everything when the option is off.
TEST(RoundTrip, WithoutADictionaryDeltaEncodingsAreChosen) {
  Table t = AllTypesTable(40000, 9, 6, 100000);
  for (bool delta : {true, false}) {
    for (int version : {1, 2}) {
      const Codec codec = version == 1 ? Codec::kSnappy : Codec::kZstd;
      SCOPED_TRACE(::testing::Message() << "delta " << delta << " pages v" << version);
      WriterOptions o;
      o.enable_delta_encoding = delta;
      o.data_page_version = version;
      o.codec = codec;
      auto bytes = WriteTable(t, o);
      ASSERT_TRUE(bytes.ok());
      auto r = OpenOrDie(*bytes);
      auto has = [&](int col, int32_t enc) { return HasEncoding(*r, col, enc); };
      // "id" counts up; "ts" are random microseconds within 12 days (41-bit deltas).
      EXPECT_EQ(has(0, format::DELTA_BINARY_PACKED), delta);
      EXPECT_EQ(has(7, format::DELTA_BINARY_PACKED), delta);
      EXPECT_NE(has(7, format::PLAIN), delta);
      // "i64" is full-width noise: deltas need 64 bits, PLAIN stays.
      EXPECT_FALSE(has(2, format::DELTA_BINARY_PACKED));
      EXPECT_TRUE(has(2, format::PLAIN));
      // "i32" has 100000 distinct values in 40000 rows: no dictionary, deltas of 17 bits.
      EXPECT_EQ(has(1, format::DELTA_BINARY_PACKED), delta);
      // "name" has too many distinct values for a dictionary; "city" has 10.
      // Strings take a delta encoding only with SNAPPY or no codec: here
      // DELTA_BYTE_ARRAY, as a tenth of the names repeat the word before them.
      const bool dlba = delta && codec != Codec::kZstd;
      EXPECT_EQ(has(5, format::DELTA_BYTE_ARRAY), dlba);
      EXPECT_NE(has(5, format::PLAIN), dlba);
      EXPECT_TRUE(has(6, format::RLE_DICTIONARY));
      auto read = r->ReadAll();
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_EQ(CanonicalRows(*r, *read), CanonicalRows(t));
    }
  }
}

// Strings without a dictionary: DELTA_BYTE_ARRAY when neighbours share heads
// (ids with a common prefix, sorted paths), DELTA_LENGTH_BYTE_ARRAY when they
// do not (titles), under SNAPPY or no codec; PLAIN under ZSTD. Few distinct
// values keep their dictionary whatever their prefixes. Small pages: each page
// starts its prefixes afresh.
TEST(RoundTrip, StringEncodingFollowsTheValues) {
  Table t;
  for (const char* name : {"song_id", "path", "title", "agent"}) {
    t.schema.columns.push_back(
        {name, PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional});
    t.columns.emplace_back(PhysicalType::kByteArray);
  }
  std::mt19937_64 rng(17);
  static const char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static const char* kWords[] = {"love", "Night", "über", "Dance", "rain", "Öl", "7 days", "x"};
  for (int i = 0; i < 30000; ++i) {
    std::string id = "SO";
    for (int k = 0; k < 16; ++k) id.push_back(kAlnum[rng() % 36]);
    t.columns[0].AppendString(id);
    if (i % 7 == 3) {
      t.columns[1].AppendNull();
    } else {
      t.columns[1].AppendString("/data/songs/" + std::to_string(i / 100) + "/track-" +
                                std::to_string(i) + ".json");
    }
    std::string title = kWords[rng() % 8];
    title += " " + std::to_string(rng() % 1000000) + " " + kWords[rng() % 8];
    title[0] = static_cast<char>('A' + i % 26);  // never the previous title's first letter
    t.columns[2].AppendString(title);
    t.columns[3].AppendString("Mozilla/5.0 (agent " + std::to_string(rng() % 20) + ")");
  }
  for (Codec codec : {Codec::kSnappy, Codec::kUncompressed, Codec::kZstd}) {
    for (int version : {1, 2}) {
      SCOPED_TRACE(::testing::Message()
                   << "codec " << static_cast<int>(codec) << " pages v" << version);
      WriterOptions o;
      o.codec = codec;
      o.data_page_version = version;
      o.data_page_size = 4096;
      auto bytes = WriteTable(t, o);
      ASSERT_TRUE(bytes.ok());
      auto r = OpenOrDie(*bytes);
      auto has = [&](int col, int32_t enc) { return HasEncoding(*r, col, enc); };
      const bool delta = codec != Codec::kZstd;
      EXPECT_EQ(has(0, format::DELTA_BYTE_ARRAY), delta);
      EXPECT_EQ(has(1, format::DELTA_BYTE_ARRAY), delta);
      EXPECT_EQ(has(2, format::DELTA_LENGTH_BYTE_ARRAY), delta);
      for (int c = 0; c < 3; ++c) {
        EXPECT_NE(has(c, format::PLAIN), delta) << c;
        EXPECT_FALSE(
            r->metadata().row_groups[0].columns[c].meta_data->dictionary_page_offset.has_value())
            << c;
      }
      EXPECT_TRUE(has(3, format::RLE_DICTIONARY));
      EXPECT_FALSE(has(3, format::DELTA_BYTE_ARRAY));
      auto read = r->ReadAll();
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_EQ(CanonicalRows(*r, *read), CanonicalRows(t));
    }
  }
}

TEST(RoundTrip, DictionaryStringBoundsAreByteOrderWithSharedPrefixes) {
  // A dictionary of values sharing their first 8 bytes or not, shorter than
  // 8 bytes, with zero and high bytes: each page's bounds and the chunk's are
  // the least and greatest values in unsigned byte order.
  const std::vector<std::string> dict = {"SOAAAAAAAB",
                                         "SOAAAAAAAA",
                                         "SOAAAAAA",
                                         "SOAAAAA",
                                         std::string("SOAAAAA\0", 8),
                                         std::string("SOAAAAA\0x", 9),
                                         "SOAAAAAA\xff",
                                         "\xe6\x9d\xb1",
                                         "Z",
                                         "",
                                         "SOAAAAAAAAZ",
                                         "SOB",
                                         "SO",
                                         "ARXXXXXXXXXXXXXXXX1",
                                         "ARXXXXXXXXXXXXXXXX0"};
  Table t;
  t.schema.columns.push_back(
      {"s", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired});
  t.columns.emplace_back(PhysicalType::kByteArray);
  std::mt19937 rng(5);
  std::vector<std::string> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back(dict[rng() % dict.size()]);
  for (const std::string& v : rows) t.columns[0].AppendString(v);
  WriterOptions o;
  o.max_page_rows = 37;
  auto bytes = WriteTable(t, o);
  auto r = OpenOrDie(*bytes);
  const auto& md = *r->metadata().row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(std::find(md.encodings.begin(), md.encodings.end(), format::RLE_DICTIONARY) !=
              md.encodings.end());
  EXPECT_EQ(*md.statistics->min_value, *std::min_element(rows.begin(), rows.end()));
  EXPECT_EQ(*md.statistics->max_value, *std::max_element(rows.begin(), rows.end()));
  format::ColumnIndex ci;
  ASSERT_TRUE(r->ReadColumnIndex(0, 0, &ci).ok());
  ASSERT_EQ(ci.min_values.size(), (rows.size() + 36) / 37);
  for (size_t p = 0; p < ci.min_values.size(); ++p) {
    const auto begin = rows.begin() + p * 37;
    const auto end = rows.begin() + std::min(rows.size(), (p + 1) * 37);
    EXPECT_EQ(ci.min_values[p], *std::min_element(begin, end)) << p;
    EXPECT_EQ(ci.max_values[p], *std::max_element(begin, end)) << p;
  }
}

TEST(RoundTrip, LongStrings) {
  Table t;
  t.schema.columns.push_back(
      {"s", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional});
  t.columns.emplace_back(PhysicalType::kByteArray);
  for (int i = 0; i < 20; ++i) t.columns[0].AppendString(std::string(100000 + i, 'a' + i % 26));
  t.columns[0].AppendNull();
  ExpectRoundTrip(t, WriterOptions{});
  // Column index bounds are truncated, chunk stats of >4 KiB values left out.
  auto bytes = WriteTable(t, WriterOptions{});
  auto r = OpenOrDie(*bytes);
  format::ColumnIndex ci;
  ASSERT_TRUE(r->ReadColumnIndex(0, 0, &ci).ok());
  for (size_t p = 0; p < ci.min_values.size(); ++p) {
    if (ci.null_pages[p]) continue;
    EXPECT_LE(ci.min_values[p].size(), 64u);
    EXPECT_LE(ci.max_values[p].size(), 64u);
  }
  EXPECT_FALSE(r->metadata().row_groups[0].columns[0].meta_data->statistics->max_value);
}

TEST(RoundTrip, EmptyTableHasNoRowGroupsAndAValidSchema) {
  Table t = AllTypesTable(0, 1, 0);
  auto bytes = WriteTable(t, WriterOptions{});
  ASSERT_TRUE(bytes.ok());
  auto r = OpenOrDie(*bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->num_row_groups(), 0);
  EXPECT_EQ(r->num_rows(), 0);
  EXPECT_EQ(r->columns().size(), t.schema.columns.size());
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->size(), t.schema.columns.size());
  EXPECT_EQ((*cols)[0].size(), 0u);
}

TEST(Footer, SchemaAnnotationsCreatedByAndKeyValues) {
  WriterOptions o;
  o.key_value_metadata = {{"sparkify.table", "songs"}, {"k2", "v2"}};
  auto bytes = WriteTable(AllTypesTable(10, 1, 0), o);
  auto r = OpenOrDie(*bytes);
  const auto& m = r->metadata();
  EXPECT_EQ(m.created_by.value_or(""), CreatedBy());
  EXPECT_NE(CreatedBy().find("sparkify version "), std::string::npos);
  ASSERT_EQ(m.key_value_metadata.size(), 2u);
  EXPECT_EQ(m.key_value_metadata[0].key, "sparkify.table");
  EXPECT_EQ(m.key_value_metadata[0].value.value_or(""), "songs");
  ASSERT_EQ(m.column_orders.size(), m.schema.size() - 1);
  for (bool typed : m.column_orders) EXPECT_TRUE(typed);

  const auto& name = m.schema[6];  // "name": STRING + UTF8
  EXPECT_EQ(name.logical_type.kind, format::LogicalType::kString);
  EXPECT_EQ(name.converted_type.value_or(-1), format::UTF8);
  const auto& ts = m.schema[8];
  EXPECT_EQ(ts.logical_type.kind, format::LogicalType::kTimestamp);
  EXPECT_TRUE(ts.logical_type.is_adjusted_to_utc);
  EXPECT_EQ(ts.logical_type.unit, format::TimeUnit::kMicros);
  EXPECT_EQ(ts.converted_type.value_or(-1), format::TIMESTAMP_MICROS);
  const auto& ts_ms = m.schema[9];
  EXPECT_EQ(ts_ms.logical_type.unit, format::TimeUnit::kMillis);
  EXPECT_EQ(ts_ms.converted_type.value_or(-1), format::TIMESTAMP_MILLIS);
  EXPECT_EQ(m.schema[1].repetition_type.value_or(-1), format::REQUIRED);
  EXPECT_EQ(m.schema[2].repetition_type.value_or(-1), format::OPTIONAL);
}

TEST(Footer, StatisticsAreExact) {
  Table t = AllTypesTable(1000, 9, 4);
  auto bytes = WriteTable(t, WriterOptions{});
  auto r = OpenOrDie(*bytes);
  const auto& rg = r->metadata().row_groups[0];
  // i64 column: compute the expected min/max/nulls directly.
  const ColumnVector& c = t.columns[2];
  int64_t mn = INT64_MAX, mx = INT64_MIN, nulls = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.IsNull(i)) {
      ++nulls;
      continue;
    }
    mn = std::min(mn, c.i64[i]);
    mx = std::max(mx, c.i64[i]);
  }
  const auto& st = *rg.columns[2].meta_data->statistics;
  EXPECT_EQ(st.null_count.value_or(-1), nulls);
  EXPECT_EQ(*st.min_value, EncodeStat(mn));
  EXPECT_EQ(*st.max_value, EncodeStat(mx));
  // Strings: unsigned byte order, so "東京" (0xE6...) sorts after "Zürich".
  const ColumnVector& s = t.columns[5];
  std::string smin, smax;
  bool first = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.IsNull(i)) continue;
    std::string v(s.StringAt(i));
    if (first || v < smin) smin = v;
    if (first || v > smax) smax = v;
    first = false;
  }
  const auto& sst = *rg.columns[5].meta_data->statistics;
  EXPECT_EQ(*sst.min_value, smin);
  EXPECT_EQ(*sst.max_value, smax);
  EXPECT_FALSE(sst.min.has_value());  // no signed-order legacy stats for strings
  // Doubles: -0.0 present, so min is encoded as -0.0 only if it is the minimum; max
  // never -0.0.
  const auto& dst = *rg.columns[3].meta_data->statistics;
  double dmax;
  std::memcpy(&dmax, dst.max_value->data(), 8);
  EXPECT_EQ(dmax, 1e300);
}

// Double bounds skip NaN, keep infinities, and widen a zero bound to both zeros
// (LogicalTypes.md); a chunk of only NaNs gets no bounds.
TEST(Footer, DoubleStatisticsSkipNaNKeepInfinitiesWidenZeros) {
  auto stats_of = [](std::vector<double> values) {
    Table t;
    t.schema.columns = {{"d", PhysicalType::kDouble, LogicalType::kNone, Repetition::kRequired}};
    t.columns = {ColumnVector(PhysicalType::kDouble)};
    for (double v : values) t.columns[0].AppendDouble(v);
    auto bytes = WriteTable(t, WriterOptions{});
    EXPECT_TRUE(bytes.ok());
    auto r = OpenOrDie(*bytes);
    return *r->metadata().row_groups[0].columns[0].meta_data->statistics;
  };
  auto as_double = [](const std::optional<std::string>& s) {
    double d = 0;
    EXPECT_TRUE(s.has_value() && s->size() == 8);
    if (s) std::memcpy(&d, s->data(), 8);
    return d;
  };
  const double nan = std::nan("");
  auto st = stats_of({nan, 3.5, -INFINITY, nan, 2.0, nan});  // odd and even positions
  EXPECT_EQ(as_double(st.min_value), -INFINITY);
  EXPECT_EQ(as_double(st.max_value), 3.5);
  st = stats_of({nan, INFINITY, nan});
  EXPECT_EQ(as_double(st.min_value), INFINITY);
  EXPECT_EQ(as_double(st.max_value), INFINITY);
  st = stats_of({0.0, 0.0, 1.0});
  EXPECT_TRUE(std::signbit(as_double(st.min_value)));  // -0.0
  EXPECT_EQ(as_double(st.max_value), 1.0);
  st = stats_of({-2.0, -0.0});
  EXPECT_FALSE(std::signbit(as_double(st.max_value)));  // +0.0
  st = stats_of({nan, nan, nan});
  EXPECT_FALSE(st.min_value.has_value());
  EXPECT_FALSE(st.max_value.has_value());
}

// Pages of strings end at the first value that brings their PLAIN size to
// data_page_size (or at max_page_rows), with and without nulls (whose pages are
// cut by a different path), so the same values give the same pages.
TEST(PageIndex, StringPagesEndWhereTheirPlainSizeReachesThePageSize) {
  for (bool nulls : {false, true}) {
    for (size_t max_rows : {size_t{1} << 20, size_t{37}}) {
      SCOPED_TRACE(::testing::Message() << "nulls " << nulls << " max rows " << max_rows);
      Table t;
      t.schema.columns.push_back({"s", PhysicalType::kByteArray, LogicalType::kString,
                                  nulls ? Repetition::kOptional : Repetition::kRequired});
      t.columns.emplace_back(PhysicalType::kByteArray);
      std::mt19937_64 rng(23);
      std::vector<size_t> plain;  // PLAIN size of each row's value (0: null)
      for (int i = 0; i < 3000; ++i) {
        if (nulls && i % 10 == 7) {
          t.columns[0].AppendNull();
          plain.push_back(0);
          continue;
        }
        std::string v = std::to_string(i) + ":";  // unique: no dictionary
        v.append(rng() % 300, 'a' + i % 26);
        t.columns[0].AppendString(v);
        plain.push_back(4 + v.size());
      }
      WriterOptions o;
      o.data_page_size = 4096;
      o.max_page_rows = max_rows;
      auto bytes = WriteTable(t, o);
      ASSERT_TRUE(bytes.ok());
      auto r = OpenOrDie(*bytes);
      format::OffsetIndex oi;
      ASSERT_TRUE(r->ReadOffsetIndex(0, 0, &oi).ok());
      ASSERT_GT(oi.page_locations.size(), 10u);
      size_t expected_begin = 0;
      for (size_t p = 0; p < oi.page_locations.size(); ++p) {
        const size_t begin = static_cast<size_t>(oi.page_locations[p].first_row_index);
        ASSERT_EQ(begin, expected_begin) << "page " << p;
        // Where this page should end: the loop the writer's contract describes.
        size_t e = begin, size = 0;
        while (e < plain.size() && e - begin < max_rows && size < o.data_page_size) {
          size += plain[e++];
        }
        expected_begin = e;
      }
      EXPECT_EQ(expected_begin, plain.size());
      auto read = r->ReadAll();
      ASSERT_TRUE(read.ok());
      EXPECT_EQ(CanonicalRows(*r, *read), CanonicalRows(t));
    }
  }
}

TEST(PageIndex, OffsetIndexPointsAtPagesAndColumnIndexMatches) {
  WriterOptions o;
  o.max_page_rows = 100;
  Table t = AllTypesTable(1000, 11, 0);
  auto bytes = WriteTable(t, o);
  auto r = OpenOrDie(*bytes);
  format::OffsetIndex oi;
  format::ColumnIndex ci;
  ASSERT_TRUE(r->ReadOffsetIndex(0, 0, &oi).ok());
  ASSERT_TRUE(r->ReadColumnIndex(0, 0, &ci).ok());
  ASSERT_EQ(oi.page_locations.size(), 10u);
  ASSERT_EQ(ci.null_pages.size(), 10u);
  for (size_t p = 0; p < 10; ++p) {
    EXPECT_EQ(oi.page_locations[p].first_row_index, static_cast<int64_t>(p * 100));
    // A page header parses at each location and says DATA_PAGE with 100 rows.
    format::PageHeader h;
    size_t used;
    ASSERT_TRUE(
        format::Parse(reinterpret_cast<const uint8_t*>(bytes->data()) + oi.page_locations[p].offset,
                      oi.page_locations[p].compressed_page_size, &h, &used)
            .ok());
    EXPECT_EQ(h.type, format::DATA_PAGE);
    EXPECT_EQ(h.data_page_header->num_values, 100);
    EXPECT_EQ(used + h.compressed_page_size,
              static_cast<size_t>(oi.page_locations[p].compressed_page_size));
    // "id" is 0..999: page p holds [100p, 100p + 99].
    EXPECT_EQ(ci.min_values[p], EncodeStat(static_cast<int64_t>(p * 100)));
    EXPECT_EQ(ci.max_values[p], EncodeStat(static_cast<int64_t>(p * 100 + 99)));
    EXPECT_FALSE(ci.null_pages[p]);
  }
  EXPECT_EQ(ci.boundary_order, format::ASCENDING);
}

TEST(Reader, ProjectionAndRowGroupSkipping) {
  WriterOptions o;
  o.max_row_group_rows = 100;
  Table t = AllTypesTable(1000, 12, 0);
  auto bytes = WriteTable(t, o);
  auto r = OpenOrDie(*bytes);
  ASSERT_EQ(r->num_row_groups(), 10);
  int id = r->FindColumn("id");
  int city = r->FindColumn("city");
  ASSERT_EQ(id, 0);
  // id >= 950 only touches the last row group.
  std::vector<Predicate> preds = {{id, Predicate::kGe, EncodeStat(int64_t{950})}};
  int kept = 0;
  for (int g = 0; g < r->num_row_groups(); ++g) kept += r->RowGroupMayMatch(g, preds);
  EXPECT_EQ(kept, 1);
  auto cols = r->ReadAll({id, city}, preds);
  ASSERT_TRUE(cols.ok());
  ASSERT_EQ(cols->size(), 2u);
  ASSERT_EQ((*cols)[0].size(), 100u);
  EXPECT_EQ((*cols)[0].i64.front(), 900);
  EXPECT_EQ((*cols)[1].StringAt(0), t.columns[6].StringAt(900));
  // id == 5000 matches nothing; id < 0 nothing; id <= 0 the first group.
  EXPECT_EQ(r->ReadAll({id}, {{id, Predicate::kEq, EncodeStat(int64_t{5000})}}).value()[0].size(),
            0u);
  EXPECT_EQ(r->ReadAll({id}, {{id, Predicate::kLt, EncodeStat(int64_t{0})}}).value()[0].size(), 0u);
  EXPECT_EQ(r->ReadAll({id}, {{id, Predicate::kLe, EncodeStat(int64_t{0})}}).value()[0].size(),
            100u);
}

TEST(Writer, RejectsBadInput) {
  Schema s{{{"x", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired}}};
  StringSink sink;
  FileWriter w(s, WriterOptions{}, &sink);
  ColumnVector c(PhysicalType::kInt64);
  c.AppendInt64(1);
  c.AppendNull();
  EXPECT_TRUE(w.WriteBatch({c}).IsInvalidArgument());
  ColumnVector wrong(PhysicalType::kDouble);
  wrong.AppendDouble(1);
  EXPECT_TRUE(w.WriteBatch({wrong}).IsInvalidArgument());
  Schema bad{{{"t", PhysicalType::kInt32, LogicalType::kTimestampMicros, Repetition::kRequired}}};
  FileWriter w2(bad, WriterOptions{}, &sink);
  EXPECT_TRUE(w2.Close().IsInvalidArgument());
}

}  // namespace
}  // namespace sparkify::parquet

namespace sparkify::parquet {
namespace {

// A file as Spark 2/3 writes timestamps by default: INT96, with the legacy
// PLAIN_DICTIONARY encoding for both the dictionary and the data page. Built by
// hand from the spec's structures, since our writer does not write INT96.
TEST(Reader, SparkInt96WithPlainDictionary) {
  auto int96 = [](int32_t julian_day, int64_t nanos) {
    std::string v(12, '\0');
    std::memcpy(v.data(), &nanos, 8);
    std::memcpy(v.data() + 8, &julian_day, 4);
    return v;
  };
  std::string file = "PAR1";
  const int64_t dict_offset = static_cast<int64_t>(file.size());
  {
    std::string dict = int96(2440588, 1000) +
                       int96(2458424, 77430796000000LL);  // epoch+1us, 2018-11-01T21:30:30.796
    format::PageHeader h;
    h.type = format::DICTIONARY_PAGE;
    h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(dict.size());
    h.dictionary_page_header = format::DictionaryPageHeader{2, format::PLAIN_DICTIONARY, {}};
    format::Serialize(h, &file);
    file += dict;
  }
  const int64_t data_offset = static_cast<int64_t>(file.size());
  {
    // Rows: [1, null, 0, 1]: def levels 1,0,1,1 bit-packed (one group), indices 1,0,1 at width 1.
    std::string page;
    std::string levels = {'\x03', '\x0D'};  // header (1 group << 1) | 1, bits 1011 -> 0b1101
    uint32_t len = static_cast<uint32_t>(levels.size());
    page.append(reinterpret_cast<const char*>(&len), 4);
    page += levels;
    page += std::string{'\x01', '\x03', '\x05'};  // bit width 1; one group: bits 1,0,1 -> 0b101
    format::PageHeader h;
    h.type = format::DATA_PAGE;
    h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(page.size());
    h.data_page_header =
        format::DataPageHeader{4, format::PLAIN_DICTIONARY, format::RLE, format::RLE};
    format::Serialize(h, &file);
    file += page;
  }
  format::FileMetaData m;
  format::SchemaElement root;
  root.name = "spark_schema";
  root.num_children = 1;
  format::SchemaElement ts;
  ts.name = "ts";
  ts.type = format::INT96;
  ts.repetition_type = format::OPTIONAL;
  m.schema = {root, ts};
  m.num_rows = 4;
  format::RowGroup rg;
  rg.num_rows = 4;
  format::ColumnChunk cc;
  cc.file_offset = dict_offset;
  format::ColumnMetaData md;
  md.type = format::INT96;
  md.encodings = {format::PLAIN_DICTIONARY, format::RLE};
  md.path_in_schema = {"ts"};
  md.codec = format::UNCOMPRESSED;
  md.num_values = 4;
  md.total_compressed_size = md.total_uncompressed_size =
      static_cast<int64_t>(file.size()) - dict_offset;
  md.data_page_offset = data_offset;
  md.dictionary_page_offset = dict_offset;
  cc.meta_data = md;
  rg.columns = {cc};
  m.row_groups = {rg};
  m.created_by = "parquet-mr version 1.12.3 (build f8dced182c4c1fbdec6ccb3185537b5a01e6ed6b)";
  std::string footer;
  format::Serialize(m, &footer);
  file += footer;
  uint32_t flen = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&flen), 4);
  file += "PAR1";

  auto r = FileReader::Open("spark.parquet", file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->columns()[0].logical, LogicalType::kTimestampMicros);
  auto cols = (*r)->ReadAll();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  const ColumnVector& c = (*cols)[0];
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.type, PhysicalType::kInt64);
  EXPECT_FALSE(c.IsNull(0));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.i64[0], 1541107830796000LL);
  EXPECT_EQ(c.i64[2], 1);
  EXPECT_EQ(c.i64[3], 1541107830796000LL);
}

}  // namespace
}  // namespace sparkify::parquet
