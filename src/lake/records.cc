// Binary form of the stage outputs: a magic and version, then each field as a
// length-prefixed array of fixed-width values or bytes, in declaration order.
// Integers are in the host's byte order (little-endian on every platform we
// build for); the format is for shipping between tasks of one run, not storage.
#include "lake/records.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

namespace sparkify::lake {

namespace {

constexpr std::string_view kSongMagic = "SPKSONG1";
constexpr std::string_view kLogMagic = "SPKLOGS1";

void PutU64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  std::memcpy(v, in->data(), 8);
  in->remove_prefix(8);
  return true;
}

void PutBytes(std::string* out, std::string_view bytes) {
  PutU64(out, bytes.size());
  out->append(bytes);
}

bool GetBytes(std::string_view* in, std::string* bytes) {
  uint64_t n;
  if (!GetU64(in, &n) || in->size() < n) return false;
  bytes->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  PutU64(out, v.size());
  if (v.empty()) return;  // data() may be null: no memcpy from it
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
bool GetVector(std::string_view* in, std::vector<T>* v) {
  uint64_t n;
  if (!GetU64(in, &n) || n > in->size() / sizeof(T)) return false;
  v->resize(n);
  if (n == 0) return true;  // data() may be null: no memcpy to it
  std::memcpy(v->data(), in->data(), n * sizeof(T));
  in->remove_prefix(n * sizeof(T));
  return true;
}

void PutStrings(std::string* out, const std::vector<std::string>& v) {
  PutU64(out, v.size());
  for (const auto& s : v) PutBytes(out, s);
}

bool GetStrings(std::string_view* in, std::vector<std::string>* v) {
  uint64_t n;
  if (!GetU64(in, &n) || n > in->size() / 8) return false;
  v->resize(n);
  for (auto& s : *v) {
    if (!GetBytes(in, &s)) return false;
  }
  return true;
}

template <typename T>
void PutNullable(std::string* out, const NullableColumn<T>& c) {
  PutVector(out, c.values);
  PutVector(out, c.valid);
}

template <typename T>
bool GetNullable(std::string_view* in, NullableColumn<T>* c) {
  return GetVector(in, &c->values) && GetVector(in, &c->valid) &&
         c->values.size() == c->valid.size();
}

void PutRejects(std::string* out, const std::vector<Reject>& rejects) {
  PutU64(out, rejects.size());
  for (const Reject& r : rejects) {
    PutBytes(out, r.input);
    PutBytes(out, r.object);
    PutU64(out, r.line);
    PutBytes(out, r.reason);
    PutBytes(out, r.raw);
  }
}

bool GetRejects(std::string_view* in, std::vector<Reject>* rejects) {
  uint64_t n;
  if (!GetU64(in, &n) || n > in->size() / 8) return false;
  rejects->resize(n);
  for (Reject& r : *rejects) {
    if (!GetBytes(in, &r.input) || !GetBytes(in, &r.object) || !GetU64(in, &r.line) ||
        !GetBytes(in, &r.reason) || !GetBytes(in, &r.raw)) {
      return false;
    }
  }
  return true;
}

void PutStats(std::string* out, const ParseStats& s) {
  for (uint64_t v : {s.objects, s.bytes, s.decompressed_bytes, s.records, s.rejects}) {
    PutU64(out, v);
  }
}

bool GetStats(std::string_view* in, ParseStats* s) {
  return GetU64(in, &s->objects) && GetU64(in, &s->bytes) && GetU64(in, &s->decompressed_bytes) &&
         GetU64(in, &s->records) && GetU64(in, &s->rejects);
}

bool GetMagic(std::string_view* in, std::string_view magic) {
  if (!in->starts_with(magic)) return false;
  in->remove_prefix(magic.size());
  return true;
}

}  // namespace

StringColumn& StringColumn::operator=(const StringColumn& o) {
  if (this == &o) return *this;
  Clear();
  Grow(o.rows_, o.size_);
  if (o.size_ > 0) std::memcpy(bytes_.get(), o.bytes_.get(), o.size_);
  if (o.rows_ > 0) {
    std::memcpy(offsets_.get(), o.offsets_.get(), (o.rows_ + 1) * sizeof(uint32_t));
    std::memcpy(valid_.get(), o.valid_.get(), o.rows_);
  }
  size_ = o.size_;
  rows_ = o.rows_;
  return *this;
}

StringColumn& StringColumn::operator=(StringColumn&& o) noexcept {
  if (this == &o) return *this;
  bytes_ = std::move(o.bytes_);
  offsets_ = std::move(o.offsets_);
  valid_ = std::move(o.valid_);
  size_ = std::exchange(o.size_, 0);
  capacity_ = std::exchange(o.capacity_, 0);
  rows_ = std::exchange(o.rows_, 0);
  row_capacity_ = std::exchange(o.row_capacity_, 0);
  return *this;
}

bool StringColumn::operator==(const StringColumn& o) const {
  if (rows_ != o.rows_ || size_ != o.size_) return false;
  if (size_ > 0 && std::memcmp(bytes_.get(), o.bytes_.get(), size_) != 0) return false;
  return rows_ == 0 ||
         (std::memcmp(offsets_.get(), o.offsets_.get(), (rows_ + 1) * sizeof(uint32_t)) == 0 &&
          std::memcmp(valid_.get(), o.valid_.get(), rows_) == 0);
}

void StringColumn::Grow(size_t rows, size_t bytes) {
  if (capacity_ - size_ < bytes) {
    const size_t capacity = std::max(size_ + bytes, 2 * capacity_);
    std::unique_ptr<char[]> grown(new char[capacity]);
    if (size_ > 0) std::memcpy(grown.get(), bytes_.get(), size_);
    bytes_ = std::move(grown);
    capacity_ = capacity;
  }
  if (row_capacity_ - rows_ < rows || !offsets_) {
    const size_t capacity = std::max({rows_ + rows, 2 * row_capacity_, size_t{1}});
    std::unique_ptr<uint32_t[]> offsets(new uint32_t[capacity + 1]);
    std::unique_ptr<uint8_t[]> valid(new uint8_t[capacity]);
    offsets[0] = 0;
    if (rows_ > 0) {
      std::memcpy(offsets.get(), offsets_.get(), (rows_ + 1) * sizeof(uint32_t));
      std::memcpy(valid.get(), valid_.get(), rows_);
    }
    offsets_ = std::move(offsets);
    valid_ = std::move(valid);
    row_capacity_ = capacity;
  }
}

void StringColumn::Serialize(std::string* out) const {
  // The layout of a byte string and two vectors (offsets, valid).
  PutBytes(out, std::string_view(bytes_.get(), size_));
  PutU64(out, rows_ + 1);
  const uint32_t zero = 0;
  out->append(reinterpret_cast<const char*>(rows_ > 0 ? offsets_.get() : &zero),
              (rows_ + 1) * sizeof(uint32_t));
  PutU64(out, rows_);
  if (rows_ > 0) out->append(reinterpret_cast<const char*>(valid_.get()), rows_);
}

bool StringColumn::Deserialize(std::string_view* in) {
  std::string bytes;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> valid;
  if (!GetBytes(in, &bytes) || !GetVector(in, &offsets) || !GetVector(in, &valid)) return false;
  if (offsets.size() != valid.size() + 1 || offsets.front() != 0) return false;
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) return false;
  }
  if (offsets.back() != bytes.size()) return false;
  Clear();
  Grow(valid.size(), bytes.size());
  if (!bytes.empty()) std::memcpy(bytes_.get(), bytes.data(), bytes.size());
  std::memcpy(offsets_.get(), offsets.data(), offsets.size() * sizeof(uint32_t));
  if (!valid.empty()) std::memcpy(valid_.get(), valid.data(), valid.size());
  size_ = bytes.size();
  rows_ = valid.size();
  return true;
}

void SongBatch::Serialize(std::string* out) const {
  PutStrings(out, objects);
  PutVector(out, object);
  PutVector(out, position);
  for (const StringColumn* c : {&song_id, &title, &artist_id, &artist_name, &artist_location}) {
    c->Serialize(out);
  }
  for (const auto* c : {&duration, &artist_latitude, &artist_longitude}) PutNullable(out, *c);
  PutNullable(out, year);
}

bool SongBatch::Deserialize(std::string_view* in) {
  if (!GetStrings(in, &objects) || !GetVector(in, &object) || !GetVector(in, &position)) {
    return false;
  }
  for (StringColumn* c : {&song_id, &title, &artist_id, &artist_name, &artist_location}) {
    if (!c->Deserialize(in) || c->size() != object.size()) return false;
  }
  for (auto* c : {&duration, &artist_latitude, &artist_longitude}) {
    if (!GetNullable(in, c) || c->values.size() != object.size()) return false;
  }
  if (!GetNullable(in, &year) || year.values.size() != object.size()) return false;
  if (position.size() != object.size()) return false;
  for (uint32_t o : object) {
    if (o >= objects.size()) return false;
  }
  return true;
}

void LogBatch::Clear() {
  objects.clear();
  object.clear();
  position.clear();
  ts.clear();
  user_id.Clear();
  session_id.Clear();
  item_in_session.Clear();
  length.Clear();
  next_song.clear();
  for (StringColumn* c :
       {&artist, &song, &first_name, &last_name, &gender, &level, &location, &user_agent}) {
    c->Clear();
  }
}

void LogBatch::Truncate(size_t rows) {
  for (std::vector<uint32_t>* v : {&object, &position}) {
    if (v->size() > rows) v->resize(rows);
  }
  if (ts.size() > rows) ts.resize(rows);
  if (next_song.size() > rows) next_song.resize(rows);
  for (NullableColumn<int64_t>* c : {&user_id, &session_id, &item_in_session}) c->Truncate(rows);
  length.Truncate(rows);
  for (StringColumn* c :
       {&artist, &song, &first_name, &last_name, &gender, &level, &location, &user_agent}) {
    c->Truncate(rows);
  }
}

void LogBatch::Serialize(std::string* out) const {
  PutStrings(out, objects);
  PutVector(out, object);
  PutVector(out, position);
  PutVector(out, ts);
  for (const auto* c : {&user_id, &session_id, &item_in_session}) PutNullable(out, *c);
  PutNullable(out, length);
  PutVector(out, next_song);
  for (const StringColumn* c :
       {&artist, &song, &first_name, &last_name, &gender, &level, &location, &user_agent}) {
    c->Serialize(out);
  }
}

bool LogBatch::Deserialize(std::string_view* in) {
  if (!GetStrings(in, &objects) || !GetVector(in, &object) || !GetVector(in, &position) ||
      !GetVector(in, &ts)) {
    return false;
  }
  const size_t n = object.size();
  for (auto* c : {&user_id, &session_id, &item_in_session}) {
    if (!GetNullable(in, c) || c->values.size() != n) return false;
  }
  if (!GetNullable(in, &length) || length.values.size() != n) return false;
  if (!GetVector(in, &next_song) || next_song.size() != n) return false;
  for (StringColumn* c :
       {&artist, &song, &first_name, &last_name, &gender, &level, &location, &user_agent}) {
    if (!c->Deserialize(in) || c->size() != n) return false;
  }
  if (position.size() != n || ts.size() != n) return false;
  for (uint32_t o : object) {
    if (o >= objects.size()) return false;
  }
  return true;
}

std::string SongShardOutput::Serialize() const {
  std::string out(kSongMagic);
  batch.Serialize(&out);
  PutRejects(&out, rejects);
  PutStats(&out, stats);
  return out;
}

Status SongShardOutput::Deserialize(std::string_view bytes, SongShardOutput* out) {
  if (!GetMagic(&bytes, kSongMagic) || !out->batch.Deserialize(&bytes) ||
      !GetRejects(&bytes, &out->rejects) || !GetStats(&bytes, &out->stats) || !bytes.empty()) {
    return Status::Corruption("malformed song shard output");
  }
  return Status::OK();
}

std::string LogShardOutput::Serialize() const {
  std::string out(kLogMagic);
  batch.Serialize(&out);
  PutRejects(&out, rejects);
  PutStats(&out, stats);
  return out;
}

Status LogShardOutput::Deserialize(std::string_view bytes, LogShardOutput* out) {
  if (!GetMagic(&bytes, kLogMagic) || !out->batch.Deserialize(&bytes) ||
      !GetRejects(&bytes, &out->rejects) || !GetStats(&bytes, &out->stats) || !bytes.empty()) {
    return Status::Corruption("malformed log shard output");
  }
  return Status::OK();
}

}  // namespace sparkify::lake
