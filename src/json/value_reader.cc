#include "json/value_reader.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace sparkify::json {

namespace od = simdjson::ondemand;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// 2^63 as a double: doubles at or above it do not fit an int64.
constexpr double kTwoPow63 = 9223372036854775808.0;

bool IntegralDouble(double d, int64_t* out) {
  if (!std::isfinite(d) || d != std::floor(d) || d >= kTwoPow63 || d < -kTwoPow63) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

}  // namespace

bool ParseInt64Text(std::string_view text, int64_t* out) {
  text = Trim(text);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc() && ptr == text.data() + text.size()) return true;
  double d;
  return ParseDoubleText(text, &d) && IntegralDouble(d, out);
}

bool ParseDoubleText(std::string_view text, double* out) {
  text = Trim(text);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
}

ReadStatus ReadText(od::value value, std::string_view* out) {
  od::json_type type;
  if (value.type().get(type)) return ReadStatus::kInvalid;
  switch (type) {
    case od::json_type::string: {
      if (value.get_string().get(*out)) return ReadStatus::kInvalid;
      return out->empty() ? ReadStatus::kNull : ReadStatus::kValue;
    }
    case od::json_type::number: {
      // Validate the number, then keep its text as written ("4.6" stays "4.6").
      std::string_view raw = Trim(value.raw_json_token());
      od::number number;
      if (value.get_number().get(number)) return ReadStatus::kInvalid;
      *out = raw;
      return ReadStatus::kValue;
    }
    case od::json_type::boolean: {
      bool b;
      if (value.get_bool().get(b)) return ReadStatus::kInvalid;
      *out = b ? "true" : "false";
      return ReadStatus::kValue;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return ReadStatus::kInvalid;
      return ReadStatus::kNull;
    }
    default:
      return SkipValue(value) == ReadStatus::kInvalid ? ReadStatus::kInvalid
                                                      : ReadStatus::kWrongType;
  }
}

ReadStatus ReadInt64(od::value value, bool allow_numeric_string, int64_t* out) {
  od::json_type type;
  if (value.type().get(type)) return ReadStatus::kInvalid;
  switch (type) {
    case od::json_type::number: {
      od::number_type nt;
      if (value.get_number_type().get(nt)) return ReadStatus::kInvalid;
      if (nt == od::number_type::signed_integer) {
        if (value.get_int64().get(*out)) return ReadStatus::kInvalid;
        return ReadStatus::kValue;
      }
      if (nt == od::number_type::unsigned_integer) {
        (void)value.get_uint64();
        return ReadStatus::kInvalid;  // above INT64_MAX
      }
      double d;
      if (value.get_double().get(d)) return ReadStatus::kInvalid;
      return IntegralDouble(d, out) ? ReadStatus::kValue : ReadStatus::kInvalid;
    }
    case od::json_type::string: {
      std::string_view s;
      if (value.get_string().get(s)) return ReadStatus::kInvalid;
      if (Trim(s).empty()) return ReadStatus::kNull;
      if (!allow_numeric_string) return ReadStatus::kWrongType;
      return ParseInt64Text(s, out) ? ReadStatus::kValue : ReadStatus::kInvalid;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return ReadStatus::kInvalid;
      return ReadStatus::kNull;
    }
    default:
      return SkipValue(value) == ReadStatus::kInvalid ? ReadStatus::kInvalid
                                                      : ReadStatus::kWrongType;
  }
}

ReadStatus ReadDouble(od::value value, double* out) {
  od::json_type type;
  if (value.type().get(type)) return ReadStatus::kInvalid;
  switch (type) {
    case od::json_type::number:
      if (value.get_double().get(*out)) return ReadStatus::kInvalid;
      return ReadStatus::kValue;
    case od::json_type::string: {
      std::string_view s;
      if (value.get_string().get(s)) return ReadStatus::kInvalid;
      if (Trim(s).empty()) return ReadStatus::kNull;
      return ParseDoubleText(s, out) ? ReadStatus::kValue : ReadStatus::kInvalid;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return ReadStatus::kInvalid;
      return ReadStatus::kNull;
    }
    default:
      return SkipValue(value) == ReadStatus::kInvalid ? ReadStatus::kInvalid
                                                      : ReadStatus::kWrongType;
  }
}

ReadStatus SkipValue(od::value value) {
  od::json_type type;
  if (value.type().get(type)) return ReadStatus::kInvalid;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (value.get_object().get(object)) return ReadStatus::kInvalid;
      for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return ReadStatus::kInvalid;
        if (SkipValue(field.value()) == ReadStatus::kInvalid) return ReadStatus::kInvalid;
      }
      return ReadStatus::kValue;
    }
    case od::json_type::array: {
      od::array array;
      if (value.get_array().get(array)) return ReadStatus::kInvalid;
      for (auto element : array) {
        od::value v;
        if (element.get(v)) return ReadStatus::kInvalid;
        if (SkipValue(v) == ReadStatus::kInvalid) return ReadStatus::kInvalid;
      }
      return ReadStatus::kValue;
    }
    case od::json_type::string: {
      std::string_view s;
      return value.get_string().get(s) ? ReadStatus::kInvalid : ReadStatus::kValue;
    }
    case od::json_type::number: {
      od::number number;
      return value.get_number().get(number) ? ReadStatus::kInvalid : ReadStatus::kValue;
    }
    case od::json_type::boolean: {
      bool b;
      return value.get_bool().get(b) ? ReadStatus::kInvalid : ReadStatus::kValue;
    }
    case od::json_type::null: {
      bool is_null = false;
      return value.is_null().get(is_null) || !is_null ? ReadStatus::kInvalid : ReadStatus::kNull;
    }
  }
  return ReadStatus::kInvalid;
}

}  // namespace sparkify::json
