#include "parquet/writer.h"

#include <cstring>
#include <memory>
#include <string_view>

#include "parquet/column_writer.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/thrift_compact.h"

namespace sparkify::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
// Batches at least this long, arriving when nothing is buffered, are written
// as their own row groups straight from the caller's vectors (no copy).
constexpr size_t kDirectWriteRows = 64 * 1024;

format::CompressionCodec ToFormat(Codec c) {
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

int LevelOf(const WriterOptions& o) {
  return o.codec == Codec::kZstd ? o.zstd_level : o.gzip_level;
}

// Bytes a row of this column adds to the buffered row group (an estimate of
// its encoded size, used to cut row groups by options.row_group_size).
size_t ValueBytes(const ColumnVector& c, size_t begin, size_t end) {
  switch (c.type) {
    case PhysicalType::kBoolean:
      return (end - begin + 7) / 8;
    case PhysicalType::kInt32:
      return 4 * (end - begin);
    case PhysicalType::kByteArray: {
      if (!c.dictionary_form()) return 4 * (end - begin) + (c.offsets[end] - c.offsets[begin]);
      // Dictionary form: each non-null row's text length, by its code (a
      // null row's code is not looked at: it need not be in range).
      const uint32_t* off = c.dictionary->offsets.data();
      const uint32_t* codes = c.codes.data();
      size_t bytes = 4 * (end - begin);
      if (c.validity.empty()) {
        for (size_t i = begin; i < end; ++i) bytes += off[codes[i] + 1] - off[codes[i]];
      } else {
        const uint8_t* valid = c.validity.data();
        for (size_t i = begin; i < end; ++i) {
          if (valid[i]) bytes += off[codes[i] + 1] - off[codes[i]];
        }
      }
      return bytes;
    }
    default:
      return 8 * (end - begin);
  }
}

// Appends rows [begin, end) of src to dst (same type).
void AppendRows(const ColumnVector& src, size_t begin, size_t end, ColumnVector* dst) {
  const size_t dst_rows = dst->size();
  switch (src.type) {
    case PhysicalType::kBoolean:
      dst->booleans.insert(dst->booleans.end(), src.booleans.begin() + begin,
                           src.booleans.begin() + end);
      break;
    case PhysicalType::kInt32:
      dst->i32.insert(dst->i32.end(), src.i32.begin() + begin, src.i32.begin() + end);
      break;
    case PhysicalType::kInt64:
      dst->i64.insert(dst->i64.end(), src.i64.begin() + begin, src.i64.begin() + end);
      break;
    case PhysicalType::kDouble:
      dst->f64.insert(dst->f64.end(), src.f64.begin() + begin, src.f64.begin() + end);
      break;
    case PhysicalType::kByteArray: {
      if (src.dictionary_form()) {  // the buffer holds the plain form
        for (size_t i = begin; i < end; ++i) {
          if (!src.IsNull(i)) dst->bytes.append(src.StringAt(i));
          dst->offsets.push_back(static_cast<uint32_t>(dst->bytes.size()));
        }
        break;
      }
      const uint32_t first = src.offsets[begin];
      const uint32_t base = static_cast<uint32_t>(dst->bytes.size());
      dst->bytes.append(src.bytes, first, src.offsets[end] - first);
      dst->offsets.reserve(dst->offsets.size() + (end - begin));
      for (size_t i = begin + 1; i <= end; ++i)
        dst->offsets.push_back(src.offsets[i] - first + base);
      break;
    }
    default:
      break;
  }
  if (!src.validity.empty()) {
    if (dst->validity.empty()) dst->validity.assign(dst_rows, 1);
    dst->validity.insert(dst->validity.end(), src.validity.begin() + begin,
                         src.validity.begin() + end);
  } else if (!dst->validity.empty()) {
    dst->validity.insert(dst->validity.end(), end - begin, 1);
  }
}

Status CheckSchema(const Schema& schema) {
  for (const ColumnSchema& c : schema.columns) {
    if (c.name.empty()) return Status::InvalidArgument("column with an empty name");
    switch (c.logical) {
      case LogicalType::kNone:
        break;
      case LogicalType::kString:
        if (c.type != PhysicalType::kByteArray) {
          return Status::InvalidArgument("column " + c.name + ": STRING needs BYTE_ARRAY");
        }
        break;
      case LogicalType::kTimestampMicros:
      case LogicalType::kTimestampMillis:
        if (c.type != PhysicalType::kInt64) {
          return Status::InvalidArgument("column " + c.name + ": TIMESTAMP needs INT64");
        }
        break;
    }
    switch (c.type) {
      case PhysicalType::kBoolean:
      case PhysicalType::kInt32:
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
      case PhysicalType::kByteArray:
        break;
      default:
        return Status::NotSupported("column " + c.name + ": the writer does not write this type");
    }
  }
  return Status::OK();
}

format::SchemaElement LeafElement(const ColumnSchema& c) {
  format::SchemaElement e;
  e.name = c.name;
  e.repetition_type = c.repetition == Repetition::kRequired ? format::REQUIRED : format::OPTIONAL;
  switch (c.type) {
    case PhysicalType::kBoolean:
      e.type = format::BOOLEAN;
      break;
    case PhysicalType::kInt32:
      e.type = format::INT32;
      break;
    case PhysicalType::kInt64:
      e.type = format::INT64;
      break;
    case PhysicalType::kDouble:
      e.type = format::DOUBLE;
      break;
    default:
      e.type = format::BYTE_ARRAY;
      break;
  }
  switch (c.logical) {
    case LogicalType::kString:
      e.converted_type = format::UTF8;
      e.logical_type.kind = format::LogicalType::kString;
      break;
    case LogicalType::kTimestampMicros:
    case LogicalType::kTimestampMillis: {
      const bool micros = c.logical == LogicalType::kTimestampMicros;
      e.converted_type = micros ? format::TIMESTAMP_MICROS : format::TIMESTAMP_MILLIS;
      e.logical_type.kind = format::LogicalType::kTimestamp;
      e.logical_type.is_adjusted_to_utc = true;
      e.logical_type.unit = micros ? format::TimeUnit::kMicros : format::TimeUnit::kMillis;
      break;
    }
    case LogicalType::kNone:
      break;
  }
  return e;
}

}  // namespace

std::string CreatedBy() {
  return std::string("sparkify version ") + SPARKIFY_VERSION + " (build " + SPARKIFY_VERSION + ")";
}

namespace {
// Made once: every footer carries it.
const std::string& CachedCreatedBy() {
  static const std::string created_by = CreatedBy();
  return created_by;
}

// The footer's schema elements (the root, then a leaf per column), serialized
// once per schema per thread: a lake writes thousands of files of a few
// schemas, and the elements were a third of a small file's footer.
std::string_view SerializedSchemaElements(const Schema& schema) {
  struct Cached {
    Schema schema;
    std::string elements;
  };
  thread_local std::vector<Cached> cache;  // a lake's tables: a handful
  for (const Cached& c : cache) {
    if (c.schema == schema) return c.elements;
  }
  Cached c{schema, {}};
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.columns.size());
  format::SerializeSchemaElement(root, &c.elements);
  for (const ColumnSchema& col : schema.columns) {
    format::SerializeSchemaElement(LeafElement(col), &c.elements);
  }
  constexpr size_t kMaxCachedSchemas = 16;
  if (cache.size() == kMaxCachedSchemas) cache.erase(cache.begin());
  cache.push_back(std::move(c));
  return cache.back().elements;
}

struct RowGroupRecord {
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_byte_size = 0;
  int64_t total_compressed_size = 0;
};

// What a writer keeps for its footer, serialized where it can be: its row
// groups, each chunk's offset, its ColumnMetaData struct and its page index
// (ColumnIndexes, OffsetIndexes) in the order the chunks were written, which
// is the order they go out in. Reused by the thread's later writers: a
// one-row file's metadata as structs was ~40 allocations.
struct MetadataBuffers {
  std::vector<RowGroupRecord> row_groups;
  std::vector<int64_t> chunk_offsets;
  std::string meta_data, column_index, offset_index;
  std::vector<uint32_t> meta_data_ends, column_index_ends, offset_index_ends;
  void Clear() {
    row_groups.clear();
    chunk_offsets.clear();
    meta_data.clear();
    column_index.clear();
    offset_index.clear();
    meta_data_ends.clear();
    column_index_ends.clear();
    offset_index_ends.clear();
  }
};

// Buffers of finished writers, for the thread's next ones (a few: writers of
// one thread may be open at the same time).
constexpr size_t kSpareMetadataBuffers = 4;
std::vector<std::unique_ptr<MetadataBuffers>>& SpareMetadataBuffers() {
  thread_local std::vector<std::unique_ptr<MetadataBuffers>> spare;
  return spare;
}

std::unique_ptr<MetadataBuffers> TakeMetadataBuffers() {
  std::vector<std::unique_ptr<MetadataBuffers>>& spare = SpareMetadataBuffers();
  if (spare.empty()) return std::make_unique<MetadataBuffers>();
  std::unique_ptr<MetadataBuffers> b = std::move(spare.back());
  spare.pop_back();
  return b;
}

void ReturnMetadataBuffers(std::unique_ptr<MetadataBuffers> b) {
  std::vector<std::unique_ptr<MetadataBuffers>>& spare = SpareMetadataBuffers();
  if (spare.size() >= kSpareMetadataBuffers) return;
  b->Clear();
  spare.push_back(std::move(b));
}
}  // namespace

class FileWriter::Impl {
 public:
  Impl(Schema schema, WriterOptions options, Sink* sink)
      : schema_(std::move(schema)),
        options_(std::move(options)),
        sink_(sink),
        compressor_(ToFormat(options_.codec), LevelOf(options_)),
        chunk_writer_(options_, &compressor_),
        buffers_(TakeMetadataBuffers()) {
    status_ = CheckSchema(schema_);
    if (status_.ok() && options_.data_page_version != 1 && options_.data_page_version != 2) {
      status_ = Status::InvalidArgument("data_page_version must be 1 or 2");
    }
  }

  ~Impl() { ReturnMetadataBuffers(std::move(buffers_)); }

  Status WriteBatch(const std::vector<ColumnVector>& columns) {
    SPARKIFY_RETURN_IF_ERROR(status_);
    if (closed_) return Status::InvalidArgument("WriteBatch after Close");
    SPARKIFY_RETURN_IF_ERROR(CheckBatch(columns));
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    const size_t max_rows = std::max<size_t>(options_.max_row_group_rows, 1);
    size_t begin = 0;
    // A large batch arriving while nothing is buffered is written straight
    // from the caller's vectors, in row groups of its own: no copy.
    if (buffered_rows_ == 0 && rows >= kDirectWriteRows) {
      size_t bytes = 0;
      for (const ColumnVector& c : columns) bytes += ValueBytes(c, 0, rows);
      // Rows per group so that a group holds about options_.row_group_size bytes.
      const double by_bytes = static_cast<double>(rows) *
                              static_cast<double>(options_.row_group_size) /
                              static_cast<double>(std::max<size_t>(bytes, 1));
      const size_t group =
          std::max<size_t>(1, std::min(static_cast<double>(max_rows), std::max(1.0, by_bytes)));
      while (begin < rows) {
        const size_t end = std::min(rows, begin + group);
        Status s = WriteRowGroup(columns, begin, end);
        if (!s.ok()) return status_ = s;
        begin = end;
      }
    }
    if (begin < rows && buffer_.empty()) {
      for (const ColumnSchema& c : schema_.columns) buffer_.emplace_back(c.type);
    }
    while (begin < rows) {
      size_t take = std::min(rows - begin, max_rows - buffered_rows_);
      size_t end = begin + take;
      for (size_t c = 0; c < columns.size(); ++c) {
        AppendRows(columns[c], begin, end, &buffer_[c]);
        buffered_bytes_ += ValueBytes(columns[c], begin, end);
      }
      buffered_rows_ += take;
      begin = end;
      if (buffered_rows_ >= max_rows || buffered_bytes_ >= options_.row_group_size) {
        Status s = FlushRowGroup();
        if (!s.ok()) return status_ = s;
      }
    }
    return Status::OK();
  }

  Status WriteLastBatch(const std::vector<ColumnVector>& columns) {
    SPARKIFY_RETURN_IF_ERROR(status_);
    if (closed_) return Status::InvalidArgument("WriteLastBatch after Close");
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    if (buffered_rows_ != 0 || rows == 0 || rows >= kDirectWriteRows) {
      SPARKIFY_RETURN_IF_ERROR(WriteBatch(columns));
      return Close();
    }
    SPARKIFY_RETURN_IF_ERROR(CheckBatch(columns));
    // WriteBatch() would buffer these rows whole and cut them into row groups
    // of max_row_group_rows (one group, nearly always) at Close(): the same
    // groups, straight from `columns`.
    const size_t max_rows = std::max<size_t>(options_.max_row_group_rows, 1);
    for (size_t begin = 0; begin < rows;) {
      const size_t end = std::min(rows, begin + max_rows);
      Status s = WriteRowGroup(columns, begin, end);
      if (!s.ok()) return status_ = s;
      begin = end;
    }
    return Close();
  }

  Status Close() {
    SPARKIFY_RETURN_IF_ERROR(status_);
    if (closed_) return Status::InvalidArgument("Close called twice");
    closed_ = true;
    Status s = Finish();
    if (!s.ok()) status_ = s;
    return s;
  }

  uint64_t bytes_written() const { return offset_; }

 private:
  Status CheckBatch(const std::vector<ColumnVector>& columns) const {
    if (columns.size() != schema_.columns.size()) {
      return Status::InvalidArgument("WriteBatch: " + std::to_string(columns.size()) +
                                     " columns for a schema of " +
                                     std::to_string(schema_.columns.size()));
    }
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].size() != rows) {
        return Status::InvalidArgument("WriteBatch: column " + schema_.columns[c].name + " has " +
                                       std::to_string(columns[c].size()) + " rows, expected " +
                                       std::to_string(rows));
      }
      SPARKIFY_RETURN_IF_ERROR(ColumnChunkWriter::Validate(schema_.columns[c], columns[c]));
    }
    return Status::OK();
  }

  Status Append(std::string_view data) {
    SPARKIFY_RETURN_IF_ERROR(sink_->Append(data));
    offset_ += data.size();
    return Status::OK();
  }

  Status Start() {
    if (started_) return Status::OK();
    started_ = true;
    return Append(kMagic);
  }

  Status FlushRowGroup() {
    if (buffered_rows_ == 0) return Status::OK();
    SPARKIFY_RETURN_IF_ERROR(WriteRowGroup(buffer_, 0, buffered_rows_));
    for (ColumnVector& c : buffer_) c.Clear();
    buffered_rows_ = 0;
    buffered_bytes_ = 0;
    return Status::OK();
  }

  // Writes rows [begin, end) of `columns` as one row group.
  Status WriteRowGroup(const std::vector<ColumnVector>& columns, size_t begin, size_t end) {
    SPARKIFY_RETURN_IF_ERROR(Start());
    RowGroupRecord rg;
    rg.num_rows = static_cast<int64_t>(end - begin);
    rg.file_offset = static_cast<int64_t>(offset_);
    int64_t compressed = 0, uncompressed = 0;
    MetadataBuffers& b = *buffers_;
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      EncodedChunk enc;
      enc.meta_data = &b.meta_data;
      enc.column_index = &b.column_index;
      enc.offset_index = &b.offset_index;
      SPARKIFY_RETURN_IF_ERROR(
          chunk_writer_.Write(schema_.columns[c], columns[c], begin, end, sink_, &offset_, &enc));
      compressed += enc.total_compressed_size;
      uncompressed += enc.total_uncompressed_size;
      b.meta_data_ends.push_back(static_cast<uint32_t>(b.meta_data.size()));
      b.column_index_ends.push_back(static_cast<uint32_t>(b.column_index.size()));
      b.offset_index_ends.push_back(static_cast<uint32_t>(b.offset_index.size()));
      b.chunk_offsets.push_back(enc.file_offset);
    }
    rg.total_byte_size = uncompressed;
    rg.total_compressed_size = compressed;
    num_rows_ += rg.num_rows;
    b.row_groups.push_back(rg);
    return Status::OK();
  }

  Status Finish() {
    SPARKIFY_RETURN_IF_ERROR(FlushRowGroup());
    SPARKIFY_RETURN_IF_ERROR(Start());
    // Everything after the data goes out in one Append, built in a buffer of
    // this thread that later files reuse (the ETL writes many small files).
    thread_local std::string tail;
    tail.clear();
    // Page index: all ColumnIndexes, then all OffsetIndexes, after the data,
    // each serialized when its chunk was written, in this order.
    const MetadataBuffers& b = *buffers_;
    const bool page_index = options_.write_page_index;
    if (page_index) {
      tail.append(b.column_index);
      tail.append(b.offset_index);
    }
    const uint64_t column_index_start = offset_;
    const uint64_t offset_index_start = offset_ + b.column_index.size();
    const size_t footer_start = tail.size();
    // The footer: a FileMetaData with the fields, in the order, of
    // format::Serialize(const FileMetaData&).
    {
      using thrift::CType;
      const uint32_t columns = static_cast<uint32_t>(schema_.columns.size());
      thrift::CompactWriter w(&tail);
      w.BeginStruct();
      w.FieldI32(1, 1);  // version
      w.FieldList(2, CType::kStruct, columns + 1);
      w.Serialized(SerializedSchemaElements(schema_));
      w.FieldI64(3, num_rows_);
      w.FieldList(4, CType::kStruct, static_cast<uint32_t>(b.row_groups.size()));
      size_t chunk = 0;
      for (size_t g = 0; g < b.row_groups.size(); ++g) {
        const RowGroupRecord& rg = b.row_groups[g];
        w.BeginStruct();
        w.FieldList(1, CType::kStruct, columns);
        for (uint32_t c = 0; c < columns; ++c, ++chunk) {
          const uint32_t md = chunk == 0 ? 0 : b.meta_data_ends[chunk - 1];
          w.BeginStruct();
          w.FieldI64(2, b.chunk_offsets[chunk]);
          w.FieldStructSerialized(
              3, std::string_view(b.meta_data).substr(md, b.meta_data_ends[chunk] - md));
          if (page_index) {
            const uint32_t ci = chunk == 0 ? 0 : b.column_index_ends[chunk - 1];
            const uint32_t oi = chunk == 0 ? 0 : b.offset_index_ends[chunk - 1];
            w.FieldI64(4, static_cast<int64_t>(offset_index_start + oi));
            w.FieldI32(5, static_cast<int32_t>(b.offset_index_ends[chunk] - oi));
            w.FieldI64(6, static_cast<int64_t>(column_index_start + ci));
            w.FieldI32(7, static_cast<int32_t>(b.column_index_ends[chunk] - ci));
          }
          w.EndStruct();
        }
        w.FieldI64(2, rg.total_byte_size);
        w.FieldI64(3, rg.num_rows);
        w.FieldI64(5, rg.file_offset);
        w.FieldI64(6, rg.total_compressed_size);
        w.FieldI32(7, static_cast<int16_t>(g));  // ordinal (an i16: the same varint)
        w.EndStruct();
      }
      if (!options_.key_value_metadata.empty()) {
        w.FieldList(5, CType::kStruct, static_cast<uint32_t>(options_.key_value_metadata.size()));
        for (const auto& [k, v] : options_.key_value_metadata) {
          w.BeginStruct();
          w.FieldBinary(1, k);
          w.FieldBinary(2, v);
          w.EndStruct();
        }
      }
      w.FieldBinary(6, CachedCreatedBy());
      if (columns > 0) {
        w.FieldList(7, CType::kStruct, columns);
        for (uint32_t c = 0; c < columns; ++c) {
          w.BeginStruct();
          w.FieldStruct(1);  // TYPE_ORDER: TypeDefinedOrder {}
          w.EndStruct();
          w.EndStruct();
        }
      }
      w.EndStruct();
    }
    uint32_t len = static_cast<uint32_t>(tail.size() - footer_start);
    char len_bytes[4];
    std::memcpy(len_bytes, &len, 4);
    tail.append(len_bytes, 4);
    tail.append(kMagic);
    return Append(tail);
  }

  Schema schema_;
  WriterOptions options_;
  Sink* sink_;
  Compressor compressor_;
  ColumnChunkWriter chunk_writer_;
  Status status_;  // sticky: after a failure every call returns it
  bool started_ = false;
  bool closed_ = false;
  uint64_t offset_ = 0;
  std::vector<ColumnVector> buffer_;
  size_t buffered_rows_ = 0;
  size_t buffered_bytes_ = 0;
  int64_t num_rows_ = 0;
  std::unique_ptr<MetadataBuffers> buffers_;  // the thread's, returned by ~Impl
};

FileWriter::FileWriter(Schema schema, WriterOptions options, Sink* sink)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(options), sink)) {}
FileWriter::~FileWriter() = default;
Status FileWriter::WriteBatch(const std::vector<ColumnVector>& columns) {
  return impl_->WriteBatch(columns);
}
Status FileWriter::WriteLastBatch(const std::vector<ColumnVector>& columns) {
  return impl_->WriteLastBatch(columns);
}
Status FileWriter::Close() { return impl_->Close(); }
uint64_t FileWriter::bytes_written() const { return impl_->bytes_written(); }

}  // namespace sparkify::parquet
