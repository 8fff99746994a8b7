#include "lake/commit/manifest.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace sparkify::lake::commit {
namespace {

TEST(ManifestTest, EncodeDecodeRoundTrips) {
  Manifest m;
  m.seq = 42;
  m.run_id = "20260101T000000Z-1-abcd";
  m.previous = "_sparkify/manifests/v0000000041-x.json";
  m.tables["songs"] = {"r1",
                       {"year=1969/artist_id=A%2FB/part-r1-0.parquet", "year=1970/p.parquet"}};
  m.tables["users"] = {"r0", {}};
  m.run_files = {"_rejects/part-0.jsonl"};
  m.summary_json = "{\"rows\": {\"songs\": 2}}\n";
  m.state = std::string("quote\" backslash\\ tab\t ctl\x01 utf8 \xc3\xa9", 33);
  Manifest back;
  ASSERT_TRUE(Manifest::Decode(m.Encode(), &back).ok());
  EXPECT_EQ(back.seq, 42u);
  EXPECT_EQ(back.run_id, m.run_id);
  EXPECT_EQ(back.previous, m.previous);
  ASSERT_EQ(back.tables.size(), 2u);
  EXPECT_EQ(back.tables["songs"].version_run, "r1");
  EXPECT_EQ(back.tables["songs"].files, m.tables["songs"].files);
  EXPECT_TRUE(back.tables["users"].files.empty());
  EXPECT_EQ(back.run_files, m.run_files);
  EXPECT_EQ(back.summary_json, m.summary_json);
  EXPECT_EQ(back.state, m.state);
}

// Every byte that needs an escape is found wherever it falls in the 8-byte
// words the escaping skips at once, among bytes that do not (UTF-8, DEL).
TEST(ManifestTest, JsonEscapeFindsEscapesAtEveryPosition) {
  const std::string fillers[] = {"a", "\x7f", "\xc3", " "};
  const std::pair<char, std::string> escapes[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}};
  for (const std::string& filler : fillers) {
    for (const auto& [c, escaped] : escapes) {
      for (size_t len = 1; len <= 20; ++len) {
        for (size_t pos = 0; pos < len; ++pos) {
          std::string in, want;
          for (size_t i = 0; i < len; ++i) {
            in += i == pos ? std::string(1, c) : filler;
            want += i == pos ? escaped : filler;
          }
          EXPECT_EQ(JsonEscape(in), want) << "length " << len << " position " << pos;
        }
      }
    }
  }
}

// JSON (RFC 8259) escapes: quote, backslash and control characters only;
// plain runs, bytes >= 0x80 and DEL pass through.
TEST(ManifestTest, JsonEscapeEscapesWhatJsonRequires) {
  EXPECT_EQ(JsonEscape(""), "");
  EXPECT_EQ(JsonEscape("year=1969/part-0.parquet"), "year=1969/part-0.parquet");
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\re\tf"), "a\\\"b\\\\c\\nd\\re\\tf");
  EXPECT_EQ(JsonEscape(std::string("\x01x\x1f\x7f\xc3\xa9\"", 7)),
            "\\u0001x\\u001f\x7f\xc3\xa9\\\"");
}

TEST(ManifestTest, PathsSortBySequence) {
  Manifest a, b;
  a.seq = 9;
  b.seq = 10;
  a.run_id = "z";
  b.run_id = "a";
  EXPECT_LT(a.Path(), b.Path());
  EXPECT_TRUE(a.Path().starts_with(kManifestDir));
}

TEST(ManifestTest, RejectsDamagedManifests) {
  Manifest m;
  EXPECT_TRUE(Manifest::Decode("{\"format\":1,\"seq\":1", &m).IsCorruption());
  EXPECT_TRUE(Manifest::Decode("{\"format\":99}", &m).IsCorruption());
  EXPECT_TRUE(Manifest::Decode("{\"format\":1,\"seq\":1,\"run_id\":\"r\"}", &m).IsCorruption());
}

}  // namespace
}  // namespace sparkify::lake::commit
