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

class Compressor {
 public:
  Compressor(format::CompressionCodec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Compresses input; *out points into a buffer of this thread that stays
  // valid until its next Compress call. snappy_history (SNAPPY only, may be
  // null): carried from page to page of one column chunk.
  Status Compress(std::string_view input, std::string_view* out,
                  SnappyHistory* snappy_history = nullptr);

 private:
  format::CompressionCodec codec_;
  int level_;
};

// Decompresses a page into *out, which must come out exactly
// uncompressed_size bytes long (anything else is Corruption).
Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out);

}  // namespace sparkify::parquet
