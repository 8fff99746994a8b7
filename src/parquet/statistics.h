// Min/max statistics in their Parquet form: PLAIN-encoded values without a
// length prefix (numbers little-endian, strings as raw bytes compared as
// unsigned bytes, booleans one byte), as column_orders TypeDefinedOrder says.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parquet/column_vector.h"

namespace sparkify::parquet {

// <0, 0, >0 as a is less than, equal to or greater than b in the type's order.
// Malformed (wrong-length) values compare as equal.
int CompareStatValues(PhysicalType type, std::string_view a, std::string_view b);

// Encodes one value as a statistic.
std::string EncodeStat(int32_t v);
std::string EncodeStat(int64_t v);
std::string EncodeStat(double v);
std::string EncodeStat(bool v);

// Shortened bounds for the column index (long strings would bloat it): a
// prefix is a valid lower bound; an upper bound is a prefix whose last byte is
// incremented. Values no longer than max_len come back unchanged.
std::string TruncateLowerBound(std::string_view v, size_t max_len);
std::string TruncateUpperBound(std::string_view v, size_t max_len);

}  // namespace sparkify::parquet
