#include "parquet/column_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "parquet/delta_encoder.h"
#include "parquet/dictionary_encoder.h"
#include "parquet/rle_bitpacked.h"
#include "parquet/statistics.h"

namespace sparkify::parquet {

namespace {

// The dictionary is judged after this many values: if by then it would not
// make the data smaller than PLAIN, the chunk is written PLAIN.
constexpr size_t kDictionaryProbeValues = 16384;
// An earlier, cheaper look: if the first this-many values are all distinct,
// the column is ids, timestamps or measurements, and a dictionary will not pay
// (a column with fewer distinct values than ~100x this would show a repeat).
constexpr size_t kDictionaryFirstLookValues = 2048;

// The first position from `i` on where the dictionary decisions that are not
// made per value (the first look, the probe, the chunk's end) may fire.
constexpr size_t NextDictionaryCheck(size_t i, size_t num_values) {
  if (i < kDictionaryFirstLookValues) return std::min(num_values, kDictionaryFirstLookValues);
  if (i < kDictionaryProbeValues) return std::min(num_values, kDictionaryProbeValues);
  return num_values;
}

// DELTA_BINARY_PACKED is chosen when the chunk's first values (up to the probe
// count) encode to at most this fraction of PLAIN: a smaller gain is not
// worth a less common encoding.
constexpr size_t kDeltaGainPercent = 90;

// Per-value-type behaviour: PLAIN encoding, size, statistics.
template <typename V>
struct Ops;

template <typename T>
struct NumberOps {
  using Acc = const T*;
  using Dict = NumberDictionary<T>;
  static constexpr size_t kFixedBits = sizeof(T) * 8;
  static constexpr bool kDictionary = true;
  static void Plain(const T* v, size_t n, std::string* out) {
    out->append(reinterpret_cast<const char*>(v), n * sizeof(T));
  }
  static size_t PlainBits(const T&) { return sizeof(T) * 8; }
  static void PlainDict(const Dict& d, std::string* out) {
    Plain(d.values().data(), d.size(), out);
  }
};

template <>
struct Ops<int32_t> : NumberOps<int32_t> {};
template <>
struct Ops<int64_t> : NumberOps<int64_t> {};
template <>
struct Ops<double> : NumberOps<double> {};

// Strings are read in place: bytes + offsets, like ColumnVector keeps them.
struct StrAcc {
  const char* data;
  const uint32_t* off;
  std::string_view operator[](size_t i) const {
    return std::string_view(data + off[i], off[i + 1] - off[i]);
  }
  StrAcc operator+(size_t k) const { return StrAcc{data, off + k}; }
};

// Strings in dictionary form (column_vector.h): row i is value codes[i] of
// the column's dictionary (bytes + offsets).
struct CodeAcc {
  const char* data;
  const uint32_t* off;
  const uint32_t* codes;
  size_t dictionary_size;
  std::string_view operator[](size_t i) const {
    const uint32_t c = codes[i];
    return std::string_view(data + off[c], off[c + 1] - off[c]);
  }
  CodeAcc operator+(size_t k) const { return CodeAcc{data, off, codes + k, dictionary_size}; }
};

// The Parquet dictionary of a chunk in dictionary form: its values in
// first-seen order, found by code (an array lookup) instead of by hashing
// the text. Same interface as StringDictionary.
class CodeDictionary {
 public:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  explicit CodeDictionary(size_t codes) : index_(codes, kEmpty) {}
  // The index of `code`, kEmpty when it is not in the dictionary yet.
  uint32_t Find(uint32_t code) const { return index_[code]; }
  // Adds `code` (not in the dictionary yet), whose value is `v`; its index.
  uint32_t Add(uint32_t code, std::string_view v) {
    const uint32_t index = static_cast<uint32_t>(values_.size());
    index_[code] = index;
    values_.push_back(v);
    plain_sizes_.push_back(static_cast<uint32_t>(4 + v.size()));
    plain_bytes_ += 4 + v.size();
    return index;
  }
  const std::vector<std::string_view>& values() const { return values_; }
  size_t size() const { return values_.size(); }
  size_t plain_bytes() const { return plain_bytes_; }
  // PLAIN's bytes for the value of `index` (its length and text).
  uint32_t plain_size(uint32_t index) const { return plain_sizes_[index]; }

 private:
  std::vector<uint32_t> index_;  // by code
  std::vector<std::string_view> values_;
  std::vector<uint32_t> plain_sizes_;  // by index
  size_t plain_bytes_ = 0;
};

template <typename Acc>
void PlainStrings(Acc v, size_t n, std::string* out) {
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += 4 + v[i].size();
  size_t old = out->size();
  out->resize(old + total);
  char* p = out->data() + old;
  for (size_t i = 0; i < n; ++i) {
    std::string_view s = v[i];
    uint32_t len = static_cast<uint32_t>(s.size());
    std::memcpy(p, &len, 4);
    if (len) std::memcpy(p + 4, s.data(), len);
    p += 4 + len;
  }
}

template <>
struct Ops<std::string_view> {
  using Acc = StrAcc;
  using Dict = StringDictionary;
  static constexpr size_t kFixedBits = 0;  // varies
  static constexpr bool kDictionary = true;
  template <typename A>
  static void Plain(A v, size_t n, std::string* out) {
    PlainStrings(v, n, out);
  }
  static size_t PlainBits(std::string_view s) { return (4 + s.size()) * 8; }
  template <typename D>
  static void PlainDict(const D& d, std::string* out) {
    PlainStrings(d.values().data(), d.size(), out);
  }
};

// Booleans: bit-packed PLAIN, never a dictionary.
struct Bool {
  uint8_t v;
};
template <>
struct Ops<Bool> {
  using Acc = const Bool*;
  using Dict = void;
  static constexpr size_t kFixedBits = 1;
  static constexpr bool kDictionary = false;
  static void Plain(const Bool* v, size_t n, std::string* out) {
    size_t old = out->size();
    out->resize(old + (n + 7) / 8, '\0');
    uint8_t* p = reinterpret_cast<uint8_t*>(out->data()) + old;
    for (size_t i = 0; i < n; ++i) p[i / 8] |= static_cast<uint8_t>((v[i].v & 1) << (i % 8));
  }
  static size_t PlainBits(const Bool&) { return 1; }
};

// Min and max of values[0, n) as statistics; false if there is none (no
// values, or only NaNs). Kept out of line: inlined into the large WriteTyped,
// the running bounds were spilled to the stack and every value waited on a
// store-to-load round trip.
template <typename T>
[[gnu::noinline]] bool MinMaxInt(const T* v, size_t n, std::string* mn, std::string* mx) {
  if (n == 0) return false;
  if constexpr (sizeof(T) == 4) {  // vectorized by the compiler as it is
    T lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; ++i) {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
    *mn = EncodeStat(lo);
    *mx = EncodeStat(hi);
    return true;
  }
  // Four sets of bounds for 64-bit values: without 64-bit vector compares
  // (SSE2) each bound is a compare and a conditional move that the next
  // value waits for; four chains halved the time per value.
  T lo[4] = {v[0], v[0], v[0], v[0]}, hi[4] = {v[0], v[0], v[0], v[0]};
  size_t i = 1;
  for (; i + 4 <= n; i += 4) {
    for (size_t k = 0; k < 4; ++k) {
      lo[k] = std::min(lo[k], v[i + k]);
      hi[k] = std::max(hi[k], v[i + k]);
    }
  }
  for (; i < n; ++i) {
    lo[0] = std::min(lo[0], v[i]);
    hi[0] = std::max(hi[0], v[i]);
  }
  const T lo_all = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3]));
  const T hi_all = std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]));
  *mn = EncodeStat(lo_all);
  *mx = EncodeStat(hi_all);
  return true;
}
bool MinMax(const int32_t* v, size_t n, std::string* mn, std::string* mx) {
  return MinMaxInt(v, n, mn, mx);
}
bool MinMax(const int64_t* v, size_t n, std::string* mn, std::string* mx) {
  return MinMaxInt(v, n, mn, mx);
}
[[gnu::noinline]] bool MinMax(const double* v, size_t n, std::string* mn, std::string* mx) {
  // A NaN compares false both ways, so it never replaces a bound: NaN has no
  // place in an order. Two sets of bounds halve the dependency chain.
  double lo0 = INFINITY, hi0 = -INFINITY, lo1 = INFINITY, hi1 = -INFINITY;
  size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    const double x = v[i], y = v[i + 1];
    lo0 = x < lo0 ? x : lo0;
    hi0 = x > hi0 ? x : hi0;
    lo1 = y < lo1 ? y : lo1;
    hi1 = y > hi1 ? y : hi1;
  }
  if (i < n) {
    lo0 = v[i] < lo0 ? v[i] : lo0;
    hi0 = v[i] > hi0 ? v[i] : hi0;
  }
  double lo = lo1 < lo0 ? lo1 : lo0, hi = hi1 > hi0 ? hi1 : hi0;
  if (!(lo <= hi)) return false;  // nothing but NaNs (or nothing)
  // Readers cannot tell which zero was seen: widen to both (LogicalTypes.md).
  if (lo == 0) lo = -0.0;
  if (hi == 0) hi = +0.0;
  *mn = EncodeStat(lo);
  *mx = EncodeStat(hi);
  return true;
}
bool MinMax(const Bool* v, size_t n, std::string* mn, std::string* mx) {
  if (n == 0) return false;
  bool any_true = false, any_false = false;
  for (size_t i = 0; i < n; ++i) (v[i].v ? any_true : any_false) = true;
  *mn = EncodeStat(!any_false);
  *mx = EncodeStat(any_true);
  return true;
}
// The first 8 bytes as a big-endian number (zero-padded): comparing these
// orders strings as unsigned bytes would, except for ties.
inline uint64_t Prefix(std::string_view s) {
  uint64_t w = 0;
  if (s.size() >= 8) {
    std::memcpy(&w, s.data(), 8);  // a fixed size: one load, not a libc call
  } else {
    std::memcpy(&w, s.data(), s.size());
  }
  return __builtin_bswap64(w);
}

template <typename Acc>
[[gnu::noinline]] bool MinMaxStrings(Acc v, size_t n, std::string* mn, std::string* mx) {
  if (n == 0) return false;
  std::string_view lo = v[0], hi = v[0];
  uint64_t lo_p = Prefix(lo), hi_p = lo_p;
  for (size_t i = 1; i < n; ++i) {
    std::string_view s = v[i];
    const uint64_t p = Prefix(s);
    // Only a prefix tie needs the full comparison (string_view compares unsigned bytes).
    if (p < lo_p || (p == lo_p && s < lo)) {
      lo = s;
      lo_p = p;
    }
    if (p > hi_p || (p == hi_p && hi < s)) {
      hi = s;
      hi_p = p;
    }
  }
  mn->assign(lo);
  mx->assign(hi);
  return true;
}
bool MinMax(StrAcc v, size_t n, std::string* mn, std::string* mx) {
  return MinMaxStrings(v, n, mn, mx);
}
bool MinMax(CodeAcc v, size_t n, std::string* mn, std::string* mx) {
  return MinMaxStrings(v, n, mn, mx);
}

template <typename V>
constexpr PhysicalType TypeOf() {
  if constexpr (std::is_same_v<V, int32_t>) return PhysicalType::kInt32;
  if constexpr (std::is_same_v<V, int64_t>) return PhysicalType::kInt64;
  if constexpr (std::is_same_v<V, double>) return PhysicalType::kDouble;
  if constexpr (std::is_same_v<V, Bool>) return PhysicalType::kBoolean;
  return PhysicalType::kByteArray;
}

format::Type FormatType(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
      return format::BOOLEAN;
    case PhysicalType::kInt32:
      return format::INT32;
    case PhysicalType::kInt64:
      return format::INT64;
    case PhysicalType::kInt96:
      return format::INT96;
    case PhysicalType::kFloat:
      return format::FLOAT;
    case PhysicalType::kDouble:
      return format::DOUBLE;
    case PhysicalType::kByteArray:
      return format::BYTE_ARRAY;
    case PhysicalType::kFixedLenByteArray:
      return format::FIXED_LEN_BYTE_ARRAY;
  }
  return format::BYTE_ARRAY;
}

// (*bounds)[i] = v, keeping the room of a string left by an earlier chunk.
void SetBound(std::vector<std::string>* bounds, size_t i, std::string_view v) {
  if (i < bounds->size()) {
    (*bounds)[i].assign(v);
  } else {
    bounds->emplace_back(v);
  }
}

// *stat = v, keeping the room of the string if it holds one.
void SetStat(std::optional<std::string>* stat, std::string_view v) {
  if (*stat) {
    (*stat)->assign(v);
  } else {
    stat->emplace(v);
  }
}

struct PageRange {
  size_t row_begin, row_end;  // rows, nulls included
  size_t val_begin, val_end;  // non-null values
};

// The page list of the chunk being written, reused by the thread from chunk
// to chunk (a vector per chunk was an allocation per column of every small
// file). WriteTyped fills it only after its one nested call has returned.
std::vector<PageRange>& ThreadPages() {
  thread_local std::vector<PageRange> pages;
  return pages;
}

int32_t CodecOf(Codec c) {
  switch (c) {
    case Codec::kUncompressed:
      return format::UNCOMPRESSED;
    case Codec::kSnappy:
      return format::SNAPPY;
    case Codec::kGzip:
      return format::GZIP;
    case Codec::kZstd:
      return format::ZSTD;
  }
  return format::UNCOMPRESSED;
}

// V1 pages prefix the levels with their 4-byte length; V2 pages give it in the header.
void AppendDefinitionLevels(const uint8_t* validity, size_t rows, bool length_prefix,
                            std::string* out) {
  size_t len_pos = out->size();
  if (length_prefix) out->append(4, '\0');
  if (validity == nullptr) {
    // All present: one RLE run of 1s.
    uint64_t header = static_cast<uint64_t>(rows) << 1;
    while (header >= 0x80) {
      out->push_back(static_cast<char>((header & 0x7F) | 0x80));
      header >>= 7;
    }
    out->push_back(static_cast<char>(header));
    out->push_back(1);
  } else {
    RleBpEncode(validity, rows, 1, out);
  }
  if (length_prefix) {
    uint32_t len = static_cast<uint32_t>(out->size() - len_pos - 4);
    std::memcpy(out->data() + len_pos, &len, 4);
  }
}

format::BoundaryOrder ComputeBoundaryOrder(PhysicalType type, const format::ColumnIndex& ci) {
  bool asc = true, desc = true;
  int prev = -1;
  for (size_t i = 0; i < ci.null_pages.size(); ++i) {
    if (ci.null_pages[i]) continue;
    if (prev >= 0) {
      if (CompareStatValues(type, ci.min_values[i], ci.min_values[prev]) < 0 ||
          CompareStatValues(type, ci.max_values[i], ci.max_values[prev]) < 0)
        asc = false;
      if (CompareStatValues(type, ci.min_values[i], ci.min_values[prev]) > 0 ||
          CompareStatValues(type, ci.max_values[i], ci.max_values[prev]) > 0)
        desc = false;
    }
    prev = static_cast<int>(i);
  }
  if (asc) return format::ASCENDING;
  if (desc) return format::DESCENDING;
  return format::UNORDERED;
}

}  // namespace

Status ColumnChunkWriter::Validate(const ColumnSchema& schema, const ColumnVector& column) {
  if (column.type != schema.type) {
    return Status::InvalidArgument("column " + schema.name + ": vector type does not match schema");
  }
  switch (schema.type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
    case PhysicalType::kByteArray:
      break;
    default:
      return Status::NotSupported("column " + schema.name +
                                  ": the writer does not write this type");
  }
  size_t n = column.size();
  if (schema.type == PhysicalType::kByteArray && column.dictionary_form()) {
    const ColumnVector& d = *column.dictionary;
    if (d.type != PhysicalType::kByteArray || d.dictionary_form() || !d.validity.empty()) {
      return Status::InvalidArgument("column " + schema.name +
                                     ": its dictionary must be plain strings without nulls");
    }
    SPARKIFY_RETURN_IF_ERROR(Validate(
        ColumnSchema{schema.name, PhysicalType::kByteArray, schema.logical, Repetition::kRequired},
        d));
  } else if (schema.type == PhysicalType::kByteArray) {
    if (column.offsets.empty() || column.offsets.back() > column.bytes.size()) {
      return Status::InvalidArgument("column " + schema.name + ": offsets out of range");
    }
    for (size_t i = 1; i < column.offsets.size(); ++i) {
      if (column.offsets[i] < column.offsets[i - 1]) {
        return Status::InvalidArgument("column " + schema.name + ": offsets decrease at row " +
                                       std::to_string(i - 1));
      }
    }
  }
  if (!column.validity.empty()) {
    if (column.validity.size() != n) {
      return Status::InvalidArgument("column " + schema.name + ": validity size mismatch");
    }
    uint8_t any_bits = 0, all_bits = 1;
    for (uint8_t b : column.validity) {
      any_bits |= b;
      all_bits &= b;
    }
    if (any_bits > 1) {
      return Status::InvalidArgument("column " + schema.name + ": validity bytes must be 0 or 1");
    }
    if (schema.repetition == Repetition::kRequired && all_bits == 0) {
      return Status::InvalidArgument("column " + schema.name + " is REQUIRED but has nulls");
    }
  }
  if (schema.type == PhysicalType::kByteArray && column.dictionary_form()) {
    const size_t values = column.dictionary->size();
    const uint32_t* codes = column.codes.data();
    // The largest code of a non-null row (0 when none) against the
    // dictionary's size: a maximum the compiler vectorizes, where an or of
    // per-row compares took ~7 instructions a row.
    uint32_t top = 0;
    bool any = column.validity.empty() ? n > 0 : false;  // a non-null row
    if (column.validity.empty()) {
      for (size_t i = 0; i < n; ++i) top = std::max(top, codes[i]);
    } else {
      const uint8_t* valid = column.validity.data();
      uint8_t or_valid = 0;
      for (size_t i = 0; i < n; ++i) {
        top = std::max(top, valid[i] != 0 ? codes[i] : 0u);
        or_valid |= valid[i];
      }
      any = or_valid != 0;
    }
    if (any && top >= values) {
      return Status::InvalidArgument("column " + schema.name + ": code out of range");
    }
  }
  return Status::OK();
}

Status ColumnChunkWriter::WritePage(format::PageHeader header, size_t levels_size,
                                    CompressionHistory* history, Sink* sink, uint64_t* file_offset,
                                    int64_t* uncompressed_total, int64_t* compressed_total,
                                    int32_t* page_size) {
  // V2 pages keep their levels (the first levels_size bytes) uncompressed.
  const std::string& page_ = scratch_->page;
  std::string& header_ = scratch_->header;
  std::string_view levels = std::string_view(page_).substr(0, levels_size);
  std::string_view body = std::string_view(page_).substr(levels_size);
  std::string_view payload = body;
  if (options_.codec != Codec::kUncompressed) {
    SPARKIFY_RETURN_IF_ERROR(compressor_->Compress(body, &payload, history));
  }
  const size_t stored = levels.size() + payload.size();
  if (page_.size() > INT32_MAX || stored > INT32_MAX) {
    return Status::InvalidArgument("page larger than 2 GiB");
  }
  header.uncompressed_page_size = static_cast<int32_t>(page_.size());
  header.compressed_page_size = static_cast<int32_t>(stored);
  header_.clear();
  format::Serialize(header, &header_);
  SPARKIFY_RETURN_IF_ERROR(sink->Append(header_));
  if (!levels.empty()) SPARKIFY_RETURN_IF_ERROR(sink->Append(levels));
  SPARKIFY_RETURN_IF_ERROR(sink->Append(payload));
  *uncompressed_total += header_.size() + page_.size();
  *compressed_total += header_.size() + stored;
  *page_size = static_cast<int32_t>(header_.size() + stored);
  *file_offset += header_.size() + stored;
  return Status::OK();
}

template <typename V, typename Acc>
Status ColumnChunkWriter::WriteTyped(const ColumnSchema& schema, const uint8_t* validity, size_t n,
                                     Acc values, size_t num_values, Sink* sink,
                                     uint64_t* file_offset, EncodedChunk* out) {
  using O = Ops<V>;
  constexpr PhysicalType kType = TypeOf<V>();
  constexpr bool kCoded = std::is_same_v<Acc, CodeAcc>;  // strings in dictionary form
  const bool optional = schema.repetition == Repetition::kOptional;
  if (!optional || num_values == n) validity = nullptr;  // no nulls: no level scan needed
  std::vector<uint32_t>& indices_ = scratch_->indices;
  std::string& page_ = scratch_->page;

  // 3. Dictionary.
  bool use_dict = false;
  int bit_width = 0;
  std::string dict_page_values;
  size_t dict_size = 0;
  [[maybe_unused]] std::vector<uint32_t> rank;     // dictionary index -> sort rank (strings)
  [[maybe_unused]] std::vector<uint32_t> by_rank;  // sort rank -> dictionary index
  [[maybe_unused]] std::vector<std::string_view> dict_views;
  if constexpr (O::kDictionary) {
    // One value never takes a dictionary (its page plus an index is larger
    // than the value PLAIN, so the check below would refuse it): a lake's
    // one-row files skip building one per column.
    if (options_.enable_dictionary && num_values > 1) {
      auto dict = [&] {
        if constexpr (kCoded) {
          return CodeDictionary(values.dictionary_size);
        } else {
          return typename O::Dict();
        }
      }();
      indices_.resize(num_values);
      use_dict = true;
      size_t plain_bits = 0;
      // The two decisions made once values [0, end) are in the dictionary:
      // the first look gives up on a column whose values were all distinct,
      // and the probe (or a shorter chunk's end) on a dictionary plus indices
      // no smaller than PLAIN's plain_bits.
      auto all_distinct_at_first_look = [&](size_t end) {
        return end == kDictionaryFirstLookValues && dict.size() == end && end < num_values;
      };
      auto not_smaller_than_plain = [&](size_t end) {
        const size_t idx_bits = end * std::max(1, BitWidth(dict.size() - 1));
        return dict.plain_bytes() * 8 + idx_bits >= plain_bits;
      };
      if constexpr (std::is_arithmetic_v<V>) {
        // The decisions of the loop below, with the checks that can only fire
        // at the first-look and probe positions taken out of the per-value
        // loop (the time table's hours, days, weeks and the songplays' ids
        // are millions of values). A number dictionary grows by sizeof(V) per
        // new value, and a new value's index is the old size: it is past the
        // limit exactly when its index reaches `entries`.
        const size_t entries = options_.dictionary_page_size_limit / sizeof(V);
        size_t i = 0;
        while (i < num_values) {
          const size_t end = NextDictionaryCheck(i, num_values);
          for (; i < end; ++i) {
            const uint32_t index = dict.Insert(values[i]);
            indices_[i] = index;
            if (index >= entries) break;
          }
          if (i < end) {  // past dictionary_page_size_limit
            use_dict = false;
            break;
          }
          if (all_distinct_at_first_look(end)) {
            use_dict = false;
            break;
          }
          if (end == kDictionaryProbeValues || end == num_values) {
            plain_bits += end * O::PlainBits(V{});
            if (not_smaller_than_plain(end)) {
              use_dict = false;
              break;
            }
          }
        }
      } else if constexpr (kCoded) {
        // The decisions of the loop below for codes, its checks made only
        // where they can fire: the size limit when the dictionary grows, the
        // first look and the probe at their positions. A code seen before is
        // an array lookup (its text is read only when new), and PLAIN's size
        // of the values so far is summed from their indices' as they go.
        uint64_t plain_bytes_so_far = 0;  // of values [0, i)
        size_t i = 0;
        while (i < num_values) {
          const size_t end = NextDictionaryCheck(i, num_values);
          for (; i < end; ++i) {
            uint32_t index = dict.Find(values.codes[i]);
            if (index == CodeDictionary::kEmpty) {
              index = dict.Add(values.codes[i], values[i]);
              if (dict.plain_bytes() > options_.dictionary_page_size_limit) break;
            }
            indices_[i] = index;
            plain_bytes_so_far += dict.plain_size(index);
          }
          if (i < end) {  // past dictionary_page_size_limit
            use_dict = false;
            break;
          }
          if (all_distinct_at_first_look(end)) {
            use_dict = false;
            break;
          }
          if (end == kDictionaryProbeValues || end == num_values) {
            plain_bits += plain_bytes_so_far * 8;
            if (not_smaller_than_plain(end)) {
              use_dict = false;
              break;
            }
          }
        }
      } else {
        for (size_t i = 0; i < num_values; ++i) {
          indices_[i] = dict.Insert(values[i]);
          if (dict.plain_bytes() > options_.dictionary_page_size_limit) {
            use_dict = false;
            break;
          }
          if (all_distinct_at_first_look(i + 1)) {
            use_dict = false;
            break;
          }
          if (i + 1 == kDictionaryProbeValues || i + 1 == num_values) {
            // Would dictionary + indices beat PLAIN for what we have seen? (Also
            // asked at the end of chunks shorter than the probe: a small file's
            // unique ids are smaller PLAIN.)
            for (size_t k = 0; k <= i; ++k) plain_bits += O::PlainBits(values[k]);
            if (not_smaller_than_plain(i + 1)) {
              use_dict = false;
              break;
            }
          }
        }
      }
      if (use_dict) {
        bit_width = std::max(1, BitWidth(dict.size() - 1));
        O::PlainDict(dict, &dict_page_values);
        dict_size = dict.size();
        if constexpr (std::is_same_v<V, std::string_view>) {
          // Ranks let page min/max be found by comparing integers. Values are
          // sorted by their first 8 bytes as a number, which orders them as
          // their bytes do but for ties, which compare the whole values (the
          // same order: values are distinct); a memcmp call per comparison
          // was most of a chunk of song ids.
          const auto& dv = dict.values();
          std::vector<std::pair<uint64_t, uint32_t>> order(dv.size());
          for (uint32_t k = 0; k < order.size(); ++k) order[k] = {Prefix(dv[k]), k};
          std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
            if (a.first != b.first) return a.first < b.first;
            return dv[a.second] < dv[b.second];
          });
          rank.resize(dv.size());
          by_rank.resize(dv.size());
          for (uint32_t k = 0; k < order.size(); ++k) {
            rank[order[k].second] = k;
            by_rank[k] = order[k].second;
          }
          dict_views = dv;
        }
      }
    }
  }

  if constexpr (kCoded) {
    if (!use_dict) {
      // No dictionary after all: the encodings below want the text contiguous.
      std::string& bytes = scratch_->bytes;
      std::vector<uint32_t>& offsets = scratch_->offsets;
      bytes.clear();
      offsets.resize(num_values + 1);
      offsets[0] = 0;
      for (size_t i = 0; i < num_values; ++i) {
        bytes.append(values[i]);
        offsets[i + 1] = static_cast<uint32_t>(bytes.size());
      }
      return WriteTyped<std::string_view>(schema, validity, n, StrAcc{bytes.data(), offsets.data()},
                                          num_values, sink, file_offset, out);
    }
  }

  // 3b. Without a dictionary: integers take DELTA_BINARY_PACKED if a sample
  // says it pays. Strings take DELTA_LENGTH_BYTE_ARRAY (lengths delta-packed,
  // then the bytes back to back), or DELTA_BYTE_ARRAY when they share prefixes,
  // under SNAPPY or no codec, which would store
  // PLAIN's 4-byte length before every value nearly as is. ZSTD and GZIP
  // entropy-code those lengths to almost nothing and match on them (length +
  // shared prefix): on unique ids their files came out 15% larger without them.
  int32_t value_encoding = format::PLAIN;
  if (!use_dict && options_.enable_delta_encoding) {
    if constexpr (std::is_same_v<V, int32_t> || std::is_same_v<V, int64_t>) {
      const size_t sample = std::min(num_values, kDictionaryProbeValues);
      if (num_values > 0 &&
          DeltaBinaryPackedSize(values, sample) * 100 <= sample * sizeof(V) * kDeltaGainPercent) {
        value_encoding = format::DELTA_BINARY_PACKED;
      }
    } else if constexpr (std::is_same_v<Acc, StrAcc>) {
      if (options_.codec == Codec::kSnappy || options_.codec == Codec::kUncompressed) {
        // Values that share prefixes with the one before them (ids with a
        // common head, paths, URLs, sorted keys) go DELTA_BYTE_ARRAY when that
        // encodes the chunk's first values smaller: the shared bytes it leaves
        // out must pay for a second stream of lengths (a few bits per value,
        // and its header, which decides for chunks of a few values).
        const size_t sample = std::min(num_values, kDictionaryProbeValues);
        value_encoding = DeltaByteArraySize(values.data, values.off, sample) <
                                 DeltaLengthByteArraySize(values.off, sample)
                             ? format::DELTA_BYTE_ARRAY
                             : format::DELTA_LENGTH_BYTE_ARRAY;
      }
    }
  }
  if (use_dict) value_encoding = format::RLE_DICTIONARY;

  // 4. Pages.
  std::vector<PageRange>& pages = ThreadPages();
  pages.clear();
  {
    const size_t page_bits = std::max<size_t>(options_.data_page_size, 1) * 8;
    const size_t max_rows = std::max<size_t>(options_.max_page_rows, 1);
    size_t r = 0, v = 0;
    const size_t fixed_bits = use_dict ? static_cast<size_t>(bit_width) : O::kFixedBits;
    if (validity == nullptr && fixed_bits > 0) {
      // Every row holds a value of known size: page bounds are arithmetic.
      const size_t per_page =
          std::min(max_rows, std::max<size_t>(1, (page_bits + fixed_bits - 1) / fixed_bits));
      for (size_t b = 0; b < n; b += per_page) {
        const size_t e = std::min(n, b + per_page);
        pages.push_back(PageRange{b, e, b, e});
      }
      r = n;
    }
    if constexpr (std::is_same_v<Acc, StrAcc>) {
      if (validity == nullptr && !use_dict) {
        // Strings without nulls: the PLAIN size of values [b, e) is
        // 4 (e - b) + off[e] - off[b], growing with e, so each page's end (the
        // first value that takes it to page_bits, as the loop below finds) is
        // a binary search.
        auto bits_of = [&](size_t b, size_t e) {
          return (4 * (e - b) + (values.off[e] - values.off[b])) * 8;
        };
        for (size_t b = 0; b < n;) {
          const size_t last = std::min(n, b + max_rows);
          size_t lo = b + 1, hi = last;  // the end is in [lo, hi]
          while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (bits_of(b, mid) >= page_bits) {
              hi = mid;
            } else {
              lo = mid + 1;
            }
          }
          pages.push_back(PageRange{b, lo, b, lo});
          b = lo;
        }
        r = v = n;
      }
    }
    while (r < n || pages.empty()) {
      PageRange p{r, r, v, v};
      size_t bits = 0;
      while (r < n && r - p.row_begin < max_rows && bits < page_bits) {
        if (validity == nullptr || validity[r]) {
          bits += use_dict ? bit_width : O::PlainBits(values[v]);
          ++v;
        }
        ++r;
      }
      p.row_end = r;
      p.val_end = v;
      pages.push_back(p);
      if (n == 0) break;
    }
  }

  // Every field of the thread's reused metadata is set below.
  format::ColumnMetaData& md = scratch_->meta_data;
  md.type = FormatType(kType);
  md.path_in_schema.resize(1);
  md.path_in_schema[0].assign(schema.name);
  md.codec = CodecOf(options_.codec);
  md.num_values = static_cast<int64_t>(n);
  md.dictionary_page_offset.reset();
  int64_t uncompressed_total = 0, compressed_total = 0;
  const uint64_t chunk_start = *file_offset;
  int32_t unused_size;

  if (use_dict) {
    md.dictionary_page_offset = static_cast<int64_t>(*file_offset);
    format::PageHeader h;
    h.type = format::DICTIONARY_PAGE;
    format::DictionaryPageHeader dh;
    dh.num_values = static_cast<int32_t>(dict_size);
    h.dictionary_page_header = dh;
    page_.swap(dict_page_values);
    SPARKIFY_RETURN_IF_ERROR(WritePage(h, 0, nullptr, sink, file_offset, &uncompressed_total,
                                       &compressed_total, &unused_size));
    page_.swap(dict_page_values);
  }
  md.data_page_offset = static_cast<int64_t>(*file_offset);

  format::ColumnIndex& ci = scratch_->column_index;
  format::OffsetIndex& oi = scratch_->offset_index;
  ci.null_pages.clear();
  ci.null_counts.clear();
  oi.page_locations.clear();
  size_t bounds = 0;  // ci's min_values and max_values in use (their strings are kept)
  std::string& chunk_min = scratch_->chunk_min;
  std::string& chunk_max = scratch_->chunk_max;
  bool have_minmax = false;
  CompressionHistory history;
  for (const PageRange& p : pages) {
    const size_t rows = p.row_end - p.row_begin;
    const size_t vals = p.val_end - p.val_begin;
    page_.clear();
    const bool v2 = options_.data_page_version == 2;
    if (optional) {
      AppendDefinitionLevels(validity ? validity + p.row_begin : nullptr, rows,
                             /*length_prefix=*/!v2, &page_);
    }
    const size_t levels_size = v2 ? page_.size() : 0;
    if (use_dict) {
      page_.push_back(static_cast<char>(bit_width));
      RleBpEncode(indices_.data() + p.val_begin, vals, bit_width, &page_);
    } else if (value_encoding == format::DELTA_BINARY_PACKED) {
      if constexpr (std::is_same_v<V, int32_t> || std::is_same_v<V, int64_t>) {
        DeltaBinaryPackedEncode(values + p.val_begin, vals, &page_);
      }
    } else if (value_encoding == format::DELTA_LENGTH_BYTE_ARRAY) {
      if constexpr (std::is_same_v<Acc, StrAcc>) {
        // The values are contiguous (the caller's bytes or the gathered
        // non-null ones), so the page's bytes are one copy.
        DeltaLengthByteArrayEncode(values.data, values.off + p.val_begin, vals, &page_);
      }
    } else if (value_encoding == format::DELTA_BYTE_ARRAY) {
      if constexpr (std::is_same_v<Acc, StrAcc>) {
        DeltaByteArrayEncode(values.data, values.off + p.val_begin, vals, &page_);
      }
    } else {
      O::Plain(values + p.val_begin, vals, &page_);
    }
    format::PageHeader h;
    const int32_t encoding = value_encoding;
    if (v2) {
      h.type = format::DATA_PAGE_V2;
      format::DataPageHeaderV2 dh;
      dh.num_values = static_cast<int32_t>(rows);
      dh.num_nulls = static_cast<int32_t>(rows - vals);
      dh.num_rows = static_cast<int32_t>(rows);
      dh.encoding = encoding;
      dh.definition_levels_byte_length = static_cast<int32_t>(levels_size);
      dh.repetition_levels_byte_length = 0;
      dh.is_compressed = options_.codec != Codec::kUncompressed;
      h.data_page_header_v2 = dh;
    } else {
      h.type = format::DATA_PAGE;
      format::DataPageHeader dh;
      dh.num_values = static_cast<int32_t>(rows);
      dh.encoding = encoding;
      h.data_page_header = dh;
    }
    const uint64_t page_offset = *file_offset;
    int32_t page_size = 0;
    SPARKIFY_RETURN_IF_ERROR(WritePage(h, levels_size, &history, sink, file_offset,
                                       &uncompressed_total, &compressed_total, &page_size));
    oi.page_locations.push_back(
        {static_cast<int64_t>(page_offset), page_size, static_cast<int64_t>(p.row_begin)});

    // Page statistics.
    std::string& mn = scratch_->page_min;
    std::string& mx = scratch_->page_max;
    bool has;
    if constexpr (std::is_same_v<V, std::string_view>) {
      if (use_dict && vals > 0) {
        // The least and greatest rank: a minimum and a maximum of integers.
        uint32_t lo = rank[indices_[p.val_begin]], hi = lo;
        for (size_t k = p.val_begin + 1; k < p.val_end; ++k) {
          const uint32_t r = rank[indices_[k]];
          lo = std::min(lo, r);
          hi = std::max(hi, r);
        }
        has = true;
        std::string_view lo_v = dict_views[by_rank[lo]], hi_v = dict_views[by_rank[hi]];
        mn.assign(lo_v);
        mx.assign(hi_v);
      } else {
        has = MinMax(values + p.val_begin, vals, &mn, &mx);
      }
    } else {
      has = MinMax(values + p.val_begin, vals, &mn, &mx);
    }
    const int64_t nulls = static_cast<int64_t>(rows - vals);
    if (vals == 0) {
      ci.null_pages.push_back(true);
      SetBound(&ci.min_values, bounds, {});
      SetBound(&ci.max_values, bounds, {});
    } else {
      ci.null_pages.push_back(false);
      if (!has) {  // only NaNs: no usable bound
        double nan = NAN;
        mn = mx = EncodeStat(nan);
      }
      // Bounds within the length are their own truncation (statistics.h).
      if (mn.size() <= kColumnIndexTruncateLength) {
        SetBound(&ci.min_values, bounds, mn);
      } else {
        SetBound(&ci.min_values, bounds, TruncateLowerBound(mn, kColumnIndexTruncateLength));
      }
      if (mx.size() <= kColumnIndexTruncateLength) {
        SetBound(&ci.max_values, bounds, mx);
      } else {
        SetBound(&ci.max_values, bounds, TruncateUpperBound(mx, kColumnIndexTruncateLength));
      }
    }
    ++bounds;
    ci.null_counts.push_back(nulls);
    // Last use of the page's bounds: swapped, not copied, into the chunk's.
    if (has) {
      if (!have_minmax || CompareStatValues(kType, mn, chunk_min) < 0) chunk_min.swap(mn);
      if (!have_minmax || CompareStatValues(kType, mx, chunk_max) > 0) chunk_max.swap(mx);
      have_minmax = true;
    }
  }
  ci.min_values.resize(bounds);
  ci.max_values.resize(bounds);
  ci.boundary_order = ComputeBoundaryOrder(kType, ci);

  const int32_t data_page_type =
      options_.data_page_version == 2 ? format::DATA_PAGE_V2 : format::DATA_PAGE;
  md.encodings.clear();
  md.encoding_stats.clear();
  if (use_dict) {
    md.encodings.push_back(format::PLAIN);
    md.encodings.push_back(format::RLE_DICTIONARY);
    md.encoding_stats.push_back({format::DICTIONARY_PAGE, format::PLAIN, 1});
    md.encoding_stats.push_back(
        {data_page_type, format::RLE_DICTIONARY, static_cast<int32_t>(pages.size())});
  } else {
    md.encodings.push_back(value_encoding);
    md.encoding_stats.push_back(
        {data_page_type, value_encoding, static_cast<int32_t>(pages.size())});
  }
  // Definition levels: RLE, listed among the chunk's encodings.
  if (optional) md.encodings.push_back(format::RLE);
  md.total_uncompressed_size = uncompressed_total;
  md.total_compressed_size = compressed_total;
  if (options_.write_statistics) {
    format::Statistics& st = md.statistics ? *md.statistics : md.statistics.emplace();
    st.null_count = static_cast<int64_t>(n - num_values);
    st.distinct_count.reset();
    if (have_minmax && chunk_min.size() <= kMaxStatisticsValueSize &&
        chunk_max.size() <= kMaxStatisticsValueSize) {
      if (kType != PhysicalType::kByteArray) {
        // The deprecated fields are signed-order; they agree for numbers.
        SetStat(&st.min, chunk_min);
        SetStat(&st.max, chunk_max);
      } else {
        st.min.reset();
        st.max.reset();
      }
      SetStat(&st.min_value, chunk_min);
      SetStat(&st.max_value, chunk_max);
    } else {
      st.min.reset();
      st.max.reset();
      st.min_value.reset();
      st.max_value.reset();
    }
  } else {
    md.statistics.reset();
  }
  out->file_offset = static_cast<int64_t>(chunk_start);
  out->total_uncompressed_size = uncompressed_total;
  out->total_compressed_size = compressed_total;
  format::SerializeColumnMetaData(md, out->meta_data);
  format::Serialize(ci, out->column_index);
  format::Serialize(oi, out->offset_index);
  return Status::OK();
}

Status ColumnChunkWriter::Write(const ColumnSchema& schema, const ColumnVector& column,
                                size_t begin, size_t end, Sink* sink, uint64_t* file_offset,
                                EncodedChunk* out) {
  static thread_local Scratch scratch;
  scratch_ = &scratch;
  const size_t n = end - begin;
  const bool has_nulls = schema.repetition == Repetition::kOptional && !column.validity.empty();
  const uint8_t* validity = has_nulls ? column.validity.data() + begin : nullptr;
  size_t present_count = n;
  if (has_nulls) {
    present_count = 0;
    for (size_t i = 0; i < n; ++i) present_count += validity[i];
  }
  const bool gather = present_count < n;
  // Non-null values are gathered into contiguous scratch only when there are nulls.
  auto gather_into = [&](const auto* src, auto* dst) {
    dst->resize(present_count + 1);  // +1: the branch-free loop writes one past the end
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      (*dst)[k] = src[i];
      k += validity[i];
    }
    return dst->data();
  };
  switch (schema.type) {
    case PhysicalType::kInt32: {
      const int32_t* v = column.i32.data() + begin;
      if (gather) v = gather_into(v, &scratch.i32);
      return WriteTyped<int32_t>(schema, validity, n, v, present_count, sink, file_offset, out);
    }
    case PhysicalType::kInt64: {
      const int64_t* v = column.i64.data() + begin;
      if (gather) v = gather_into(v, &scratch.i64);
      return WriteTyped<int64_t>(schema, validity, n, v, present_count, sink, file_offset, out);
    }
    case PhysicalType::kDouble: {
      const double* v = column.f64.data() + begin;
      if (gather) v = gather_into(v, &scratch.f64);
      return WriteTyped<double>(schema, validity, n, v, present_count, sink, file_offset, out);
    }
    case PhysicalType::kBoolean: {
      std::vector<Bool> v;
      v.reserve(present_count);
      for (size_t i = 0; i < n; ++i) {
        if (!validity || validity[i]) v.push_back(Bool{column.booleans[begin + i]});
      }
      return WriteTyped<Bool>(schema, validity, n, static_cast<const Bool*>(v.data()), v.size(),
                              sink, file_offset, out);
    }
    case PhysicalType::kByteArray: {
      if (column.dictionary_form()) {
        const ColumnVector& d = *column.dictionary;
        const uint32_t* codes = column.codes.data() + begin;
        if (gather) codes = gather_into(codes, &scratch.codes);
        return WriteTyped<std::string_view>(
            schema, validity, n, CodeAcc{d.bytes.data(), d.offsets.data(), codes, d.size()},
            present_count, sink, file_offset, out);
      }
      StrAcc acc{column.bytes.data(), column.offsets.data() + begin};
      if (gather) {
        scratch.offsets.resize(present_count + 1);
        scratch.offsets[0] = 0;
        scratch.bytes.clear();
        size_t k = 0;
        for (size_t i = 0; i < n; ++i) {
          if (!validity[i]) continue;
          scratch.bytes.append(acc[i]);
          scratch.offsets[++k] = static_cast<uint32_t>(scratch.bytes.size());
        }
        acc = StrAcc{scratch.bytes.data(), scratch.offsets.data()};
      }
      return WriteTyped<std::string_view>(schema, validity, n, acc, present_count, sink,
                                          file_offset, out);
    }
    default:
      return Status::NotSupported("column " + schema.name + ": type not supported by the writer");
  }
}

}  // namespace sparkify::parquet
