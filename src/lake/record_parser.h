// Parses the JSON text of one input object into batch rows and rejects
// (SPEC.md "Inputs"). One RecordParser per thread: it owns the simdjson parser
// and scratch buffers, reused for every document.
//
// How to use:
//   RecordParser parser;
//   parser.ParseSongs("A/B/C/TRX.json", text, &batch, &rejects, &stats);
// `text` needs no padding: the parser copies the few documents too close to
// its end to be read in place.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "json/flat_object_reader.h"
#include "json/text_repair.h"
#include "lake/records.h"

namespace sparkify::lake {

class RecordParser {
 public:
  RecordParser() = default;
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  void ParseSongs(std::string_view object_path, std::string_view text, SongBatch* batch,
                  std::vector<Reject>* rejects, ParseStats* stats);
  // `*newlines` (when given) receives the number of '\n' in `text`: a big
  // object's later ranges number their lines after it (log_stream.h).
  void ParseLogs(std::string_view object_path, std::string_view text, LogBatch* batch,
                 std::vector<Reject>* rejects, ParseStats* stats, uint64_t* newlines = nullptr);

  // Off: every document goes through simdjson (the reference the equivalence
  // tests compare the fast path with). On by default.
  void set_fast_path(bool on) { fast_path_ = on; }
  // Documents the fast path has stored so far (the rest went through simdjson).
  uint64_t fast_path_records() const { return fast_path_records_; }

 private:
  bool fast_path_ = true;
  uint64_t fast_path_records_ = 0;
  // The fast path for records of the usual shape: one reader per input kind,
  // each keeping the key ids of its own records' shape.
  json::FlatObjectReader flat_songs_;
  json::FlatObjectReader flat_logs_;
  simdjson::ondemand::parser parser_;
  simdjson::dom::parser dom_parser_;  // only to tell "not an object" from "not JSON"

  json::RepairMemo repair_memo_;  // text repair (SPEC), of recurring texts once
  std::string padded_;            // scratch: a padded copy of a document at the end of the text
};

// Makes a reject record: the raw text is cut to kMaxRejectRawBytes.
Reject MakeReject(std::string_view input, std::string_view object, uint64_t line,
                  std::string reason, std::string_view raw);

}  // namespace sparkify::lake
