#include "parquet/snappy_encoder.h"

#include <cstring>

namespace sparkify::parquet {

namespace {

// Blocks are compressed independently; 64 KiB keeps every offset in 16 bits.
constexpr size_t kBlockSize = 1 << 16;
// Hash table of the block's recent positions: 2^kMaxTableBits entries (32 KiB,
// in L1), fewer for small inputs so small pages do not clear a large table.
constexpr int kMinTableBits = 8;
constexpr int kMaxTableBits = 14;
// The shortest match taken (see the header): compared as the low bytes of a word.
constexpr int kMinMatch = 5;
constexpr int kMinMatchShift = 64 - 8 * kMinMatch;
// Blocks shorter than this are stored as one literal.
constexpr size_t kMinBlockToSearch = 16;
// After 64 misses in a row the search steps 2 bytes, after 128 three, and so
// on: data without matches is crossed quickly, while ids whose shared parts
// are a few matches apart (measured: unique ids with 4-5 digit counters) keep
// being searched. Starts at 1 << kSkipShift: every step moves at least a byte.
constexpr int kSkipShift = 6;
constexpr uint32_t kSkipStart = 1u << kSkipShift;
// The search mode of a block follows from what the block before it saved:
//  - dense (saved 1/4 or more: text, JSON, repetitive values): every position
//    is probed, as above;
//  - lean (saved between 1/64 and 1/4: unique ids, hashes, strings whose only
//    repeats are short runs such as counter digits): one position in
//    kLeanStride is probed, and the others are only entered in the hash
//    table. A probe costs a dependent load, a compare and a branch, entering
//    a position only a hash and a store, so this is 1.5x faster on unique ids
//    while still finding every match of kMinMatch + kLeanStride - 1 bytes or
//    more (0.8 points larger there: their repeats are 6-7 digits of the
//    counter);
//  - sparse (saved under 1/64: random numbers, packed bits): the step grows
//    by twice itself per miss (by 1/32: libsnappy's rate), crossing data
//    without matches about as fast as libsnappy (random doubles: 6 -> 10
//    GB/s). Not everywhere: at that rate the search runs past the sparse
//    matches of ids with short counters (95% -> 100% of the input).
// The first block of an input is dense, or as the history says. Blocks
// shorter than kMinBlockToJudge (the tail of an input) leave the mode as it
// is: a few bytes say nothing of the data.
constexpr int kLeanSavingShift = 2;
constexpr int kSparseSavingShift = 6;
constexpr uint32_t kSparseGrowth = 2;
constexpr int kLeanStride = 3;
constexpr size_t kMinBlockToJudge = 4096;

// Tag kinds: the low two bits of an element's first byte.
constexpr uint8_t kLiteral = 0;
constexpr uint8_t kCopy1 = 1;  // length 4-11, offset < 2048: 2 bytes
constexpr uint8_t kCopy2 = 2;  // length 1-64, offset < 65536: 3 bytes
// A literal of up to this many bytes keeps its length in the tag byte.
constexpr size_t kLiteralInTag = 60;
// A short literal is copied as one 32-byte move (input and output permitting):
// most literals between matches are this short, and a libc call per literal
// cost more than the move.
constexpr size_t kFastLiteral = 32;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Hash of the kMinMatch bytes at the start of w (little-endian: its low bytes).
inline uint32_t Hash(uint64_t w, int shift) {
  return static_cast<uint32_t>(((w << kMinMatchShift) * 0x9E3779B97F4A7C15ull) >> shift);
}

// True when the first kMinMatch bytes of a and b agree.
inline bool SamePrefix(uint64_t a, uint64_t b) { return ((a ^ b) << kMinMatchShift) == 0; }

char* PutVarint32(char* o, uint32_t v) {
  while (v >= 0x80) {
    *o++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *o++ = static_cast<char>(v);
  return o;
}

// Appends literal p[0, n), n >= 1; `may_overread`: p + 16 is inside the input.
inline char* EmitLiteral(char* o, const char* p, size_t n, bool may_overread) {
  const size_t m = n - 1;
  if (m < kLiteralInTag) {
    *o++ = static_cast<char>(kLiteral | (m << 2));
    if (may_overread && n <= kFastLiteral) {
      std::memcpy(o, p, kFastLiteral);  // the bytes past n are overwritten next
      return o + n;
    }
  } else if (m < (1u << 8)) {
    *o++ = static_cast<char>(kLiteral | (60 << 2));
    *o++ = static_cast<char>(m);
  } else {  // m < 2^16: a literal never spans blocks
    *o++ = static_cast<char>(kLiteral | (61 << 2));
    *o++ = static_cast<char>(m);
    *o++ = static_cast<char>(m >> 8);
  }
  std::memcpy(o, p, n);
  return o + n;
}

// Appends a copy of len >= 4 bytes from offset 1 <= off < 65536 back.
inline char* EmitCopy(char* o, size_t off, size_t len) {
  // Pieces of 64 while at least 68 remain, so that the last piece is >= 4.
  while (len >= 68) {
    *o++ = static_cast<char>(kCopy2 | (63 << 2));
    *o++ = static_cast<char>(off);
    *o++ = static_cast<char>(off >> 8);
    len -= 64;
  }
  if (len > 64) {  // 65-67: 60 now, 5-7 after
    *o++ = static_cast<char>(kCopy2 | (59 << 2));
    *o++ = static_cast<char>(off);
    *o++ = static_cast<char>(off >> 8);
    len -= 60;
  }
  if (len < 12 && off < 2048) {
    *o++ = static_cast<char>(kCopy1 | ((len - 4) << 2) | ((off >> 8) << 5));
    *o++ = static_cast<char>(off);
  } else {
    *o++ = static_cast<char>(kCopy2 | ((len - 1) << 2));
    *o++ = static_cast<char>(off);
    *o++ = static_cast<char>(off >> 8);
  }
  return o;
}

// The end of the run of equal bytes starting at p and q (q < p), at most `end`.
inline const char* MatchEnd(const char* p, const char* q, const char* end) {
  while (p + 8 <= end) {
    const uint64_t x = Load64(p) ^ Load64(q);
    if (x != 0) return p + (__builtin_ctzll(x) >> 3);
    p += 8;
    q += 8;
  }
  while (p < end && *p == *q) {
    ++p;
    ++q;
  }
  return p;
}

// Compresses one block [base, end); in_end is the end of the whole input.
enum class Mode : uint8_t { kDense, kLean, kSparse };

// kMode: see kLeanSavingShift. (A template parameter: a run-time flag in the
// loop made the dense search 18% slower.)
template <Mode kMode>
char* CompressBlock(const char* base, const char* end, const char* in_end, uint16_t* table,
                    char* o) {
  const size_t n = static_cast<size_t>(end - base);
  const char* anchor = base;  // start of the bytes not yet emitted
  if (n >= kMinBlockToSearch) {
    int bits = kMinTableBits;
    while (bits < kMaxTableBits && (size_t{1} << bits) < n) ++bits;
    const int shift = 64 - bits;
    std::memset(table, 0, sizeof(uint16_t) << bits);  // 0: the block's first byte
    const char* const limit = end - 8;                // words load 8 bytes
    const char* ip = base + 1;
    uint32_t skip = kSkipStart;
    while (ip < limit) {
      const uint64_t w = Load64(ip);
      const uint32_t h = Hash(w, shift);
      const char* c = base + table[h];
      table[h] = static_cast<uint16_t>(ip - base);
      if (__builtin_expect(!SamePrefix(Load64(c), w), 1)) {  // c < ip always
        const uint32_t step = skip >> kSkipShift;
        if constexpr (kMode == Mode::kLean) {
          // w holds the first 8 - k bytes of ip + k: enough for a match.
          for (int k = 1; k < kLeanStride; ++k) {
            table[Hash(w >> (8 * k), shift)] = static_cast<uint16_t>(ip + k - base);
          }
          ip += step + kLeanStride - 1;
        } else {
          ip += step;
        }
        skip += kMode == Mode::kSparse ? kSparseGrowth * step : 1;
        continue;
      }
      skip = kSkipStart;
      while (ip > anchor && c > base && ip[-1] == c[-1]) {  // the match may start earlier
        --ip;
        --c;
      }
      if (ip > anchor) o = EmitLiteral(o, anchor, ip - anchor, anchor + kFastLiteral <= in_end);
      // Copies back to back while the byte after one starts another match.
      while (true) {
        const char* const match_end = MatchEnd(ip + kMinMatch, c + kMinMatch, end);
        o = EmitCopy(o, ip - c, match_end - ip);
        ip = anchor = match_end;
        if (ip >= limit) break;
        table[Hash(Load64(ip - 1), shift)] = static_cast<uint16_t>(ip - 1 - base);
        const uint64_t w2 = Load64(ip);
        const uint32_t h2 = Hash(w2, shift);
        c = base + table[h2];
        table[h2] = static_cast<uint16_t>(ip - base);
        if (!SamePrefix(Load64(c), w2)) {
          ++ip;
          break;
        }
      }
    }
  }
  if (end > anchor) o = EmitLiteral(o, anchor, end - anchor, false);
  return o;
}

}  // namespace

size_t SnappyCompress(const char* in, size_t n, char* out, SnappyHistory* history) {
  uint16_t table[size_t{1} << kMaxTableBits];
  char* o = PutVarint32(out, static_cast<uint32_t>(n));
  Mode mode = history && history->mode <= static_cast<uint8_t>(Mode::kSparse)
                  ? static_cast<Mode>(history->mode)
                  : Mode::kDense;
  for (size_t pos = 0; pos < n; pos += kBlockSize) {
    const size_t len = n - pos < kBlockSize ? n - pos : kBlockSize;
    char* const block_out = o;
    const char* const b = in + pos;
    switch (mode) {
      case Mode::kDense:
        o = CompressBlock<Mode::kDense>(b, b + len, in + n, table, o);
        break;
      case Mode::kLean:
        o = CompressBlock<Mode::kLean>(b, b + len, in + n, table, o);
        break;
      case Mode::kSparse:
        o = CompressBlock<Mode::kSparse>(b, b + len, in + n, table, o);
        break;
    }
    const size_t written = static_cast<size_t>(o - block_out);
    if (len >= kMinBlockToJudge) {
      mode = written + (len >> kSparseSavingShift) > len ? Mode::kSparse
             : written + (len >> kLeanSavingShift) > len ? Mode::kLean
                                                         : Mode::kDense;
    }
  }
  if (history) history->mode = static_cast<uint8_t>(mode);
  return static_cast<size_t>(o - out);
}

}  // namespace sparkify::parquet
