#include "json/text_repair.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::json {
namespace {

std::string Repair(std::string_view s) {
  std::string out;
  return RepairDoubleEncoding(s, &out) ? out : std::string(s);
}

TEST(TextRepair, UndoesDoubleEncodingUntilStable) {
  // "Björk" encoded once too many: "BjÃ¶rk".
  EXPECT_EQ(Repair("Bj\xC3\x83\xC2\xB6rk"), "Bj\xC3\xB6rk");
  // Twice too many, as in the logs: "Bj\u00c3\u0083\u00c2\u00b6rk".
  EXPECT_EQ(Repair("Bj\xC3\x83\xC2\x83\xC3\x82\xC2\xB6rk"), "Bj\xC3\xB6rk");
  EXPECT_EQ(Repair("Beyonc\xC3\x83\xC2\xA9"), "Beyonc\xC3\xA9");
  // Three rounds: é -> Ã© -> ÃƒÂ© -> ...
  std::string e = "\xC3\xA9";
  std::string twice;
  for (unsigned char c : e) twice += (c < 0xC0 ? "\xC2" : "\xC3"), twice += char(0x80 | (c & 0x3F));
  std::string thrice;
  for (unsigned char c : twice)
    thrice += (c < 0xC0 ? "\xC2" : "\xC3"), thrice += char(0x80 | (c & 0x3F));
  EXPECT_EQ(Repair(thrice), e);
}

TEST(TextRepair, LeavesCorrectTextAlone) {
  std::string out = "untouched";
  EXPECT_FALSE(RepairDoubleEncoding("Bj\xC3\xB6rk", &out));  // F6 alone is not UTF-8
  EXPECT_EQ(out, "untouched");
  EXPECT_FALSE(RepairDoubleEncoding("plain ascii", &out));
  EXPECT_FALSE(RepairDoubleEncoding("\xE6\x97\xA5\xE6\x9C\xAC", &out));  // 日本: above U+00FF
  EXPECT_FALSE(RepairDoubleEncoding("", &out));
  // A lone "Ã" (C3 83 -> byte C3) would be a truncated sequence: not repaired.
  EXPECT_FALSE(RepairDoubleEncoding("A\xC3\x83", &out));
}

TEST(TextRepair, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("h\xC3\xA9llo \xF0\x9F\x8E\xB5"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(SanitizeUtf8("a\xFFz"), "a\xEF\xBF\xBDz");
}

TEST(TextRepair, TruncateKeepsWholeSequences) {
  EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 3), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 4), "ab\xC3\xA9");
  EXPECT_EQ(TruncateUtf8("abcdef", 2), "ab");
}

// The memo gives what RepairDoubleEncoding gives, for texts seen again,
// texts that share a slot or their first and last bytes, and texts too long
// for it, however they are interleaved.
TEST(RepairMemo, GivesWhatTheRepairGives) {
  std::vector<std::string> texts = {
      "", "a", "Bj\xC3\xB6rk", "Bj\xC3\x83\xC2\xB6rk", "Bj\xC3\x83\xC2\x83\xC3\x82\xC2\xB6rk",
      "Beyonc\xC3\x83\xC2\xA9", "Beyonc\xC3\xA9", "Bj\xF6rk", "plain ascii text",
      // Same length, first and last 8 bytes: the same hash, different texts.
      "Bj\xC3\x83\xC2\xB6rk and Bj\xC3\x83\xC2\xB6rk",
      "Bj\xC3\x83\xC2\xB6rk und Bj\xC3\x83\xC2\xB6rk", std::string(300, 'x') + "\xC3\x83\xC2\xA9",
      std::string(300, 'y')};
  for (int i = 0; i < 600; ++i) {  // more texts than slots: entries get replaced
    texts.push_back("Caf\xC3\x83\xC2\xA9 " + std::to_string(i));
  }
  RepairMemo memo;
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < texts.size(); ++i) {
      const std::string& t = texts[(i * 7 + round) % texts.size()];
      EXPECT_EQ(memo.Repair(t), Repair(t)) << t;
    }
  }
}

}  // namespace
}  // namespace sparkify::json
