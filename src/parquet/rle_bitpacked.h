// The RLE / bit-packing hybrid (Encodings.md), used for definition levels,
// dictionary indices and RLE booleans:
//   run := bit-packed-run | rle-run
//   bit-packed-run := varint((groups << 1) | 1), groups * 8 values of bit_width bits, LSB first
//   rle-run := varint(count << 1), the value in ceil(bit_width / 8) little-endian bytes
// Callers add the framing their context needs (V1 definition levels: a 4-byte
// length prefix; dictionary indices: a leading bit-width byte).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sparkify::parquet {

// Bits needed to represent max_value (0 for 0).
int BitWidth(uint64_t max_value);

// Appends the hybrid encoding of values[0, n) with the given bit width
// (0..32) to *out. Runs of 8 or more equal values become RLE runs, the rest
// bit-packed groups of 8.
void RleBpEncode(const uint8_t* values, size_t n, int bit_width, std::string* out);
void RleBpEncode(const uint32_t* values, size_t n, int bit_width, std::string* out);

// Appends values[0, n) bit-packed LSB first, padded with zero bits to a byte.
void BitPack(const uint32_t* values, size_t n, int bit_width, std::string* out);
// Unpacks n values of bit_width (0..32) from data, which must hold
// ceil(n * bit_width / 8) bytes.
void BitUnpack(const uint8_t* data, size_t n, int bit_width, uint32_t* out);
// Same for 64-bit values (bit_width 0..64), used by the delta decoder.
void BitUnpack64(const uint8_t* data, size_t n, int bit_width, uint64_t* out);

// Decodes a hybrid stream. Never reads outside [data, data + size).
class RleBpDecoder {
 public:
  RleBpDecoder(const uint8_t* data, size_t size, int bit_width)
      : p_(data), end_(data + size), bit_width_(bit_width) {}

  // Decodes up to n values into out; returns how many were decoded (fewer
  // than n only when the stream ends or is malformed).
  size_t GetBatch(uint32_t* out, size_t n);
  size_t GetBatch(uint8_t* out, size_t n);

 private:
  template <typename T>
  size_t GetBatchImpl(T* out, size_t n);
  bool NextRun();

  const uint8_t* p_;
  const uint8_t* end_;
  int bit_width_;
  // Current run.
  bool rle_ = false;
  size_t run_left_ = 0;
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;  // bit-packed run data
  size_t packed_index_ = 0;          // next value within packed_
};

}  // namespace sparkify::parquet
