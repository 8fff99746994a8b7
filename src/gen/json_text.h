// Text helpers that give the generated files the exact look of the real ones:
// the Million Song Dataset files are Python `json.dumps` output (ASCII only,
// non-ASCII as \uXXXX); eventsim logs come from a Java serializer that also
// escapes '/' as "\/" and whose text was often double-encoded on the way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sparkify::gen {

enum class JsonStyle {
  kPython,  // json.dumps(ensure_ascii=True): non-ASCII as \uXXXX
  kJava,    // as kPython, and '/' written as "\/"
};

// Appends `utf8` as a quoted JSON string. Invalid UTF-8 bytes are written as
// the Latin-1 code point of the byte (they never occur in our own pools).
void AppendJsonString(std::string& out, std::string_view utf8, JsonStyle style);

// Reads UTF-8 as if it were Latin-1 and encodes the result as UTF-8 again:
// what a system does when it mistakes UTF-8 bytes for Latin-1 ("ö" -> "Ã¶").
std::string MisreadAsLatin1(std::string_view utf8);
// MisreadAsLatin1 applied twice: "Björk" -> "Bj\u00c3\u0083\u00c2\u00b6rk" once escaped.
std::string DoubleEncode(std::string_view utf8);

bool IsAscii(std::string_view text);

// Appends value / 10^5 with up to five decimals and no trailing zeros, but at least
// one decimal, as Python prints such floats: 21893179 -> "218.93179", 30000000 -> "300.0".
void AppendFixed5(std::string& out, int64_t value_e5);

void AppendInt(std::string& out, int64_t value);

}  // namespace sparkify::gen
