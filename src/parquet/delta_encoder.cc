#include "parquet/delta_encoder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace sparkify::parquet {

namespace {

constexpr size_t kMiniblockSize = kDeltaBlockSize / kDeltaMiniblocks;  // 32 values
static_assert(kMiniblockSize % 8 == 0, "the spec asks for a multiple of 8 values");

inline int Width(uint64_t max) { return max == 0 ? 0 : 64 - __builtin_clzll(max); }

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline char* PutVarint(uint64_t v, char* p) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Packs kMiniblockSize values of bit width W (0..64), LSB first, into
// exactly kMiniblockSize * W / 8 bytes at p. W is a template parameter (one
// instance per width, picked from kPackByWidth): the loop unrolls and every
// word boundary is resolved at compile time, where a run-time width branched
// per value (the two length streams of DELTA_BYTE_ARRAY pack 2 values per
// string: 4.4% -> 1.9% of a unique-string write).
template <int W>
char* PackMiniblock(const uint64_t* v, char* p) {
  if constexpr (W == 0) {
    return p;
  } else {
    uint64_t acc = 0;
    int fill = 0;  // bits of acc in use, always < 64
#pragma GCC unroll 32
    for (size_t i = 0; i < kMiniblockSize; ++i) {
      const uint64_t x = v[i];
      acc |= x << fill;
      fill += W;
      if (fill >= 64) {
        std::memcpy(p, &acc, 8);
        p += 8;
        fill -= 64;
        // The bits of x that did not fit (none when fill is 0: x ended the word).
        acc = fill ? x >> (W - fill) : 0;
      }
    }
    // 32 * W bits is a whole number of bytes: fill is 0 or 32 here.
    std::memcpy(p, &acc, fill / 8);
    return p + fill / 8;
  }
}

template <size_t... W>
constexpr auto MakePackTable(std::index_sequence<W...>) {
  return std::array<char* (*)(const uint64_t*, char*), sizeof...(W)>{&PackMiniblock<W>...};
}
// Widths 0..64.
constexpr auto kPackByWidth = MakePackTable(std::make_index_sequence<65>());

// One block's deltas: (delta - min delta) per value, the min delta and the
// bit width of each miniblock. Returns the number of deltas (<= block size).
template <typename T>
struct Block {
  uint64_t adjusted[kDeltaBlockSize];
  int64_t min_delta;
  int widths[kDeltaMiniblocks];
  size_t count;

  // Deltas of values[1, n), starting at values[begin]; begin + 1 < n.
  void Fill(const T* values, size_t begin, size_t n) {
    using U = std::make_unsigned_t<T>;
    count = std::min(kDeltaBlockSize, n - 1 - begin);
    T deltas[kDeltaBlockSize];
    T mn = 0;
    if constexpr (sizeof(T) == 4) {
      // Separate loops vectorize for 32 bits (for 64 bits, without SSE4.2's
      // 64-bit compare, the separate minimum came out 8% slower).
      for (size_t i = 0; i < count; ++i) {
        deltas[i] = static_cast<T>(static_cast<U>(values[begin + i + 1]) -
                                   static_cast<U>(values[begin + i]));
      }
      mn = std::numeric_limits<T>::max();  // count >= 1
      for (size_t i = 0; i < count; ++i) mn = std::min(mn, deltas[i]);
    } else {
      for (size_t i = 0; i < count; ++i) {
        // Wrapping subtraction in the column's own width.
        deltas[i] = static_cast<T>(static_cast<U>(values[begin + i + 1]) -
                                   static_cast<U>(values[begin + i]));
        mn = i == 0 ? deltas[0] : std::min(mn, deltas[i]);
      }
    }
    min_delta = mn;
    for (size_t m = 0; m < kDeltaMiniblocks; ++m) {
      const size_t b = m * kMiniblockSize;
      const size_t e = std::min(count, b + kMiniblockSize);
      uint64_t all = 0;
      for (size_t i = b; i < e; ++i) {
        adjusted[i] = static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(mn));
        all |= adjusted[i];
      }
      for (size_t i = std::max(b, e); i < b + kMiniblockSize; ++i) adjusted[i] = 0;  // padding
      widths[m] = Width(all);
    }
  }
  size_t Miniblocks() const { return (count + kMiniblockSize - 1) / kMiniblockSize; }
};

template <typename T>
size_t HeaderSize(const T* values, size_t n) {
  return VarintSize(kDeltaBlockSize) + VarintSize(kDeltaMiniblocks) + VarintSize(n) +
         VarintSize(n ? ZigZag(values[0]) : 0);
}

template <typename T>
size_t SizeT(const T* values, size_t n) {
  size_t total = HeaderSize(values, n);
  Block<T> block;
  for (size_t begin = 0; begin + 1 < n; begin += kDeltaBlockSize) {
    block.Fill(values, begin, n);
    total += VarintSize(ZigZag(block.min_delta)) + kDeltaMiniblocks;
    for (size_t m = 0; m < block.Miniblocks(); ++m) total += kMiniblockSize * block.widths[m] / 8;
  }
  return total;
}

template <typename T>
void EncodeT(const T* values, size_t n, std::string* out) {
  // Worst case per block: a 10-byte min delta, the widths, 64 bits per delta.
  const size_t blocks = n > 1 ? (n - 2) / kDeltaBlockSize + 1 : 0;
  const size_t bound = 40 + blocks * (10 + kDeltaMiniblocks + kDeltaBlockSize * 8);
  // Encoded into a per-thread buffer that only grows, then appended: resizing
  // out by the bound would zero-fill it, and the bound is 8 bytes per value
  // where the length streams of DELTA_BYTE_ARRAY take about 2 bits.
  static thread_local std::unique_ptr<char[]> buffer;
  static thread_local size_t capacity = 0;
  if (capacity < bound) {
    buffer.reset(new char[bound]);
    capacity = bound;
  }
  char* const start = buffer.get();
  char* p = start;
  p = PutVarint(kDeltaBlockSize, p);
  p = PutVarint(kDeltaMiniblocks, p);
  p = PutVarint(n, p);
  p = PutVarint(n ? ZigZag(values[0]) : 0, p);
  Block<T> block;
  for (size_t begin = 0; begin + 1 < n; begin += kDeltaBlockSize) {
    block.Fill(values, begin, n);
    p = PutVarint(ZigZag(block.min_delta), p);
    // Miniblocks the last block does not need get width 0 and no bytes.
    const size_t used = block.Miniblocks();
    for (size_t m = 0; m < kDeltaMiniblocks; ++m) {
      *p++ = static_cast<char>(m < used ? block.widths[m] : 0);
    }
    for (size_t m = 0; m < used; ++m) {
      p = kPackByWidth[block.widths[m]](block.adjusted + m * kMiniblockSize, p);
    }
  }
  out->append(start, static_cast<size_t>(p - start));
}

// The length of the prefix a[0, n) and b[0, n) share.
inline size_t CommonPrefix(const char* a, const char* b, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return i + (__builtin_ctzll(x ^ y) >> 3);
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// The length of the prefix value k shares with value k - 1 (0 for the first).
inline uint32_t SharedWithPrevious(const char* data, const uint32_t* offsets, size_t k) {
  if (k == 0) return 0;
  const uint32_t len = offsets[k + 1] - offsets[k];
  const uint32_t prev_len = offsets[k] - offsets[k - 1];
  return static_cast<uint32_t>(
      CommonPrefix(data + offsets[k - 1], data + offsets[k], std::min(len, prev_len)));
}

// Value lengths as DELTA_LENGTH_BYTE_ARRAY stores them.
void Lengths(const uint32_t* offsets, size_t n, std::vector<int32_t>* lengths) {
  lengths->resize(n);
  for (size_t k = 0; k < n; ++k) (*lengths)[k] = static_cast<int32_t>(offsets[k + 1] - offsets[k]);
}

// Each value's prefix shared with the value before it (0 for the first) and
// the length of the rest; returns the total length of the rests.
size_t SplitPrefixes(const char* data, const uint32_t* offsets, size_t n,
                     std::vector<int32_t>* prefixes, std::vector<int32_t>* suffixes) {
  prefixes->resize(n);
  suffixes->resize(n);
  size_t total = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t len = offsets[k + 1] - offsets[k];
    const uint32_t pre = SharedWithPrevious(data, offsets, k);
    (*prefixes)[k] = static_cast<int32_t>(pre);
    (*suffixes)[k] = static_cast<int32_t>(len - pre);
    total += len - pre;
  }
  return total;
}

// Suffixes up to this long are moved as one fixed-size copy (a libc call per
// value of a few bytes would cost more than the move).
constexpr size_t kFixedCopy = 32;

}  // namespace

void DeltaLengthByteArrayEncode(const char* data, const uint32_t* offsets, size_t n,
                                std::string* out) {
  static thread_local std::vector<int32_t> lengths;
  Lengths(offsets, n, &lengths);
  EncodeT(lengths.data(), n, out);
  out->append(data + offsets[0], offsets[n] - offsets[0]);
}

void DeltaByteArrayEncode(const char* data, const uint32_t* offsets, size_t n, std::string* out) {
  // One pass over the values finds the prefixes and gathers the rests (the
  // lengths must precede the bytes, so the bytes wait in a per-thread buffer
  // that is only ever grown: no zero-filling per page).
  static thread_local std::vector<int32_t> prefixes, suffixes;
  static thread_local std::string rest;
  prefixes.resize(n);
  suffixes.resize(n);
  const size_t bytes = offsets[n] - offsets[0];
  if (rest.size() < bytes + kFixedCopy) rest.resize(bytes + kFixedCopy);
  char* dst = rest.data();
  const char* const src_end = data + offsets[n];
  for (size_t k = 0; k < n; ++k) {
    const char* value = data + offsets[k];
    const uint32_t len = offsets[k + 1] - offsets[k];
    const uint32_t pre = SharedWithPrevious(data, offsets, k);
    const char* src = value + pre;
    const size_t rest_len = len - pre;
    if (rest_len <= kFixedCopy && src + kFixedCopy <= src_end) {
      std::memcpy(dst, src, kFixedCopy);  // the bytes past rest_len are overwritten next
    } else {
      std::memcpy(dst, src, rest_len);
    }
    dst += rest_len;
    prefixes[k] = static_cast<int32_t>(pre);
    suffixes[k] = static_cast<int32_t>(rest_len);
  }
  EncodeT(prefixes.data(), n, out);
  EncodeT(suffixes.data(), n, out);
  out->append(rest.data(), static_cast<size_t>(dst - rest.data()));
}

size_t DeltaLengthByteArraySize(const uint32_t* offsets, size_t n) {
  static thread_local std::vector<int32_t> lengths;
  Lengths(offsets, n, &lengths);
  return SizeT(lengths.data(), n) + (offsets[n] - offsets[0]);
}

size_t DeltaByteArraySize(const char* data, const uint32_t* offsets, size_t n) {
  static thread_local std::vector<int32_t> prefixes, suffixes;
  const size_t total = SplitPrefixes(data, offsets, n, &prefixes, &suffixes);
  return SizeT(prefixes.data(), n) + SizeT(suffixes.data(), n) + total;
}

void DeltaBinaryPackedEncode(const int32_t* values, size_t n, std::string* out) {
  EncodeT(values, n, out);
}
void DeltaBinaryPackedEncode(const int64_t* values, size_t n, std::string* out) {
  EncodeT(values, n, out);
}
size_t DeltaBinaryPackedSize(const int32_t* values, size_t n) { return SizeT(values, n); }
size_t DeltaBinaryPackedSize(const int64_t* values, size_t n) { return SizeT(values, n); }

}  // namespace sparkify::parquet
