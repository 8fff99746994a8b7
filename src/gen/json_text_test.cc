#include "gen/json_text.h"

#include <gtest/gtest.h>

namespace sparkify::gen {
namespace {

std::string Json(std::string_view text, JsonStyle style) {
  std::string out;
  AppendJsonString(out, text, style);
  return out;
}

TEST(JsonTextTest, DoubleEncodingMatchesTheRealLogs) {
  // The real sample has "Bj\u00c3\u0083\u00c2\u00b6rk" for Björk.
  EXPECT_EQ(Json(DoubleEncode("Björk"), JsonStyle::kJava), "\"Bj\\u00c3\\u0083\\u00c2\\u00b6rk\"");
  EXPECT_EQ(MisreadAsLatin1("ö"), "Ã¶");
  EXPECT_EQ(DoubleEncode("plain"), "plain");
}

TEST(JsonTextTest, StylesEscapeLikeTheirSources) {
  EXPECT_EQ(Json("AC/DC \"live\"", JsonStyle::kJava), "\"AC\\/DC \\\"live\\\"\"");
  EXPECT_EQ(Json("AC/DC", JsonStyle::kPython), "\"AC/DC\"");
  EXPECT_EQ(Json("Santafè", JsonStyle::kPython), "\"Santaf\\u00e8\"");
  EXPECT_EQ(Json("東", JsonStyle::kPython), "\"\\u6771\"");
  EXPECT_EQ(Json("\xF0\x9F\x8E\xB5", JsonStyle::kPython), "\"\\ud83c\\udfb5\"");  // surrogates
}

TEST(JsonTextTest, Fixed5PrintsLikePython) {
  auto f = [](int64_t v) {
    std::string s;
    AppendFixed5(s, v);
    return s;
  };
  EXPECT_EQ(f(21893179), "218.93179");
  EXPECT_EQ(f(30738240), "307.3824");
  EXPECT_EQ(f(30000000), "300.0");
  EXPECT_EQ(f(-7702900), "-77.029");
  EXPECT_EQ(f(-5), "-0.00005");
}

}  // namespace
}  // namespace sparkify::gen
