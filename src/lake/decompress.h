// Decompression of .json.gz and .json.zst inputs (by file name suffix).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sparkify::lake {

enum class Compression { kNone, kGzip, kZstd };

// From the object name: ".gz" -> gzip, ".zst" -> zstd, else none.
Compression CompressionOf(std::string_view path);

// Decompresses `data` into `*out` (all gzip members, all zstd frames). On
// corrupt or truncated input, returns Corruption and leaves in `*out` what
// could be decompressed before the damage, so valid records are not lost.
Status Decompress(Compression compression, std::string_view data, std::string* out);

}  // namespace sparkify::lake
