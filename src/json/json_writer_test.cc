#include "json/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace sparkify::json {
namespace {

TEST(JsonWriter, QuotedStringsRoundTripThroughAParser) {
  std::string input = "a\"b\\c\nd\te\x01 \xC3\xA9 \xFF";
  std::string out;
  AppendQuoted(&out, input);
  simdjson::dom::parser parser;
  std::string_view parsed;
  ASSERT_EQ(parser.parse(out).get_string().get(parsed), simdjson::SUCCESS);
  EXPECT_EQ(parsed, "a\"b\\c\nd\te\x01 \xC3\xA9 \xEF\xBF\xBD");
}

TEST(JsonWriter, Doubles) {
  std::string out;
  AppendDouble(&out, 4.6);
  out += ',';
  AppendDouble(&out, 0.0 / 0.0);
  EXPECT_EQ(out, "4.6,null");
}

}  // namespace
}  // namespace sparkify::json
