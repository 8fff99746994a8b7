// The RecordParser fast path (FlatObjectReader) must not change any output:
// every input here is parsed twice, with the fast path and with simdjson
// alone (set_fast_path(false), the parser as it was before the fast path), and
// the batches (byte for byte, as serialised), the rejects and the stats must
// be the same. Inputs: the real sample, generated data with bad lines, values
// at the edges of what the fast path takes, and random mutations of real lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gen/generator.h"
#include "lake/record_parser.h"

namespace sparkify::lake {
namespace {

namespace fs = std::filesystem;

enum class Kind { kLogs, kSongs };

struct Output {
  std::string batch;  // serialised
  std::vector<Reject> rejects;
  ParseStats stats;
  uint64_t fast_records = 0;
};

// Parses every text as one object of a shard.
Output Parse(Kind kind, const std::vector<std::string>& texts, bool fast) {
  RecordParser parser;
  parser.set_fast_path(fast);
  Output out;
  LogBatch logs;
  SongBatch songs;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string path = "obj" + std::to_string(i) + ".json";
    if (kind == Kind::kLogs) {
      parser.ParseLogs(path, texts[i], &logs, &out.rejects, &out.stats);
    } else {
      parser.ParseSongs(path, texts[i], &songs, &out.rejects, &out.stats);
    }
  }
  if (kind == Kind::kLogs) {
    logs.Serialize(&out.batch);
  } else {
    songs.Serialize(&out.batch);
  }
  out.fast_records = parser.fast_path_records();
  return out;
}

// Expects the same output both ways; returns the fast path's share of records.
double ExpectSame(Kind kind, const std::vector<std::string>& texts, const std::string& what) {
  Output fast = Parse(kind, texts, true);
  Output reference = Parse(kind, texts, false);
  EXPECT_EQ(reference.fast_records, 0u);
  EXPECT_EQ(fast.stats, reference.stats) << what;
  EXPECT_EQ(fast.rejects.size(), reference.rejects.size()) << what;
  for (size_t i = 0; i < std::min(fast.rejects.size(), reference.rejects.size()); ++i) {
    EXPECT_EQ(fast.rejects[i], reference.rejects[i])
        << what << ": reject " << i << ": " << fast.rejects[i].reason << " vs "
        << reference.rejects[i].reason << " raw " << reference.rejects[i].raw;
  }
  EXPECT_TRUE(fast.batch == reference.batch) << what << ": batches differ";
  return fast.stats.records ? static_cast<double>(fast.fast_records) / fast.stats.records : 0;
}

std::vector<std::string> ReadJsonFiles(const fs::path& root) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".json") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> texts;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  return texts;
}

const fs::path kSample = fs::path(SPARKIFY_SOURCE_DIR) / ".." / "shared" / "data" / "sample";

TEST(RecordParserEquivalence, RealSample) {
  if (!fs::exists(kSample / "log_data")) GTEST_SKIP() << "no sample at " << kSample;
  std::vector<std::string> logs = ReadJsonFiles(kSample / "log_data");
  std::vector<std::string> songs = ReadJsonFiles(kSample / "song_data");
  ASSERT_FALSE(logs.empty());
  ASSERT_FALSE(songs.empty());
  // Nearly every real record takes the fast path (otherwise this test would
  // compare simdjson with itself).
  EXPECT_GT(ExpectSame(Kind::kLogs, logs, "sample logs"), 0.95);
  EXPECT_GT(ExpectSame(Kind::kSongs, songs, "sample songs"), 0.95);
}

TEST(RecordParserEquivalence, GeneratedWithBadLines) {
  gen::GenerateOptions opt;
  opt.out_dir =
      (fs::temp_directory_path() / ("record_parser_equivalence_" + std::to_string(::getpid())))
          .string();
  opt.songs = 400;
  opt.events = 6000;
  opt.bad_lines = 300;
  opt.days = 3;
  opt.seed = 7;
  opt.threads = 1;
  opt.overwrite = true;
  auto report = gen::Generate(opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::vector<std::string> logs = ReadJsonFiles(fs::path(opt.out_dir) / "log_data");
  std::vector<std::string> songs = ReadJsonFiles(fs::path(opt.out_dir) / "song_data");
  fs::remove_all(opt.out_dir);
  EXPECT_GT(ExpectSame(Kind::kLogs, logs, "generated logs"), 0.9);
  EXPECT_GT(ExpectSame(Kind::kSongs, songs, "generated songs"), 0.9);
}

// Values at the edges of what the fast path takes (and just past them).
const std::vector<std::string> kEdgeValues = {
    "0",
    "-0",
    "-0.0",
    "0.0",
    "1",
    "-1",
    "1.5",
    "1.0",
    "-1.0",
    "1e3",
    "1E+3",
    "1.5e-3",
    "123456789012345678",
    "-123456789012345678",
    "1234567890123456789",
    "99999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "9007199254740993",
    "9007199254740993.0",
    "0.1",
    "0.30000000000000004",
    "1.7976931348623157e308",
    "1e400",
    "01",
    "-01",
    "1.",
    ".5",
    "-",
    "+1",
    "1.2.3",
    "1x",
    "0x10",
    "246.30812",
    "1541106106796",
    "9223372036854775.807",
    "9223372036854775",
    "9223372036854776",
    "-9223372036854776",
    "4.6",
    "1.0000000000000002",
    "12345678.12345678",
    // Around the reader's one-load path: 7-9 integral digits in decimals, 8
    // digits, 15 and 16 bytes, a point or exponent at the load's last bytes.
    "1234567.25",
    "12345678.5",
    "123456789.5",
    "99999999",
    "123456789012345",
    "1234567890123456",
    "12345678901234.5",
    "123456789012345.",
    "12345678901234e5",
    "0.5",
    "0.0",
    "-0.0",
    "0E5",
    "00",
    "123456789.123456789",
    "0.000000000000000001",
    "2147483647",
    "2147483648",
    "-2147483649",
    "1e0",
    "NaN",
    "Infinity",
    "true",
    "false",
    "null",
    "nul",
    "truex",
    "nullnull",
    "True",
    "\"\"",
    "\" \"",
    "\"12\"",
    "\" 12 \"",
    "\"+12\"",
    "\"-12\"",
    "\"012\"",
    "\"1.0\"",
    "\"1.5\"",
    "\"1e2\"",
    "\"abc\"",
    "\"12abc\"",
    "\"123456789012345678\"",
    "\"1234567890123456789\"",
    "\"99999999999999999999\"",
    "\"9223372036854775808\"",
    "\"NextSong\"",
    "\"nextsong\"",
    "\"Next\\u0053ong\"",
    "\"\\u00c3\\u00a9\"",
    "\"Bj\\u00c3\\u0083\\u00c2\\u00b6rk\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"\\udc00x\"",
    "\"\\u0000\"",
    "\"\\u00e9\"",
    "\"\\u20ac\"",
    "\"\\uFFFF\"",
    "\"\\u12\"",
    "\"\\u12g4\"",
    "\"a\\\"b\"",
    "\"a\\\\b\"",
    "\"\\/\"",
    "\"\\b\\f\\n\\r\\t\"",
    "\"\\x\"",
    "\"\\'\"",
    "\"tab\tinside\"",
    "\"nl\\ninside\"",
    "\"caf\xC3\xA9\"",
    "\"\xFF\"",
    "\"\xC3\"",
    "\"\xC3\x83\xC2\xA9\"",
    "\"\xE2\x82\xAC\"",
    "\"\xF0\x9F\x98\x80\"",
    "\"\xED\xA0\x80\"",
    "\"\xC0\xAF\"",
    "\"\x7F\"",
    "\"\x01\"",
    "\"a\\",
    "\"",
    "{}",
    "[]",
    "{\"a\":1}",
    "[1,2]",
    "{\"a\":[1,{}]}",
    "\"Mozilla\\/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit\\/537.36\"",
    "\"a long value that is longer than sixteen bytes, with \\\"quotes\\\" and \\u00e9\"",
    "\"0123456789abcdef0123456789abcdef\"",
    "\"0123456789abcdef0123456789abcde\\\"\"",
};

const std::vector<std::string> kLogKeys = {
    "ts",       "userId",    "sessionId",    "itemInSession", "length", "page",
    "artist",   "song",      "firstName",    "lastName",      "gender", "level",
    "location", "userAgent", "registration", "status",        "auth",   "unknownKey"};

const std::vector<std::string> kSongKeys = {
    "song_id",  "title",           "artist_id",        "artist_name", "artist_location",
    "duration", "artist_latitude", "artist_longitude", "year",        "num_songs"};

// A valid record with `key` set to `value` (added when the record lacks it).
std::string WithField(const std::vector<std::pair<std::string, std::string>>& base,
                      const std::string& key, const std::string& value,
                      const std::string& colon = ":", const std::string& comma = ",") {
  std::string out = "{";
  bool found = false;
  for (const auto& [k, v] : base) {
    if (out.size() > 1) out += comma;
    out += "\"" + k + "\"" + colon + (k == key ? value : v);
    found |= k == key;
  }
  if (!found) out += comma + "\"" + key + "\"" + colon + value;
  return out + "}";
}

const std::vector<std::pair<std::string, std::string>> kLogBase = {
    {"artist", "\"Des'ree\""},
    {"auth", "\"Logged In\""},
    {"firstName", "\"Kaylee\""},
    {"gender", "\"F\""},
    {"itemInSession", "1"},
    {"lastName", "\"Summers\""},
    {"length", "246.30812"},
    {"level", "\"free\""},
    {"location", "\"Phoenix-Mesa-Scottsdale, AZ\""},
    {"method", "\"PUT\""},
    {"page", "\"NextSong\""},
    {"registration", "1540344794796.0"},
    {"sessionId", "139"},
    {"song", "\"You Gotta Be\""},
    {"status", "200"},
    {"ts", "1541106106796"},
    {"userAgent", "\"\\\"Mozilla\\/5.0 (Windows NT 6.1; WOW64)\\\"\""},
    {"userId", "\"8\""}};

const std::vector<std::pair<std::string, std::string>> kSongBase = {
    {"num_songs", "1"},
    {"artist_id", "\"ARJIE2Y1187B994AB7\""},
    {"artist_latitude", "null"},
    {"artist_longitude", "-93.26493"},
    {"artist_location", "\"\""},
    {"artist_name", "\"Line Renaud\""},
    {"song_id", "\"SOUPIRU12A6D4FA1E1\""},
    {"title", "\"Der Kleine Dompfaff\""},
    {"duration", "152.92036"},
    {"year", "0"}};

TEST(RecordParserEquivalence, EdgeValuesInEveryField) {
  struct Case {
    Kind kind;
    const std::vector<std::pair<std::string, std::string>>* base;
    const std::vector<std::string>* keys;
  };
  for (const Case& c :
       {Case{Kind::kLogs, &kLogBase, &kLogKeys}, Case{Kind::kSongs, &kSongBase, &kSongKeys}}) {
    std::string text;
    for (const std::string& key : *c.keys) {
      for (const std::string& value : kEdgeValues) {
        text += WithField(*c.base, key, value) + "\n";
        text += WithField(*c.base, key, value, " : ", " , ") + "\r\n";
        text += WithField(*c.base, key, value, ": ", ", ") + "\n";
      }
    }
    // One line per value, and the same lines as one object each (songs are
    // one record per file, where the last line has no padding after it).
    ExpectSame(c.kind, {text}, "edge values, one object");
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ExpectSame(c.kind, lines, "edge values, one line per object");
  }
}

constexpr char kWithNul[] = "{\"ts\":1,\"song\":\"a\0b\"}";

TEST(RecordParserEquivalence, OddShapes) {
  const std::string event = WithField(kLogBase, "ts", "1");
  std::vector<std::string> texts = {
      "{}",
      "{ }",
      " " + event + " ",
      "\t" + event + "\t\r\n",
      event + event,
      event + " " + event,
      event + "x",
      event + ",",
      "{\"ts\":1,}",
      "{,\"ts\":1}",
      "{\"ts\":1 \"userId\":\"1\"}",
      "{\"ts\" 1}",
      "{\"ts\":}",
      "{\"ts\":1,\"ts\":2}",
      "{\"ts\":1,\"ts\":\"x\"}",
      "{\"ts\":\"x\",\"ts\":1}",
      "{\"page\":\"NextSong\",\"userId\":\"1\",\"userId\":\"\",\"ts\":1}",
      // A null number, then the same key again (the fast path keeps numbers
      // until the row ends).
      "{\"page\":\"NextSong\",\"userId\":\"\",\"userId\":\"1\",\"ts\":1}",
      "{\"userId\":null,\"userId\":2,\"ts\":1}",
      "{\"sessionId\":null,\"sessionId\":3,\"ts\":1}",
      "{\"itemInSession\":null,\"itemInSession\":4,\"ts\":1}",
      "{\"length\":null,\"length\":5.5,\"ts\":1}",
      "{\"length\":\" \",\"sessionId\":\"\",\"itemInSession\":\" 7 \",\"ts\":1}",
      "{\"length\":6.5,\"length\":null,\"ts\":1}",
      "{\"page\":\"NextSong\",\"page\":\"Home\",\"ts\":1}",
      "{\"t\\u0073\":1}",
      "{\"ts\\\"\":1,\"ts\":2}",
      "{\"caf\xC3\xA9\":1,\"ts\":2}",
      "{\"\xFF\":1,\"ts\":2}",
      "{\"ts\":1,\"\":2}",
      "{\"ts\":1}\n{\"ts\":2}\n\n\n{\"ts\":3}",
      "{\"ts\":1,\n\"userId\":\"2\"}",
      "{\"ts\":1,\"a\":\"b\n\"}",
      "{\"ts\":1,\"a\":{\"b\":[1,2,{\"c\":null}]}}",
      "{\"ts\":1,\"a\":[}",
      "{\"ts\":1\x0B}",
      "{\"ts\":1\f}",
      "\xEF\xBB\xBF{\"ts\":1}",
      "{\"ts\":1}\x00",
      std::string(kWithNul, sizeof(kWithNul) - 1),
      "[{\"ts\":1}]",
      "\"ts\"",
      "{\"ts\":1",
      "{\"ts\":1}}",
      "{{\"ts\":1}",
  };
  // Over the fast path's size limit: simdjson reads it.
  texts.push_back("{\"ts\":1,\"song\":\"" +
                  std::string(json::FlatObjectReader::kMaxDocumentBytes, 's') + "\"}");
  ExpectSame(Kind::kLogs, texts, "odd shapes");
  ExpectSame(Kind::kSongs, texts, "odd shapes as songs");
  std::string all;
  for (const std::string& t : texts) all += t + "\n";
  ExpectSame(Kind::kLogs, {all}, "odd shapes, one object");
}

// The fast line path appends a record's fields to the batch as it reads
// them: a line it gives up on after some appends (a late bad value, a late
// duplicate key, a reject found at the end, text after the object) must leave
// no trace, and a line without some fields must get nulls for exactly those.
// Each such line sits between good lines (taken by the fast path), in one
// text and one text per line.
TEST(RecordParserEquivalence, LinesGivenUpAfterPartialAppends) {
  auto without = [](const std::string& key) {
    std::vector<std::pair<std::string, std::string>> base;
    for (const auto& kv : kLogBase) {
      if (kv.first != key) base.push_back(kv);
    }
    return base;
  };
  const std::string good = WithField(kLogBase, "ts", "1541106106796");
  std::vector<std::string> lines = {
      // Bad values in the last fields, after every other column was appended.
      WithField(kLogBase, "userId", "\"8x\""),
      WithField(kLogBase, "userId", "true"),
      WithField(kLogBase, "userAgent", "\"bad \\q escape\""),
      WithField(kLogBase, "ts", "\"1541106106796\""),
      WithField(kLogBase, "ts", "1e5"),
      WithField(kLogBase, "ts", "99999999999999999"),
      WithField(kLogBase, "sessionId", "1.5"),
      WithField(kLogBase, "length", "\"long\""),
      // Rejects known only at the end: no ts, NextSong without a userId.
      WithField(without("ts"), "x", "1"),
      WithField(kLogBase, "userId", "\"\""),
      WithField(kLogBase, "userId", "null"),
      WithField(without("userId"), "x", "1"),
      // A duplicate key late in the record (the full path keeps the last value).
      good.substr(0, good.size() - 1) + ",\"artist\":\"Other\"}",
      good.substr(0, good.size() - 1) + ",\"userAgent\":null}",
      good.substr(0, good.size() - 1) + ",\"ts\":5}",
      // Text after the object on its line; a cut line.
      good + " x",
      good + good,
      good.substr(0, good.size() - 20),
      // Fields missing (nulls appended at the end) or null, other orders.
      WithField(without("artist"), "x", "1"),
      WithField(without("userAgent"), "x", "1"),
      WithField(without("length"), "x", "1"),
      WithField(without("sessionId"), "itemInSession", "null"),
      WithField(without("page"), "song", "null"),
      WithField(kLogBase, "artist", "null"),
      WithField(kLogBase, "gender", "12"),
      WithField(kLogBase, "level", "false"),
      WithField(kLogBase, "location", "\"Montr\\u00e9al\""),
      WithField(kLogBase, "song", "\"Caf\xC3\x83\xC2\xA9\""),
      "{\"ts\":1}",
      "{\"userAgent\":\"\\\"x\\\"\",\"ts\":2,\"artist\":\"A\"}",
  };
  std::string all;
  std::vector<std::string> texts;
  for (const std::string& line : lines) {
    all += good + "\n" + line + "\n";
    texts.push_back(good + "\n" + line + "\n" + good);
  }
  all += good + "\n";
  EXPECT_GT(ExpectSame(Kind::kLogs, {all}, "partial appends, one text"), 0.5);
  EXPECT_GT(ExpectSame(Kind::kLogs, texts, "partial appends, one text each"), 0.5);
  // The last line of the text too (no newline after it).
  for (const std::string& line : lines) {
    ExpectSame(Kind::kLogs, {good + "\n" + line}, "partial appends, last line: " + line);
  }
  // The same records over two lines each: the document path (the splitter
  // cuts them) appends and undoes as the line path does.
  std::string spread;
  for (const std::string& line : lines) {
    std::string two = line;
    const size_t comma = two.find(',');
    if (comma != std::string::npos) two.insert(comma + 1, "\n");
    spread += good + "\n" + two + "\n";
  }
  ExpectSame(Kind::kLogs, {spread}, "partial appends, records over two lines");
}

// Random edits of valid lines: deleted, inserted, replaced and swapped bytes,
// biased towards the bytes that matter to JSON.
TEST(RecordParserEquivalence, MutatedLines) {
  std::vector<std::string> seeds = {
      WithField(kLogBase, "ts", "1541106106796"), WithField(kLogBase, "userId", "\"\"", ": ", ", "),
      WithField(kLogBase, "song", "\"Bj\\u00c3\\u0083\\u00c2\\u00b6rk\""),
      WithField(kSongBase, "year", "1969"), WithField(kSongBase, "title", "66")};
  const std::string interesting = "\"\\{}[],:.-+0123456789eEtrufalsn \t\r\n/u\x80\xC3\xFF";
  std::mt19937 rng(12345);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (Kind kind : {Kind::kLogs, Kind::kSongs}) {
    std::string text;
    std::vector<std::string> singles;
    for (int i = 0; i < 4000; ++i) {
      std::string line = seeds[pick(seeds.size())];
      int edits = 1 + static_cast<int>(pick(3));
      for (int e = 0; e < edits && !line.empty(); ++e) {
        size_t at = pick(line.size());
        char c = pick(4) ? interesting[pick(interesting.size())] : static_cast<char>(rng());
        switch (pick(4)) {
          case 0:
            line.erase(at, 1);
            break;
          case 1:
            line.insert(at, 1, c);
            break;
          case 2:
            line[at] = c;
            break;
          default:
            line.resize(at);  // cut short
            break;
        }
      }
      text += line + "\n";
      if (i < 500) singles.push_back(line);
    }
    ExpectSame(kind, {text}, "mutated lines");
    ExpectSame(kind, singles, "mutated lines, one per object");
  }
}

}  // namespace
}  // namespace sparkify::lake
