#include "lake/decompress.h"

#include <zlib.h>
#include <zstd.h>

namespace sparkify::lake {

namespace {

constexpr size_t kChunk = 1 << 18;  // output grows by this much at a time

Status Gunzip(std::string_view data, std::string* out) {
  z_stream zs{};
  // 16 + MAX_WBITS: expect a gzip header.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::IOError("zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  Status status;
  while (true) {
    size_t old = out->size();
    out->resize(old + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + old);
    zs.avail_out = kChunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    out->resize(old + (kChunk - zs.avail_out));
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // concatenated gzip members (as `cat a.gz b.gz` makes)
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = Status::Corruption("gzip stream is truncated");
      break;
    }
    if (rc != Z_BUF_ERROR) {
      status = Status::Corruption(std::string("gzip stream is corrupt: ") +
                                  (zs.msg ? zs.msg : "inflate failed"));
      break;
    }
  }
  inflateEnd(&zs);
  return status;
}

Status Unzstd(std::string_view data, std::string* out) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (!dctx) return Status::IOError("zstd init failed");
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  Status status;
  size_t last = 0;
  while (in.pos < in.size) {
    size_t old = out->size();
    out->resize(old + kChunk);
    ZSTD_outBuffer o{out->data() + old, kChunk, 0};
    last = ZSTD_decompressStream(dctx, &o, &in);
    out->resize(old + o.pos);
    if (ZSTD_isError(last)) {
      status =
          Status::Corruption(std::string("zstd stream is corrupt: ") + ZSTD_getErrorName(last));
      break;
    }
    if (o.pos == 0 && in.pos == in.size) break;
  }
  // Drain what the decoder still holds.
  while (status.ok() && last != 0) {
    size_t old = out->size();
    out->resize(old + kChunk);
    ZSTD_outBuffer o{out->data() + old, kChunk, 0};
    last = ZSTD_decompressStream(dctx, &o, &in);
    out->resize(old + o.pos);
    if (ZSTD_isError(last)) {
      status =
          Status::Corruption(std::string("zstd stream is corrupt: ") + ZSTD_getErrorName(last));
    } else if (o.pos == 0 && last != 0) {
      status = Status::Corruption("zstd stream is truncated");
    }
  }
  ZSTD_freeDCtx(dctx);
  return status;
}

}  // namespace

Compression CompressionOf(std::string_view path) {
  if (path.ends_with(".gz")) return Compression::kGzip;
  if (path.ends_with(".zst")) return Compression::kZstd;
  return Compression::kNone;
}

Status Decompress(Compression compression, std::string_view data, std::string* out) {
  out->clear();
  switch (compression) {
    case Compression::kGzip:
      return Gunzip(data, out);
    case Compression::kZstd:
      return Unzstd(data, out);
    case Compression::kNone:
      out->assign(data);
      return Status::OK();
  }
  return Status::OK();
}

}  // namespace sparkify::lake
