// Page compression: SNAPPY (raw, not framed), GZIP (RFC 1952 via zlib), ZSTD
// (a frame), or none. The zstd context and the output buffer are kept per
// thread, so the thousands of small files a thread writes do not pay for
// their set-up each time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/metadata.h"
#include "parquet/snappy_encoder.h"

namespace sparkify::parquet {

// What compressing one data page showed, for the next page of the same column
// chunk (value-initialised for a chunk's first page).
struct CompressionHistory {
  SnappyHistory snappy;
  // ZSTD: pages still to store in raw blocks without trying to compress them,
  // set after a page that zstd shrank by less than 1/32. Random doubles and
  // bit-packed random ids do not compress, yet zstd level 1 spends about as
  // long finding that out as it spends compressing; now 1 page in
  // kZstdRawRun + 1 pays for it while the data stays like that.
  uint32_t zstd_raw_pages = 0;
};

class Compressor {
 public:
  Compressor(format::CompressionCodec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Compresses input; *out points into a buffer of this thread that stays
  // valid until its next Compress call. history (may be null): carried from
  // page to page of one column chunk; any history gives valid output.
  Status Compress(std::string_view input, std::string_view* out,
                  CompressionHistory* history = nullptr);

 private:
  format::CompressionCodec codec_;
  int level_;
};

// Writes input as one zstd frame (RFC 8878) of raw blocks: what zstd emits for
// blocks it cannot shrink, without the attempt. out must hold
// ZstdRawFrameBound(n) bytes; returns the frame's size. n < 2^32.
size_t ZstdRawFrameBound(size_t n);
size_t ZstdRawFrame(const char* in, size_t n, char* out);

// Decompresses a page into *out, which must come out exactly
// uncompressed_size bytes long (anything else is Corruption).
Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out);

}  // namespace sparkify::parquet
