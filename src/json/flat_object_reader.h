// FlatObjectReader: a fast, strict reader for the common shape of an input
// record: one JSON object whose values are all scalars, e.g. one eventsim log
// line or one Million Song Dataset file.
//
// It is a fast path, not a JSON parser: it accepts only a subset of valid JSON
// and says "not mine" (returns false) for everything else, so that the caller
// can hand the document to the full simdjson path, which decides what the
// document means or why it is a reject. The contract that makes this safe:
//
//   when Read() returns true, the document is valid JSON (RFC 8259, UTF-8) and
//   every field was reported, in document order, with the value simdjson's
//   On-Demand API gives for it (strings unescaped byte for byte, numbers with
//   their source text).
//
// Left to the full parser (Read returns false): nested objects or arrays,
// escaped or non-ASCII keys, \u escapes of surrogates, control characters in
// strings, numbers with an exponent, with more than kMaxDigits digits, or "-0",
// literals that are not followed by a separator, and anything invalid.
//
// How to use:
//   FlatObjectReader reader;
//   bool ok = reader.Read(line, [&](std::string_view key, const FlatValue& v) {
//     ...; return true;  // false abandons the document (Read returns false)
//   });
// Views into unescaped strings stay valid until the next Read().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>  // part of every x86-64 CPU: no runtime check needed
#endif

#include "json/text_repair.h"

namespace sparkify::json {

// A field's value. Only the members that `kind` defines (see each comment)
// are meaningful: Read() reuses one value for all fields of a document.
struct FlatValue {
  enum Kind : uint8_t { kString, kInteger, kDecimal, kTrue, kFalse, kNull };
  Kind kind = kNull;
  bool ascii = true;            // kString: the unescaped text has no byte >= 0x80
  bool negative = false;        // kInteger/kDecimal: starts with '-'
  uint8_t fraction_digits = 0;  // kDecimal: digits after the point
  std::string_view text;        // kString: unescaped; kInteger/kDecimal: the source text
  int64_t integer = 0;          // kInteger: the value
  uint64_t digits = 0;          // kInteger/kDecimal: all the digits as one integer ("2.50" -> 250)

  // The number as a double when that is exact to compute here: digits below
  // 2^53 over a power of ten up to 10^22 (both exact doubles, so the one
  // division rounds correctly, as simdjson and std::from_chars do). False
  // otherwise: the caller parses the text.
  bool ExactDouble(double* out) const {
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (digits > (uint64_t{1} << 53) || fraction_digits > 22) return false;
    double d = static_cast<double>(digits) / kPow10[fraction_digits];
    *out = negative ? -d : d;
    return true;
  }

  // A number's fields: `all_digits` holds every digit ("2.50" -> 250).
  void SetNumber(std::string_view source, bool is_negative, uint64_t all_digits, uint8_t fraction,
                 bool is_decimal) {
    text = source;
    negative = is_negative;
    digits = all_digits;
    fraction_digits = fraction;
    if (is_decimal) {
      kind = kDecimal;
    } else {
      kind = kInteger;
      integer = is_negative ? -static_cast<int64_t>(all_digits) : static_cast<int64_t>(all_digits);
    }
  }
};

class FlatObjectReader {
 public:
  // Integers and decimals with more digits than this go to the full parser
  // (they may not fit an int64 or may round differently).
  static constexpr size_t kMaxDigits = 18;
  // Larger documents are not records of the usual shape: the full parser
  // takes them (and the reader's buffer stays small).
  static constexpr size_t kMaxDocumentBytes = 1 << 20;

  FlatObjectReader() = default;
  FlatObjectReader(const FlatObjectReader&) = delete;
  FlatObjectReader& operator=(const FlatObjectReader&) = delete;

  // `doc` starts with '{' and ends with '}' (no surrounding whitespace).
  template <typename F>
  bool Read(std::string_view doc, F&& on_field) {
    return ReadObject<false, NoKeyIds>(doc, WithoutId<F>{on_field}, nullptr);
  }

  // Reads the object that starts `text` (text[0] == '{') and ends on the
  // same line, without knowing where the line ends: sets *length to the
  // object's length, and then its first *length bytes are a document that
  // Read() would accept with the same fields. A '\n' between tokens (never
  // allowed inside a string) makes it return false: a multi-line object is
  // left to the caller's line logic. `text` must end with '}' (the caller cuts
  // its text after its last '}'), which bounds every scan. What follows the
  // object is the caller's to check. Saves a pass over the line to find its
  // end before reading it.
  template <typename F>
  bool ReadLine(std::string_view text, F&& on_field, size_t* length) {
    return ReadObject<true, NoKeyIds>(text, WithoutId<F>{on_field}, length);
  }

  // Read and ReadLine with key ids: `KeyIds::Id(key)` (a static function,
  // std::string_view -> uint32_t) names the caller's field for a key, and
  // on_field(id, key, value) receives it. The reader remembers the id with
  // the key it predicts for each field (see "Key prediction" below), so a
  // record of the usual shape costs no key lookup at all: Id() runs only for
  // keys the reader did not predict. Ids are per KeyIds type: reading with
  // another type first forgets what was learnt.
  //
  // A field whose id is `KeyIds::kSkip` (a static constexpr uint32_t) is not
  // reported: its value is only checked as strictly as any other (same
  // documents accepted), without decoding it (no number conversion). Same
  // contract otherwise: when these return true, every other field was
  // reported, in document order.
  template <typename KeyIds, typename F>
  bool ReadWithIds(std::string_view doc, F&& on_field) {
    return ReadObject<false, KeyIds>(doc, std::forward<F>(on_field), nullptr);
  }
  template <typename KeyIds, typename F>
  bool ReadLineWithIds(std::string_view text, F&& on_field, size_t* length) {
    return ReadObject<true, KeyIds>(text, std::forward<F>(on_field), length);
  }

 private:
  // The key ids of Read and ReadLine: none.
  struct NoKeyIds {
    static constexpr uint32_t kSkip = UINT32_MAX;  // never an id
    static uint32_t Id(std::string_view) { return 0; }
  };
  template <typename F>
  struct WithoutId {
    F& on_field;
    bool operator()(uint32_t, std::string_view key, const FlatValue& v) { return on_field(key, v); }
  };
  // A distinct address per KeyIds type: what the predicted ids belong to.
  template <typename KeyIds>
  static inline char kKeyIdsTag = 0;  // not const: never merged with another

  // Read (kLine false: `text` is the document) or ReadLine (kLine true).
  template <bool kLine, typename KeyIds, typename F>
  bool ReadObject(std::string_view text, F&& on_field, size_t* length);

  // Reads the string whose opening quote is at p[-1]; on success *p is past
  // the closing quote and `out` holds the unescaped text.
  bool ReadString(const char*& p, const char* end, FlatValue* out);
  // ReadString's part for strings with escapes or non-ASCII bytes: from the
  // cache below when the same raw text was read before, else UnescapeString.
  // Both take the string's position by value and return the position past
  // its closing quote, or null for a string the reader leaves: so that the
  // caller's position never has its address taken (it stays in a register
  // across the appends of on_field).
  const char* ReadSpecialString(const char* p, const char* end, FlatValue* out);
  const char* UnescapeString(const char* p, const char* end, FlatValue* out);
  // true, false or null at p (a 't', 'f' or 'n').
  static bool ReadLiteral(const char*& p, const char* end, FlatValue* out);
  // The number at p (a '-' or a digit), up to a byte that cannot continue
  // it: the caller checks that a separator follows. kValue false: only
  // checks the number (same numbers accepted) and sets nothing in `out`.
  template <bool kValue = true>
  bool ReadNumber(const char*& p, const char* end, FlatValue* out);
  // ReadNumber for numbers that do not end within 16 bytes of p, or end
  // fewer than 16 bytes before `end`: the same numbers, the same values.
  // Returns the position past the number, or null (as ReadSpecialString).
  template <bool kValue>
  static const char* ReadLongNumber(const char* p, const char* end, FlatValue* out);

  // Room for the unescaped strings of an n-byte document, plus CopyPlain's
  // slack; null for documents over kMaxDocumentBytes.
  static constexpr size_t kSlack = 16;
  char* Reserve(size_t n) {
    n += kSlack;
    if (n > capacity_) {
      if (n > kMaxDocumentBytes + kSlack) return nullptr;
      capacity_ = n * 2;
      buffer_.reset(new char[capacity_]);
    }
    return buffer_.get();
  }

  // Key prediction: records of one input usually have the same keys in the
  // same order, so the bytes `"key":` of each field of an earlier document are
  // kept, and a field whose first bytes are exactly those has that key (it is
  // plain ASCII, followed by ':'), without scanning for its end. A failed
  // prediction costs one 16-byte compare, then the field is read as usual.
  static constexpr size_t kPredictedKeys = 32;
  static constexpr size_t kPredictedKeyBytes = 16;  // `"key":` of keys up to 13 bytes
  static constexpr uint32_t kNoPrediction = 1u << kPredictedKeyBytes;
  struct alignas(16) PredictedKey {
    char bytes[kPredictedKeyBytes] = {};
    // The low `length` bits; without a prediction a bit that no 16-byte
    // compare sets, so that one test rejects both.
    uint32_t mask = kNoPrediction;
    uint32_t length = 0;  // of `"key":`; 0: no prediction
    uint32_t id = 0;      // KeyIds::Id of the key
  };
  // True when the field at *p has the key predicted for field `field`: then
  // *key and *id are set and *p is past the ':'.
  bool MatchPredictedKey(size_t field, const char** p, const char* end, std::string_view* key,
                         uint32_t* id);
  // Remembers `text` (`"key":`, a key already checked to be plain) with its
  // id for field `field`.
  void PredictKey(size_t field, const char* text, size_t length, uint32_t id);
  // Forgets the predictions when their ids belong to another KeyIds type.
  void UseKeyIds(const void* tag) {
    if (tag == key_ids_) return;
    for (PredictedKey& k : predicted_) k = PredictedKey();
    key_ids_ = tag;
  }
  PredictedKey predicted_[kPredictedKeys];
  const void* key_ids_ = nullptr;  // the kKeyIdsTag the ids of predicted_ belong to

  // Strings that needed unescaping, by their raw text: in log records the
  // same few values recur (eventsim's user agents, "\"Mozilla\/5.0 ...\"",
  // are ~130 bytes with eight escapes, in every record). Direct-mapped on the
  // raw text's first 32 bytes; an entry is used only when the document has
  // exactly its raw bytes, up to and including the closing quote, so reading
  // them again would give the same text.
  //
  // A hit hands out the entry's own text (no copy into buffer_): an entry
  // served in the current document is therefore never replaced before the
  // next document (a later string of the same document that misses on its
  // slot is simply not cached), so the view stays valid until the next Read.
  static constexpr int kCacheBits = 8;
  static constexpr size_t kMaxCachedBytes = 512;
  struct CachedString {
    std::string raw;   // the raw text after the opening quote, closing quote included
    std::string text;  // unescaped
    bool ascii = true;
    // raw's first min(16, size) bytes, zero padded, and one bit per such
    // byte: the first compare of a lookup, with no call and no length test.
    alignas(16) char head[16] = {};
    uint32_t head_mask = 0;
    uint64_t document = 0;  // the last document (documents_) it was served in
  };
  // True when the n >= 1 bytes at p (with at least 32 readable) are c.raw.
  static bool SameRaw(const char* p, const CachedString& c);
  std::unique_ptr<CachedString[]> cache_;
  uint64_t documents_ = 0;  // ReadObject calls so far: names the current document

  std::unique_ptr<char[]> buffer_;  // unescaped strings of the current document
  size_t capacity_ = 0;
  char* out_ = nullptr;  // next free byte of buffer_
};

namespace flat_detail {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Skips JSON whitespace; with kLine, not '\n' (ReadLine stays on its line).
// Needs no bound: the reader only calls it before its text's last byte, '}',
// which stops it.
template <bool kLine = false>
inline const char* SkipSpace(const char* p) {
  // Most input has no space between tokens: one compare decides.
  while (static_cast<uint8_t>(*p) <= ' ' && IsSpace(*p) && !(kLine && *p == '\n')) ++p;
  return p;
}

// True when the 8 bytes of `w` are all ASCII digits.
inline bool AllDigits(uint64_t w) {
  return ((w & 0xF0F0F0F0F0F0F0F0ULL) |
          (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
}

// The value of 8 ASCII digits, the first in the lowest byte (little-endian load).
inline uint64_t EightDigits(uint64_t w) {
  constexpr uint64_t kMask = 0x000000FF000000FFULL;
  constexpr uint64_t kMul1 = 100 + (1000000ULL << 32);
  constexpr uint64_t kMul2 = 1 + (10000ULL << 32);
  w -= 0x3030303030303030ULL;
  w = (w * 10) + (w >> 8);  // pairs of digits
  return (((w & kMask) * kMul1) + (((w >> 16) & kMask) * kMul2)) >> 32;
}

inline constexpr uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                      100000, 1000000, 10000000, 100000000};

// Reads digits from p on, adding them to *value; returns the end of the digits.
// Past kMaxDigits the value wraps, but the caller rejects those numbers anyway.
// With kValue false, only finds the end of the digits (`value` untouched).
template <bool kValue = true>
inline __attribute__((always_inline)) const char* ReadDigits(const char* p, const char* end,
                                                             uint64_t* value) {
  uint64_t v = *value;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    // A byte of t is zero where w has a digit (exact up to the first
    // non-digit: only a byte >= 0xFA carries into the next one).
    uint64_t t = ((w & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
                 (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL);
    uint64_t non_digit =
        (((t & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | t) & 0x8080808080808080ULL;
    if (non_digit == 0) {
      if constexpr (kValue) v = v * 100000000 + EightDigits(w);
      p += 8;
      continue;
    }
    const int k = __builtin_ctzll(non_digit) >> 3;  // digits before the first non-digit
    if constexpr (!kValue) return p + k;
    if (k > 0) {
      // The k digits moved to the end of the word, behind '0's.
      uint64_t padded = (w << (64 - 8 * k)) | (0x3030303030303030ULL >> (8 * k));
      v = v * kPow10[k] + EightDigits(padded);
      p += k;
    }
    *value = v;
    return p;
  }
  while (p < end && static_cast<unsigned>(*p - '0') <= 9) {
    v = v * 10 + static_cast<uint64_t>(*p - '0');
    ++p;
  }
  *value = v;
  return p;
}

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;

// The 0x80 bit of each byte of `w` that equals `c` (exact, no false positives).
inline uint64_t BytesEqual(uint64_t w, uint8_t c) {
  uint64_t y = w ^ (kOnes * c);
  return ~(((y & kLow7) + kLow7) | y) & kHigh;
}

// The 0x80 bit of each byte that ends a plain run of string text: '"', '\\',
// a control character (< 0x20) or a non-ASCII byte.
inline uint64_t SpecialBytes(uint64_t w) {
  uint64_t control = ~(((w & kLow7) + kOnes * 0x60) | w) & kHigh;
  return BytesEqual(w, '"') | BytesEqual(w, '\\') | control | (w & kHigh);
}

inline bool IsSpecial(uint8_t c) { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80; }

#if defined(__SSE2__)
// 0xFF in each byte of `x` that is special (see SpecialBytes).
inline __attribute__((always_inline)) __m128i SpecialBytes16(__m128i x) {
  // Signed compare: bytes >= 0x80 are negative, so "< ' '" finds both
  // control characters and non-ASCII bytes.
  return _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
      _mm_cmplt_epi8(x, _mm_set1_epi8(' ')));
}
#endif

// Position of the first special byte in [p, end), or end.
inline __attribute__((always_inline)) const char* FindSpecial(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i special = SpecialBytes16(x);
    int m = _mm_movemask_epi8(special);
    if (m) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t m = SpecialBytes(w);
    if (m) return p + (__builtin_ctzll(m) >> 3);  // little-endian: lowest byte first
    p += 8;
  }
  while (p < end && !IsSpecial(static_cast<uint8_t>(*p))) ++p;
  return p;
}

// Copies the bytes from p up to the first special byte (see SpecialBytes) to
// *o, advancing *o past them; returns the special byte's position, or end.
// May write up to 16 bytes beyond what it copies: the buffer has kSlack spare.
inline const char* CopyPlain(const char* p, const char* end, char** o) {
  char* out = *o;
#if defined(__SSE2__)
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), x);
    __m128i special = SpecialBytes16(x);
    int m = _mm_movemask_epi8(special);
    if (m) {
      const int k = __builtin_ctz(static_cast<unsigned>(m));
      *o = out + k;
      return p + k;
    }
    p += 16;
    out += 16;
  }
#endif
  const char* q = FindSpecial(p, end);
  std::memcpy(out, p, static_cast<size_t>(q - p));
  *o = out + (q - p);
  return q;
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace flat_detail

inline __attribute__((always_inline)) bool FlatObjectReader::ReadString(const char*& p,
                                                                        const char* end,
                                                                        FlatValue* out) {
  out->kind = FlatValue::kString;
  const char* q = p;
#if defined(__SSE2__)
  // FindSpecial's 16-byte loop, here so that a special byte it finds needs no
  // test against `end`.
  while (end - q >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const int m = _mm_movemask_epi8(flat_detail::SpecialBytes16(x));
    if (m) {
      q += __builtin_ctz(static_cast<unsigned>(m));
      if (*q != '"') break;
      // The common case: nothing to unescape, point into the input.
      out->text = std::string_view(p, static_cast<size_t>(q - p));
      out->ascii = true;
      p = q + 1;
      return true;
    }
    q += 16;
  }
  if (end - q < 16) q = flat_detail::FindSpecial(q, end);
#else
  q = flat_detail::FindSpecial(q, end);
#endif
  if (q < end && *q == '"') {
    out->text = std::string_view(p, static_cast<size_t>(q - p));
    out->ascii = true;
    p = q + 1;
    return true;
  }
  p = ReadSpecialString(p, end, out);
  return p != nullptr;
}

inline __attribute__((always_inline)) bool FlatObjectReader::SameRaw(const char* p,
                                                                     const CachedString& c) {
  const size_t n = c.raw.size();
#if defined(__SSE2__)
  auto equal16 = [](const char* a, const char* b) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
  };
  // The head decides short texts and rejects most others.
  if ((equal16(p, c.head) & c.head_mask) != c.head_mask) return false;
  if (n <= 16) return true;
  // The rest (a hit, nearly always): the differences of all its 16-byte
  // blocks, the last one overlapping, are or-ed and tested once.
  auto diff16 = [](const char* a, const char* b) {
    return _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a)),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
  };
  const char* r = c.raw.data();
  __m128i diff = diff16(p + n - 16, r + n - 16);
  for (size_t i = 16; n - i > 16; i += 16) diff = _mm_or_si128(diff, diff16(p + i, r + i));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xFFFF;
#else
  return std::memcmp(p, c.raw.data(), n) == 0;
#endif
}

inline __attribute__((noinline)) const char* FlatObjectReader::ReadSpecialString(const char* p,
                                                                                 const char* end,
                                                                                 FlatValue* out) {
  // The key: the first 32 bytes (user agents share their first 16).
  if (end - p < 32) return UnescapeString(p, end, out);
  uint64_t w[4];
  std::memcpy(w, p, 32);
  const uint64_t h = (w[0] * 0x9E3779B97F4A7C15ULL) ^ (w[1] * 0xC2B2AE3D27D4EB4FULL) ^
                     (w[2] * 0x165667B19E3779F9ULL) ^ (w[3] * 0xD6E8FEB86659FD93ULL);
  const size_t slot = static_cast<size_t>(h >> (64 - kCacheBits));
  if (!cache_) cache_.reset(new CachedString[size_t{1} << kCacheBits]);
  CachedString& c = cache_[slot];
  const size_t n = c.raw.size();
  if (n > 0 && n <= static_cast<size_t>(end - p) && SameRaw(p, c)) {
    out->text = c.text;  // stays valid: see CachedString
    out->ascii = c.ascii;
    c.document = documents_;
    return p + n;
  }
  const char* const start = p;
  p = UnescapeString(p, end, out);
  if (p == nullptr) return nullptr;
  const size_t raw = static_cast<size_t>(p - start);
  if (raw <= kMaxCachedBytes && c.document != documents_) {
    c.raw.assign(start, raw);
    c.text.assign(out->text);
    c.ascii = out->ascii;
    const size_t head = std::min(raw, sizeof(c.head));
    std::memset(c.head, 0, sizeof(c.head));
    std::memcpy(c.head, start, head);
    c.head_mask = (1u << head) - 1;
  }
  return p;
}

inline __attribute__((noinline)) const char* FlatObjectReader::UnescapeString(const char* p,
                                                                              const char* end,
                                                                              FlatValue* out) {
  using namespace flat_detail;
  // Unescape into the buffer (never longer than the source text).
  char* start = out_;
  char* o = out_;
  bool ascii = true;
  const char* run = p;
  const char* q;
  while (true) {
    q = CopyPlain(run, end, &o);
    if (q >= end) return nullptr;  // no closing quote
    const auto c = static_cast<uint8_t>(*q);
    if (c == '"') break;
    if (c >= 0x80) {
      ascii = false;
      *o++ = static_cast<char>(c);
      run = q + 1;
    } else if (c < 0x20) {
      return nullptr;  // invalid JSON: the full parser says why
    } else {           // backslash
      if (end - q < 2) return nullptr;
      char e = q[1];
      run = q + 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          *o++ = e;
          break;
        case 'b':
          *o++ = '\b';
          break;
        case 'f':
          *o++ = '\f';
          break;
        case 'n':
          *o++ = '\n';
          break;
        case 'r':
          *o++ = '\r';
          break;
        case 't':
          *o++ = '\t';
          break;
        case 'u': {
          if (end - q < 6) return nullptr;
          uint32_t cp = 0;
          for (int k = 2; k < 6; ++k) {
            int h = HexValue(q[k]);
            if (h < 0) return nullptr;
            cp = (cp << 4) | static_cast<uint32_t>(h);
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) return nullptr;  // surrogates: full parser
          // "\uXXXX" is 6 bytes and encodes to at most 3, so `o` stays behind the input.
          if (cp < 0x80) {
            *o++ = static_cast<char>(cp);
          } else if (cp < 0x800) {
            *o++ = static_cast<char>(0xC0 | (cp >> 6));
            *o++ = static_cast<char>(0x80 | (cp & 0x3F));
            ascii = false;
          } else {
            *o++ = static_cast<char>(0xE0 | (cp >> 12));
            *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *o++ = static_cast<char>(0x80 | (cp & 0x3F));
            ascii = false;
          }
          run = q + 6;
          break;
        }
        default:
          return nullptr;
      }
    }
  }
  out->text = std::string_view(start, static_cast<size_t>(o - start));
  out->ascii = ascii;
  // Raw non-ASCII bytes must form valid UTF-8 (escapes always decode to whole
  // sequences, so checking the output checks the raw bytes).
  if (!ascii && !IsValidUtf8(out->text)) return nullptr;
  out_ = o;
  return q + 1;
}

inline __attribute__((always_inline)) bool FlatObjectReader::ReadLiteral(const char*& p,
                                                                         const char* end,
                                                                         FlatValue* out) {
  if (*p == 't') {
    if (end - p < 4 || std::memcmp(p, "true", 4) != 0) return false;
    out->kind = FlatValue::kTrue;
    p += 4;
  } else if (*p == 'f') {
    if (end - p < 5 || std::memcmp(p, "false", 5) != 0) return false;
    out->kind = FlatValue::kFalse;
    p += 5;
  } else {
    if (end - p < 4 || std::memcmp(p, "null", 4) != 0) return false;
    out->kind = FlatValue::kNull;
    p += 4;
  }
  return true;
}

template <bool kValue>
__attribute__((noinline)) const char* FlatObjectReader::ReadLongNumber(const char* p,
                                                                       const char* end,
                                                                       FlatValue* out) {
  const char* start = p;
  const char* q = p;
  bool negative = false;
  if (*q == '-') {
    negative = true;
    ++q;
  }
  const char* digits = q;
  uint64_t value = 0;
  q = flat_detail::ReadDigits<kValue>(q, end, &value);
  size_t int_digits = static_cast<size_t>(q - digits);
  if (int_digits == 0 || int_digits > kMaxDigits) return nullptr;
  if (*digits == '0' && int_digits > 1) return nullptr;  // leading zero: invalid
  bool decimal = false;
  size_t frac_digits = 0;
  if (q < end && *q == '.') {
    decimal = true;
    ++q;
    const char* frac = q;
    q = flat_detail::ReadDigits<kValue>(q, end, &value);
    frac_digits = static_cast<size_t>(q - frac);
    if (frac_digits == 0 || int_digits + frac_digits > kMaxDigits) return nullptr;
  }
  if (q < end && (*q == 'e' || *q == 'E')) return nullptr;
  // "-0" is the full parser's call (no leading zeros: 0 is the only integer
  // that starts with '0').
  if (!decimal && negative && *digits == '0') return nullptr;
  if constexpr (!kValue) return q;
  out->SetNumber(std::string_view(start, static_cast<size_t>(q - start)), negative, value,
                 static_cast<uint8_t>(frac_digits), decimal);
  return q;
}

template <bool kValue>
inline __attribute__((always_inline)) bool FlatObjectReader::ReadNumber(const char*& p,
                                                                        const char* end,
                                                                        FlatValue* out) {
#if defined(__SSE2__)
  // Nearly every number is unsigned and ends (with the byte after it) within
  // 16 bytes: one load classifies all its bytes, and the digit counts come
  // from bit masks instead of a scan per run of digits. Anything else (a
  // sign, a number that may go on past the 16 bytes or that this path cannot
  // decide in a few tests) is ReadLongNumber's.
  if (*p == '-' || end - p < 16) return (p = ReadLongNumber<kValue>(p, end, out)) != nullptr;
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Bytes >= 0x80 are negative, so the signed compares exclude them too.
  const auto digit = static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(
      _mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)))));
  const auto dot = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))));
  // The masks have 16 bits: the complements' upper bits stop the counts at 16.
  const auto int_digits = static_cast<uint32_t>(__builtin_ctz(~digit));
  const bool decimal = (dot >> int_digits) & 1;
  uint32_t next = int_digits;  // the byte after the number
  uint32_t frac_digits = 0;
  if (decimal) {
    frac_digits = static_cast<uint32_t>(__builtin_ctz(~(digit >> (int_digits + 1))));
    next += 1 + frac_digits;
  }
  // With at most 15 digits here, the kMaxDigits test cannot fail.
  if (next >= 16) return (p = ReadLongNumber<kValue>(p, end, out)) != nullptr;
  // *p is a digit (see the declaration), so int_digits >= 1. An exponent
  // needs no test: the caller finds no separator at its 'e' or 'E' and
  // leaves the document (as after "1x").
  if ((decimal && frac_digits == 0) || (*p == '0' && int_digits > 1)) return false;
  if constexpr (kValue) {
    // Digits to values: a word's first n digits moved to its end behind '0's.
    static constexpr uint64_t kZeros[] = {0x3030303030303030ULL,
                                          0x30303030303030ULL,
                                          0x303030303030ULL,
                                          0x3030303030ULL,
                                          0x30303030ULL,
                                          0x303030ULL,
                                          0x3030ULL,
                                          0x30ULL,
                                          0};
    auto first_digits = [](uint64_t w, uint32_t n) {  // 1 <= n <= 8
      return flat_detail::EightDigits((w << (64 - 8 * n)) | kZeros[n]);
    };
    uint64_t lo = static_cast<uint64_t>(_mm_cvtsi128_si64(x));
    uint64_t hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(x, x)));
    if (decimal) {
      // Integral parts of 8 digits or more (rare in decimals): the long path.
      if (int_digits >= 8) return (p = ReadLongNumber<kValue>(p, end, out)) != nullptr;
      // The point dropped: the fraction's digits move down one byte.
      const uint64_t int_part = (uint64_t{1} << (8 * int_digits)) - 1;
      lo = (lo & int_part) | (((lo >> 8) | (hi << 56)) & ~int_part);
      hi >>= 8;
    }
    const uint32_t n = int_digits + frac_digits;  // 1 to 15
    const uint64_t value = n <= 8 ? first_digits(lo, n)
                                  : flat_detail::EightDigits(lo) * flat_detail::kPow10[n - 8] +
                                        first_digits(hi, n - 8);
    out->SetNumber(std::string_view(p, next), false, value, static_cast<uint8_t>(frac_digits),
                   decimal);
  }
  p += next;
  return true;
#else
  return (p = ReadLongNumber<kValue>(p, end, out)) != nullptr;
#endif
}

inline __attribute__((always_inline)) bool FlatObjectReader::MatchPredictedKey(
    size_t field, const char** p, const char* end, std::string_view* key, uint32_t* id) {
#if defined(__SSE2__)
  if (field >= kPredictedKeys || end - *p < static_cast<ptrdiff_t>(kPredictedKeyBytes)) {
    return false;
  }
  const PredictedKey& k = predicted_[field];
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(*p));
  const __m128i y = _mm_load_si128(reinterpret_cast<const __m128i*>(k.bytes));
  const auto equal = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
  if ((equal & k.mask) != k.mask) return false;
  *key = std::string_view(*p + 1, k.length - 3);
  *id = k.id;
  *p += k.length;
  return true;
#else
  (void)field;
  (void)p;
  (void)end;
  (void)key;
  (void)id;
  return false;
#endif
}

inline void FlatObjectReader::PredictKey(size_t field, const char* text, size_t length,
                                         uint32_t id) {
  if (field >= kPredictedKeys || length > kPredictedKeyBytes) return;
  PredictedKey& k = predicted_[field];
  std::memset(k.bytes, 0, kPredictedKeyBytes);
  std::memcpy(k.bytes, text, length);
  k.length = static_cast<uint32_t>(length);
  k.mask = (1u << length) - 1;
  k.id = id;
}

template <bool kLine, typename KeyIds, typename F>
bool FlatObjectReader::ReadObject(std::string_view text, F&& on_field, size_t* length) {
  using namespace flat_detail;
  UseKeyIds(&kKeyIdsTag<KeyIds>);
  ++documents_;  // views of cached strings handed out before are no longer used
  const char* const begin = text.data();
  const char* p = begin;
  const char* const end = p + text.size();
  if (text.size() < 2 || *p != '{' || end[-1] != '}') return false;
  // Where strings must end: the unescaped text of a document is never longer
  // than the document, so strings that end within the first n bytes fit in a
  // buffer of n. ReadLine reads at most kMaxDocumentBytes (its object may end
  // anywhere before `end`); Read fails here for longer documents.
  const size_t limit = kLine ? std::min(text.size(), kMaxDocumentBytes) : text.size();
  const char* const strings_end = begin + limit;
  out_ = Reserve(limit);
  if (out_ == nullptr) return false;
  // The object ends at `p` (its '}'): whole for Read, a prefix for ReadLine.
  auto finish = [&](const char* p) {
    if constexpr (kLine) {
      *length = static_cast<size_t>(p + 1 - begin);
      return *length <= kMaxDocumentBytes;
    } else {
      return p + 1 == end;
    }
  };
  ++p;
  p = SkipSpace<kLine>(p);
  if (*p == '}') return finish(p);
  // One value for every field: each branch below sets what its kind defines
  // (FlatValue's contract), which costs less than a fresh value per field.
  FlatValue value;
  // Whitespace is rare between tokens: each place tests for it only where
  // the common token was not found (a space never matches a predicted key,
  // nor starts a value, nor is a separator), so records without spaces pay
  // nothing for it. The document's last byte is '}', so p stays inside it.
  for (size_t field = 0;; ++field) {
    std::string_view key;
    uint32_t id;
    if (!MatchPredictedKey(field, &p, end, &key, &id)) {
      if (static_cast<uint8_t>(*p) <= ' ') p = SkipSpace<kLine>(p);
      // Key: plain ASCII, no escapes (anything else goes to the full parser).
      if (*p != '"') return false;
      const char* const key_quote = p;
      const char* key_start = ++p;
      const char* key_end = FindSpecial(p, end);
      if (key_end >= end || *key_end != '"') return false;
      key = std::string_view(key_start, static_cast<size_t>(key_end - key_start));
      p = key_end + 1;
      id = KeyIds::Id(key);
      if (*p == ':') PredictKey(field, key_quote, static_cast<size_t>(p + 1 - key_quote), id);
      if (static_cast<uint8_t>(*p) <= ' ') p = SkipSpace<kLine>(p);
      if (*p != ':') return false;
      ++p;
    }

    // The value; a space before it is skipped where no value starts.
    for (bool spaced = false;; spaced = true) {
      const char c = *p;
      if (id == KeyIds::kSkip) {
        // Checked like any value, but not decoded nor reported.
        if (c == '"') {
          ++p;
          const char* q = FindSpecial(p, strings_end);
          if (q < strings_end && *q == '"') {
            p = q + 1;
          } else if ((p = ReadSpecialString(p, strings_end, &value)) == nullptr) {
            return false;
          }
          break;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
          if (!ReadNumber<false>(p, end, &value)) return false;
          break;
        }
      } else {
        if (c == '"') {
          ++p;
          if (!ReadString(p, strings_end, &value)) return false;
          break;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
          if (!ReadNumber(p, end, &value)) return false;
          break;
        }
      }
      if (c == 't' || c == 'f' || c == 'n') {
        if (!ReadLiteral(p, end, &value)) return false;
        break;
      }
      if (spaced || static_cast<uint8_t>(c) > ' ') return false;  // nested container or invalid
      p = SkipSpace<kLine>(p);
    }
    // A value ends at a separator: "1x", "nullx" and "truex" are not ours
    // (on_field may see such a value first: the document is dropped anyway).
    if (id != KeyIds::kSkip && !on_field(id, key, static_cast<const FlatValue&>(value))) {
      return false;
    }
    if (*p != ',') {
      if (static_cast<uint8_t>(*p) <= ' ') p = SkipSpace<kLine>(p);
      if (*p != ',') return *p == '}' && finish(p);
    }
    ++p;
  }
}

}  // namespace sparkify::json
