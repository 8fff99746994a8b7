// Dictionary building for RLE_DICTIONARY column chunks: maps each value to a
// dense index in first-seen order with an open-addressing hash table. This is
// the writer's hottest loop, so the tables store keys inline (numbers) or the
// hash next to the index (strings) and never allocate per value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

namespace sparkify::parquet {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
// Folds the 128-bit product: one multiply mixes every input bit into the result.
inline uint64_t MulFold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// A fast hash for the short strings that dominate dictionaries (ids, names,
// places). Strings of 8 to 24 bytes, the common case, take one branch-free
// path: three overlapping words (at 0, n/2 - 4 and n - 8) cover every byte, so
// values of mixed lengths cost no mispredicted branches.
inline uint64_t HashBytes(const char* p, size_t n) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  if (n - 8 <= 16) {  // 8 <= n <= 24 (unsigned wrap sends n < 8 elsewhere)
    const uint64_t a = Load64(p), b = Load64(p + (n >> 1) - 4), c = Load64(p + n - 8);
    return MulFold(k2 ^ n, MulFold(a ^ k1, b ^ k0) ^ c);
  }
  uint64_t a, b, seed = k0;
  if (n < 8) {
    if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
          static_cast<uint8_t>(p[n - 1]);
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = n;
    const char* q = p;
    while (i > 16) {
      seed = MulFold(Load64(q) ^ k1, Load64(q + 8) ^ seed);
      q += 16;
      i -= 16;
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  }
  return MulFold(k2 ^ n, MulFold(a ^ k1, b ^ seed));
}

// Equality for dictionary probes, inline for short strings (a libc memcmp call
// costs more than the comparison itself); 8 to 24 bytes compare the same three
// overlapping words as HashBytes reads, without a branch on the length.
inline bool SameBytes(std::string_view x, std::string_view y) {
  const size_t n = x.size();
  if (n != y.size()) return false;
  const char* p = x.data();
  const char* q = y.data();
  if (n - 8 <= 16) {
    const size_t m = (n >> 1) - 4;
    return ((Load64(p) ^ Load64(q)) | (Load64(p + m) ^ Load64(q + m)) |
            (Load64(p + n - 8) ^ Load64(q + n - 8))) == 0;
  }
  return n == 0 || std::memcmp(p, q, n) == 0;
}

// Fixed-width values (int32, int64, double) keyed by their bit pattern, so
// 0.0 and -0.0, or NaNs with different payloads, stay distinct entries.
template <typename T>
class NumberDictionary {
 public:
  static_assert(sizeof(T) <= 8);
  NumberDictionary() {
    std::fill(std::begin(direct_), std::end(direct_), kEmpty);
    Rehash(kInitialCapacity);
  }

  // Returns the index of v, adding it if new.
  uint32_t Insert(T v) {
    uint64_t key = Bits(v);
    // Small values (hours, days, weekdays, flags) are looked up directly.
    if (key < kDirect && direct_[key] != kEmpty) return direct_[key];
    size_t pos = Slot(key);
    while (true) {
      Entry& e = table_[pos];
      if (e.index == kEmpty) break;
      if (e.key == key) return e.index;
      pos = (pos + 1) & mask_;
    }
    uint32_t index = static_cast<uint32_t>(values_.size());
    table_[pos] = {key, index};
    if (key < kDirect) direct_[key] = index;
    values_.push_back(v);
    if (values_.size() * 2 > table_.size()) Rehash(table_.size() * 2);
    return index;
  }
  const std::vector<T>& values() const { return values_; }
  size_t size() const { return values_.size(); }
  size_t plain_bytes() const { return values_.size() * sizeof(T); }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // Small: a dictionary is made per column chunk, and a lake's one-row files
  // paid for zeroing a 1024-slot table per column; the table doubles as needed.
  static constexpr size_t kInitialCapacity = 16;
  static constexpr uint64_t kDirect = 64;  // bit patterns below this have a direct entry
  struct Entry {
    uint64_t key;
    uint32_t index;
  };
  static uint64_t Bits(T v) {
    uint64_t k = 0;
    std::memcpy(&k, &v, sizeof(T));
    return k;
  }
  size_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  void Rehash(size_t capacity) {
    table_.assign(capacity, Entry{0, kEmpty});
    mask_ = capacity - 1;
    shift_ = 64 - __builtin_ctzll(capacity);
    for (uint32_t i = 0; i < values_.size(); ++i) {
      uint64_t key = Bits(values_[i]);
      size_t pos = Slot(key);
      while (table_[pos].index != kEmpty) pos = (pos + 1) & mask_;
      table_[pos] = {key, i};
    }
  }

  std::vector<Entry> table_;
  std::vector<T> values_;
  size_t mask_ = 0;
  int shift_ = 0;
  uint32_t direct_[kDirect];  // index of small bit patterns, kEmpty until seen
};

// Byte strings; the views must stay valid while the dictionary is used.
class StringDictionary {
 public:
  StringDictionary() { Rehash(kInitialCapacity); }

  uint32_t Insert(std::string_view v) {
    uint64_t h = HashBytes(v.data(), v.size());
    size_t pos = h & mask_;
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    while (true) {
      Entry& e = table_[pos];
      if (e.index == kEmpty) break;
      if (e.tag == tag && SameBytes(values_[e.index], v)) return e.index;
      pos = (pos + 1) & mask_;
    }
    uint32_t index = static_cast<uint32_t>(values_.size());
    table_[pos] = {tag, index};
    values_.push_back(v);
    hashes_.push_back(h);
    plain_bytes_ += 4 + v.size();
    if (values_.size() * 2 > table_.size()) Rehash(table_.size() * 2);
    return index;
  }
  const std::vector<std::string_view>& values() const { return values_; }
  size_t size() const { return values_.size(); }
  size_t plain_bytes() const { return plain_bytes_; }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // Small: a dictionary is made per column chunk, and a lake's one-row files
  // paid for zeroing a 1024-slot table per column; the table doubles as needed.
  static constexpr size_t kInitialCapacity = 16;
  struct Entry {
    uint32_t tag;
    uint32_t index;
  };
  void Rehash(size_t capacity) {
    table_.assign(capacity, Entry{0, kEmpty});
    mask_ = capacity - 1;
    for (uint32_t i = 0; i < values_.size(); ++i) {
      uint64_t h = hashes_[i];
      size_t pos = h & mask_;
      while (table_[pos].index != kEmpty) pos = (pos + 1) & mask_;
      table_[pos] = {static_cast<uint32_t>(h >> 32), i};
    }
  }

  std::vector<Entry> table_;
  std::vector<std::string_view> values_;
  std::vector<uint64_t> hashes_;  // kept so growing the table needs no rehashing of bytes
  size_t mask_ = 0;
  size_t plain_bytes_ = 0;
};

}  // namespace sparkify::parquet
