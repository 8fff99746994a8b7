// Helpers for tests of the Parquet code (unit, interop, corrupt-file and fuzz
// corpus generation): a table with every supported type, and a canonical text
// form of rows that tests/interop/read_parquet.mjs prints the same way.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "parquet/column_vector.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace sparkify::parquet::testing {

struct Table {
  Schema schema;
  std::vector<ColumnVector> columns;
  size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
};

// Every type the writer supports, REQUIRED and OPTIONAL. null_every: every
// k-th row of an optional column is null (0: none; 1: all).
inline Table AllTypesTable(size_t rows, uint32_t seed, size_t null_every, size_t distinct = 50) {
  Table t;
  auto add = [&](std::string name, PhysicalType type, LogicalType lt, Repetition rep) {
    t.schema.columns.push_back({std::move(name), type, lt, rep});
    t.columns.emplace_back(type);
  };
  add("id", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired);
  add("i32", PhysicalType::kInt32, LogicalType::kNone, Repetition::kOptional);
  add("i64", PhysicalType::kInt64, LogicalType::kNone, Repetition::kOptional);
  add("f64", PhysicalType::kDouble, LogicalType::kNone, Repetition::kOptional);
  add("flag", PhysicalType::kBoolean, LogicalType::kNone, Repetition::kOptional);
  add("name", PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional);
  add("city", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired);
  add("ts", PhysicalType::kInt64, LogicalType::kTimestampMicros, Repetition::kOptional);
  add("ts_ms", PhysicalType::kInt64, LogicalType::kTimestampMillis, Repetition::kOptional);
  add("raw", PhysicalType::kByteArray, LogicalType::kNone, Repetition::kOptional);
  std::mt19937_64 rng(seed);
  static const char* kWords[] = {"Zürich",  "東京",  "São Paulo", "Kraków", "naïve café",
                                 "😀 emoji", "plain", "",          "Ñandú",  "a\"quote\\"};
  for (size_t r = 0; r < rows; ++r) {
    const bool null_row = null_every != 0 && r % null_every == 0;
    t.columns[0].AppendInt64(static_cast<int64_t>(r));
    auto opt = [&](ColumnVector& c, auto append) {
      if (null_row)
        c.AppendNull();
      else
        append(c);
    };
    opt(t.columns[1], [&](ColumnVector& c) {
      c.AppendInt32(static_cast<int32_t>(rng() % distinct) - static_cast<int32_t>(distinct / 2));
    });
    opt(t.columns[2], [&](ColumnVector& c) {
      int64_t v = static_cast<int64_t>(rng());
      if (r % 3 == 0) v = INT64_MIN + static_cast<int64_t>(r);
      c.AppendInt64(v);
    });
    opt(t.columns[3], [&](ColumnVector& c) {
      double v = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 7.0;
      if (r % 17 == 5) v = -0.0;
      if (r % 19 == 7) v = 1e300;
      c.AppendDouble(v);
    });
    opt(t.columns[4], [&](ColumnVector& c) { c.AppendBool(rng() % 3 == 0); });
    opt(t.columns[5], [&](ColumnVector& c) {
      c.AppendString(std::string(kWords[rng() % 10]) + "-" + std::to_string(rng() % distinct));
    });
    t.columns[6].AppendString(kWords[r % 10]);
    opt(t.columns[7], [&](ColumnVector& c) {
      c.AppendInt64(1541105830796000LL + static_cast<int64_t>(rng() % 1000000000000ULL) -
                    500000000000LL);
    });
    opt(t.columns[8], [&](ColumnVector& c) {
      c.AppendInt64(1541105830796LL + static_cast<int64_t>(rng() % 100000000));
    });
    opt(t.columns[9], [&](ColumnVector& c) {
      std::string s(rng() % 8, '\0');
      for (char& ch : s) ch = static_cast<char>(rng());
      c.AppendString(s);
    });
  }
  return t;
}

// Canonical cell, as read_parquet.mjs prints it (see there).
inline std::string CanonicalCell(const ColumnVector& c, size_t row, LogicalType lt) {
  if (c.IsNull(row)) return "null";
  static const char* kHex = "0123456789abcdef";
  std::string s = "\"";
  switch (c.type) {
    case PhysicalType::kInt32:
      s += "i:" + std::to_string(c.i32[row]);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96: {
      int64_t v = c.i64[row];
      if (lt == LogicalType::kTimestampMillis)
        s += "t:" + std::to_string(v * 1000);
      else if (lt == LogicalType::kTimestampMicros)
        s += "t:" + std::to_string(v);
      else
        s += "i:" + std::to_string(v);
      break;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      double d = c.type == PhysicalType::kFloat ? static_cast<double>(c.f32[row]) : c.f64[row];
      if (std::isnan(d)) {
        s += "d:NaN";
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        s += "d:";
        for (int k = 15; k >= 0; --k) s += kHex[(bits >> (4 * k)) & 0xF];
      }
      break;
    }
    case PhysicalType::kBoolean:
      s += c.booleans[row] ? "b:1" : "b:0";
      break;
    default: {
      s += "s:";
      for (unsigned char ch : c.StringAt(row)) {
        s += kHex[ch >> 4];
        s += kHex[ch & 0xF];
      }
    }
  }
  return s + "\"";
}

// All rows in the canonical form: a header line of names, then a JSON array per row.
inline std::string CanonicalRows(const std::vector<std::string>& names,
                                 const std::vector<LogicalType>& logical,
                                 const std::vector<ColumnVector>& cols) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ",";
    out += "\"" + names[i] + "\"";
  }
  out += "]\n";
  size_t rows = cols.empty() ? 0 : cols[0].size();
  for (size_t r = 0; r < rows; ++r) {
    out += "[";
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) out += ",";
      out += CanonicalCell(cols[i], r, logical[i]);
    }
    out += "]\n";
  }
  return out;
}

inline std::string CanonicalRows(const Table& t) {
  std::vector<std::string> names;
  std::vector<LogicalType> logical;
  for (const auto& c : t.schema.columns) {
    names.push_back(c.name);
    logical.push_back(c.logical);
  }
  return CanonicalRows(names, logical, t.columns);
}

inline std::string CanonicalRows(const FileReader& r, const std::vector<ColumnVector>& cols) {
  std::vector<std::string> names;
  std::vector<LogicalType> logical;
  for (const auto& c : r.columns()) {
    names.push_back(c.name);
    logical.push_back(c.logical);
  }
  return CanonicalRows(names, logical, cols);
}

inline Result<std::string> WriteTable(const Table& t, const WriterOptions& options,
                                      size_t batch_rows = 0) {
  StringSink sink;
  FileWriter w(t.schema, options, &sink);
  if (batch_rows == 0 || t.rows() == 0) {
    if (t.rows() > 0 || !t.columns.empty()) SPARKIFY_RETURN_IF_ERROR(w.WriteBatch(t.columns));
  } else {
    for (size_t b = 0; b < t.rows(); b += batch_rows) {
      std::vector<ColumnVector> part;
      size_t e = std::min(t.rows(), b + batch_rows);
      for (const auto& c : t.columns) {
        ColumnVector p(c.type);
        for (size_t r = b; r < e; ++r) {
          if (c.IsNull(r)) {
            p.AppendNull();
            continue;
          }
          switch (c.type) {
            case PhysicalType::kBoolean:
              p.AppendBool(c.booleans[r]);
              break;
            case PhysicalType::kInt32:
              p.AppendInt32(c.i32[r]);
              break;
            case PhysicalType::kInt64:
              p.AppendInt64(c.i64[r]);
              break;
            case PhysicalType::kDouble:
              p.AppendDouble(c.f64[r]);
              break;
            default:
              p.AppendString(c.StringAt(r));
              break;
          }
        }
        part.push_back(std::move(p));
      }
      SPARKIFY_RETURN_IF_ERROR(w.WriteBatch(part));
    }
  }
  SPARKIFY_RETURN_IF_ERROR(w.Close());
  return sink.Release();
}

}  // namespace sparkify::parquet::testing
