// The data that flows between the pipeline's stages, in explicit, serialisable
// form, so that a later distributed engine can run one parse task per input
// shard and ship its output to the transform:
//
//   list  -> std::vector<InputObject>          (input_list.h)
//   parse -> SongBatch / LogBatch + rejects    (this file, parse_stage.h)
//   transform -> table rows                    (transform.h)
//
// Batches are columnar: one vector per field, strings in one arena per field,
// so parsing makes no allocation per record. Every record remembers where it
// came from (object, position in the object) because "first by (object path,
// position)" decides between duplicates.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sparkify::lake {

// One input file (object) found by the list stage.
struct InputObject {
  std::string path;  // relative to its input root ("A/B/C/TRX.json")
  uint64_t size = 0;
  std::string etag;  // S3 only
  int64_t mtime_ns = 0;
};

// Makes room for `more` elements beyond the size of `c` (a vector or string),
// at least doubling the capacity when it grows, so that calling it before
// every object of a shard keeps appends linear.
template <typename Container>
void ReserveMore(Container* c, size_t more) {
  const size_t need = c->size() + more;
  if (c->capacity() < need) c->reserve(std::max(need, 2 * c->capacity()));
}

// Nullable text column: row i is bytes[offsets[i], offsets[i+1]) when valid[i].
//
// The parse stage appends eight values per log record, mostly under 16
// bytes: the column keeps its bytes, offsets and validity in its own arrays,
// so an append is one capacity test and a few stores, its value copied with
// inline moves (no std::string::append, memcpy or vector::push_back call).
class StringColumn {
 public:
  StringColumn() = default;
  StringColumn(const StringColumn& o) { *this = o; }
  StringColumn& operator=(const StringColumn& o);
  StringColumn(StringColumn&& o) noexcept { *this = std::move(o); }
  StringColumn& operator=(StringColumn&& o) noexcept;

  // Room for `rows` more rows holding `bytes` more bytes (a hint; Append grows as needed).
  void Reserve(size_t rows, size_t bytes) {
    if (row_capacity_ - rows_ < rows || capacity_ - size_ < bytes) Grow(rows, bytes);
  }
  void Append(std::optional<std::string_view> value) {
    if (value) {
      AppendValue(*value);
    } else {
      AppendNull();
    }
  }
  void AppendNull() {
    if (rows_ == row_capacity_) Grow(1, 0);
    const size_t row = rows_++;
    offsets_[row + 1] = static_cast<uint32_t>(size_);
    valid_[row] = 0;
  }
  __attribute__((always_inline)) void AppendValue(std::string_view value) {
    const size_t n = value.size();
    if (rows_ == row_capacity_ || capacity_ - size_ < n) Grow(1, n);
    // Members into locals first: the byte stores below may alias them.
    const size_t row = rows_++;
    const size_t at = size_;
    size_ = at + n;
    char* const bytes = bytes_.get();
    uint8_t* const valid = valid_.get();
    offsets_[row + 1] = static_cast<uint32_t>(at + n);
    valid[row] = 1;
    CopySmall(bytes + at, value.data(), n);
  }
  std::optional<std::string_view> Get(size_t row) const {
    if (!valid_[row]) return std::nullopt;
    return view(row);
  }
  // Get() in two steps, for loops that test validity apart from reading.
  bool valid(size_t row) const { return valid_[row] != 0; }
  std::string_view view(size_t row) const {  // a valid row's text
    return std::string_view(bytes_.get() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  size_t size() const { return rows_; }
  size_t byte_size() const { return size_; }
  // Bytes of rows [begin, end).
  size_t bytes_between(size_t begin, size_t end) const {
    return begin == end ? 0 : offsets_[end] - offsets_[begin];
  }
  // Empties the column, keeping its memory for the next rows.
  void Clear() {
    size_ = 0;
    rows_ = 0;
  }
  // Drops the rows from `rows` on (rows <= size()): undoes appends.
  void Truncate(size_t rows) {
    if (rows >= rows_) return;
    rows_ = rows;
    size_ = rows == 0 ? 0 : offsets_[rows];
  }

  void Serialize(std::string* out) const;
  bool Deserialize(std::string_view* in);
  bool operator==(const StringColumn& o) const;

 private:
  // memcpy(to, from, n), inline for n <= 32: two overlapping moves of the
  // largest size that fits (which is what memcpy does after its call).
  __attribute__((always_inline)) static void CopySmall(char* to, const char* from, size_t n) {
    if (n <= 16) {
      if (n >= 8) {
        uint64_t a, b;
        std::memcpy(&a, from, 8);
        std::memcpy(&b, from + n - 8, 8);
        std::memcpy(to, &a, 8);
        std::memcpy(to + n - 8, &b, 8);
      } else if (n >= 4) {
        uint32_t a, b;
        std::memcpy(&a, from, 4);
        std::memcpy(&b, from + n - 4, 4);
        std::memcpy(to, &a, 4);
        std::memcpy(to + n - 4, &b, 4);
      } else if (n > 0) {
        to[0] = from[0];
        to[n / 2] = from[n / 2];
        to[n - 1] = from[n - 1];
      }
    } else if (n <= 32) {
      char a[16], b[16];
      std::memcpy(a, from, 16);
      std::memcpy(b, from + n - 16, 16);
      std::memcpy(to, a, 16);
      std::memcpy(to + n - 16, b, 16);
    } else {
      std::memcpy(to, from, n);
    }
  }
  // Makes room for `rows` more rows and `bytes` more bytes, at least
  // doubling what grows.
  void Grow(size_t rows, size_t bytes);

  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0;      // bytes of text
  size_t capacity_ = 0;  // of bytes_
  // offsets_[0..rows_] (offsets_[0] is 0 once allocated) and valid_[0..rows_).
  std::unique_ptr<uint32_t[]> offsets_;
  std::unique_ptr<uint8_t[]> valid_;
  size_t rows_ = 0;
  size_t row_capacity_ = 0;  // of valid_; offsets_ has one more
};

// Nullable fixed-width column.
template <typename T>
struct NullableColumn {
  std::vector<T> values;  // a null row holds T{}
  std::vector<uint8_t> valid;

  void Append(std::optional<T> v) {
    values.push_back(v.value_or(T{}));
    valid.push_back(v ? 1 : 0);
  }
  // Append() of a value known not to be null, inlined where it is hot.
  __attribute__((always_inline)) void AppendValue(T v) {
    values.push_back(v);
    valid.push_back(1);
  }
  // Room for `rows` more rows (a hint).
  void Reserve(size_t rows) {
    ReserveMore(&values, rows);
    ReserveMore(&valid, rows);
  }
  std::optional<T> Get(size_t row) const {
    return valid[row] ? std::optional<T>(values[row]) : std::nullopt;
  }
  void Clear() {
    values.clear();
    valid.clear();
  }
  // Drops the rows from `rows` on (none when it has no more rows).
  void Truncate(size_t rows) {
    if (rows >= values.size()) return;
    values.resize(rows);
    valid.resize(rows);
  }
  bool operator==(const NullableColumn&) const = default;
};

// Song metadata records of one shard, in (object, position) order.
struct SongBatch {
  std::vector<std::string> objects;  // paths of the shard's objects, indexed by `object`
  std::vector<uint32_t> object;
  std::vector<uint32_t> position;  // 0-based ordinal of the record in its object
  StringColumn song_id;            // never null (a song without one is a reject)
  StringColumn title, artist_id, artist_name, artist_location;
  NullableColumn<double> duration, artist_latitude, artist_longitude;
  NullableColumn<int32_t> year;  // 0 ("unknown") is stored as null

  size_t size() const { return object.size(); }
  // Appends the batch to `out` / reads one back (false when `in` is malformed).
  void Serialize(std::string* out) const;
  bool Deserialize(std::string_view* in);
  bool operator==(const SongBatch&) const = default;
};

// Log events of one shard, in (object, position) order. Text is already repaired.
struct LogBatch {
  std::vector<std::string> objects;
  std::vector<uint32_t> object;
  std::vector<uint32_t> position;
  std::vector<int64_t> ts;          // epoch milliseconds, UTC
  NullableColumn<int64_t> user_id;  // null: logged out ("")
  NullableColumn<int64_t> session_id, item_in_session;
  NullableColumn<double> length;
  std::vector<uint8_t> next_song;  // 1 when page == "NextSong"
  StringColumn artist, song, first_name, last_name, gender, level, location, user_agent;

  size_t size() const { return object.size(); }
  // Empties the batch, keeping its memory: a worker reuses one batch for
  // chunk after chunk (log_stream.h).
  void Clear();
  // Drops the rows from `rows` on, in every column (those of a record being
  // appended may hold one row more than `object`).
  void Truncate(size_t rows);
  void Serialize(std::string* out) const;
  bool Deserialize(std::string_view* in);
  bool operator==(const LogBatch&) const = default;
};

// A line or object left out of the tables, and why.
struct Reject {
  std::string input;   // "songs" or "logs"
  std::string object;  // path relative to that input's root
  uint64_t line = 0;   // 1-based line where the record starts; 0 for the whole object
  std::string reason;
  std::string raw;  // the record's text, cut to kMaxRejectRawBytes

  bool operator==(const Reject&) const = default;
};

// Raw text kept per reject: enough to see what went wrong, bounded for huge lines.
inline constexpr size_t kMaxRejectRawBytes = 1024;

// Counters of one parse task; summed over tasks for the run summary.
struct ParseStats {
  uint64_t objects = 0;
  uint64_t bytes = 0;               // as stored (compressed size for .gz/.zst)
  uint64_t decompressed_bytes = 0;  // JSON text parsed
  uint64_t records = 0;             // documents seen, valid or not
  uint64_t rejects = 0;

  void Add(const ParseStats& o) {
    objects += o.objects;
    bytes += o.bytes;
    decompressed_bytes += o.decompressed_bytes;
    records += o.records;
    rejects += o.rejects;
  }
  bool operator==(const ParseStats&) const = default;
};

// What one parse task hands to the transform.
struct SongShardOutput {
  SongBatch batch;
  std::vector<Reject> rejects;
  ParseStats stats;

  std::string Serialize() const;
  static Status Deserialize(std::string_view bytes, SongShardOutput* out);
  bool operator==(const SongShardOutput&) const = default;
};

struct LogShardOutput {
  LogBatch batch;
  std::vector<Reject> rejects;
  ParseStats stats;

  std::string Serialize() const;
  static Status Deserialize(std::string_view bytes, LogShardOutput* out);
  bool operator==(const LogShardOutput&) const = default;
};

}  // namespace sparkify::lake
