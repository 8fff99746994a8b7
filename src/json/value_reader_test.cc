#include "json/value_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace sparkify::json {
namespace {

namespace od = simdjson::ondemand;

// Parses {"v": <value_json>} and applies `read` to the value.
template <typename F>
ReadStatus WithValue(const std::string& value_json, F read) {
  static od::parser parser;
  simdjson::padded_string doc("{\"v\":" + value_json + "}");
  od::document d;
  EXPECT_EQ(parser.iterate(doc).get(d), simdjson::SUCCESS);
  od::object obj;
  if (d.get_object().get(obj)) return ReadStatus::kInvalid;
  for (auto field : obj) {
    od::value v;
    if (field.value().get(v)) return ReadStatus::kInvalid;
    return read(v);
  }
  return ReadStatus::kInvalid;
}

TEST(ValueReader, TextKeepsNumberSourceText) {
  std::string got;
  auto text = [&](const std::string& json) {
    return WithValue(json, [&](od::value v) {
      std::string_view s;
      ReadStatus st = ReadText(v, &s);
      got = std::string(s);
      return st;
    });
  };
  EXPECT_EQ(text("\"Setanta matins\""), ReadStatus::kValue);
  EXPECT_EQ(got, "Setanta matins");
  EXPECT_EQ(text("66"), ReadStatus::kValue);
  EXPECT_EQ(got, "66");
  EXPECT_EQ(text("4.6 "), ReadStatus::kValue);
  EXPECT_EQ(got, "4.6");
  EXPECT_EQ(text("1e3"), ReadStatus::kValue);
  EXPECT_EQ(got, "1e3");
  EXPECT_EQ(text("true"), ReadStatus::kValue);
  EXPECT_EQ(got, "true");
  EXPECT_EQ(text("\"Bj\\u00f6rk\""), ReadStatus::kValue);
  EXPECT_EQ(got, "Bj\xC3\xB6rk");
  EXPECT_EQ(text("null"), ReadStatus::kNull);
  EXPECT_EQ(text("\"\""), ReadStatus::kNull);
  EXPECT_EQ(text("{\"x\":1}"), ReadStatus::kWrongType);
  EXPECT_EQ(text("[1]"), ReadStatus::kWrongType);
  EXPECT_EQ(text("tru"), ReadStatus::kInvalid);
}

TEST(ValueReader, IntegersFromNumbersAndNumericStrings) {
  int64_t got = 0;
  auto integer = [&](const std::string& json, bool allow_string = true) {
    return WithValue(json, [&](od::value v) { return ReadInt64(v, allow_string, &got); });
  };
  EXPECT_EQ(integer("1541105830796"), ReadStatus::kValue);
  EXPECT_EQ(got, 1541105830796);
  EXPECT_EQ(integer("\"39\""), ReadStatus::kValue);
  EXPECT_EQ(got, 39);
  EXPECT_EQ(integer("\" 7 \""), ReadStatus::kValue);
  EXPECT_EQ(got, 7);
  EXPECT_EQ(integer("12.0"), ReadStatus::kValue);
  EXPECT_EQ(got, 12);
  EXPECT_EQ(integer("-3"), ReadStatus::kValue);
  EXPECT_EQ(got, -3);
  EXPECT_EQ(integer("12.5"), ReadStatus::kInvalid);
  EXPECT_EQ(integer("\"abc\""), ReadStatus::kInvalid);
  EXPECT_EQ(integer("\"39\"", false), ReadStatus::kWrongType);
  EXPECT_EQ(integer("\"\""), ReadStatus::kNull);
  EXPECT_EQ(integer("null"), ReadStatus::kNull);
  EXPECT_EQ(integer("18446744073709551615"), ReadStatus::kInvalid);
  EXPECT_EQ(integer("true"), ReadStatus::kWrongType);
}

TEST(ValueReader, Doubles) {
  double got = 0;
  auto number = [&](const std::string& json) {
    return WithValue(json, [&](od::value v) { return ReadDouble(v, &got); });
  };
  EXPECT_EQ(number("269.58322"), ReadStatus::kValue);
  EXPECT_DOUBLE_EQ(got, 269.58322);
  EXPECT_EQ(number("\"1.5\""), ReadStatus::kValue);
  EXPECT_DOUBLE_EQ(got, 1.5);
  EXPECT_EQ(number("null"), ReadStatus::kNull);
  EXPECT_EQ(number("\"x\""), ReadStatus::kInvalid);
  EXPECT_EQ(number("[]"), ReadStatus::kWrongType);
}

TEST(ValueReader, SkipFindsMalformedNestedValues) {
  EXPECT_EQ(WithValue("{\"a\":[1,2,{\"b\":null}]}", SkipValue), ReadStatus::kValue);
  EXPECT_EQ(WithValue("[1,tru]", SkipValue), ReadStatus::kInvalid);
}

}  // namespace
}  // namespace sparkify::json
