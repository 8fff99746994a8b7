// Typed reads of simdjson On-Demand values, with the leniency the input data
// needs (see SPEC.md "Real quirks"): text that arrives as a number keeps the
// number's source text, ids that arrive as numeric strings are numbers, and
// null, "" and a missing key all mean "no value".
//
// Each reader consumes the value (On-Demand values are read once) and returns
// a ReadStatus; kWrongType and kInvalid tell the caller to reject the record.
// Strings returned as views stay valid until the parser parses the next
// document.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

namespace sparkify::json {

enum class ReadStatus {
  kValue,      // a value was read into *out
  kNull,       // null, "" (or, for numbers, an empty string): no value
  kWrongType,  // an object or array where a scalar was expected, a string where a number was
  kInvalid,    // malformed JSON, or a number out of range / not of the required kind
};

// Text: a string (unescaped), or a number or boolean as its source text.
ReadStatus ReadText(simdjson::ondemand::value value, std::string_view* out);

// Integer: a JSON integer, a float with an integral value, or (when
// `allow_numeric_string`) a string holding such a number.
ReadStatus ReadInt64(simdjson::ondemand::value value, bool allow_numeric_string, int64_t* out);

// Floating point: a JSON number, or a string holding one.
ReadStatus ReadDouble(simdjson::ondemand::value value, double* out);

// Reads a value of any type to its end, so that malformed JSON in fields the
// caller does not use is still found. kInvalid when it is malformed.
ReadStatus SkipValue(simdjson::ondemand::value value);

// Parses the whole of `text` (surrounding spaces allowed) as a number.
bool ParseInt64Text(std::string_view text, int64_t* out);
bool ParseDoubleText(std::string_view text, double* out);

}  // namespace sparkify::json
