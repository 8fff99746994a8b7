// Differential libFuzzer target for the parse stage: any bytes, parsed as log
// text and as song text, must give the same batches (byte for byte), rejects
// and stats with RecordParser's fast path (json::FlatObjectReader) as with
// simdjson alone, and never a crash or a sanitizer report. Seeds:
// fuzz/corpus/records (lines of the real sample and of its quirks). Run by .ci/fuzz.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "lake/record_parser.h"

namespace {

using namespace sparkify::lake;

template <typename Batch>
struct Output {
  Batch batch;
  std::vector<Reject> rejects;
  ParseStats stats;
};

template <typename Batch, typename Parse>
void Compare(std::string_view text, Parse parse) {
  Output<Batch> out[2];
  for (int fast = 0; fast < 2; ++fast) {
    RecordParser parser;
    parser.set_fast_path(fast == 1);
    parse(parser, text, &out[fast]);
  }
  std::string a, b;
  out[0].batch.Serialize(&a);
  out[1].batch.Serialize(&b);
  if (a != b || out[0].rejects != out[1].rejects || !(out[0].stats == out[1].stats)) {
    std::abort();  // the fast path changed the output
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exactly sized copy, so that ASan sees any read past the text.
  std::vector<char> bytes(data, data + size);
  std::string_view text(bytes.data(), bytes.size());
  Compare<LogBatch>(text, [](RecordParser& p, std::string_view t, Output<LogBatch>* o) {
    p.ParseLogs("fuzz.json", t, &o->batch, &o->rejects, &o->stats);
  });
  Compare<SongBatch>(text, [](RecordParser& p, std::string_view t, Output<SongBatch>* o) {
    p.ParseSongs("fuzz.json", t, &o->batch, &o->rejects, &o->stats);
  });
  return 0;
}
