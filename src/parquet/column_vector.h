// ColumnVector: the values of one column for a batch of rows, in the form the
// Parquet writer consumes and the reader produces.
//
// Values are dense: there is a slot for every row, nulls included (a null
// row's slot holds a default value that is ignored). For BYTE_ARRAY the bytes
// of all rows are concatenated in `bytes`, and row i is
// bytes[offsets[i], offsets[i+1]); offsets has size()+1 entries.
// `validity` is empty when no row is null; otherwise it has one byte per row,
// 1 = value present, 0 = null.
#pragma once

#include <cstdint>
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

  explicit ColumnVector(PhysicalType t = PhysicalType::kInt64) : type(t) {}

  size_t size() const;
  bool IsNull(size_t row) const { return !validity.empty() && validity[row] == 0; }
  std::string_view StringAt(size_t row) const {
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
  void Reserve(size_t rows);
  void Clear();

 private:
  // Called after a value was appended: keeps `validity` in step once a null exists.
  void MarkValid() {
    if (!validity.empty()) validity.push_back(1);
  }
};

}  // namespace sparkify::parquet
