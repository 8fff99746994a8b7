#include "lake/record_parser.h"

#include <cstring>
#include <optional>

#include "json/document_splitter.h"
#include "json/flat_object_reader.h"
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
__attribute__((noinline)) void AppendRepaired(StringColumn* column,
                                              std::optional<std::string_view> value,
                                              json::RepairMemo* memo) {
  if (value) {
    column->AppendValue(memo->Repair(*value));
  } else {
    column->AppendNull();
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
// require_whole) for each; records rejects. The line path takes a line that
// looks like one object ("{...}") as the document and keeps it when simdjson
// reads it whole and valid; anything else (bad or cut lines, several or
// multi-line documents) goes through the DocumentSplitter, one document at a
// time, so a reject is always exactly one document.
//
// A line that starts with '{' is first offered to `fast_line(pos, ordinal)`,
// which reads and stores its record itself when the line is one object of the
// usual shape and returns the position of the line's end ('\n' or the end of
// the text); npos leaves the line to the rest of this function.
//
// Before simdjson, every whole document is offered to `fast(doc)`, which
// returns true when it has read and stored the record itself (a valid record
// of the usual shape: see FlatObjectReader); it returns false for anything it
// is not sure about, and parse_document then decides exactly as it would
// without the fast path.
//
// Returns the number of '\n' in `text` (every one is counted exactly once, for
// the line numbers: between documents here, inside them by the splitter).
template <typename FastLine, typename Fast, typename F>
uint64_t ForEachDocument(std::string_view input, std::string_view object_path,
                         std::string_view text, std::vector<Reject>* rejects, ParseStats* stats,
                         std::string* scratch, FastLine fast_line, Fast fast, F parse_document) {
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
    // One compare for the usual '{' (IsSpace's four are for the blanks).
    while (pos < n && static_cast<uint8_t>(p[pos]) <= ' ' && IsSpace(p[pos])) {
      if (p[pos] == '\n') ++line;
      ++pos;
    }
    if (pos >= n) return line - 1;
    if (p[pos] == '{') {
      const size_t line_end = fast_line(pos, ordinal);
      if (line_end != std::string_view::npos) {
        ++stats->records;
        ++ordinal;
        pos = line_end;
        if (pos < n && p[pos] == '\n') {  // the usual line end, counted here
          ++line;
          ++pos;
        }
        continue;
      }
      const void* nl = std::memchr(p + pos, '\n', n - pos);
      size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : n;
      size_t last = end;
      while (last > pos && IsSpace(p[last - 1])) --last;
      if (p[last - 1] == '}') {
        json::Document doc{std::string_view(p + pos, last - pos), line, ordinal, false};
        if (fast(doc) || parse(doc, true).empty()) {
          ++stats->records;
          ++ordinal;
          pos = end;
          continue;
        }
      }
    }
    json::DocumentSplitter splitter(text, pos, line, ordinal);
    json::Document doc;
    if (!splitter.Next(&doc)) return splitter.line() - 1;
    if (doc.truncated) {
      finish(doc, std::string(kTruncated));
    } else {
      finish(doc, fast(doc) ? std::string() : parse(doc, false));
    }
    ++ordinal;
    pos = splitter.position();
    line = splitter.line();
  }
}

// --- Fast path: values from FlatObjectReader, mapped the way json::ReadText,
// ReadInt64 and ReadDouble map simdjson's values. Each returns false where
// those readers would not return kValue or kNull (a reject, or a case the
// fast path leaves to them); the caller then takes the simdjson path, which
// builds the reject reason.

using json::FlatValue;

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

// key == lit, with a memcmp of constant size the compiler inlines.
template <size_t N>
bool KeyIs(std::string_view key, const char (&lit)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), lit, N - 1) == 0;
}

// A text field; *ascii tells whether the repair can be skipped.
inline __attribute__((always_inline)) bool FastText(const FlatValue& v,
                                                    std::optional<std::string_view>* out,
                                                    bool* ascii) {
  *ascii = true;
  switch (v.kind) {
    case FlatValue::kString:
      if (v.text.empty()) {
        *out = std::nullopt;
      } else {
        *out = v.text;
        *ascii = v.ascii;
      }
      return true;
    case FlatValue::kInteger:
    case FlatValue::kDecimal:
      *out = v.text;  // a number keeps its source text
      return true;
    case FlatValue::kTrue:
      *out = "true";
      return true;
    case FlatValue::kFalse:
      *out = "false";
      return true;
    case FlatValue::kNull:
      *out = std::nullopt;
      return true;
  }
  return false;
}

// An id string's usual form, a plain decimal ("39"): what ParseInt64Text
// would give it, read inline. False for anything else (empty, signed, spaced,
// too long to be sure it fits).
inline __attribute__((always_inline)) bool PlainDigits(std::string_view text, int64_t* out) {
  const size_t n = text.size();
  if (n == 0 || n > json::FlatObjectReader::kMaxDigits) return false;
  uint64_t x = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto d = static_cast<unsigned>(text[i] - '0');
    if (d > 9) return false;
    x = x * 10 + d;
  }
  *out = static_cast<int64_t>(x);
  return true;
}

// An integer field that also takes a numeric string (ReadInt64(value, true, ...)).
bool FastId(const FlatValue& v, std::optional<int64_t>* out) {
  switch (v.kind) {
    case FlatValue::kInteger:
      *out = v.integer;
      return true;
    case FlatValue::kNull:
      *out = std::nullopt;
      return true;
    case FlatValue::kString: {
      int64_t x;
      if (PlainDigits(v.text, &x) || json::ParseInt64Text(v.text, &x)) {
        *out = x;
        return true;
      }
      if (!IsBlank(v.text)) return false;
      *out = std::nullopt;
      return true;
    }
    default:
      return false;  // decimals (maybe integral) and booleans: the full path decides
  }
}

bool FastDouble(const FlatValue& v, std::optional<double>* out) {
  switch (v.kind) {
    case FlatValue::kInteger:
    case FlatValue::kDecimal: {
      double x;
      if (!v.ExactDouble(&x) && !json::ParseDoubleText(v.text, &x)) return false;
      *out = x;
      return true;
    }
    case FlatValue::kString: {
      double x;
      if (json::ParseDoubleText(v.text, &x)) {
        *out = x;
        return true;
      }
      if (v.kind != FlatValue::kString || !IsBlank(v.text)) return false;
      *out = std::nullopt;
      return true;
    }
    case FlatValue::kNull:
      *out = std::nullopt;
      return true;
    default:
      return false;
  }
}

// Appends a text value, repairing it unless it is known to be ASCII.
void AppendText(StringColumn* column, std::optional<std::string_view> value, bool ascii,
                json::RepairMemo* memo) {
  if (ascii) {
    column->Append(value);
  } else {
    AppendRepaired(column, value, memo);
  }
}

// One song record's fields, as either path reads them.
struct SongRow {
  enum TextIndex { kSongId, kTitle, kArtistId, kArtistName, kArtistLocation, kTextFields };
  std::optional<std::string_view> texts[kTextFields];
  bool ascii[kTextFields] = {};  // true: no repair needed
  std::optional<double> duration, latitude, longitude;
  std::optional<int32_t> year;
};

void AppendSong(const SongRow& row, uint32_t object_index, uint64_t ordinal, SongBatch* batch,
                json::RepairMemo* memo) {
  batch->object.push_back(object_index);
  batch->position.push_back(static_cast<uint32_t>(ordinal));
  StringColumn* columns[SongRow::kTextFields] = {&batch->song_id, &batch->title, &batch->artist_id,
                                                 &batch->artist_name, &batch->artist_location};
  for (int i = 0; i < SongRow::kTextFields; ++i) {
    AppendText(columns[i], row.texts[i], row.ascii[i], memo);
  }
  batch->duration.Append(row.duration);
  batch->artist_latitude.Append(row.latitude);
  batch->artist_longitude.Append(row.longitude);
  batch->year.Append(row.year);
}

// The fields of a song record the fast path reads, as FlatObjectReader key
// ids: text fields are kSongText + SongRow::TextIndex.
enum SongField : uint32_t {
  kSongOther,  // not used: the reader checks it, nothing more
  kSongDuration,
  kSongLatitude,
  kSongLongitude,
  kSongYear,
  kSongText,
};

constexpr uint32_t SongText(SongRow::TextIndex i) { return kSongText + static_cast<uint32_t>(i); }

struct SongKeys {
  static constexpr uint32_t kSkip = kSongOther;
  static uint32_t Id(std::string_view key) {
    if (KeyIs(key, "song_id")) return SongText(SongRow::kSongId);
    if (KeyIs(key, "title")) return SongText(SongRow::kTitle);
    if (KeyIs(key, "artist_id")) return SongText(SongRow::kArtistId);
    if (KeyIs(key, "artist_name")) return SongText(SongRow::kArtistName);
    if (KeyIs(key, "artist_location")) return SongText(SongRow::kArtistLocation);
    if (KeyIs(key, "duration")) return kSongDuration;
    if (KeyIs(key, "artist_latitude")) return kSongLatitude;
    if (KeyIs(key, "artist_longitude")) return kSongLongitude;
    if (KeyIs(key, "year")) return kSongYear;
    return kSongOther;
  }
};

bool FastSongField(uint32_t id, const FlatValue& v, SongRow* row) {
  if (id >= kSongText) {
    const auto i = static_cast<SongRow::TextIndex>(id - kSongText);
    return FastText(v, &row->texts[i], &row->ascii[i]);
  }
  switch (id) {
    case kSongDuration:
      return FastDouble(v, &row->duration);
    case kSongLatitude:
      return FastDouble(v, &row->latitude);
    case kSongLongitude:
      return FastDouble(v, &row->longitude);
    case kSongYear: {
      std::optional<int64_t> year;
      if (!FastId(v, &year)) return false;
      if (year && (*year < INT32_MIN || *year > INT32_MAX)) return false;
      // Year 0 means unknown (SPEC): stored as null.
      row->year = year && *year != 0 ? std::optional(static_cast<int32_t>(*year)) : std::nullopt;
      return true;
    }
    default:
      return true;  // unused field: FlatObjectReader has checked that it is valid
  }
}

// One log event's fields, as either path reads them.
struct LogRow {
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
  // Text i is texts[i] when bit i of `present` is set, else null; bit i of
  // `repair` says it may need the repair (not known to be ASCII).
  std::string_view texts[kTextFields];
  uint32_t present = 0;
  uint32_t repair = 0;
  std::optional<int64_t> ts, user_id, session_id, item_in_session;
  std::optional<double> length;
  bool next_song = false;

  void SetText(TextIndex i, std::optional<std::string_view> value, bool ascii) {
    const uint32_t bit = 1u << i;
    present &= ~bit;
    repair &= ~bit;
    if (value) {
      texts[i] = *value;
      present |= bit;
      if (!ascii) repair |= bit;
    }
  }
};

// Records are at least this long in practice (eventsim lines are 250-500
// bytes): text.size() / kLogRecordBytesHint rows is a generous estimate.
constexpr size_t kLogRecordBytesHint = 200;
constexpr size_t kSongRecordBytesHint = 200;
// Below this, reserving costs more than it saves (one-song files): the
// columns' own growth is enough.
constexpr size_t kReserveMinBytes = 64 << 10;

// Room for `rows` more rows in every column; text columns get the bytes per
// row seen so far (none for the first object: they grow as needed).
void ReserveText(StringColumn* column, size_t existing_rows, size_t rows) {
  size_t per_row = existing_rows ? column->byte_size() / existing_rows + 1 : 0;
  column->Reserve(rows, rows * per_row);
}

void ReserveLogs(LogBatch* batch, size_t rows) {
  const size_t n = batch->size();
  ReserveMore(&batch->object, rows);
  ReserveMore(&batch->position, rows);
  ReserveMore(&batch->ts, rows);
  ReserveMore(&batch->next_song, rows);
  batch->user_id.Reserve(rows);
  batch->session_id.Reserve(rows);
  batch->item_in_session.Reserve(rows);
  batch->length.Reserve(rows);
  for (StringColumn* c : {&batch->artist, &batch->song, &batch->first_name, &batch->last_name,
                          &batch->gender, &batch->level, &batch->location, &batch->user_agent}) {
    ReserveText(c, n, rows);
  }
}

void ReserveSongs(SongBatch* batch, size_t rows) {
  const size_t n = batch->size();
  ReserveMore(&batch->object, rows);
  ReserveMore(&batch->position, rows);
  batch->duration.Reserve(rows);
  batch->artist_latitude.Reserve(rows);
  batch->artist_longitude.Reserve(rows);
  batch->year.Reserve(rows);
  for (StringColumn* c : {&batch->song_id, &batch->title, &batch->artist_id, &batch->artist_name,
                          &batch->artist_location}) {
    ReserveText(c, n, rows);
  }
}

__attribute__((flatten)) void AppendLog(const LogRow& row, uint32_t object_index, uint64_t ordinal,
                                        LogBatch* batch, json::RepairMemo* memo) {
  batch->object.push_back(object_index);
  batch->position.push_back(static_cast<uint32_t>(ordinal));
  batch->ts.push_back(*row.ts);
  batch->user_id.Append(row.user_id);
  batch->session_id.Append(row.session_id);
  batch->item_in_session.Append(row.item_in_session);
  batch->length.Append(row.length);
  batch->next_song.push_back(row.next_song ? 1 : 0);
  // One call site per column (no loop): each has its own branch history
  // (gender is always 1 byte, user agents ~130) and its value's copy is inlined.
  auto text = [&](StringColumn * column, LogRow::TextIndex i) __attribute__((always_inline)) {
    const uint32_t bit = 1u << i;
    if (!(row.present & bit)) {
      column->AppendNull();
    } else if (!(row.repair & bit)) {
      column->AppendValue(row.texts[i]);
    } else {
      AppendRepaired(column, row.texts[i], memo);
    }
  };
  text(&batch->artist, LogRow::kArtist);
  text(&batch->song, LogRow::kSong);
  text(&batch->first_name, LogRow::kFirstName);
  text(&batch->last_name, LogRow::kLastName);
  text(&batch->gender, LogRow::kGender);
  text(&batch->level, LogRow::kLevel);
  text(&batch->location, LogRow::kLocation);
  text(&batch->user_agent, LogRow::kUserAgent);
}

// The fields of a log record the fast path reads, as FlatObjectReader key
// ids: text fields are kLogText + LogRow::TextIndex.
enum LogField : uint32_t {
  kLogOther,  // not used (auth, method, status, ...): the reader checks it, nothing more
  kLogTs,
  kLogPage,
  kLogLength,
  kLogUserId,
  kLogSessionId,
  kLogItemInSession,
  kLogText,
};

constexpr uint32_t LogText(LogRow::TextIndex i) { return kLogText + static_cast<uint32_t>(i); }

struct LogKeys {
  static constexpr uint32_t kSkip = kLogOther;
  static uint32_t Id(std::string_view key) {
    switch (key.size()) {
      case 2:
        if (KeyIs(key, "ts")) return kLogTs;
        break;
      case 4:
        if (KeyIs(key, "song")) return LogText(LogRow::kSong);
        if (KeyIs(key, "page")) return kLogPage;
        break;
      case 5:
        if (KeyIs(key, "level")) return LogText(LogRow::kLevel);
        break;
      case 6:
        if (KeyIs(key, "artist")) return LogText(LogRow::kArtist);
        if (KeyIs(key, "gender")) return LogText(LogRow::kGender);
        if (KeyIs(key, "length")) return kLogLength;
        if (KeyIs(key, "userId")) return kLogUserId;
        break;
      case 8:
        if (KeyIs(key, "lastName")) return LogText(LogRow::kLastName);
        if (KeyIs(key, "location")) return LogText(LogRow::kLocation);
        break;
      case 9:
        if (KeyIs(key, "firstName")) return LogText(LogRow::kFirstName);
        if (KeyIs(key, "sessionId")) return kLogSessionId;
        if (KeyIs(key, "userAgent")) return LogText(LogRow::kUserAgent);
        break;
      case 13:
        if (KeyIs(key, "itemInSession")) return kLogItemInSession;
        break;
      default:
        break;
    }
    return kLogOther;
  }
};

// The fast path's record (a line, or a document the splitter cut), appended
// straight to the batch's columns while the reader reports its fields (no
// LogRow in between, no second pass). A record the fast path does not take
// after all (a value it leaves to the full path, a duplicate key, a reject,
// more text on its line) is undone by the caller with LogBatch::Truncate, and
// its text goes to the full path as before.
class LogAppender {
 public:
  LogAppender(LogBatch* batch, json::RepairMemo* memo) : batch_(batch), memo_(memo) {}

  // Starts a record (at row batch->size()).
  void Begin() {
    seen_ = nulls_ = 0;
    next_song_ = false;
    length_ = 0;
    user_id_ = session_id_ = item_in_session_ = 0;
  }

  // FlatObjectReader's on_field: the field's value checked as the full path
  // would take it (anything else: false) and appended.
  inline __attribute__((always_inline)) bool operator()(uint32_t id, std::string_view,
                                                        const FlatValue& v) {
    const uint32_t bit = 1u << id;
    if (seen_ & bit) return false;  // a duplicate key: the full path (the last value wins there)
    seen_ |= bit;
    switch (id) {
      case kLogTs:
        if (v.kind != FlatValue::kInteger || v.integer > kMaxAbsTsMillis ||
            v.integer < -kMaxAbsTsMillis) {
          return false;
        }
        ts_ = v.integer;  // appended by End (with the row's other fixed columns)
        return true;
      case kLogPage: {
        if (v.kind == FlatValue::kString) {
          next_song_ = v.text.size() == kNextSongPage.size() &&
                       std::memcmp(v.text.data(), kNextSongPage.data(), kNextSongPage.size()) == 0;
          return true;
        }
        std::optional<std::string_view> page;
        bool ascii;
        if (!FastText(v, &page, &ascii)) return false;
        next_song_ = page && *page == kNextSongPage;
        return true;
      }
      // The numbers are kept until the row ends (End appends them with the
      // row's other fixed columns); their usual shapes are tested inline,
      // FastId and FastDouble decide the rest.
      case kLogLength: {
        if (v.kind == FlatValue::kDecimal && v.ExactDouble(&length_)) return true;
        std::optional<double> x;
        if (!FastDouble(v, &x)) return false;
        length_ = x.value_or(0);
        if (!x) nulls_ |= bit;
        return true;
      }
      case kLogUserId: {
        // Usually a short decimal string ("39"): FastId's first case, inline.
        if (v.kind == FlatValue::kString && PlainDigits(v.text, &user_id_)) return true;
        return Id(v, bit, &user_id_);
      }
      case kLogSessionId:
        return Id(v, bit, &session_id_);
      case kLogItemInSession:
        return Id(v, bit, &item_in_session_);
      // One call site per column: each has its own branch history (gender is
      // always 1 byte, user agents ~130) and its value's copy is inlined.
      case LogText(LogRow::kArtist):
        return Text(v, &batch_->artist);
      case LogText(LogRow::kSong):
        return Text(v, &batch_->song);
      case LogText(LogRow::kFirstName):
        return Text(v, &batch_->first_name);
      case LogText(LogRow::kLastName):
        return Text(v, &batch_->last_name);
      case LogText(LogRow::kGender):
        return Text(v, &batch_->gender);
      case LogText(LogRow::kLevel):
        return Text(v, &batch_->level);
      case LogText(LogRow::kLocation):
        return Text(v, &batch_->location);
      case LogText(LogRow::kUserAgent):
        return Text(v, &batch_->user_agent);
      default:
        return true;  // unused field: FlatObjectReader has checked that it is valid
    }
  }

  // Ends the record: nulls for the fields it did not have, then the row's
  // own columns. False for a reject (the full path says why).
  // flatten: the vectors' push_back inline (called from the reader's loop,
  // they were not).
  __attribute__((flatten)) bool End(uint32_t object_index, uint64_t ordinal) {
    const uint32_t present = seen_ & ~nulls_;
    if (!(seen_ & (1u << kLogTs)) || (next_song_ && !(present & (1u << kLogUserId)))) return false;
    if ((seen_ | kNumberFields) != kAllFields) AppendMissing();
    // Members into locals first: the byte stores below may alias them.
    LogBatch* const batch = batch_;
    const int64_t ts = ts_, user_id = user_id_, session_id = session_id_,
                  item_in_session = item_in_session_;
    const double length = length_;
    const bool next_song = next_song_;
    batch->object.push_back(object_index);
    batch->position.push_back(static_cast<uint32_t>(ordinal));
    batch->ts.push_back(ts);
    batch->next_song.push_back(next_song ? 1 : 0);
    // A missing or null number is stored as Append(std::nullopt) stores it.
    auto number = [&](uint32_t id, auto* column, auto value) {
      const bool valid = (present >> id) & 1;
      column->values.push_back(valid ? value : 0);
      column->valid.push_back(valid ? 1 : 0);
    };
    number(kLogLength, &batch->length, length);
    number(kLogUserId, &batch->user_id, user_id);
    number(kLogSessionId, &batch->session_id, session_id);
    number(kLogItemInSession, &batch->item_in_session, item_in_session);
    return true;
  }

 private:
  static constexpr uint32_t kAllFields =
      ((1u << (kLogText + static_cast<uint32_t>(LogRow::kTextFields))) - 1) & ~(1u << kLogOther);
  // Appended by End whether present or not.
  static constexpr uint32_t kNumberFields =
      (1u << kLogLength) | (1u << kLogUserId) | (1u << kLogSessionId) | (1u << kLogItemInSession);

  inline __attribute__((always_inline)) bool Text(const FlatValue& v, StringColumn* column) {
    if (v.kind == FlatValue::kString) {
      if (v.text.empty()) {
        column->AppendNull();
      } else if (v.ascii) {
        column->AppendValue(v.text);
      } else {
        AppendRepaired(column, v.text, memo_);
      }
      return true;
    }
    if (v.kind == FlatValue::kNull) {
      column->AppendNull();
      return true;
    }
    std::optional<std::string_view> text;
    bool ascii;
    if (!FastText(v, &text, &ascii)) return false;
    AppendText(column, text, ascii, memo_);
    return true;
  }
  // An id field into *out; a null one sets its `bit` in nulls_.
  inline __attribute__((always_inline)) bool Id(const FlatValue& v, uint32_t bit, int64_t* out) {
    if (v.kind == FlatValue::kInteger) {
      *out = v.integer;
      return true;
    }
    std::optional<int64_t> x;
    if (!FastId(v, &x)) return false;
    *out = x.value_or(0);
    if (!x) nulls_ |= bit;
    return true;
  }
  __attribute__((noinline)) void AppendMissing() {
    const uint32_t missing = kAllFields & ~seen_;
    auto null_if_missing = [&](uint32_t id, auto* column) {
      if (missing & (1u << id)) column->Append(std::nullopt);
    };
    null_if_missing(LogText(LogRow::kArtist), &batch_->artist);
    null_if_missing(LogText(LogRow::kSong), &batch_->song);
    null_if_missing(LogText(LogRow::kFirstName), &batch_->first_name);
    null_if_missing(LogText(LogRow::kLastName), &batch_->last_name);
    null_if_missing(LogText(LogRow::kGender), &batch_->gender);
    null_if_missing(LogText(LogRow::kLevel), &batch_->level);
    null_if_missing(LogText(LogRow::kLocation), &batch_->location);
    null_if_missing(LogText(LogRow::kUserAgent), &batch_->user_agent);
    // ts: a record without one is a reject; page has no column of its own;
    // the numbers: End.
  }

  LogBatch* const batch_;
  json::RepairMemo* const memo_;
  uint32_t seen_ = 0;   // bit per LogField reported in this record
  uint32_t nulls_ = 0;  // bit per number reported as null
  int64_t ts_ = 0;      // when seen_ has kLogTs
  bool next_song_ = false;
  // The numbers, each when seen_ has its bit and nulls_ has not.
  double length_ = 0;
  int64_t user_id_ = 0, session_id_ = 0, item_in_session_ = 0;
};

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
  if (text.size() >= kReserveMinBytes) {
    ReserveSongs(batch, text.size() / kSongRecordBytesHint + 1);
  }
  auto fast = [&](const json::Document& doc) {
    if (!fast_path_) return false;
    SongRow row;
    if (!flat_songs_.ReadWithIds<SongKeys>(doc.text,
                                           [&](uint32_t id, std::string_view, const FlatValue& v) {
                                             return FastSongField(id, v, &row);
                                           })) {
      return false;
    }
    if (!row.texts[SongRow::kSongId]) return false;  // a reject: the full path says why
    AppendSong(row, object_index, doc.ordinal, batch, &repair_memo_);
    ++fast_path_records_;
    return true;
  };
  auto no_fast_line = [](size_t, uint64_t) { return std::string_view::npos; };
  ForEachDocument(
      kSongsInput, object_path, text, rejects, stats, &padded_, no_fast_line, fast,
      [&](const json::Document& doc, size_t capacity, bool require_whole) -> std::string {
        SongRow row;
        std::string reason = ForEachField(
            parser_, dom_parser_, doc.text, capacity, require_whole,
            [&](std::string_view key, od::value value) -> std::string {
              auto text_field = [&](SongRow::TextIndex i) {
                std::string_view v;
                ReadStatus st = json::ReadText(value, &v);
                row.texts[i] = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "text");
              };
              auto double_field = [&](std::optional<double>* out) {
                double v;
                ReadStatus st = json::ReadDouble(value, &v);
                *out = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                return FieldProblem(st, key, "a number");
              };
              if (key == "song_id") return text_field(SongRow::kSongId);
              if (key == "title") return text_field(SongRow::kTitle);
              if (key == "artist_id") return text_field(SongRow::kArtistId);
              if (key == "artist_name") return text_field(SongRow::kArtistName);
              if (key == "artist_location") return text_field(SongRow::kArtistLocation);
              if (key == "duration") return double_field(&row.duration);
              if (key == "artist_latitude") return double_field(&row.latitude);
              if (key == "artist_longitude") return double_field(&row.longitude);
              if (key == "year") {
                int64_t v;
                ReadStatus st = json::ReadInt64(value, true, &v);
                if (st == ReadStatus::kValue && (v < INT32_MIN || v > INT32_MAX)) {
                  st = ReadStatus::kInvalid;
                }
                // Year 0 means unknown (SPEC): stored as null.
                row.year = st == ReadStatus::kValue && v != 0
                               ? std::optional(static_cast<int32_t>(v))
                               : std::nullopt;
                return FieldProblem(st, key, "an integer year");
              }
              return json::SkipValue(value) == ReadStatus::kInvalid
                         ? "field '" + std::string(key) + "' is not valid JSON"
                         : std::string();
            });
        if (!reason.empty()) return reason;
        if (!row.texts[SongRow::kSongId]) return "missing required field 'song_id'";
        AppendSong(row, object_index, doc.ordinal, batch, &repair_memo_);
        return "";
      });
}

void RecordParser::ParseLogs(std::string_view object_path, std::string_view text, LogBatch* batch,
                             std::vector<Reject>* rejects, ParseStats* stats, uint64_t* newlines) {
  const auto object_index = static_cast<uint32_t>(batch->objects.size());
  batch->objects.emplace_back(object_path);
  if (text.size() >= kReserveMinBytes) ReserveLogs(batch, text.size() / kLogRecordBytesHint + 1);
  LogAppender appender(batch, &repair_memo_);
  auto fast = [&](const json::Document& doc) {
    if (!fast_path_) return false;
    const size_t rows = batch->size();
    appender.Begin();
    // Rejects and documents the reader left: the full path (undoing the appends).
    if (!flat_logs_.ReadWithIds<LogKeys>(doc.text, appender) ||
        !appender.End(object_index, doc.ordinal)) {
      batch->Truncate(rows);
      return false;
    }
    ++fast_path_records_;
    return true;
  };
  // A log line is read without finding its end first (FlatObjectReader::
  // ReadLine), up to the text's last '}', which bounds the reader.
  const size_t last_brace = text.rfind('}');
  auto fast_line = [&](size_t pos, uint64_t ordinal) -> size_t {
    constexpr size_t kNot = std::string_view::npos;
    if (!fast_path_ || last_brace == kNot || pos >= last_brace) return kNot;
    const size_t rows = batch->size();
    appender.Begin();
    size_t length;
    size_t e = kNot;
    if (flat_logs_.ReadLineWithIds<LogKeys>(text.substr(pos, last_brace + 1 - pos), appender,
                                            &length)) {
      // Only blanks may follow the object on its line.
      e = pos + length;
      if (e < text.size() && text[e] != '\n') {
        while (e < text.size() && text[e] != '\n' && IsSpace(text[e])) ++e;
        if (e < text.size() && text[e] != '\n') e = kNot;
      }
    }
    // Rejects and lines the reader left: the full path (undoing the appends).
    if (e == kNot || !appender.End(object_index, ordinal)) {
      batch->Truncate(rows);
      return kNot;
    }
    ++fast_path_records_;
    return e;
  };
  const uint64_t lines = ForEachDocument(
      kLogsInput, object_path, text, rejects, stats, &padded_, fast_line, fast,
      [&](const json::Document& doc, size_t capacity, bool require_whole) -> std::string {
        LogRow row;
        std::string reason = ForEachField(
            parser_, dom_parser_, doc.text, capacity, require_whole,
            [&](std::string_view key, od::value value) -> std::string {
              auto text_field = [&](LogRow::TextIndex i) {
                std::string_view v;
                ReadStatus st = json::ReadText(value, &v);
                row.SetText(i, st == ReadStatus::kValue ? std::optional(v) : std::nullopt, false);
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
                    row.ts = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return "";
                  }
                  break;
                case 4:
                  if (key == "song") return text_field(LogRow::kSong);
                  if (key == "page") {
                    std::string_view page;
                    ReadStatus st = json::ReadText(value, &page);
                    row.next_song = st == ReadStatus::kValue && page == kNextSongPage;
                    return FieldProblem(st, key, "text");
                  }
                  break;
                case 5:
                  if (key == "level") return text_field(LogRow::kLevel);
                  break;
                case 6:
                  if (key == "artist") return text_field(LogRow::kArtist);
                  if (key == "gender") return text_field(LogRow::kGender);
                  if (key == "length") {
                    double v;
                    ReadStatus st = json::ReadDouble(value, &v);
                    row.length = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return FieldProblem(st, key, "a number");
                  }
                  if (key == "userId") {
                    int64_t v;
                    ReadStatus st = json::ReadInt64(value, true, &v);
                    if (st == ReadStatus::kInvalid || st == ReadStatus::kWrongType) {
                      return "field 'userId' is not numeric";
                    }
                    row.user_id = st == ReadStatus::kValue ? std::optional(v) : std::nullopt;
                    return "";
                  }
                  break;
                case 8:
                  if (key == "lastName") return text_field(LogRow::kLastName);
                  if (key == "location") return text_field(LogRow::kLocation);
                  break;
                case 9:
                  if (key == "firstName") return text_field(LogRow::kFirstName);
                  if (key == "sessionId") return id_field(&row.session_id);
                  if (key == "userAgent") return text_field(LogRow::kUserAgent);
                  break;
                case 13:
                  if (key == "itemInSession") return id_field(&row.item_in_session);
                  break;
                default:
                  break;
              }
              return json::SkipValue(value) == ReadStatus::kInvalid
                         ? "field '" + std::string(key) + "' is not valid JSON"
                         : std::string();
            });
        if (!reason.empty()) return reason;
        if (!row.ts) return "missing required field 'ts'";
        if (row.next_song && !row.user_id) return "NextSong event without a userId";
        AppendLog(row, object_index, doc.ordinal, batch, &repair_memo_);
        return "";
      });
  if (newlines) *newlines = lines;
}

}  // namespace sparkify::lake
