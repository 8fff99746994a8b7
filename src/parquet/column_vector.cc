#include "parquet/column_vector.h"

namespace sparkify::parquet {

size_t ColumnVector::size() const {
  switch (type) {
    case PhysicalType::kBoolean:
      return booleans.size();
    case PhysicalType::kInt32:
      return i32.size();
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      return i64.size();
    case PhysicalType::kFloat:
      return f32.size();
    case PhysicalType::kDouble:
      return f64.size();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (dictionary) return codes.size();
      return offsets.empty() ? 0 : offsets.size() - 1;
  }
  return 0;
}

void ColumnVector::AppendNull() {
  size_t n = size();
  if (validity.empty()) validity.assign(n, 1);
  switch (type) {
    case PhysicalType::kBoolean:
      booleans.push_back(0);
      break;
    case PhysicalType::kInt32:
      i32.push_back(0);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      i64.push_back(0);
      break;
    case PhysicalType::kFloat:
      f32.push_back(0);
      break;
    case PhysicalType::kDouble:
      f64.push_back(0);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (dictionary) {
        codes.push_back(0);
      } else {
        offsets.push_back(static_cast<uint32_t>(bytes.size()));
      }
      break;
  }
  validity.push_back(0);
}

void ColumnVector::Reserve(size_t rows) {
  switch (type) {
    case PhysicalType::kBoolean:
      booleans.reserve(rows);
      break;
    case PhysicalType::kInt32:
      i32.reserve(rows);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      i64.reserve(rows);
      break;
    case PhysicalType::kFloat:
      f32.reserve(rows);
      break;
    case PhysicalType::kDouble:
      f64.reserve(rows);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (dictionary) {
        codes.reserve(rows);
      } else {
        offsets.reserve(rows + 1);
      }
      break;
  }
}

void ColumnVector::Clear() {
  booleans.clear();
  i32.clear();
  i64.clear();
  f64.clear();
  f32.clear();
  bytes.clear();
  offsets.assign(1, 0);
  validity.clear();
  codes.clear();
}

}  // namespace sparkify::parquet
