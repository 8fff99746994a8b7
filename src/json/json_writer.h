// Small helpers to write JSON text (run summaries, reject records) without a
// library: the outputs are flat and their shape is fixed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sparkify::json {

// Appends `text` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD so
// the output is always valid JSON.
void AppendQuoted(std::string* out, std::string_view text);

// Appends a double in its shortest round-trip form ("null" for NaN/inf).
void AppendDouble(std::string* out, double value);

}  // namespace sparkify::json
