#include "parquet/reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <stdexcept>

#include "parquet/compression.h"
#include "parquet/encodings.h"
#include "parquet/rle_bitpacked.h"
#include "parquet/statistics.h"

namespace sparkify::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kEncryptedMagic = "PARE";
constexpr size_t kMagicSize = 4;
constexpr size_t kFooterTailSize = 8;  // 4-byte footer length + magic

PhysicalType OutputType(int32_t physical) {
  switch (physical) {
    case format::BOOLEAN:
      return PhysicalType::kBoolean;
    case format::INT32:
      return PhysicalType::kInt32;
    case format::INT64:
    case format::INT96:
      return PhysicalType::kInt64;
    case format::FLOAT:
      return PhysicalType::kFloat;
    case format::DOUBLE:
      return PhysicalType::kDouble;
    case format::BYTE_ARRAY:
      return PhysicalType::kByteArray;
    default:
      return PhysicalType::kFixedLenByteArray;
  }
}

// Appends page values to the dense output, leaving a default slot for each
// null row (defs[i] == 0). defs == nullptr: every row is present.
void AppendDense(const ColumnVector& vals, const uint8_t* defs, size_t rows, ColumnVector* out) {
  if (defs == nullptr) {
    AppendColumn(vals, out);
    return;
  }
  const size_t before = out->size();
  if (out->validity.empty()) out->validity.assign(before, 1);
  size_t k = 0;
  for (size_t i = 0; i < rows; ++i) {
    const bool present = defs[i] != 0;
    out->validity.push_back(present ? 1 : 0);
    switch (out->type) {
      case PhysicalType::kBoolean:
        out->booleans.push_back(present ? vals.booleans[k] : 0);
        break;
      case PhysicalType::kInt32:
        out->i32.push_back(present ? vals.i32[k] : 0);
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kInt96:
        out->i64.push_back(present ? vals.i64[k] : 0);
        break;
      case PhysicalType::kFloat:
        out->f32.push_back(present ? vals.f32[k] : 0);
        break;
      case PhysicalType::kDouble:
        out->f64.push_back(present ? vals.f64[k] : 0);
        break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray:
        if (present) out->bytes.append(vals.StringAt(k));
        out->offsets.push_back(static_cast<uint32_t>(out->bytes.size()));
        break;
    }
    if (present) ++k;
  }
}

bool IsByteArray(int32_t physical) {
  return physical == format::BYTE_ARRAY || physical == format::FIXED_LEN_BYTE_ARRAY;
}

Status DecodeValues(const ColumnDescriptor& desc, int32_t encoding, const ColumnVector* dict,
                    const uint8_t* data, size_t size, size_t count, ColumnVector* out) {
  ValueType vt{desc.physical, desc.type_length};
  switch (encoding) {
    case format::PLAIN:
      return DecodePlain(vt, data, size, count, out);
    case format::PLAIN_DICTIONARY:
    case format::RLE_DICTIONARY:
      if (dict == nullptr)
        return Status::Corruption("dictionary-encoded page without a dictionary page");
      return DecodeDictionaryIndices(*dict, data, size, count, out);
    case format::RLE:
      if (desc.physical != format::BOOLEAN)
        return Status::Corruption("RLE values for a non-boolean column");
      return DecodeRleBooleans(data, size, count, out);
    case format::DELTA_BINARY_PACKED:
      return DecodeDeltaBinaryPacked(vt, data, size, count, out);
    case format::DELTA_LENGTH_BYTE_ARRAY:
      if (desc.physical != format::BYTE_ARRAY)
        return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY for a non-BYTE_ARRAY column");
      return DecodeDeltaLengthByteArray(data, size, count, out);
    case format::DELTA_BYTE_ARRAY:
      if (!IsByteArray(desc.physical))
        return Status::Corruption("DELTA_BYTE_ARRAY for a non-byte-array column");
      return DecodeDeltaByteArray(data, size, count, out);
    case format::BYTE_STREAM_SPLIT:
      return DecodeByteStreamSplit(vt, data, size, count, out);
    default:
      return Status::NotSupported(std::string("value encoding ") + format::EncodingName(encoding) +
                                  " (" + std::to_string(encoding) + ")");
  }
}

// Definition levels of a flat OPTIONAL column (bit width 1) into defs[0, n);
// returns the count of present values.
Status DecodeLevels(const uint8_t* data, size_t size, size_t n, std::vector<uint8_t>* defs,
                    size_t* present) {
  defs->resize(n);
  RleBpDecoder dec(data, size, 1);
  if (dec.GetBatch(defs->data(), n) != n) {
    return Status::Corruption("definition levels end before " + std::to_string(n) + " values");
  }
  size_t k = 0;
  for (uint8_t d : *defs) {
    if (d > 1)
      return Status::Corruption("definition level " + std::to_string(d) + " above the maximum 1");
    k += d;
  }
  *present = k;
  return Status::OK();
}

}  // namespace

void AppendColumn(const ColumnVector& src, ColumnVector* dst) {
  const size_t before = dst->size();
  const size_t n = src.size();
  switch (src.type) {
    case PhysicalType::kBoolean:
      dst->booleans.insert(dst->booleans.end(), src.booleans.begin(), src.booleans.end());
      break;
    case PhysicalType::kInt32:
      dst->i32.insert(dst->i32.end(), src.i32.begin(), src.i32.end());
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      dst->i64.insert(dst->i64.end(), src.i64.begin(), src.i64.end());
      break;
    case PhysicalType::kFloat:
      dst->f32.insert(dst->f32.end(), src.f32.begin(), src.f32.end());
      break;
    case PhysicalType::kDouble:
      dst->f64.insert(dst->f64.end(), src.f64.begin(), src.f64.end());
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      const uint32_t base = static_cast<uint32_t>(dst->bytes.size());
      dst->bytes.append(src.bytes);
      for (size_t i = 1; i < src.offsets.size(); ++i) dst->offsets.push_back(src.offsets[i] + base);
      break;
    }
  }
  if (!src.validity.empty()) {
    if (dst->validity.empty()) dst->validity.assign(before, 1);
    dst->validity.insert(dst->validity.end(), src.validity.begin(), src.validity.end());
  } else if (!dst->validity.empty()) {
    dst->validity.insert(dst->validity.end(), n, 1);
  }
}

Result<std::unique_ptr<FileReader>> FileReader::Open(std::string_view file_name, std::string bytes,
                                                     ReaderOptions options) {
  std::unique_ptr<FileReader> r(new FileReader());
  r->file_name_ = std::string(file_name);
  r->bytes_ = std::move(bytes);
  r->options_ = options;
  Status s = r->ParseFooter();
  if (!s.ok()) return s;
  return r;
}

Result<std::unique_ptr<FileReader>> FileReader::OpenFile(const std::string& path,
                                                         ReaderOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": read failed");
  return Open(path, std::move(ss).str(), options);
}

Status FileReader::Error(std::string what) const {
  return Status::Corruption(file_name_ + ": " + what);
}

Status FileReader::ParseFooter() {
  const size_t size = bytes_.size();
  if (size < kMagicSize + kFooterTailSize) {
    return Error("file is " + std::to_string(size) +
                 " bytes, too small to be Parquet (at least 12 needed); truncated?");
  }
  std::string_view b(bytes_);
  if (b.substr(size - 4) == kEncryptedMagic) {
    return Status::NotSupported(file_name_ + ": encrypted Parquet files are not supported");
  }
  if (b.substr(0, 4) != kMagic) return Error("bad magic at the start: not a Parquet file");
  if (b.substr(size - 4) != kMagic) {
    return Error("bad magic at the end: the file is truncated or not Parquet");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, bytes_.data() + size - 8, 4);
  if (footer_len > size - kMagicSize - kFooterTailSize) {
    return Error("footer length " + std::to_string(footer_len) + " exceeds the file size " +
                 std::to_string(size));
  }
  const size_t footer_start = size - kFooterTailSize - footer_len;
  Status s = format::Parse(reinterpret_cast<const uint8_t*>(bytes_.data()) + footer_start,
                           footer_len, &meta_);
  if (!s.ok()) return s.WithContext(file_name_);

  if (meta_.schema.empty()) return Error("footer has an empty schema");
  const format::SchemaElement& root = meta_.schema[0];
  const int32_t children = root.num_children.value_or(0);
  if (children < 0 || static_cast<size_t>(children) != meta_.schema.size() - 1) {
    for (size_t i = 1; i < meta_.schema.size(); ++i) {
      if (meta_.schema[i].num_children.value_or(0) > 0) {
        return Status::NotSupported(file_name_ + ": nested schemas are not supported (column '" +
                                    meta_.schema[i].name + "')");
      }
    }
    return Error("schema root has " + std::to_string(children) + " children but " +
                 std::to_string(meta_.schema.size() - 1) + " elements follow");
  }
  for (size_t i = 1; i < meta_.schema.size(); ++i) {
    const format::SchemaElement& e = meta_.schema[i];
    if (e.num_children.value_or(0) > 0) {
      return Status::NotSupported(file_name_ + ": nested schemas are not supported (column '" +
                                  e.name + "')");
    }
    if (!e.type || *e.type < format::BOOLEAN || *e.type > format::FIXED_LEN_BYTE_ARRAY) {
      return Error("column '" + e.name + "' has no valid physical type");
    }
    const int32_t rep = e.repetition_type.value_or(format::OPTIONAL);
    if (rep == format::REPEATED) {
      return Status::NotSupported(file_name_ + ": repeated column '" + e.name +
                                  "' is not supported");
    }
    if (rep != format::REQUIRED && rep != format::OPTIONAL) {
      return Error("column '" + e.name + "' has an invalid repetition " + std::to_string(rep));
    }
    ColumnDescriptor d;
    d.name = e.name;
    d.physical = *e.type;
    d.output = OutputType(d.physical);
    d.repetition = rep == format::REQUIRED ? Repetition::kRequired : Repetition::kOptional;
    d.type_length = e.type_length.value_or(0);
    d.element = &e;
    const auto& lt = e.logical_type;
    const int32_t ct = e.converted_type.value_or(-1);
    if (d.physical == format::INT96) {
      d.logical = LogicalType::kTimestampMicros;
      d.time_unit = format::TimeUnit::kMicros;
    } else if (lt.kind == format::LogicalType::kString || ct == format::UTF8) {
      d.logical = LogicalType::kString;
    } else if (lt.kind == format::LogicalType::kTimestamp) {
      d.time_unit = lt.unit;
      if (lt.unit == format::TimeUnit::kMicros) d.logical = LogicalType::kTimestampMicros;
      if (lt.unit == format::TimeUnit::kMillis) d.logical = LogicalType::kTimestampMillis;
    } else if (ct == format::TIMESTAMP_MICROS) {
      d.logical = LogicalType::kTimestampMicros;
      d.time_unit = format::TimeUnit::kMicros;
    } else if (ct == format::TIMESTAMP_MILLIS) {
      d.logical = LogicalType::kTimestampMillis;
      d.time_unit = format::TimeUnit::kMillis;
    }
    if (d.physical == format::FIXED_LEN_BYTE_ARRAY && d.type_length < 0) {
      return Error("column '" + e.name + "' has a negative type_length");
    }
    columns_.push_back(std::move(d));
  }
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    const auto& rg = meta_.row_groups[g];
    if (rg.columns.size() != columns_.size()) {
      return Error("row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) +
                   " column chunks, schema has " + std::to_string(columns_.size()) + " columns");
    }
    if (rg.num_rows < 0) return Error("row group " + std::to_string(g) + " has negative num_rows");
  }
  return Status::OK();
}

int FileReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status FileReader::ReadChunk(int row_group, int column, ColumnVector* out) const {
  const format::RowGroup& rg = meta_.row_groups[row_group];
  const format::ColumnChunk& cc = rg.columns[column];
  const ColumnDescriptor& desc = columns_[column];
  if (cc.file_path) return Status::NotSupported("column chunk stored in another file");
  if (!cc.meta_data) return Status::Corruption("column chunk has no metadata");
  const format::ColumnMetaData& md = *cc.meta_data;
  if (md.type != desc.physical) {
    return Status::Corruption(std::string("column chunk type ") + format::TypeName(md.type) +
                              " differs from the schema type " + format::TypeName(desc.physical));
  }
  if (md.num_values < 0 || static_cast<uint64_t>(md.num_values) > options_.max_values_per_chunk) {
    return Status::Corruption("column chunk claims " + std::to_string(md.num_values) + " values");
  }
  if (md.num_values != rg.num_rows) {
    return Status::Corruption("column chunk has " + std::to_string(md.num_values) +
                              " values but the row group has " + std::to_string(rg.num_rows) +
                              " rows");
  }
  const size_t num_values = static_cast<size_t>(md.num_values);
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  const uint64_t data_end = bytes_.size() - kFooterTailSize;
  if (start < static_cast<int64_t>(kMagicSize) || md.total_compressed_size < 0 ||
      static_cast<uint64_t>(start) > data_end ||
      static_cast<uint64_t>(md.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
    return Status::Corruption("column chunk at offset " + std::to_string(start) + " of " +
                              std::to_string(md.total_compressed_size) +
                              " bytes lies outside the file (" + std::to_string(bytes_.size()) +
                              " bytes)");
  }
  if (md.data_page_offset < static_cast<int64_t>(kMagicSize) ||
      static_cast<uint64_t>(md.data_page_offset) >= data_end) {
    return Status::Corruption("data_page_offset " + std::to_string(md.data_page_offset) +
                              " lies outside the file (" + std::to_string(bytes_.size()) +
                              " bytes)");
  }
  if (md.codec != format::UNCOMPRESSED && md.codec != format::SNAPPY && md.codec != format::GZIP &&
      md.codec != format::ZSTD) {
    return Status::NotSupported(std::string("compression codec ") + format::CodecName(md.codec) +
                                " (" + std::to_string(md.codec) + ")");
  }
  const uint8_t* base = reinterpret_cast<const uint8_t*>(bytes_.data());
  size_t pos = static_cast<size_t>(start);
  const size_t end = pos + static_cast<size_t>(md.total_compressed_size);

  *out = ColumnVector(desc.output);
  // The count is only a claim until the pages are decoded: reserve modestly.
  out->Reserve(std::min<size_t>(num_values, size_t{1} << 20));
  ColumnVector dict(desc.output);
  bool have_dict = false;
  ColumnVector page_vals(desc.output);
  std::vector<uint8_t> defs;
  std::string page_buf;
  const bool optional = desc.repetition == Repetition::kOptional;
  size_t values_read = 0;

  while (values_read < num_values) {
    if (pos >= end) {
      return Status::Corruption("column chunk ends after " + std::to_string(values_read) + " of " +
                                std::to_string(num_values) + " values");
    }
    const size_t page_offset = pos;
    auto at = [&](const Status& s) {
      return s.WithContext("page at offset " + std::to_string(page_offset));
    };
    format::PageHeader h;
    size_t consumed = 0;
    Status s = format::Parse(base + pos, end - pos, &h, &consumed);
    if (!s.ok()) return at(s);
    pos += consumed;
    if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > end - pos) {
      return at(Status::Corruption("page claims " + std::to_string(h.compressed_page_size) +
                                   " bytes but the chunk has " + std::to_string(end - pos) +
                                   " left"));
    }
    if (h.uncompressed_page_size < 0 ||
        static_cast<size_t>(h.uncompressed_page_size) > options_.max_page_size) {
      return at(Status::Corruption("page uncompressed size " +
                                   std::to_string(h.uncompressed_page_size) + " is invalid"));
    }
    const uint8_t* payload = base + pos;
    const size_t payload_size = static_cast<size_t>(h.compressed_page_size);
    pos += payload_size;
    auto decompress = [&](const uint8_t* p, size_t n, size_t out_size, const uint8_t** data,
                          size_t* data_size) -> Status {
      if (md.codec == format::UNCOMPRESSED) {
        if (n != out_size) {
          return Status::Corruption("uncompressed page of " + std::to_string(n) +
                                    " bytes, header says " + std::to_string(out_size));
        }
        *data = p;
        *data_size = n;
        return Status::OK();
      }
      SPARKIFY_RETURN_IF_ERROR(Decompress(
          md.codec, std::string_view(reinterpret_cast<const char*>(p), n), out_size, &page_buf));
      *data = reinterpret_cast<const uint8_t*>(page_buf.data());
      *data_size = page_buf.size();
      return Status::OK();
    };

    if (h.type == format::DICTIONARY_PAGE) {
      if (!h.dictionary_page_header)
        return at(Status::Corruption("dictionary page without its header"));
      if (have_dict) return at(Status::Corruption("second dictionary page in a column chunk"));
      const auto& dh = *h.dictionary_page_header;
      if (dh.encoding != format::PLAIN && dh.encoding != format::PLAIN_DICTIONARY) {
        return at(Status::Corruption(std::string("dictionary page encoding ") +
                                     format::EncodingName(dh.encoding)));
      }
      if (dh.num_values < 0) return at(Status::Corruption("negative dictionary size"));
      const uint8_t* data;
      size_t size;
      s = decompress(payload, payload_size, h.uncompressed_page_size, &data, &size);
      if (!s.ok()) return at(s);
      s = DecodePlain(ValueType{desc.physical, desc.type_length}, data, size,
                      static_cast<size_t>(dh.num_values), &dict);
      if (!s.ok()) return at(s.WithContext("dictionary page"));
      have_dict = true;
      continue;
    }

    size_t rows = 0;
    int32_t encoding = 0;
    const uint8_t* values = nullptr;
    size_t values_size = 0;
    const uint8_t* level_data = nullptr;
    size_t level_size = 0;
    bool v1 = false;
    const uint8_t* page_data = nullptr;
    size_t page_size = 0;
    if (h.type == format::DATA_PAGE) {
      if (!h.data_page_header) return at(Status::Corruption("data page without its header"));
      const auto& dh = *h.data_page_header;
      if (dh.num_values < 0 || static_cast<size_t>(dh.num_values) > num_values - values_read) {
        return at(Status::Corruption("data page has " + std::to_string(dh.num_values) +
                                     " values, only " + std::to_string(num_values - values_read) +
                                     " remain in the chunk"));
      }
      rows = static_cast<size_t>(dh.num_values);
      encoding = dh.encoding;
      s = decompress(payload, payload_size, h.uncompressed_page_size, &page_data, &page_size);
      if (!s.ok()) return at(s);
      v1 = true;
      if (optional) {
        if (dh.definition_level_encoding != format::RLE) {
          return at(Status::NotSupported(std::string("definition level encoding ") +
                                         format::EncodingName(dh.definition_level_encoding)));
        }
        if (page_size < 4) return at(Status::Corruption("definition levels truncated"));
        uint32_t len;
        std::memcpy(&len, page_data, 4);
        if (len > page_size - 4)
          return at(Status::Corruption("definition levels run past the page"));
        level_data = page_data + 4;
        level_size = len;
        values = page_data + 4 + len;
        values_size = page_size - 4 - len;
      } else {
        values = page_data;
        values_size = page_size;
      }
    } else if (h.type == format::DATA_PAGE_V2) {
      if (!h.data_page_header_v2) return at(Status::Corruption("data page v2 without its header"));
      const auto& dh = *h.data_page_header_v2;
      if (dh.num_values < 0 || static_cast<size_t>(dh.num_values) > num_values - values_read) {
        return at(Status::Corruption("data page has " + std::to_string(dh.num_values) +
                                     " values, only " + std::to_string(num_values - values_read) +
                                     " remain in the chunk"));
      }
      rows = static_cast<size_t>(dh.num_values);
      encoding = dh.encoding;
      if (dh.repetition_levels_byte_length < 0 || dh.definition_levels_byte_length < 0 ||
          static_cast<uint64_t>(dh.repetition_levels_byte_length) +
                  static_cast<uint64_t>(dh.definition_levels_byte_length) >
              std::min<uint64_t>(payload_size, h.uncompressed_page_size)) {
        return at(Status::Corruption("data page v2 level lengths exceed the page"));
      }
      const size_t levels = static_cast<size_t>(dh.repetition_levels_byte_length) +
                            static_cast<size_t>(dh.definition_levels_byte_length);
      level_data = payload + dh.repetition_levels_byte_length;
      level_size = static_cast<size_t>(dh.definition_levels_byte_length);
      if (dh.repetition_levels_byte_length != 0) {
        return at(Status::Corruption("repetition levels in a flat column"));
      }
      if (dh.is_compressed) {
        s = decompress(payload + levels, payload_size - levels, h.uncompressed_page_size - levels,
                       &values, &values_size);
        if (!s.ok()) return at(s);
      } else {
        values = payload + levels;
        values_size = payload_size - levels;
      }
    } else {
      continue;  // index pages and unknown page types carry no values
    }

    size_t present = rows;
    const uint8_t* defs_ptr = nullptr;
    if (optional) {
      s = DecodeLevels(level_data, level_size, rows, &defs, &present);
      if (!s.ok()) return at(s);
      if (present != rows) defs_ptr = defs.data();
    } else if (!v1 && level_size != 0) {
      return at(Status::Corruption("definition levels in a REQUIRED column"));
    }
    page_vals.Clear();
    s = DecodeValues(desc, encoding, have_dict ? &dict : nullptr, values, values_size, present,
                     &page_vals);
    if (!s.ok()) return at(s);
    if (page_vals.size() != present) {
      return at(Status::Corruption("page decoded to " + std::to_string(page_vals.size()) +
                                   " values, expected " + std::to_string(present)));
    }
    AppendDense(page_vals, defs_ptr, rows, out);
    values_read += rows;
  }
  return Status::OK();
}

Result<std::vector<ColumnVector>> FileReader::ReadRowGroup(int row_group,
                                                           const std::vector<int>& columns) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    return Status::InvalidArgument(file_name_ + ": no row group " + std::to_string(row_group));
  }
  std::vector<int> cols = columns;
  if (cols.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) cols.push_back(static_cast<int>(i));
  }
  std::vector<ColumnVector> out;
  out.reserve(cols.size());
  for (int c : cols) {
    if (c < 0 || static_cast<size_t>(c) >= columns_.size()) {
      return Status::InvalidArgument(file_name_ + ": no column " + std::to_string(c));
    }
    ColumnVector v;
    Status s;
    try {
      s = ReadChunk(row_group, c, &v);
    } catch (const std::bad_alloc&) {
      // Sizes in a corrupt file can ask for more memory than there is.
      s = Status::Corruption("out of memory decoding the column chunk (corrupt sizes?)");
    } catch (const std::length_error&) {
      s = Status::Corruption("a size in the column chunk is too large (corrupt sizes?)");
    }
    if (!s.ok()) {
      return s.WithContext(file_name_ + ": row group " + std::to_string(row_group) + ", column '" +
                           columns_[c].name + "'");
    }
    out.push_back(std::move(v));
  }
  return out;
}

bool FileReader::RowGroupMayMatch(int row_group, const std::vector<Predicate>& predicates) const {
  if (row_group < 0 || row_group >= num_row_groups()) return false;
  const format::RowGroup& rg = meta_.row_groups[row_group];
  for (const Predicate& p : predicates) {
    if (p.column < 0 || static_cast<size_t>(p.column) >= columns_.size()) continue;
    const ColumnDescriptor& d = columns_[p.column];
    const auto& md = rg.columns[p.column].meta_data;
    if (!md || !md->statistics || d.physical == format::INT96) continue;
    const format::Statistics& st = *md->statistics;
    if (st.null_count && *st.null_count == rg.num_rows && rg.num_rows > 0)
      return false;  // all null
    const std::string* mn = st.min_value ? &*st.min_value : nullptr;
    const std::string* mx = st.max_value ? &*st.max_value : nullptr;
    if (!mn && !mx && !IsByteArray(d.physical)) {
      // Deprecated fields are in signed order: only trusted for numbers.
      mn = st.min ? &*st.min : nullptr;
      mx = st.max ? &*st.max : nullptr;
    }
    if (!mn || !mx) continue;
    auto cmp = [&](const std::string& a, const std::string& b) {
      return CompareStatValues(d.output, a, b);
    };
    switch (p.op) {
      case Predicate::kEq:
        if (cmp(p.value, *mn) < 0 || cmp(p.value, *mx) > 0) return false;
        break;
      case Predicate::kLt:
        if (cmp(*mn, p.value) >= 0) return false;
        break;
      case Predicate::kLe:
        if (cmp(*mn, p.value) > 0) return false;
        break;
      case Predicate::kGt:
        if (cmp(*mx, p.value) <= 0) return false;
        break;
      case Predicate::kGe:
        if (cmp(*mx, p.value) < 0) return false;
        break;
    }
  }
  return true;
}

Result<std::vector<ColumnVector>> FileReader::ReadAll(
    const std::vector<int>& columns, const std::vector<Predicate>& predicates) const {
  std::vector<int> cols = columns;
  if (cols.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) cols.push_back(static_cast<int>(i));
  }
  std::vector<ColumnVector> out;
  for (int c : cols) {
    if (c < 0 || static_cast<size_t>(c) >= columns_.size()) {
      return Status::InvalidArgument(file_name_ + ": no column " + std::to_string(c));
    }
    out.emplace_back(columns_[c].output);
  }
  for (int g = 0; g < num_row_groups(); ++g) {
    if (!RowGroupMayMatch(g, predicates)) continue;
    SPARKIFY_ASSIGN_OR_RETURN(std::vector<ColumnVector> part, ReadRowGroup(g, cols));
    for (size_t i = 0; i < part.size(); ++i) AppendColumn(part[i], &out[i]);
  }
  return out;
}

template <typename Index>
Status FileReader::ParsePageIndex(const std::optional<int64_t>& offset,
                                  const std::optional<int32_t>& length, const char* what,
                                  Index* out) const {
  if (!offset || !length) return Status::NotFound(file_name_ + ": no " + what);
  int64_t off = *offset;
  int64_t len = *length;
  if (off < 0 || len < 0 ||
      static_cast<uint64_t>(off) + static_cast<uint64_t>(len) > bytes_.size()) {
    return Error(std::string(what) + " lies outside the file");
  }
  Status s = format::Parse(reinterpret_cast<const uint8_t*>(bytes_.data()) + off,
                           static_cast<size_t>(len), out);
  return s.ok() ? s : s.WithContext(file_name_);
}

Status FileReader::ReadColumnIndex(int row_group, int column, format::ColumnIndex* out) const {
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 ||
      static_cast<size_t>(column) >= columns_.size()) {
    return Status::InvalidArgument("no such column chunk");
  }
  const auto& cc = meta_.row_groups[row_group].columns[column];
  return ParsePageIndex(cc.column_index_offset, cc.column_index_length, "column index", out);
}

Status FileReader::ReadOffsetIndex(int row_group, int column, format::OffsetIndex* out) const {
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 ||
      static_cast<size_t>(column) >= columns_.size()) {
    return Status::InvalidArgument("no such column chunk");
  }
  const auto& cc = meta_.row_groups[row_group].columns[column];
  return ParsePageIndex(cc.offset_index_offset, cc.offset_index_length, "offset index", out);
}

}  // namespace sparkify::parquet
