// The Parquet footer and page-header structures (parquet.thrift), with the
// field ids of the spec, and their Thrift compact serialization.
//
// Only the fields this project writes or reads are modelled; unknown fields
// are skipped when parsing. Parse* functions never crash on corrupt input:
// they return Corruption with what was wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sparkify::parquet::format {

// Enum values of parquet.thrift.
enum Type : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
};
enum ConvertedType : int32_t {
  UTF8 = 0,
  DATE = 6,
  TIMESTAMP_MILLIS = 9,
  TIMESTAMP_MICROS = 10,
};
enum FieldRepetitionType : int32_t { REQUIRED = 0, OPTIONAL = 1, REPEATED = 2 };
enum Encoding : int32_t {
  PLAIN = 0,
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  BIT_PACKED = 4,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
  BYTE_STREAM_SPLIT = 9,
};
enum CompressionCodec : int32_t {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  LZO = 3,
  BROTLI = 4,
  LZ4 = 5,
  ZSTD = 6,
  LZ4_RAW = 7,
};
enum PageType : int32_t { DATA_PAGE = 0, INDEX_PAGE = 1, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3 };
enum BoundaryOrder : int32_t { UNORDERED = 0, ASCENDING = 1, DESCENDING = 2 };
enum class TimeUnit { kNone, kMillis, kMicros, kNanos };

// The LogicalType union, reduced to the members used here.
struct LogicalType {
  enum Kind { kNone, kString, kTimestamp, kDate, kOther } kind = kNone;
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kNone;
};

struct SchemaElement {
  std::optional<int32_t> type;
  std::optional<int32_t> type_length;
  std::optional<int32_t> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  LogicalType logical_type;
};

struct Statistics {
  std::optional<std::string> max;  // deprecated signed-order fields
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  bool empty() const {
    return !max && !min && !null_count && !distinct_count && !max_value && !min_value;
  }
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct PageEncodingStats {
  int32_t page_type = 0;
  int32_t encoding = 0;
  int32_t count = 0;
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  // One entry per leaf column; true = TypeDefinedOrder.
  std::vector<bool> column_orders;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = RLE;
  int32_t repetition_level_encoding = RLE;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = PLAIN;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = DATA_PAGE;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;
  int64_t first_row_index = 0;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
};

struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  int32_t boundary_order = UNORDERED;
  std::vector<int64_t> null_counts;
};

// Appends the compact encoding of the struct to *out.
void Serialize(const FileMetaData& v, std::string* out);
void Serialize(const PageHeader& v, std::string* out);
void Serialize(const ColumnIndex& v, std::string* out);
void Serialize(const OffsetIndex& v, std::string* out);
// Appends the compact encoding of the struct's fields and its stop byte: what
// follows the field header of a ColumnChunk's meta_data (field 3).
void SerializeColumnMetaData(const ColumnMetaData& v, std::string* out);
// Appends the compact encoding of one element of FileMetaData's schema list.
void SerializeSchemaElement(const SchemaElement& v, std::string* out);

// Parses a struct from data[0, size). *consumed (if given) receives the bytes
// used, which matters for page headers that are followed by page data.
Status Parse(const uint8_t* data, size_t size, FileMetaData* out);
Status Parse(const uint8_t* data, size_t size, PageHeader* out, size_t* consumed);
Status Parse(const uint8_t* data, size_t size, ColumnIndex* out);
Status Parse(const uint8_t* data, size_t size, OffsetIndex* out);

const char* EncodingName(int32_t e);
const char* CodecName(int32_t c);
const char* TypeName(int32_t t);

}  // namespace sparkify::parquet::format
