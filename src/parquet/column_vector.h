// ColumnVector: the values of one column for a batch of rows, in the form the
// Parquet writer consumes and the reader produces.
//
// Values are dense: there is a slot for every row, nulls included (a null
// row's slot holds a default value that is ignored). For BYTE_ARRAY the bytes
// of all rows are concatenated in `bytes`, and row i is
// bytes[offsets[i], offsets[i+1]); offsets has size()+1 entries.
// `validity` is empty when no row is null; otherwise it has one byte per row,
// 1 = value present, 0 = null.
//
// BYTE_ARRAY also has a dictionary form, for producers whose text repeats
// (the lake's songplays: user agents and places are per user): `dictionary`
// holds values (plain form, no nulls) and row i is dictionary->StringAt(codes[i]);
// `bytes` and `offsets` then hold no rows. The writer builds its Parquet
// dictionary from the codes without hashing or copying the text, and writes
// the same bytes as for the plain form when the dictionary's values are
// distinct (duplicates are allowed; they only make a bigger Parquet
// dictionary). A null row's code is ignored. Readers return the plain form.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sparkify::parquet {

enum class PhysicalType {
  kBoolean,
  kInt32,
  kInt64,
  kInt96,
  kFloat,
  kDouble,
  kByteArray,
  kFixedLenByteArray
};

struct ColumnVector {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<uint8_t> booleans;  // kBoolean: 0 or 1
  std::vector<int32_t> i32;       // kInt32
  std::vector<int64_t> i64;       // kInt64 (also timestamps, as their unit)
  std::vector<double> f64;        // kDouble
  std::vector<float> f32;         // kFloat (reader only)
  std::string bytes;              // kByteArray: concatenated values
  std::vector<uint32_t> offsets = {0};
  std::vector<uint8_t> validity;  // empty = all present
  // kByteArray, dictionary form (see above): set both or neither.
  std::shared_ptr<const ColumnVector> dictionary;
  std::vector<uint32_t> codes;

  explicit ColumnVector(PhysicalType t = PhysicalType::kInt64) : type(t) {}

  size_t size() const;
  bool IsNull(size_t row) const { return !validity.empty() && validity[row] == 0; }
  bool dictionary_form() const { return dictionary != nullptr; }
  std::string_view StringAt(size_t row) const {
    if (dictionary) return dictionary->StringAt(codes[row]);
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }

  void AppendNull();
  void AppendBool(bool v) {
    booleans.push_back(v ? 1 : 0);
    MarkValid();
  }
  void AppendInt32(int32_t v) {
    i32.push_back(v);
    MarkValid();
  }
  void AppendInt64(int64_t v) {
    i64.push_back(v);
    MarkValid();
  }
  void AppendDouble(double v) {
    f64.push_back(v);
    MarkValid();
  }
  void AppendString(std::string_view v) {
    bytes.append(v);
    offsets.push_back(static_cast<uint32_t>(bytes.size()));
    MarkValid();
  }
  // Dictionary form: a row holding dictionary value `code`.
  void AppendCode(uint32_t code) {
    codes.push_back(code);
    MarkValid();
  }
  void Reserve(size_t rows);
  void Clear();

 private:
  // Called after a value was appended: keeps `validity` in step once a null exists.
  void MarkValid() {
    if (!validity.empty()) validity.push_back(1);
  }
};

}  // namespace sparkify::parquet
