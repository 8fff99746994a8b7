// Interop with independent Parquet implementations, both directions:
//   1. files our writer makes are read back identically by DuckDB and by
//      hyparquet (every type and codec, dictionary on/off, nulls, empty tables,
//      several row groups, long and non-ASCII strings);
//   2. files DuckDB writes (every codec, dictionary and plain, V1 and V2 pages)
//      are read identically by our reader.
// The readers run under node from tools/node_modules; CI installs them, so a
// missing node or package is a failure, not a skip.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "parquet/metadata.h"
#include "parquet/reader.h"
#include "parquet/testing.h"

namespace sparkify::parquet {
namespace {

namespace fs = std::filesystem;
using testing::AllTypesTable;
using testing::Table;

const std::string kSourceDir = SPARKIFY_SOURCE_DIR;
const std::string kScriptDir = kSourceDir + "/tests/interop";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs a shell command, returning its exit status and stdout.
int RunCommand(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  return pclose(p);
}

void RequireNodeTools() {
  std::string out;
  ASSERT_EQ(RunCommand("node --version", &out), 0)
      << "node is not installed: run scripts/install-deps.sh --test";
  ASSERT_TRUE(fs::exists(kSourceDir + "/tools/node_modules/@duckdb/node-api") &&
              fs::exists(kSourceDir + "/tools/node_modules/hyparquet") &&
              fs::exists(kSourceDir + "/tools/node_modules/hyparquet-compressors"))
      << "tools/node_modules is incomplete: run scripts/install-deps.sh --test";
}

std::string MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "sparkify-interop-XXXXXX").string();
  char* d = mkdtemp(tmpl.data());
  EXPECT_NE(d, nullptr);
  return tmpl;
}

// Splits read_parquet.mjs output into file -> canonical rows.
std::map<std::string, std::string> SplitByFile(const std::string& out) {
  std::map<std::string, std::string> m;
  std::istringstream in(out);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("== ", 0) == 0) {
      current = line.substr(3);
      m[current];
      continue;
    }
    m[current] += line + "\n";
  }
  return m;
}

// Compares line by line so a failure shows the first differing row, not megabytes.
void ExpectSameRows(const std::string& what, const std::string& expected,
                    const std::string& actual) {
  std::istringstream a(expected), b(actual);
  std::string la, lb;
  size_t line = 0;
  while (true) {
    bool ga = static_cast<bool>(std::getline(a, la));
    bool gb = static_cast<bool>(std::getline(b, lb));
    ++line;
    if (!ga && !gb) return;
    if (ga != gb || la != lb) {
      ADD_FAILURE() << what << ": first difference at line " << line
                    << "\n expected: " << (ga ? la : "<end>")
                    << "\n   actual: " << (gb ? lb : "<end>");
      return;
    }
  }
}

struct Case {
  std::string name;
  Table table;
  WriterOptions options;
  size_t batch_rows = 0;
};

std::vector<Case> WriterCases() {
  std::vector<Case> cases;
  const char* codec_names[] = {"uncompressed", "snappy", "gzip", "zstd"};
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    for (bool dict : {true, false}) {
      Case k;
      k.name = std::string(codec_names[static_cast<int>(c)]) + (dict ? "-dict" : "-plain");
      k.table = AllTypesTable(1500, 10 + static_cast<int>(c), 6);
      k.options.codec = c;
      k.options.enable_dictionary = dict;
      k.options.data_page_size = 4096;  // several pages per chunk
      cases.push_back(std::move(k));
    }
  }
  for (Codec c : {Codec::kSnappy, Codec::kZstd, Codec::kUncompressed}) {
    for (bool dict : {true, false}) {
      Case k;
      k.name =
          std::string("v2-pages-") + codec_names[static_cast<int>(c)] + (dict ? "-dict" : "-plain");
      k.table = AllTypesTable(1500, 20 + static_cast<int>(c), 3);
      k.options.codec = c;
      k.options.enable_dictionary = dict;
      k.options.data_page_version = 2;
      k.options.data_page_size = 4096;
      cases.push_back(std::move(k));
    }
  }
  {
    Case k;
    k.name = "all-null";
    k.table = AllTypesTable(300, 1, 1);
    cases.push_back(std::move(k));
  }
  {
    Case k;
    k.name = "no-null";
    k.table = AllTypesTable(300, 2, 0);
    k.options.codec = Codec::kZstd;
    k.options.zstd_level = 9;
    cases.push_back(std::move(k));
  }
  {
    Case k;
    k.name = "empty";
    k.table = AllTypesTable(0, 3, 0);
    cases.push_back(std::move(k));
  }
  {
    Case k;
    k.name = "multi-row-group";
    k.table = AllTypesTable(5000, 4, 5, 5000);
    k.options.max_row_group_rows = 1200;
    k.batch_rows = 700;
    cases.push_back(std::move(k));
  }
  for (Codec c : {Codec::kSnappy, Codec::kZstd}) {
    // DELTA_BINARY_PACKED (chosen by sample): growing timestamps with nulls, int32 counters,
    // and jumps across the whole range that only wrapping arithmetic restores;
    // DELTA_BYTE_ARRAY: unique ids sharing a head (empty, long, non-ASCII) with nulls;
    // DELTA_LENGTH_BYTE_ARRAY: unique titles that share nothing with their neighbours.
    Case k;
    k.name = std::string("delta-integers-") + codec_names[static_cast<int>(c)];
    k.table.schema.columns = {
        {"ts", PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kOptional},
        {"n", PhysicalType::kInt32, LogicalType::kNone, Repetition::kRequired},
        {"big", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired},
        {"id", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional},
        {"title", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional}};
    k.table.columns = {ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kInt32),
                       ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kByteArray),
                       ColumnVector(PhysicalType::kByteArray)};
    int64_t ts = 1541105830796000LL;
    for (int i = 0; i < 3000; ++i) {
      ts += (i * 7919) % 2000000;
      if (i % 11 == 3)
        k.table.columns[0].AppendNull();
      else
        k.table.columns[0].AppendInt64(ts);
      const int32_t n = i == 700 ? INT32_MIN : i == 701 ? INT32_MAX : 100000 + i * 3 + i % 5;
      k.table.columns[1].AppendInt32(n);
      const int64_t big = i == 1000 ? INT64_MAX : i == 1001 ? INT64_MIN : -5000000000LL + i;
      k.table.columns[2].AppendInt64(big);
      if (i % 13 == 4) {
        k.table.columns[3].AppendNull();
      } else if (i % 97 == 0) {
        k.table.columns[3].AppendString(i % 2 ? std::string(3000 + i, 'x') : std::string());
      } else {
        k.table.columns[3].AppendString("SO-Łódź-" + std::to_string(i * 7919));
      }
      if (i % 17 == 5) {
        k.table.columns[4].AppendNull();
      } else {
        // Each title starts with a different letter than the one before it.
        k.table.columns[4].AppendString(std::string(1, static_cast<char>('A' + i % 26)) +
                                        "ñ title " + std::to_string(i * 104729 % 100003));
      }
    }
    k.options.codec = c;
    k.options.data_page_size = 4096;
    cases.push_back(std::move(k));
  }
  for (Codec c : {Codec::kSnappy, Codec::kZstd}) {
    // Data that barely compresses, over several pages: random integers and
    // doubles (ZSTD stores the pages after the first in raw blocks), unique
    // hex ids (SNAPPY's lean search, carried from page to page).
    Case k;
    k.name = std::string("incompressible-") + codec_names[static_cast<int>(c)];
    k.table.schema.columns = {
        {"r", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired},
        {"d", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional},
        {"id", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired}};
    k.table.columns = {ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kDouble),
                       ColumnVector(PhysicalType::kByteArray)};
    std::mt19937_64 rng(77);
    char buf[64];
    for (int i = 0; i < 50000; ++i) {
      k.table.columns[0].AppendInt64(static_cast<int64_t>(rng()));
      if (i % 7 == 1) {
        k.table.columns[1].AppendNull();
      } else {
        k.table.columns[1].AppendDouble(static_cast<double>(rng() >> 11) * 0x1p-53 * 1e6);
      }
      const int n =
          std::snprintf(buf, sizeof(buf), "%016llX%d", static_cast<unsigned long long>(rng()), i);
      k.table.columns[2].AppendString(std::string_view(buf, n));
    }
    k.options.codec = c;
    k.options.data_page_size = 100000;
    cases.push_back(std::move(k));
  }
  {
    Case k;
    k.name = "timestamp-millis-and-long-strings";
    k.table.schema.columns = {
        {"ts", PhysicalType::kInt64, LogicalType::kTimestampMillis, Repetition::kRequired},
        {"s", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional}};
    k.table.columns = {ColumnVector(PhysicalType::kInt64), ColumnVector(PhysicalType::kByteArray)};
    for (int i = 0; i < 60; ++i) {
      k.table.columns[0].AppendInt64(1541105830796LL + i * 86400000LL);
      if (i % 9 == 0) {
        k.table.columns[1].AppendNull();
      } else {
        std::string s;
        for (int r = 0; r < 2000 + i * 100; ++r) s += (r % 3 ? "ß" : "x");
        k.table.columns[1].AppendString(s);
      }
    }
    k.options.codec = Codec::kGzip;
    cases.push_back(std::move(k));
  }
  return cases;
}

TEST(Interop, OurFilesReadIdenticallyByDuckDBAndHyparquet) {
  RequireNodeTools();
  const std::string dir = MakeTempDir();
  std::vector<Case> cases = WriterCases();
  std::map<std::string, std::string> expected;
  std::string file_args;
  for (const Case& k : cases) {
    auto bytes = testing::WriteTable(k.table, k.options, k.batch_rows);
    ASSERT_TRUE(bytes.ok()) << k.name << ": " << bytes.status().ToString();
    const std::string file = dir + "/" + k.name + ".parquet";
    std::ofstream(file, std::ios::binary) << *bytes;
    expected[file] = testing::CanonicalRows(k.table);
    file_args += " " + Quote(file);
    if (k.name.rfind("delta-", 0) == 0) {
      // The point of these cases: the integers really are DELTA_BINARY_PACKED, and the
      // strings DELTA_BYTE_ARRAY ("id") and DELTA_LENGTH_BYTE_ARRAY ("title") under SNAPPY.
      auto r = FileReader::Open(file, *bytes);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      for (const auto& cc : (*r)->metadata().row_groups[0].columns) {
        const auto& e = cc.meta_data->encodings;
        const bool strings_delta = k.options.codec == Codec::kSnappy;
        const int32_t want = cc.meta_data->type != format::BYTE_ARRAY ? format::DELTA_BINARY_PACKED
                             : !strings_delta                         ? format::PLAIN
                             : cc.meta_data->path_in_schema[0] == "id"
                                 ? format::DELTA_BYTE_ARRAY
                                 : format::DELTA_LENGTH_BYTE_ARRAY;
        EXPECT_NE(std::find(e.begin(), e.end(), want), e.end())
            << k.name << " column " << cc.meta_data->path_in_schema[0];
      }
    }
  }
  for (const char* engine : {"duckdb", "hyparquet"}) {
    std::string out;
    int rc = RunCommand(
        "node " + Quote(kScriptDir + "/read_parquet.mjs") + " " + engine + file_args, &out);
    ASSERT_EQ(rc, 0) << engine << " failed to read our files";
    auto got = SplitByFile(out);
    for (const auto& [file, rows] : expected) {
      ASSERT_TRUE(got.count(file)) << engine << " printed nothing for " << file;
      ExpectSameRows(std::string(engine) + " reading " + file, rows, got[file]);
    }
  }
  fs::remove_all(dir);
}

TEST(Interop, DuckDBFilesReadIdenticallyByOurReader) {
  RequireNodeTools();
  const std::string dir = MakeTempDir();
  std::string listing;
  ASSERT_EQ(
      RunCommand("node " + Quote(kScriptDir + "/duckdb_write.mjs") + " " + Quote(dir), &listing),
      0);
  std::vector<std::string> files;
  std::istringstream in(listing);
  std::string f;
  std::string file_args;
  while (std::getline(in, f)) {
    if (f.empty()) continue;
    files.push_back(f);
    file_args += " " + Quote(f);
  }
  ASSERT_GE(files.size(), 16u);
  std::string out;
  ASSERT_EQ(
      RunCommand("node " + Quote(kScriptDir + "/read_parquet.mjs") + " duckdb" + file_args, &out),
      0);
  auto expected = SplitByFile(out);

  std::set<int32_t> encodings;
  std::set<int32_t> page_types;
  std::set<int32_t> codecs;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    auto r = FileReader::OpenFile(file);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto cols = (*r)->ReadAll();
    ASSERT_TRUE(cols.ok()) << cols.status().ToString();
    ExpectSameRows("our reader on " + file, expected[file], testing::CanonicalRows(**r, *cols));
    for (const auto& rg : (*r)->metadata().row_groups) {
      for (const auto& cc : rg.columns) {
        for (int32_t e : cc.meta_data->encodings) encodings.insert(e);
        codecs.insert(cc.meta_data->codec);
        // Walk the page headers: DuckDB writes no encoding_stats.
        const auto& md = *cc.meta_data;
        std::ifstream in(file, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        size_t pos = static_cast<size_t>(md.dictionary_page_offset.value_or(md.data_page_offset));
        const size_t end = pos + static_cast<size_t>(md.total_compressed_size);
        while (pos < end) {
          format::PageHeader h;
          size_t used;
          ASSERT_TRUE(format::Parse(reinterpret_cast<const uint8_t*>(bytes.data()) + pos, end - pos,
                                    &h, &used)
                          .ok());
          page_types.insert(h.type);
          if (h.data_page_header) encodings.insert(h.data_page_header->encoding);
          if (h.data_page_header_v2) encodings.insert(h.data_page_header_v2->encoding);
          pos += used + static_cast<size_t>(h.compressed_page_size);
        }
      }
    }
  }
  // What the files exercised (so the test keeps testing what it claims).
  for (int32_t e : {format::PLAIN, format::RLE_DICTIONARY, format::DELTA_BINARY_PACKED,
                    format::DELTA_LENGTH_BYTE_ARRAY, format::BYTE_STREAM_SPLIT}) {
    EXPECT_TRUE(encodings.count(e)) << format::EncodingName(e) << " not exercised";
  }
  EXPECT_TRUE(page_types.count(format::DATA_PAGE));
  // DuckDB writes V1 pages even with PARQUET_VERSION V2; our reader's V2 page
  // path is checked against files our writer makes with data_page_version = 2,
  // which DuckDB and hyparquet read in the other test.
  EXPECT_EQ(codecs.size(), 4u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sparkify::parquet
