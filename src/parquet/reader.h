// Parquet file reader for flat schemas: what our writer writes and what
// Spark, DuckDB, Arrow and parquet-mr commonly produce (PLAIN, dictionary,
// RLE booleans, DELTA_* and BYTE_STREAM_SPLIT values; V1 and V2 data pages;
// INT96 timestamps; every codec but LZO/LZ4/BROTLI).
//
// How to use:
//   1. auto r = FileReader::Open("part-0.parquet", std::move(bytes));  // parses the footer
//   2. r->columns() / r->metadata() describe the file;
//   3. r->ReadRowGroup(i, {0, 3}) gives one ColumnVector per requested column,
//      or ReadAll({...}, predicates) concatenates the row groups whose
//      statistics may match the predicates (row-group skipping).
// Timestamps come back as int64 in their unit (INT96 becomes microseconds).
// Every error on a malformed file is Status::Corruption naming the file and
// the place ("x.parquet: row group 0, column 'ts': page header: ...").
// A FileReader is immutable after Open: several threads may read row groups.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/column_vector.h"
#include "parquet/metadata.h"
#include "parquet/writer.h"

namespace sparkify::parquet {

struct ReaderOptions {
  // Guards against corrupt sizes: a page may not inflate beyond this, nor a
  // column chunk hold more values (the fuzzer sets them low).
  size_t max_page_size = 1u << 30;
  uint64_t max_values_per_chunk = 1u << 30;
};

// A leaf column as the reader presents it.
struct ColumnDescriptor {
  std::string name;
  int32_t physical = 0;                      // format::Type as stored in the file
  PhysicalType output;                       // how ReadRowGroup returns it
  LogicalType logical = LogicalType::kNone;  // kNone also for types the writer does not model
  format::TimeUnit time_unit =
      format::TimeUnit::kNone;  // timestamps (INT96: kMicros after reading)
  Repetition repetition = Repetition::kOptional;
  int32_t type_length = 0;
  const format::SchemaElement* element = nullptr;
};

// Keeps a row group only if its statistics say `column op value` may hold
// for some row. `value` is in statistics form (see statistics.h EncodeStat).
struct Predicate {
  enum Op { kEq, kLt, kLe, kGt, kGe };
  int column = 0;
  Op op = kEq;
  std::string value;
};

class FileReader {
 public:
  static Result<std::unique_ptr<FileReader>> Open(std::string_view file_name, std::string bytes,
                                                  ReaderOptions options = {});
  // Reads a local file whole and opens it.
  static Result<std::unique_ptr<FileReader>> OpenFile(const std::string& path,
                                                      ReaderOptions options = {});

  const std::string& file_name() const { return file_name_; }
  const format::FileMetaData& metadata() const { return meta_; }
  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  int num_row_groups() const { return static_cast<int>(meta_.row_groups.size()); }
  int64_t num_rows() const { return meta_.num_rows; }
  // Index of the column with this name, or -1.
  int FindColumn(std::string_view name) const;

  // Reads the given columns (all when empty) of row group `row_group`.
  Result<std::vector<ColumnVector>> ReadRowGroup(int row_group,
                                                 const std::vector<int>& columns = {}) const;
  // Reads the row groups that may match every predicate, concatenated.
  Result<std::vector<ColumnVector>> ReadAll(const std::vector<int>& columns = {},
                                            const std::vector<Predicate>& predicates = {}) const;
  // False when the row group's statistics prove no row matches.
  bool RowGroupMayMatch(int row_group, const std::vector<Predicate>& predicates) const;

  // The page index of a column chunk, if the file has one.
  Status ReadColumnIndex(int row_group, int column, format::ColumnIndex* out) const;
  Status ReadOffsetIndex(int row_group, int column, format::OffsetIndex* out) const;

 private:
  FileReader() = default;
  Status ParseFooter();
  Status ReadChunk(int row_group, int column, ColumnVector* out) const;
  Status Error(std::string what) const;
  // Parses the page-index structure stored at [offset, offset + length) of
  // one column chunk; `what` names it in errors ("column index").
  template <typename Index>
  Status ParsePageIndex(const std::optional<int64_t>& offset, const std::optional<int32_t>& length,
                        const char* what, Index* out) const;

  std::string file_name_;
  std::string bytes_;
  ReaderOptions options_;
  format::FileMetaData meta_;
  std::vector<ColumnDescriptor> columns_;
};

// Appends the rows of src to dst (same type): used to concatenate row groups.
void AppendColumn(const ColumnVector& src, ColumnVector* dst);

}  // namespace sparkify::parquet
