// `sparkify inspect FILE.parquet [--rows N]`: what parquet-tools shows — the
// schema, each row group's column chunks (codec, encodings, sizes, statistics)
// and optionally the first N rows. FILE may be local or s3://bucket/key.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "fs/open.h"
#include "parquet/metadata.h"
#include "parquet/reader.h"

namespace sparkify::cli {

namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
namespace format = parquet::format;

std::string Printable(std::string_view s, size_t max_len = 60) {
  std::string out;
  for (unsigned char c : s.substr(0, max_len)) {
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max_len) out += "...";
  return out;
}

std::string FormatTimestamp(int64_t v, format::TimeUnit unit) {
  int64_t per_sec = unit == format::TimeUnit::kMillis  ? 1000
                    : unit == format::TimeUnit::kNanos ? 1000000000
                                                       : 1000000;
  int64_t secs = v / per_sec, frac = v % per_sec;
  if (frac < 0) {
    frac += per_sec;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(v);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  int digits = unit == format::TimeUnit::kMillis ? 3 : unit == format::TimeUnit::kNanos ? 9 : 6;
  char fbuf[16];
  std::snprintf(fbuf, sizeof(fbuf), ".%0*" PRId64 "Z", digits, frac);
  return std::string(buf) + fbuf;
}

std::string TypeString(const ColumnDescriptor& d) {
  std::string s = format::TypeName(d.physical);
  s += d.repetition == parquet::Repetition::kRequired ? " REQUIRED" : " OPTIONAL";
  const auto& lt = d.element->logical_type;
  if (lt.kind == format::LogicalType::kString) s += " STRING";
  if (lt.kind == format::LogicalType::kTimestamp) {
    s += " TIMESTAMP(";
    s += lt.unit == format::TimeUnit::kMillis   ? "MILLIS"
         : lt.unit == format::TimeUnit::kMicros ? "MICROS"
                                                : "NANOS";
    s += lt.is_adjusted_to_utc ? ", UTC)" : ", local)";
  }
  if (lt.kind == format::LogicalType::kDate) s += " DATE";
  if (d.element->converted_type) {
    int32_t ct = *d.element->converted_type;
    const char* name = ct == format::UTF8               ? "UTF8"
                       : ct == format::TIMESTAMP_MICROS ? "TIMESTAMP_MICROS"
                       : ct == format::TIMESTAMP_MILLIS ? "TIMESTAMP_MILLIS"
                       : ct == format::DATE             ? "DATE"
                       : ct == 15                       ? "INT_8"
                       : ct == 16                       ? "INT_16"
                       : ct == 17                       ? "INT_32"
                       : ct == 18                       ? "INT_64"
                                                        : nullptr;
    s += " [converted ";
    s += name ? name : std::to_string(ct);
    s += "]";
  }
  if (d.physical == format::INT96) s += " (INT96 timestamp, read as micros)";
  return s;
}

// A statistic (PLAIN bytes) as text.
std::string StatString(const ColumnDescriptor& d, const std::string& v) {
  auto fixed = [&](auto x) {
    if (v.size() != sizeof(x)) return std::string("?");
    std::memcpy(&x, v.data(), sizeof(x));
    return std::string();
  };
  switch (d.physical) {
    case format::BOOLEAN:
      return v.size() == 1 ? (v[0] ? "true" : "false") : "?";
    case format::INT32: {
      int32_t x = 0;
      if (!fixed(x).empty()) return "?";
      std::memcpy(&x, v.data(), 4);
      return std::to_string(x);
    }
    case format::INT64: {
      int64_t x = 0;
      if (!fixed(x).empty()) return "?";
      std::memcpy(&x, v.data(), 8);
      if (d.time_unit != format::TimeUnit::kNone) return FormatTimestamp(x, d.time_unit);
      return std::to_string(x);
    }
    case format::FLOAT: {
      float x = 0;
      if (!fixed(x).empty()) return "?";
      std::memcpy(&x, v.data(), 4);
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.9g", x);
      return buf;
    }
    case format::DOUBLE: {
      double x = 0;
      if (!fixed(x).empty()) return "?";
      std::memcpy(&x, v.data(), 8);
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", x);
      return buf;
    }
    case format::INT96:
      return "(int96)";
    default:
      return "\"" + Printable(v, 40) + "\"";
  }
}

std::string CellString(const ColumnDescriptor& d, const ColumnVector& c, size_t row) {
  if (c.IsNull(row)) return "null";
  switch (c.type) {
    case parquet::PhysicalType::kBoolean:
      return c.booleans[row] ? "true" : "false";
    case parquet::PhysicalType::kInt32:
      return std::to_string(c.i32[row]);
    case parquet::PhysicalType::kInt64:
      if (d.time_unit != format::TimeUnit::kNone) return FormatTimestamp(c.i64[row], d.time_unit);
      return std::to_string(c.i64[row]);
    case parquet::PhysicalType::kFloat: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.9g", c.f32[row]);
      return buf;
    }
    case parquet::PhysicalType::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", c.f64[row]);
      return buf;
    }
    default: {
      if (d.logical == parquet::LogicalType::kString)
        return "\"" + Printable(c.StringAt(row)) + "\"";
      std::string hex = "0x";
      static const char* kHex = "0123456789abcdef";
      for (unsigned char ch : c.StringAt(row).substr(0, 32)) {
        hex += kHex[ch >> 4];
        hex += kHex[ch & 15];
      }
      return hex;
    }
  }
}

Status LoadFile(const std::string& path, std::string* bytes) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (dir.empty()) dir = "/";
  if (path.rfind("s3://", 0) == 0 && dir.find('/', 5) == std::string::npos) {
    dir += "/";  // s3://bucket/key: the root of the bucket
  }
  std::unique_ptr<fs::FileSystem> fsys;
  SPARKIFY_RETURN_IF_ERROR(fs::OpenFileSystem(dir, fs::OpenOptions{}, &fsys));
  return fsys->Read(base, bytes);
}

int Inspect(const std::string& path, int rows) {
  std::string bytes;
  Status s = LoadFile(path, &bytes);
  if (!s.ok()) {
    std::fprintf(stderr, "sparkify inspect: %s\n", s.ToString().c_str());
    return kExitFailed;
  }
  const size_t file_size = bytes.size();
  auto opened = parquet::FileReader::Open(path, std::move(bytes));
  if (!opened.ok()) {
    std::fprintf(stderr, "sparkify inspect: %s\n", opened.status().ToString().c_str());
    return kExitFailed;
  }
  const parquet::FileReader& r = **opened;
  const auto& m = r.metadata();
  std::printf("file:        %s (%zu bytes)\n", path.c_str(), file_size);
  std::printf("created_by:  %s\n", m.created_by.value_or("(unknown)").c_str());
  std::printf("version:     %d\n", m.version);
  std::printf("rows:        %" PRId64 "\n", m.num_rows);
  std::printf("row groups:  %d\n", r.num_row_groups());
  std::printf("\nschema:\n");
  for (const auto& d : r.columns()) {
    std::printf("  %-24s %s\n", d.name.c_str(), TypeString(d).c_str());
  }
  if (!m.key_value_metadata.empty()) {
    std::printf("\nkey-value metadata:\n");
    for (const auto& kv : m.key_value_metadata) {
      std::printf("  %s = %s\n", kv.key.c_str(), Printable(kv.value.value_or(""), 120).c_str());
    }
  }
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const auto& rg = m.row_groups[g];
    std::printf("\nrow group %d: %" PRId64 " rows, %" PRId64 " bytes compressed, %" PRId64
                " uncompressed\n",
                g, rg.num_rows, rg.total_compressed_size.value_or(0), rg.total_byte_size);
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const auto& cc = rg.columns[c];
      const auto& d = r.columns()[c];
      if (!cc.meta_data) {
        std::printf("  %-20s (no metadata)\n", d.name.c_str());
        continue;
      }
      const auto& md = *cc.meta_data;
      std::string enc;
      for (int32_t e : md.encodings) {
        if (!enc.empty()) enc += ",";
        enc += format::EncodingName(e);
      }
      std::printf("  %-20s %-12s %-30s %10" PRId64 " raw %10" PRId64 " stored", d.name.c_str(),
                  format::CodecName(md.codec), enc.c_str(), md.total_uncompressed_size,
                  md.total_compressed_size);
      if (md.statistics) {
        const auto& st = *md.statistics;
        const std::string* mn = st.min_value ? &*st.min_value : (st.min ? &*st.min : nullptr);
        const std::string* mx = st.max_value ? &*st.max_value : (st.max ? &*st.max : nullptr);
        if (st.null_count) std::printf("  nulls=%" PRId64, *st.null_count);
        if (mn) std::printf("  min=%s", StatString(d, *mn).c_str());
        if (mx) std::printf("  max=%s", StatString(d, *mx).c_str());
      }
      if (cc.column_index_offset && cc.offset_index_offset) std::printf("  [page index]");
      std::printf("\n");
    }
  }
  if (rows > 0) {
    std::printf("\nfirst %d rows:\n", rows);
    int printed = 0;
    for (int g = 0; g < r.num_row_groups() && printed < rows; ++g) {
      auto cols = r.ReadRowGroup(g);
      if (!cols.ok()) {
        std::fprintf(stderr, "sparkify inspect: %s\n", cols.status().ToString().c_str());
        return kExitFailed;
      }
      size_t n = cols->empty() ? 0 : (*cols)[0].size();
      for (size_t i = 0; i < n && printed < rows; ++i, ++printed) {
        std::string line = "  {";
        for (size_t c = 0; c < cols->size(); ++c) {
          if (c) line += ", ";
          line += r.columns()[c].name + ": " + CellString(r.columns()[c], (*cols)[c], i);
        }
        std::printf("%s}\n", line.c_str());
      }
    }
  }
  return kExitOk;
}

}  // namespace

Command AddInspectCommand(CLI::App& parent) {
  Command cmd;
  cmd.app = parent.add_subcommand(
      "inspect", "Print a Parquet file's schema, row groups, encodings, sizes and statistics");
  auto file = std::make_shared<std::string>();
  auto rows = std::make_shared<int>(0);
  cmd.app->add_option("file", *file, "Parquet file (local path or s3://bucket/key)")->required();
  cmd.app->add_option("--rows", *rows, "Also print the first N rows")
      ->check(CLI::NonNegativeNumber);
  cmd.run = [file, rows] { return Inspect(*file, *rows); };
  return cmd;
}

}  // namespace sparkify::cli
