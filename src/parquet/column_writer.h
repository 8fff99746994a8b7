// Writes one column chunk of a row group: [dictionary page] data pages (V1, or V2 on request),
// straight to the sink, and returns the chunk's metadata and page index.
//
// Steps for a chunk:
//   1. validate the values (sizes, nulls only where the column is OPTIONAL);
//   2. gather the non-null values (definition levels carry the nulls);
//   3. try a dictionary; fall back for the whole chunk when it grows past
//      options.dictionary_page_size_limit or does not pay for itself, to
//      DELTA_BINARY_PACKED (integers, when a sample shows it pays),
//      DELTA_BYTE_ARRAY (strings whose sample shares prefixes) or DELTA_LENGTH_BYTE_ARRAY
//      (other strings) or PLAIN (options.enable_delta_encoding);
//   4. cut pages by options.data_page_size / max_page_rows, encode, compress,
//      write each with its PageHeader, recording per-page min/max/null count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/column_vector.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/writer.h"

namespace sparkify::parquet {

// A written chunk. Its metadata goes out serialized, appended to buffers of
// the caller's (a one-row file's metadata as structs was ~40 small
// allocations, most of its writer's cost besides the kernel's).
struct EncodedChunk {
  // Set by the caller: Write() appends the chunk's ColumnMetaData struct
  // (format::SerializeColumnMetaData), ColumnIndex and OffsetIndex to these.
  std::string* meta_data = nullptr;
  std::string* column_index = nullptr;
  std::string* offset_index = nullptr;
  // Set by Write(): what the row group and the footer's ColumnChunk need.
  int64_t file_offset = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
};

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const WriterOptions& options, Compressor* compressor)
      : options_(options), compressor_(compressor) {}

  // Writes rows [begin, end) of `column` as one chunk at *file_offset
  // (advanced by the bytes written).
  Status Write(const ColumnSchema& schema, const ColumnVector& column, size_t begin, size_t end,
               Sink* sink, uint64_t* file_offset, EncodedChunk* out);

  // Physical type and schema checks shared with the file writer.
  static Status Validate(const ColumnSchema& schema, const ColumnVector& column);

 private:
  template <typename V, typename Acc>
  Status WriteTyped(const ColumnSchema& schema, const uint8_t* validity, size_t n, Acc values,
                    size_t num_values, Sink* sink, uint64_t* file_offset, EncodedChunk* out);
  // history: shared by the data pages of one chunk (null for the dictionary page).
  Status WritePage(format::PageHeader header, size_t levels_size, CompressionHistory* history,
                   Sink* sink, uint64_t* file_offset, int64_t* uncompressed_total,
                   int64_t* compressed_total, int32_t* page_size);

  // Buffers reused from chunk to chunk and, being per thread, from file to
  // file: the ETL writes thousands of small files per thread, and fresh large
  // buffers would cost a page fault per 4 KiB every time.
  struct Scratch {
    std::vector<uint32_t> indices;  // dictionary index per non-null value
    std::string page;               // the page being built, uncompressed
    std::string header;
    std::vector<int32_t> i32;  // non-null values gathered when there are nulls
    std::vector<int64_t> i64;
    std::vector<double> f64;
    std::string bytes;
    std::vector<uint32_t> offsets;
    std::vector<uint32_t> codes;  // non-null codes of a column in dictionary form
    // The chunk's metadata while it is written: reused, so that their
    // vectors and strings keep their room from chunk to chunk.
    format::ColumnMetaData meta_data;
    format::ColumnIndex column_index;
    format::OffsetIndex offset_index;
    std::string page_min, page_max, chunk_min, chunk_max;
  };

  const WriterOptions& options_;
  Compressor* compressor_;
  Scratch* scratch_ = nullptr;  // this thread's, set by Write()
};

// Column index bounds are cut to this many bytes (parquet-mr's default too).
inline constexpr size_t kColumnIndexTruncateLength = 64;
// Chunk statistics for longer values are left out rather than bloat the footer.
inline constexpr size_t kMaxStatisticsValueSize = 4096;

}  // namespace sparkify::parquet
