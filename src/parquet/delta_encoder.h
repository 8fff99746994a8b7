// DELTA_BINARY_PACKED encoder for INT32 and INT64 pages (Encodings.md):
//   header := varint(block size) varint(miniblocks per block) varint(total values)
//             zigzag varint(first value)
//   block  := zigzag varint(min delta) one bit-width byte per miniblock, miniblocks
// Each miniblock holds (delta - min delta) bit-packed LSB first. Deltas wrap in
// the column's width (two's complement), as the spec allows.
//
// Why: timestamps and ids grow by small steps, so their deltas need a third or
// less of PLAIN's bits; the codec then compresses far fewer bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sparkify::parquet {

// parquet-mr's layout: blocks of 128 deltas in 4 miniblocks of 32.
inline constexpr size_t kDeltaBlockSize = 128;
inline constexpr size_t kDeltaMiniblocks = 4;

// Appends the DELTA_BINARY_PACKED encoding of values[0, n) to *out.
void DeltaBinaryPackedEncode(const int32_t* values, size_t n, std::string* out);
void DeltaBinaryPackedEncode(const int64_t* values, size_t n, std::string* out);

// The bytes DeltaBinaryPackedEncode would append, computed without writing
// (cheap enough to judge a sample of a chunk).
size_t DeltaBinaryPackedSize(const int32_t* values, size_t n);
size_t DeltaBinaryPackedSize(const int64_t* values, size_t n);

// Byte strings are given as bytes + offsets, like ColumnVector keeps them: value i is
// data[offsets[i], offsets[i + 1]).

// Appends the DELTA_LENGTH_BYTE_ARRAY encoding of values [0, n): their lengths
// DELTA_BINARY_PACKED, then their bytes back to back (one copy: they are contiguous).
void DeltaLengthByteArrayEncode(const char* data, const uint32_t* offsets, size_t n,
                                std::string* out);

// Appends the DELTA_BYTE_ARRAY encoding of values [0, n): the length of the prefix each
// value shares with the one before it (0 for the first: a page stands alone)
// DELTA_BINARY_PACKED, then the rest of each value as DELTA_LENGTH_BYTE_ARRAY.
void DeltaByteArrayEncode(const char* data, const uint32_t* offsets, size_t n, std::string* out);

// The bytes the two encoders above would append, computed without writing them
// (to choose between them on a sample of a chunk).
size_t DeltaLengthByteArraySize(const uint32_t* offsets, size_t n);
size_t DeltaByteArraySize(const char* data, const uint32_t* offsets, size_t n);

}  // namespace sparkify::parquet
