// `sparkify inspect` on files of ours and DuckDB's: the schema, row groups,
// encodings, codecs, statistics and --rows output a person relies on.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "parquet/testing.h"

namespace sparkify::parquet {
namespace {

int RunCommand(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "sparkify-inspect-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(InspectTest, PrintsSchemaRowGroupsStatisticsAndRows) {
  Schema schema{{{"song_id", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired},
                 {"ts", PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kOptional},
                 {"duration", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional}}};
  testing::Table t;
  t.schema = schema;
  t.columns = {ColumnVector(PhysicalType::kByteArray), ColumnVector(PhysicalType::kInt64),
               ColumnVector(PhysicalType::kDouble)};
  for (int i = 0; i < 10; ++i) {
    t.columns[0].AppendString("SOÜ" + std::to_string(100 + i % 3));  // repeats: dictionary
    if (i == 3)
      t.columns[1].AppendNull();
    else
      t.columns[1].AppendInt64(1541105830796000LL + i);
    t.columns[2].AppendDouble(200.5 + i);
  }
  WriterOptions o;
  o.codec = Codec::kZstd;
  o.max_row_group_rows = 6;
  o.key_value_metadata = {{"sparkify.table", "songs"}};
  auto bytes = testing::WriteTable(t, o);
  ASSERT_TRUE(bytes.ok());
  const std::string file = dir_ + "/songs.parquet";
  std::ofstream(file, std::ios::binary) << *bytes;

  std::string out;
  ASSERT_EQ(RunCommand(std::string(SPARKIFY_BINARY) + " inspect '" + file + "' --rows 5", &out), 0)
      << out;
  for (const char* want :
       {"rows:        10", "row groups:  2", "song_id", "BYTE_ARRAY REQUIRED STRING",
        "INT64 OPTIONAL TIMESTAMP(MICROS, UTC)", "ZSTD", "RLE_DICTIONARY", "sparkify.table = songs",
        "min=\"SOÜ100\"", "max=\"SOÜ102\"", "nulls=1", "min=2018-11-01T20:57:10.796000Z",
        "first 5 rows:", "ts: null", "duration: 204.5", "[page index]"}) {
    EXPECT_NE(out.find(want), std::string::npos) << "missing '" << want << "' in:\n" << out;
  }
  // Exactly 5 rows printed.
  size_t rows = 0;
  for (size_t p = out.find("\n  {song_id"); p != std::string::npos;
       p = out.find("\n  {song_id", p + 1))
    ++rows;
  EXPECT_EQ(rows, 5u);
}

TEST_F(InspectTest, CorruptFileFailsWithTheReasonAndExitCode1) {
  const std::string file = dir_ + "/bad.parquet";
  std::ofstream(file, std::ios::binary) << "PAR1 this is not parquet";
  std::string out;
  EXPECT_EQ(RunCommand(std::string(SPARKIFY_BINARY) + " inspect '" + file + "' 2>&1", &out), 1);
  EXPECT_NE(out.find("Corruption"), std::string::npos) << out;
  EXPECT_NE(out.find("bad.parquet"), std::string::npos) << out;
}

}  // namespace
}  // namespace sparkify::parquet
