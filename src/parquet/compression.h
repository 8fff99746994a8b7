// Page compression: SNAPPY (raw, not framed), GZIP (RFC 1952 via zlib), ZSTD
// (a frame), or none. One Compressor per writer thread: it keeps the zstd and
// zlib contexts alive so many small files do not pay for their set-up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {

class Compressor {
 public:
  Compressor(format::CompressionCodec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Replaces *out with the compressed form of input.
  Status Compress(std::string_view input, std::string* out);

 private:
  format::CompressionCodec codec_;
  int level_;
  struct Contexts;
  std::unique_ptr<Contexts> ctx_;
};

// Decompresses a page into *out, which must come out exactly
// uncompressed_size bytes long (anything else is Corruption).
Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out);

}  // namespace sparkify::parquet
