// Value decoders for data and dictionary pages (Encodings.md). Each decodes
// exactly `count` values from a bounded buffer into a ColumnVector of the
// reader's output type, appending; any shortfall or inconsistency is
// Corruption. The writer's encoders live with their callers (PLAIN in
// column_writer.cc, RLE in rle_bitpacked.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "parquet/column_vector.h"

namespace sparkify::parquet {

// How a Parquet physical type is stored in a ColumnVector by the reader.
struct ValueType {
  int32_t physical = 0;     // format::Type
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
};

// INT96 (nanoseconds of day, Julian day) to microseconds since the epoch.
int64_t Int96ToMicros(const uint8_t* p);

// PLAIN. *consumed receives the bytes used.
Status DecodePlain(ValueType type, const uint8_t* data, size_t size, size_t count,
                   ColumnVector* out, size_t* consumed = nullptr);

// RLE for booleans (4-byte length prefix, then the hybrid with bit width 1).
Status DecodeRleBooleans(const uint8_t* data, size_t size, size_t count, ColumnVector* out);

// DELTA_BINARY_PACKED into 64-bit values. *consumed: bytes used by the stream.
Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count,
                               std::vector<int64_t>* out, size_t* consumed);
Status DecodeDeltaBinaryPacked(ValueType type, const uint8_t* data, size_t size, size_t count,
                               ColumnVector* out);
Status DecodeDeltaLengthByteArray(const uint8_t* data, size_t size, size_t count,
                                  ColumnVector* out);
Status DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t count, ColumnVector* out);
Status DecodeByteStreamSplit(ValueType type, const uint8_t* data, size_t size, size_t count,
                             ColumnVector* out);

// Dictionary indices (a bit-width byte, then the hybrid): appends dict[index]
// for each of `count` values.
Status DecodeDictionaryIndices(const ColumnVector& dict, const uint8_t* data, size_t size,
                               size_t count, ColumnVector* out);

}  // namespace sparkify::parquet
