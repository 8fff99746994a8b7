#include "parquet/encodings.h"

#include <cstring>
#include <vector>

#include "parquet/metadata.h"
#include "parquet/rle_bitpacked.h"

namespace sparkify::parquet {

namespace {

// Julian day number of 1970-01-01.
constexpr int64_t kJulianEpochDay = 2440588;
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;
// DELTA_BINARY_PACKED headers beyond these are not something a writer makes.
constexpr uint64_t kMaxDeltaBlockSize = 1 << 16;
constexpr uint64_t kMaxMiniblocks = 1 << 10;

Status Short(const char* what, size_t need, size_t have) {
  return Status::Corruption(std::string(what) + " needs " + std::to_string(need) +
                            " bytes, page has " + std::to_string(have));
}

bool ReadUleb(const uint8_t*& p, const uint8_t* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return false;
    uint8_t b = *p++;
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

template <typename T>
void AppendFixed(const uint8_t* data, size_t count, std::vector<T>* out) {
  if (count == 0) return;  // data may be null then, which memcpy must not see
  size_t old = out->size();
  out->resize(old + count);
  std::memcpy(out->data() + old, data, count * sizeof(T));
}

}  // namespace

int64_t Int96ToMicros(const uint8_t* p) {
  int64_t nanos;
  int32_t julian;
  std::memcpy(&nanos, p, 8);
  std::memcpy(&julian, p + 8, 4);
  // Unsigned arithmetic: garbage input must not be signed overflow (UB).
  uint64_t days = static_cast<uint64_t>(static_cast<int64_t>(julian) - kJulianEpochDay);
  return static_cast<int64_t>(days * static_cast<uint64_t>(kMicrosPerDay) +
                              static_cast<uint64_t>(nanos / 1000));
}

Status DecodePlain(ValueType type, const uint8_t* data, size_t size, size_t count,
                   ColumnVector* out, size_t* consumed) {
  size_t used = 0;
  switch (type.physical) {
    case format::BOOLEAN: {
      used = (count + 7) / 8;
      if (used > size) return Short("PLAIN booleans", used, size);
      for (size_t i = 0; i < count; ++i) out->booleans.push_back((data[i / 8] >> (i % 8)) & 1);
      break;
    }
    case format::INT32:
      used = count * 4;
      if (count > size / 4) return Short("PLAIN INT32 values", count * 4, size);
      AppendFixed(data, count, &out->i32);
      break;
    case format::INT64:
      if (count > size / 8) return Short("PLAIN INT64 values", count * 8, size);
      used = count * 8;
      AppendFixed(data, count, &out->i64);
      break;
    case format::FLOAT:
      if (count > size / 4) return Short("PLAIN FLOAT values", count * 4, size);
      used = count * 4;
      AppendFixed(data, count, &out->f32);
      break;
    case format::DOUBLE:
      if (count > size / 8) return Short("PLAIN DOUBLE values", count * 8, size);
      used = count * 8;
      AppendFixed(data, count, &out->f64);
      break;
    case format::INT96:
      if (count > size / 12) return Short("PLAIN INT96 values", count * 12, size);
      used = count * 12;
      for (size_t i = 0; i < count; ++i) out->i64.push_back(Int96ToMicros(data + 12 * i));
      break;
    case format::BYTE_ARRAY: {
      size_t pos = 0;
      for (size_t i = 0; i < count; ++i) {
        if (size - pos < 4) return Short("PLAIN BYTE_ARRAY length", pos + 4, size);
        uint32_t len;
        std::memcpy(&len, data + pos, 4);
        pos += 4;
        if (len > size - pos) return Short("PLAIN BYTE_ARRAY value", pos + len, size);
        out->bytes.append(reinterpret_cast<const char*>(data + pos), len);
        if (out->bytes.size() > UINT32_MAX) return Status::NotSupported("column over 4 GiB");
        out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
        pos += len;
      }
      used = pos;
      break;
    }
    case format::FIXED_LEN_BYTE_ARRAY: {
      size_t w = static_cast<size_t>(type.type_length);
      if (w == 0 ? false : count > size / w)
        return Short("PLAIN FIXED_LEN_BYTE_ARRAY", count * w, size);
      for (size_t i = 0; i < count; ++i) {
        out->bytes.append(reinterpret_cast<const char*>(data + i * w), w);
        out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
      }
      used = count * w;
      break;
    }
    default:
      return Status::NotSupported("PLAIN for physical type " + std::to_string(type.physical));
  }
  if (consumed) *consumed = used;
  return Status::OK();
}

Status DecodeRleBooleans(const uint8_t* data, size_t size, size_t count, ColumnVector* out) {
  if (size < 4) return Short("RLE booleans length prefix", 4, size);
  uint32_t len;
  std::memcpy(&len, data, 4);
  if (len > size - 4) return Short("RLE booleans", len + 4ull, size);
  RleBpDecoder dec(data + 4, len, 1);
  size_t old = out->booleans.size();
  out->booleans.resize(old + count);
  if (dec.GetBatch(out->booleans.data() + old, count) != count) {
    return Status::Corruption("RLE booleans end before " + std::to_string(count) + " values");
  }
  return Status::OK();
}

Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t count,
                               std::vector<int64_t>* out, size_t* consumed) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  uint64_t block_size, miniblocks, total, first_zz;
  if (!ReadUleb(p, end, &block_size) || !ReadUleb(p, end, &miniblocks) ||
      !ReadUleb(p, end, &total) || !ReadUleb(p, end, &first_zz)) {
    return Status::Corruption("DELTA_BINARY_PACKED header is truncated");
  }
  if (block_size == 0 || block_size > kMaxDeltaBlockSize || miniblocks == 0 ||
      miniblocks > kMaxMiniblocks || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 8 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED header is invalid (block " +
                              std::to_string(block_size) + ", miniblocks " +
                              std::to_string(miniblocks) + ")");
  }
  // The header's count is the page's value count; a little slack is allowed,
  // but never so much that skipping it could take long.
  if (total < count || total - count > block_size) {
    return Status::Corruption("DELTA_BINARY_PACKED holds " + std::to_string(total) +
                              " values, page needs " + std::to_string(count));
  }
  const size_t per_mini = block_size / miniblocks;
  uint64_t value = (first_zz >> 1) ^ (0ull - (first_zz & 1));
  size_t done = 0;
  const size_t old = out->size();
  out->resize(old + count);
  int64_t* dst = out->data() + old;
  if (count > 0) dst[done++] = static_cast<int64_t>(value);
  // Values beyond `count` in the stream are still skipped over so that
  // *consumed is right (DELTA_LENGTH_BYTE_ARRAY data follows).
  size_t seen = total > 0 ? 1 : 0;
  std::vector<uint64_t> buf(per_mini);
  std::vector<uint8_t> widths(miniblocks);
  while (seen < total) {
    uint64_t min_zz;
    if (!ReadUleb(p, end, &min_zz))
      return Status::Corruption("DELTA_BINARY_PACKED block truncated");
    uint64_t min_delta = (min_zz >> 1) ^ (0ull - (min_zz & 1));
    if (static_cast<size_t>(end - p) < miniblocks) {
      return Status::Corruption("DELTA_BINARY_PACKED bit widths truncated");
    }
    std::memcpy(widths.data(), p, miniblocks);
    p += miniblocks;
    for (size_t m = 0; m < miniblocks && seen < total; ++m) {
      int w = widths[m];
      if (w > 64) return Status::Corruption("DELTA_BINARY_PACKED bit width over 64");
      size_t need = std::min<uint64_t>(per_mini, total - seen);
      size_t full_bytes = per_mini * w / 8;
      size_t need_bytes = (need * w + 7) / 8;
      size_t avail = static_cast<size_t>(end - p);
      if (avail < need_bytes) return Status::Corruption("DELTA_BINARY_PACKED miniblock truncated");
      BitUnpack64(p, need, w, buf.data());
      p += std::min(full_bytes, avail);
      for (size_t k = 0; k < need; ++k) {
        value += min_delta + buf[k];
        if (done < count) dst[done++] = static_cast<int64_t>(value);
      }
      seen += need;
    }
  }
  if (consumed) *consumed = static_cast<size_t>(p - data);
  return Status::OK();
}

Status DecodeDeltaBinaryPacked(ValueType type, const uint8_t* data, size_t size, size_t count,
                               ColumnVector* out) {
  if (type.physical == format::INT64) {
    size_t used;
    return DecodeDeltaBinaryPacked(data, size, count, &out->i64, &used);
  }
  if (type.physical != format::INT32) {
    return Status::Corruption("DELTA_BINARY_PACKED for a non-integer column");
  }
  std::vector<int64_t> tmp;
  size_t used;
  SPARKIFY_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &tmp, &used));
  for (int64_t v : tmp) out->i32.push_back(static_cast<int32_t>(static_cast<uint32_t>(v)));
  return Status::OK();
}

Status DecodeDeltaLengthByteArray(const uint8_t* data, size_t size, size_t count,
                                  ColumnVector* out) {
  std::vector<int64_t> lengths;
  size_t used = 0;
  SPARKIFY_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &lengths, &used));
  size_t pos = used;
  for (size_t i = 0; i < count; ++i) {
    int64_t len = lengths[i];
    if (len < 0 || static_cast<uint64_t>(len) > size - pos) {
      return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY value runs past the page");
    }
    out->bytes.append(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(len));
    if (out->bytes.size() > UINT32_MAX) return Status::NotSupported("column over 4 GiB");
    out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
    pos += static_cast<size_t>(len);
  }
  return Status::OK();
}

Status DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t count, ColumnVector* out) {
  std::vector<int64_t> prefixes;
  size_t used = 0;
  SPARKIFY_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &prefixes, &used));
  ColumnVector suffixes(PhysicalType::kByteArray);
  SPARKIFY_RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data + used, size - used, count, &suffixes));
  std::string prev;
  for (size_t i = 0; i < count; ++i) {
    int64_t pre = prefixes[i];
    if (pre < 0 || static_cast<uint64_t>(pre) > prev.size()) {
      return Status::Corruption("DELTA_BYTE_ARRAY prefix longer than the previous value");
    }
    prev.resize(static_cast<size_t>(pre));
    prev.append(suffixes.StringAt(i));
    out->bytes.append(prev);
    if (out->bytes.size() > UINT32_MAX) return Status::NotSupported("column over 4 GiB");
    out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
  }
  return Status::OK();
}

Status DecodeByteStreamSplit(ValueType type, const uint8_t* data, size_t size, size_t count,
                             ColumnVector* out) {
  size_t width;
  switch (type.physical) {
    case format::FLOAT:
    case format::INT32:
      width = 4;
      break;
    case format::DOUBLE:
    case format::INT64:
      width = 8;
      break;
    default:
      return Status::NotSupported("BYTE_STREAM_SPLIT for this type");
  }
  if (count > size / width) return Short("BYTE_STREAM_SPLIT values", count * width, size);
  // The page holds `width` streams of equal length (the non-null value count).
  const size_t stream = size / width;
  std::vector<uint8_t> tmp(count * width);
  for (size_t i = 0; i < count; ++i) {
    for (size_t k = 0; k < width; ++k) tmp[i * width + k] = data[k * stream + i];
  }
  return DecodePlain(type, tmp.data(), tmp.size(), count, out);
}

Status DecodeDictionaryIndices(const ColumnVector& dict, const uint8_t* data, size_t size,
                               size_t count, ColumnVector* out) {
  if (count == 0) return Status::OK();
  if (size < 1) return Status::Corruption("dictionary-encoded page has no bit width");
  int w = data[0];
  if (w > 32) return Status::Corruption("dictionary index bit width " + std::to_string(w));
  RleBpDecoder dec(data + 1, size - 1, w);
  std::vector<uint32_t> idx(count);
  if (dec.GetBatch(idx.data(), count) != count) {
    return Status::Corruption("dictionary indices end before " + std::to_string(count) + " values");
  }
  const size_t n = dict.size();
  for (uint32_t i : idx) {
    if (i >= n) {
      return Status::Corruption("dictionary index " + std::to_string(i) +
                                " out of range (dictionary has " + std::to_string(n) + ")");
    }
  }
  switch (dict.type) {
    case PhysicalType::kBoolean:
      for (uint32_t i : idx) out->booleans.push_back(dict.booleans[i]);
      break;
    case PhysicalType::kInt32:
      for (uint32_t i : idx) out->i32.push_back(dict.i32[i]);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      for (uint32_t i : idx) out->i64.push_back(dict.i64[i]);
      break;
    case PhysicalType::kFloat:
      for (uint32_t i : idx) out->f32.push_back(dict.f32[i]);
      break;
    case PhysicalType::kDouble:
      for (uint32_t i : idx) out->f64.push_back(dict.f64[i]);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      for (uint32_t i : idx) {
        out->bytes.append(dict.StringAt(i));
        if (out->bytes.size() > UINT32_MAX) return Status::NotSupported("column over 4 GiB");
        out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
      }
      break;
  }
  return Status::OK();
}

}  // namespace sparkify::parquet
