#include "lake/record_parser.h"

#include <cstring>
#include <optional>

#include "json/document_splitter.h"
#include "json/text_repair.h"
#include "json/value_reader.h"

namespace sparkify::lake {

namespace od = simdjson::ondemand;
using json::ReadStatus;

namespace {

constexpr std::string_view kSongsInput = "songs";
constexpr std::string_view kLogsInput = "logs";
constexpr std::string_view kNextSongPage = "NextSong";

// |ts| beyond this overflows start_time in microseconds.
constexpr int64_t kMaxAbsTsMillis = INT64_MAX / 1000;

// Why a field made the record a reject, or "" when it did not.
std::string FieldProblem(ReadStatus st, std::string_view field, std::string_view expected) {
  if (st == ReadStatus::kWrongType) {
    return "field '" + std::string(field) + "' has the wrong type (expected " +
           std::string(expected) + ")";
  }
  if (st == ReadStatus::kInvalid) {
    return "field '" + std::string(field) + "' has an invalid value (expected " +
           std::string(expected) + ")";
  }
  return "";
}

std::string InvalidJson(simdjson::error_code code) {
  if (code == simdjson::INCORRECT_TYPE) return "not a JSON object";
  return std::string("invalid JSON: ") + simdjson::error_message(code);
}

// Appends `value` to `column` after the text repair (SPEC: before storing).
void AppendRepaired(StringColumn* column, std::optional<std::string_view> value,
                    std::string* scratch) {
  if (value && json::RepairDoubleEncoding(*value, scratch)) {
    column->Append(std::string_view(*scratch));
  } else {
    column->Append(value);
  }
}

// What ForEachField returns on the fast path (require_whole) when the line
// holds more than one document.
constexpr std::string_view kNotWhole = "more than one document";
constexpr std::string_view kTruncated =
    "truncated JSON (the record ends before its closing bracket or quote)";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Calls `on_field(key, value)` for every field of the document's object;
// returns the reason for a reject, "" when the object was read whole, or (with
// `require_whole`) kNotWhole. `on_field` returns a reason too.
template <typename F>
std::string ForEachField(od::parser& parser, simdjson::dom::parser& dom_parser,
                         std::string_view doc, size_t capacity, bool require_whole, F on_field) {
  if (doc.empty() || doc.front() != '{') {
    // Rare: validate fully to say whether it is JSON at all.
    auto error = dom_parser.parse(doc.data(), doc.size(), false).error();
    return error ? InvalidJson(error) : "not a JSON object";
  }
  od::document document;
  auto error = parser.iterate(doc.data(), doc.size(), capacity).get(document);
  if (error) return InvalidJson(error);
  od::object object;
  error = document.get_object().get(object);
  if (error) return InvalidJson(error);
  for (auto field : object) {
    error = field.error();
    if (error) return InvalidJson(error);
    std::string_view key;
    error = field.unescaped_key().get(key);
    if (error) return InvalidJson(error);
    std::string problem = on_field(key, field.value());
    if (!problem.empty()) return problem;
  }
  // Past the object's closing brace there must be nothing but spaces.
  const char* next;
  if (require_whole && document.current_location().get(next) == simdjson::SUCCESS) {
    return std::string(kNotWhole);
  }
  return "";
}

// Cuts `text` into documents and calls parse_document(doc, capacity,
// require_whole) for each; records rejects. The fast path takes a line that
// looks like one object ("{...}") as the document and keeps it when simdjson
// reads it whole and valid; anything else (bad or cut lines, several or
// multi-line documents) goes through the DocumentSplitter, one document at a
// time, so a reject is always exactly one document.
template <typename F>
void ForEachDocument(std::string_view input, std::string_view object_path, std::string_view text,
                     std::vector<Reject>* rejects, ParseStats* stats, std::string* scratch,
                     F parse_document) {
  const char* p = text.data();
  const size_t n = text.size();
  // simdjson reads up to SIMDJSON_PADDING bytes past a document: the buffer's
  // own bytes when there are enough, else a padded copy (the file's last line).
  auto parse = [&](const json::Document& doc, bool require_whole) {
    size_t available = static_cast<size_t>(p + n - doc.text.data());
    if (available >= doc.text.size() + simdjson::SIMDJSON_PADDING) {
      return parse_document(doc, available, require_whole);
    }
    scratch->assign(doc.text);
    scratch->append(simdjson::SIMDJSON_PADDING, ' ');
    json::Document copy = doc;
    copy.text = std::string_view(scratch->data(), doc.text.size());
    return parse_document(copy, scratch->size(), require_whole);
  };
  auto finish = [&](const json::Document& doc, std::string reason) {
    ++stats->records;
    if (reason.empty()) return;
    ++stats->rejects;
    rejects->push_back(MakeReject(input, object_path, doc.line, std::move(reason), doc.text));
  };

  size_t pos = 0;
  uint64_t line = 1, ordinal = 0;
  while (true) {
    while (pos < n && IsSpace(p[pos])) {
      if (p[pos] == '\n') ++line;
      ++pos;
    }
    if (pos >= n) return;
    if (p[pos] == '{') {
      const void* nl = std::memchr(p + pos, '\n', n - pos);
      size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : n;
      size_t last = end;
      while (last > pos && IsSpace(p[last - 1])) --last;
      if (p[last - 1] == '}') {
        json::Document doc{std::string_view(p + pos, last - pos), line, ordinal, false};
        if (parse(doc, true).empty()) {
          finish(doc, "");
          ++ordinal;
          pos = end;
          continue;
        }
      }
    }
    json::DocumentSplitter splitter(text, pos, line, ordinal);
    json::Document doc;
    if (!splitter.Next(&doc)) return;
    finish(doc, doc.truncated ? std::string(kTruncated) : parse(doc, false));
    ++ordinal;
    pos = splitter.position();
    line = splitter.line();
  }
}

}  // namespace

Reject MakeReject(std::string_view input, std::string_view object, uint64_t line,
                  std::string reason, std::string_view raw) {
  Reject r;
  r.input = std::string(input);
  r.object = std::string(object);
  r.line = line;
  r.reason = std::move(reason);
  r.raw = std::string(raw.substr(0, kMaxRejectRawBytes));
  return r;
}

void RecordParser::ParseSongs(std::string_view object_path, std::string_view text, SongBatch* batch,
                              std::vector<Reject>* rejects, ParseStats* stats) {
  const auto object_index = static_cast<uint32_t>(batch->objects.size());
  batch->objects.emplace_back(object_path);
  ForEachDocument(
      kSongsInput, object_path, text, rejects, stats, &padded_,
      [&](const json::Document& doc, size_t capacity, bool require_whole) -> std::string {
        std::optional<std::string_view> song_id, title, artist_id, artist_name, artist_location;
        std::optional<double> duration, latitude, longitude;
        std::optional<int32_t> year;
        std::string reason = ForEachField(
            parser_, dom_parser_, doc.text, capacity, require_whole,
            [&](std::string_view key, od::value value) -> std::string {
              auto text_field = [&](std::optional<std::string_view>* out) {
                std::string_view v;
                ReadStatus st = json::ReadText(value, &v);
                *out = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "text");
              };
              auto double_field = [&](std::optional<double>* out) {
                double v;
                ReadStatus st = json::ReadDouble(value, &v);
                *out = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "a number");
              };
              if (key == "song_id") return text_field(&song_id);
              if (key == "title") return text_field(&title);
              if (key == "artist_id") return text_field(&artist_id);
              if (key == "artist_name") return text_field(&artist_name);
              if (key == "artist_location") return text_field(&artist_location);
              if (key == "duration") return double_field(&duration);
              if (key == "artist_latitude") return double_field(&latitude);
              if (key == "artist_longitude") return double_field(&longitude);
              if (key == "year") {
                int64_t v;
                ReadStatus st = json::ReadInt64(value, true, &v);
                if (st == ReadStatus::kValue && (v < INT32_MIN || v > INT32_MAX)) {
                  st = ReadStatus::kInvalid;
                }
                // Year 0 means unknown (SPEC): stored as null.
                year = st == ReadStatus::kValue && v != 0 ? std::optional(static_cast<int32_t>(v))
                                                          : std::nullopt;
                return FieldProblem(st, key, "an integer year");
              }
              return json::SkipValue(value) == ReadStatus::kInvalid
                         ? "field '" + std::string(key) + "' is not valid JSON"
                         : std::string();
            });
        if (!reason.empty()) return reason;
        if (!song_id) return "missing required field 'song_id'";
        batch->object.push_back(object_index);
        batch->position.push_back(static_cast<uint32_t>(doc.ordinal));
        AppendRepaired(&batch->song_id, song_id, &repaired_);
        AppendRepaired(&batch->title, title, &repaired_);
        AppendRepaired(&batch->artist_id, artist_id, &repaired_);
        AppendRepaired(&batch->artist_name, artist_name, &repaired_);
        AppendRepaired(&batch->artist_location, artist_location, &repaired_);
        batch->duration.Append(duration);
        batch->artist_latitude.Append(latitude);
        batch->artist_longitude.Append(longitude);
        batch->year.Append(year);
        return "";
      });
}

void RecordParser::ParseLogs(std::string_view object_path, std::string_view text, LogBatch* batch,
                             std::vector<Reject>* rejects, ParseStats* stats) {
  const auto object_index = static_cast<uint32_t>(batch->objects.size());
  batch->objects.emplace_back(object_path);
  ForEachDocument(
      kLogsInput, object_path, text, rejects, stats, &padded_,
      [&](const json::Document& doc, size_t capacity, bool require_whole) -> std::string {
        enum TextIndex {
          kArtist,
          kSong,
          kFirstName,
          kLastName,
          kGender,
          kLevel,
          kLocation,
          kUserAgent,
          kTextFields
        };
        std::optional<std::string_view> texts[kTextFields];
        std::optional<int64_t> ts, user_id, session_id, item_in_session;
        std::optional<double> length;
        bool next_song = false;
        std::string reason = ForEachField(
            parser_, dom_parser_, doc.text, capacity, require_whole,
            [&](std::string_view key, od::value value) -> std::string {
              auto text_field = [&](TextIndex i) {
                std::string_view v;
                ReadStatus st = json::ReadText(value, &v);
                texts[i] = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "text");
              };
              auto id_field = [&](std::optional<int64_t>* out) {
                int64_t v;
                ReadStatus st = json::ReadInt64(value, true, &v);
                *out = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "an integer");
              };
              switch (key.size()) {
                case 2:
                  if (key == "ts") {
                    int64_t v;
                    ReadStatus st = json::ReadInt64(value, false, &v);
                    if (st == ReadStatus::kValue && (v > kMaxAbsTsMillis || v < -kMaxAbsTsMillis)) {
                      return "field 'ts' is out of range";
                    }
                    if (st == ReadStatus::kWrongType || st == ReadStatus::kInvalid) {
                      return "field 'ts' is not an integer";
                    }
                    ts = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return "";
                  }
                  break;
                case 4:
                  if (key == "song") return text_field(kSong);
                  if (key == "page") {
                    std::string_view page;
                    ReadStatus st = json::ReadText(value, &page);
                    next_song = st == ReadStatus::kValue && page == kNextSongPage;
                    return FieldProblem(st, key, "text");
                  }
                  break;
                case 5:
                  if (key == "level") return text_field(kLevel);
                  break;
                case 6:
                  if (key == "artist") return text_field(kArtist);
                  if (key == "gender") return text_field(kGender);
                  if (key == "length") {
                    double v;
                    ReadStatus st = json::ReadDouble(value, &v);
                    length = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return FieldProblem(st, key, "a number");
                  }
                  if (key == "userId") {
                    int64_t v;
                    ReadStatus st = json::ReadInt64(value, true, &v);
                    if (st == ReadStatus::kInvalid || st == ReadStatus::kWrongType) {
                      return "field 'userId' is not numeric";
                    }
                    user_id = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return "";
                  }
                  break;
                case 8:
                  if (key == "lastName") return text_field(kLastName);
                  if (key == "location") return text_field(kLocation);
                  break;
                case 9:
                  if (key == "firstName") return text_field(kFirstName);
                  if (key == "sessionId") return id_field(&session_id);
                  if (key == "userAgent") return text_field(kUserAgent);
                  break;
                case 13:
                  if (key == "itemInSession") return id_field(&item_in_session);
                  break;
                default:
                  break;
              }
              return json::SkipValue(value) == ReadStatus::kInvalid
                         ? "field '" + std::string(key) + "' is not valid JSON"
                         : std::string();
            });
        if (!reason.empty()) return reason;
        if (!ts) return "missing required field 'ts'";
        if (next_song && !user_id) return "NextSong event without a userId";
        batch->object.push_back(object_index);
        batch->position.push_back(static_cast<uint32_t>(doc.ordinal));
        batch->ts.push_back(*ts);
        batch->user_id.Append(user_id);
        batch->session_id.Append(session_id);
        batch->item_in_session.Append(item_in_session);
        batch->length.Append(length);
        batch->next_song.push_back(next_song ? 1 : 0);
        StringColumn* columns[kTextFields] = {
            &batch->artist, &batch->song,  &batch->first_name, &batch->last_name,
            &batch->gender, &batch->level, &batch->location,   &batch->user_agent};
        for (int i = 0; i < kTextFields; ++i) AppendRepaired(columns[i], texts[i], &repaired_);
        return "";
      });
}

}  // namespace sparkify::lake
