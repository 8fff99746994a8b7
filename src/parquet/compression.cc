#include "parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "parquet/snappy_encoder.h"

namespace sparkify::parquet {

namespace {

// Per-thread state: an output buffer that grows but is never zero-filled, and
// a zstd context (a few MB of tables at level 3) created once per thread.
struct ThreadState {
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;
  ZSTD_CCtx* zstd = nullptr;
  ~ThreadState() {
    if (zstd) ZSTD_freeCCtx(zstd);
  }
  char* Reserve(size_t n) {
    if (n > capacity) {
      buf.reset(new char[n]);
      capacity = n;
    }
    return buf.get();
  }
};

ThreadState& State() {
  static thread_local ThreadState state;
  return state;
}

// zstd frame format (RFC 8878): magic number, then a frame header descriptor
// saying "single segment" (the window is the whole content) with a 4-byte
// content size, then blocks of at most 128 KiB, each with a 3-byte header
// (bit 0: last block, bits 1-2: type, 0 = raw; bits 3-23: size).
constexpr uint32_t kZstdMagic = 0xFD2FB528;
constexpr uint8_t kZstdSingleSegmentFcs4 = (2 << 6) | (1 << 5);
constexpr size_t kZstdFrameHeader = 4 + 1 + 4;
constexpr size_t kZstdMaxBlock = 128 * 1024;
constexpr size_t kZstdBlockHeader = 3;
// A zstd page that saved less than 1 / 2^kZstdSmallGainShift makes the next
// kZstdRawRun pages raw (see CompressionHistory).
constexpr int kZstdSmallGainShift = 5;
constexpr uint32_t kZstdRawRun = 7;

void PutLittleEndian(uint64_t v, int bytes, char* p) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

size_t ZstdRawFrameBound(size_t n) {
  return kZstdFrameHeader + kZstdBlockHeader * (n / kZstdMaxBlock + 1) + n;
}

size_t ZstdRawFrame(const char* in, size_t n, char* out) {
  char* o = out;
  PutLittleEndian(kZstdMagic, 4, o);
  o[4] = static_cast<char>(kZstdSingleSegmentFcs4);
  PutLittleEndian(n, 4, o + 5);
  o += kZstdFrameHeader;
  size_t pos = 0;
  do {  // at least one block, empty for an empty input
    const size_t len = std::min(kZstdMaxBlock, n - pos);
    const bool last = pos + len == n;
    PutLittleEndian((len << 3) | (last ? 1 : 0), kZstdBlockHeader, o);  // type 0: raw
    o += kZstdBlockHeader;
    if (len) std::memcpy(o, in + pos, len);
    o += len;
    pos += len;
  } while (pos < n);
  return static_cast<size_t>(o - out);
}

Compressor::Compressor(format::CompressionCodec codec, int level) : codec_(codec), level_(level) {}

Compressor::~Compressor() = default;

Status Compressor::Compress(std::string_view input, std::string_view* out,
                            CompressionHistory* history) {
  ThreadState& st = State();
  switch (codec_) {
    case format::UNCOMPRESSED:
      *out = input;
      return Status::OK();
    case format::SNAPPY: {
      // Our compressor (snappy_encoder.h); libsnappy decompresses.
      char* dst = st.Reserve(SnappyMaxCompressedLength(input.size()));
      const size_t n =
          SnappyCompress(input.data(), input.size(), dst, history ? &history->snappy : nullptr);
      *out = std::string_view(dst, n);
      return Status::OK();
    }
    case format::ZSTD: {
      if (history && history->zstd_raw_pages > 0) {
        --history->zstd_raw_pages;
        char* dst = st.Reserve(ZstdRawFrameBound(input.size()));
        *out = std::string_view(dst, ZstdRawFrame(input.data(), input.size(), dst));
        return Status::OK();
      }
      if (!st.zstd) st.zstd = ZSTD_createCCtx();
      if (!st.zstd) return Status::IOError("zstd: cannot allocate a context");
      const size_t bound = ZSTD_compressBound(input.size());
      char* dst = st.Reserve(bound);
      size_t n = ZSTD_compressCCtx(st.zstd, dst, bound, input.data(), input.size(), level_);
      if (ZSTD_isError(n)) return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(n));
      if (history && n + (input.size() >> kZstdSmallGainShift) > input.size()) {
        history->zstd_raw_pages = kZstdRawRun;
      }
      *out = std::string_view(dst, n);
      return Status::OK();
    }
    case format::GZIP: {
      z_stream zs{};
      // windowBits 15 + 16: a gzip header and trailer, as the spec asks.
      if (deflateInit2(&zs, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::IOError("gzip: deflateInit2 failed");
      }
      const size_t bound = deflateBound(&zs, input.size()) + 32;
      char* dst = st.Reserve(bound);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      zs.avail_in = static_cast<uInt>(input.size());
      zs.next_out = reinterpret_cast<Bytef*>(dst);
      zs.avail_out = static_cast<uInt>(bound);
      int rc = deflate(&zs, Z_FINISH);
      size_t n = zs.total_out;
      deflateEnd(&zs);
      if (rc != Z_STREAM_END) return Status::IOError("gzip: deflate failed");
      *out = std::string_view(dst, n);
      return Status::OK();
    }
    default:
      return Status::NotSupported(std::string("compression codec ") + format::CodecName(codec_));
  }
}

Status Decompress(int32_t codec, std::string_view input, size_t uncompressed_size,
                  std::string* out) {
  if (input.empty() && uncompressed_size == 0) {
    out->clear();  // e.g. the empty values section of an all-null V2 page
    return Status::OK();
  }
  switch (codec) {
    case format::UNCOMPRESSED:
      if (input.size() != uncompressed_size) {
        return Status::Corruption("uncompressed page is " + std::to_string(input.size()) +
                                  " bytes, header says " + std::to_string(uncompressed_size));
      }
      out->assign(input);
      return Status::OK();
    case format::SNAPPY: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n) ||
          n != uncompressed_size) {
        return Status::Corruption("snappy page: bad length preamble");
      }
      out->resize(n);
      if (!snappy::RawUncompress(input.data(), input.size(), out->data())) {
        return Status::Corruption("snappy page does not decompress");
      }
      return Status::OK();
    }
    case format::ZSTD: {
      out->resize(uncompressed_size);
      // Several frames may follow each other; ZSTD_decompress handles that.
      size_t n = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
      if (ZSTD_isError(n)) {
        return Status::Corruption(std::string("zstd page does not decompress: ") +
                                  ZSTD_getErrorName(n));
      }
      if (n != uncompressed_size) {
        return Status::Corruption("zstd page decompresses to " + std::to_string(n) +
                                  " bytes, header says " + std::to_string(uncompressed_size));
      }
      return Status::OK();
    }
    case format::GZIP: {
      out->resize(uncompressed_size + 1);  // +1: zlib wants room even for empty output
      z_stream zs{};
      // 15 + 32: accept a gzip or a zlib header.
      if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::IOError("gzip: inflateInit2 failed");
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      zs.avail_in = static_cast<uInt>(input.size());
      zs.next_out = reinterpret_cast<Bytef*>(out->data());
      zs.avail_out = static_cast<uInt>(out->size());
      int rc = inflate(&zs, Z_FINISH);
      size_t n = zs.total_out;
      inflateEnd(&zs);
      out->resize(uncompressed_size);
      if (rc != Z_STREAM_END || n != uncompressed_size) {
        return Status::Corruption("gzip page does not decompress to " +
                                  std::to_string(uncompressed_size) + " bytes");
      }
      return Status::OK();
    }
    default:
      return Status::NotSupported(std::string("compression codec ") + format::CodecName(codec) +
                                  " is not supported");
  }
}

}  // namespace sparkify::parquet
