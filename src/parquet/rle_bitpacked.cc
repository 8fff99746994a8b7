#include "parquet/rle_bitpacked.h"

#include <algorithm>
#include <cstring>

namespace sparkify::parquet {

namespace {

// A run of at least this many equal values is worth an RLE run; shorter ones
// go into bit-packed groups (a group is always 8 values).
constexpr size_t kMinRleRun = 8;
constexpr size_t kGroupSize = 8;

void PutVarint(uint64_t v, std::string* out) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

template <typename T>
size_t RunLength(const T* values, size_t i, size_t n) {
  size_t j = i + 1;
  T v = values[i];
  while (j < n && values[j] == v) ++j;
  return j - i;
}

// True if values[i, i + kMinRleRun) exist and are all equal.
template <typename T>
bool RunStartsAt(const T* values, size_t i, size_t n) {
  if (i + kMinRleRun > n) return false;
  T v = values[i];
  for (size_t k = 1; k < kMinRleRun; ++k) {
    if (values[i + k] != v) return false;
  }
  return true;
}

template <typename T>
void BitPackT(const T* values, size_t n, int bit_width, std::string* out) {
  if (bit_width == 0 || n == 0) return;
  size_t old = out->size();
  size_t bytes = (n * bit_width + 7) / 8;
  out->resize(old + bytes + 8);  // slack for the 8-byte stores below
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + old;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width;
    if (bits >= 32) {
      uint32_t low = static_cast<uint32_t>(acc);
      std::memcpy(dst, &low, 4);
      dst += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  std::memcpy(dst, &acc, 8);
  out->resize(old + bytes);
}

template <typename T>
void Encode(const T* values, size_t n, int bit_width, std::string* out) {
  const size_t value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < n) {
    size_t run = RunLength(values, i, n);
    if (run >= kMinRleRun) {
      PutVarint(static_cast<uint64_t>(run) << 1, out);
      uint32_t v = static_cast<uint32_t>(values[i]);
      char buf[4];
      std::memcpy(buf, &v, 4);  // little-endian host
      out->append(buf, value_bytes);
      i += run;
      continue;
    }
    // Bit-packed groups until a long run starts at a group boundary.
    size_t j = i;
    do {
      j += kGroupSize;
    } while (j < n && !RunStartsAt(values, j, n));
    size_t groups = (j - i) / kGroupSize;
    PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
    size_t end = std::min(j, n);
    BitPackT(values + i, end - i, bit_width, out);
    // Pad the last group with zero values to whole groups.
    size_t packed_bytes = (end - i) * bit_width / 8 + (((end - i) * bit_width) % 8 ? 1 : 0);
    size_t want_bytes = groups * bit_width;  // 8 values * bit_width bits = bit_width bytes
    out->append(want_bytes - packed_bytes, '\0');
    i = j;
  }
}

}  // namespace

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

void RleBpEncode(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}
void RleBpEncode(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  Encode(values, n, bit_width, out);
}

void BitPack(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  BitPackT(values, n, bit_width, out);
}

void BitUnpack(const uint8_t* data, size_t n, int bit_width, uint32_t* out) {
  if (bit_width == 0) {
    std::fill(out, out + n, 0);
    return;
  }
  const uint64_t mask = (bit_width == 32) ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  const size_t total_bytes = (n * bit_width + 7) / 8;
  for (size_t i = 0; i < n; ++i) {
    size_t bit = i * bit_width;
    size_t byte = bit / 8;
    uint64_t word = 0;
    size_t avail = total_bytes - byte;
    std::memcpy(&word, data + byte, avail >= 8 ? 8 : avail);
    out[i] = static_cast<uint32_t>((word >> (bit % 8)) & mask);
  }
}

void BitUnpack64(const uint8_t* data, size_t n, int bit_width, uint64_t* out) {
  if (bit_width == 0) {
    std::fill(out, out + n, 0);
    return;
  }
  const size_t total_bytes = (n * bit_width + 7) / 8;
  for (size_t i = 0; i < n; ++i) {
    size_t bit = i * static_cast<size_t>(bit_width);
    uint64_t v = 0;
    int got = 0;
    while (got < bit_width) {
      size_t byte = bit / 8;
      int shift = static_cast<int>(bit % 8);
      int take = std::min(8 - shift, bit_width - got);
      uint64_t b = byte < total_bytes ? data[byte] : 0;
      v |= ((b >> shift) & ((1ull << take) - 1)) << got;
      got += take;
      bit += take;
    }
    out[i] = v;
  }
}

bool RleBpDecoder::NextRun() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (p_ >= end_ || shift > 63) return false;
    uint8_t b = *p_++;
    header |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    size_t avail = static_cast<size_t>(end_ - p_);
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    if (groups > (1ull << 40)) return false;
    rle_ = false;
    packed_ = p_;
    packed_index_ = 0;
    if (bytes > avail) {
      // A truncated last run: keep the whole values that are present.
      run_left_ = bit_width_ ? avail * 8 / bit_width_ : 0;
      p_ = end_;
    } else {
      run_left_ = groups * 8;
      p_ += bytes;
    }
  } else {
    rle_ = true;
    run_left_ = header >> 1;
    size_t nbytes = (bit_width_ + 7) / 8;
    if (static_cast<size_t>(end_ - p_) < nbytes) return false;
    uint32_t v = 0;
    std::memcpy(&v, p_, nbytes);
    p_ += nbytes;
    rle_value_ = v;
  }
  return run_left_ > 0 || p_ < end_;
}

template <typename T>
size_t RleBpDecoder::GetBatchImpl(T* out, size_t n) {
  size_t done = 0;
  uint32_t buf[64];
  while (done < n) {
    if (run_left_ == 0) {
      if (!NextRun()) break;
      continue;
    }
    size_t take = std::min(run_left_, n - done);
    if (rle_) {
      std::fill(out + done, out + done + take, static_cast<T>(rle_value_));
    } else {
      take = std::min<size_t>(take, 64);
      // Realign to a group boundary after a partial take so the fast path applies.
      if (packed_index_ % 8 != 0) take = std::min<size_t>(take, 8 - packed_index_ % 8);
      // Decode from the run start: packed_index_ is a multiple of 8 whenever we
      // take 64 at a time, except for the last partial take.
      size_t bit = packed_index_ * bit_width_;
      const uint8_t* base = packed_ + bit / 8;
      if (bit % 8 == 0) {
        BitUnpack(base, take, bit_width_, buf);
      } else {
        // Unaligned start (n not a multiple of 8): decode value by value.
        for (size_t k = 0; k < take; ++k) {
          uint32_t one;
          size_t b = (packed_index_ + k) * bit_width_;
          uint64_t word = 0;
          const uint8_t* src = packed_ + b / 8;
          size_t avail = static_cast<size_t>(end_ - src);
          std::memcpy(&word, src, avail >= 8 ? 8 : avail);
          uint64_t mask = bit_width_ == 32 ? 0xFFFFFFFFull : ((1ull << bit_width_) - 1);
          one = static_cast<uint32_t>((word >> (b % 8)) & mask);
          buf[k] = one;
        }
      }
      for (size_t k = 0; k < take; ++k) out[done + k] = static_cast<T>(buf[k]);
      packed_index_ += take;
    }
    run_left_ -= take;
    done += take;
  }
  return done;
}

size_t RleBpDecoder::GetBatch(uint32_t* out, size_t n) { return GetBatchImpl(out, n); }
size_t RleBpDecoder::GetBatch(uint8_t* out, size_t n) { return GetBatchImpl(out, n); }

}  // namespace sparkify::parquet
