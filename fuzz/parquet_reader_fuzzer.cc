// libFuzzer target for the Parquet reader: any bytes must give a Status, never
// a crash, a sanitizer report, a hang or an out-of-memory. Seeds:
// fuzz/corpus/parquet (valid files of every codec plus deliberately broken ones,
// written by src/parquet/corrupt_file_test.cc). Run by .ci/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/metadata.h"
#include "parquet/reader.h"
#include "parquet/statistics.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sparkify::parquet;
  ReaderOptions options;
  // Small limits: a corrupt size must fail cleanly rather than hit the fuzzer's
  // malloc limit, and a footer whose many chunks all point at the same
  // highly compressible pages must not turn into a time-out (legitimate inputs
  // here are tiny).
  options.max_values_per_chunk = 1 << 12;
  options.max_page_size = 1 << 16;
  auto reader = FileReader::Open("fuzz.parquet",
                                 std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  const FileReader& r = **reader;
  for (int g = 0; g < r.num_row_groups() && g < 4; ++g) {
    std::vector<int> columns;
    for (int c = 0; c < static_cast<int>(r.columns().size()) && c < 8; ++c) columns.push_back(c);
    (void)r.ReadRowGroup(g, columns);
    for (size_t c = 0; c < columns.size(); ++c) {
      format::ColumnIndex ci;
      format::OffsetIndex oi;
      (void)r.ReadColumnIndex(g, static_cast<int>(c), &ci);
      (void)r.ReadOffsetIndex(g, static_cast<int>(c), &oi);
    }
    (void)r.RowGroupMayMatch(g, {{0, Predicate::kGe, EncodeStat(int64_t{42})}});
  }
  return 0;
}
