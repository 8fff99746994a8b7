#include "lake/record_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace sparkify::lake {
namespace {

struct Parsed {
  LogBatch logs;
  SongBatch songs;
  std::vector<Reject> rejects;
  ParseStats stats;
};

Parsed ParseLogs(std::string text) {
  Parsed p;
  RecordParser parser;
  parser.ParseLogs("2018/11/x.json", text, &p.logs, &p.rejects, &p.stats);
  return p;
}

Parsed ParseSongs(std::string text) {
  Parsed p;
  RecordParser parser;
  parser.ParseSongs("A/B/C/T.json", text, &p.songs, &p.rejects, &p.stats);
  return p;
}

constexpr char kEvent[] =
    R"({"artist":"Des'ree","auth":"Logged In","firstName":"Kaylee","gender":"F",)"
    R"("itemInSession":1,"lastName":"Summers","length":246.30812,"level":"free",)"
    R"("location":"Phoenix-Mesa-Scottsdale, AZ","method":"PUT","page":"NextSong",)"
    R"("registration":1540344794796.0,"sessionId":139,"song":"You Gotta Be","status":200,)"
    R"("ts":1541106106796,"userAgent":"\"Mozilla\/5.0\"","userId":"8"})";

TEST(RecordParser, LogEventFields) {
  Parsed p = ParseLogs(std::string(kEvent) + "\n");
  ASSERT_EQ(p.logs.size(), 1u);
  EXPECT_TRUE(p.rejects.empty());
  EXPECT_EQ(p.logs.ts[0], 1541106106796);
  EXPECT_EQ(p.logs.user_id.Get(0), 8);
  EXPECT_EQ(p.logs.session_id.Get(0), 139);
  EXPECT_EQ(p.logs.item_in_session.Get(0), 1);
  EXPECT_DOUBLE_EQ(*p.logs.length.Get(0), 246.30812);
  EXPECT_EQ(p.logs.next_song[0], 1);
  EXPECT_EQ(p.logs.artist.Get(0), "Des'ree");
  EXPECT_EQ(p.logs.song.Get(0), "You Gotta Be");
  EXPECT_EQ(p.logs.user_agent.Get(0), "\"Mozilla/5.0\"");
  EXPECT_EQ(p.stats.records, 1u);
}

TEST(RecordParser, LogQuirks) {
  // Logged-out event (userId ""), missing keys, numbers in text fields,
  // double-encoded text, no final newline.
  Parsed p = ParseLogs(
      R"({"page":"Home","ts":1,"userId":"","sessionId":"5"})"
      "\n"
      R"({"page":"NextSong","ts":2,"userId":7,"artist":"Bj\u00c3\u0083\u00c2\u00b6rk","song":4.6,"firstName":null,"lastName":""})");
  ASSERT_EQ(p.logs.size(), 2u) << (p.rejects.empty() ? "" : p.rejects[0].reason);
  EXPECT_FALSE(p.logs.user_id.Get(0).has_value());
  EXPECT_EQ(p.logs.session_id.Get(0), 5);
  EXPECT_EQ(p.logs.next_song[0], 0);
  EXPECT_FALSE(p.logs.artist.Get(0).has_value());
  EXPECT_EQ(p.logs.user_id.Get(1), 7);
  EXPECT_EQ(p.logs.artist.Get(1), "Bj\xC3\xB6rk");
  EXPECT_EQ(p.logs.song.Get(1), "4.6");
  EXPECT_FALSE(p.logs.first_name.Get(1).has_value());
  EXPECT_FALSE(p.logs.last_name.Get(1).has_value());
  EXPECT_EQ(p.logs.position[1], 1u);
}

TEST(RecordParser, LogRejectsAndTheValidLinesAroundThem) {
  std::string input;
  input += R"({"ts":1,"userId":"1","page":"Home"})"
           "\n";  // 1 ok
  input += R"({"ts":2,"userId":"1","page":"Ho)"
           "\n";          // 2 truncated
  input += "not json\n";  // 3
  input += R"({"userId":"1","page":"Home"})"
           "\n";  // 4 no ts
  input += R"({"ts":"12","userId":"1"})"
           "\n";  // 5 ts a string
  input += R"({"ts":1.5,"userId":"1"})"
           "\n";  // 6 ts not integral
  input += R"({"ts":3,"userId":"abc"})"
           "\n";  // 7 bad userId
  input += R"({"ts":3,"userId":"","page":"NextSong"})"
           "\n";                                                 // 8 NextSong, no user
  input += "{\"ts\":3,\"userId\":\"1\",\"artist\":\"\xFF\"}\n";  // 9 invalid UTF-8
  input += R"({"ts":3,"userId":"1","artist":{"a":1}})"
           "\n";  // 10 wrong type
  input += R"({"ts":3,"userId":"1","status":tru})"
           "\n";  // 11 bad JSON, unused key
  input += R"([1,2])"
           "\n";  // 12 not an object
  input += R"({"ts":4,"userId":"2","page":"NextSong","sessionId":"x"})"
           "\n";                                          // 13 bad sessionId
  input += R"({"ts":5,"userId":"2","page":"NextSong"})";  // 14 ok
  Parsed p = ParseLogs(input);
  ASSERT_EQ(p.logs.size(), 2u);
  EXPECT_EQ(p.logs.ts[0], 1);
  EXPECT_EQ(p.logs.ts[1], 5);
  EXPECT_EQ(p.stats.records, 14u);
  EXPECT_EQ(p.stats.rejects, 12u);
  ASSERT_EQ(p.rejects.size(), 12u);
  std::vector<uint64_t> lines;
  for (auto& r : p.rejects) {
    lines.push_back(r.line);
    EXPECT_EQ(r.input, "logs");
    EXPECT_EQ(r.object, "2018/11/x.json");
    EXPECT_FALSE(r.reason.empty());
  }
  EXPECT_EQ(lines, (std::vector<uint64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
  EXPECT_NE(p.rejects[0].reason.find("truncated"), std::string::npos);
  EXPECT_EQ(p.rejects[0].raw, R"({"ts":2,"userId":"1","page":"Ho)");
  EXPECT_EQ(p.rejects[2].reason, "missing required field 'ts'");
  EXPECT_EQ(p.rejects[3].reason, "field 'ts' is not an integer");
  EXPECT_EQ(p.rejects[5].reason, "field 'userId' is not numeric");
  EXPECT_EQ(p.rejects[6].reason, "NextSong event without a userId");
  EXPECT_NE(p.rejects[7].reason.find("UTF-8"), std::string::npos);
  EXPECT_NE(p.rejects[8].reason.find("wrong type"), std::string::npos);
  EXPECT_EQ(p.rejects[10].reason, "not a JSON object");
}

// ParseLogs counts the text's newlines (a big object's later ranges number
// their lines after them): every shape of line, valid or not, counts once.
TEST(RecordParser, CountsEveryNewline) {
  const std::vector<std::string> pieces = {
      std::string(kEvent) + "\n",
      std::string(kEvent) + "  \r\n",
      "\n",
      "   \n\n",
      "{\"ts\": \"broken\"}\n",
      "{\"ts\":1,\"userAgent\":\"cut short\n",
      "{\"ts\":1,\n  \"page\":\"Home\"\n}\n",
      "{\"a\":\"x\\\ny\"}\n",
      "[1,\n2]\n",
      "garbage\n",
      "{\"ts\":2}{\"ts\":3}\n",
      "{\"ts\":4,\"a\":{\"b\":\n",
      "{\"ts\":5}",
  };
  uint32_t seed = 7;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int n = 1 + round % 9;
    for (int i = 0; i < n; ++i) {
      seed = seed * 1103515245u + 12345u;
      text += pieces[(seed >> 8) % pieces.size()];
    }
    Parsed p;
    RecordParser parser;
    uint64_t newlines = 12345;
    parser.ParseLogs("x.json", text, &p.logs, &p.rejects, &p.stats, &newlines);
    EXPECT_EQ(newlines, static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'))) << text;
  }
}

TEST(RecordParser, RejectRawTextIsBounded) {
  std::string line = "{\"ts\":\"" + std::string(5000, 'x') + "\"}";
  Parsed p = ParseLogs(line);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].raw.size(), kMaxRejectRawBytes);
}

TEST(RecordParser, SongsConcatenatedWithQuirks) {
  Parsed p = ParseSongs(
      R"({"num_songs": 1, "artist_id": "AR1", "artist_latitude": null, "artist_longitude": null, "artist_location": "", "artist_name": 2002, "song_id": "SO1", "title": 66, "duration": 337.68444, "year": 0})"
      R"({"song_id": "SO2", "title": "T", "year": "1969", "artist_latitude": "49.8", "duration": "12"})"
      "\n"
      R"({"title": "no id"})"
      "\n"
      R"({"song_id": "SO3", "year": "abc"})");
  ASSERT_EQ(p.songs.size(), 2u);
  EXPECT_EQ(p.songs.song_id.Get(0), "SO1");
  EXPECT_EQ(p.songs.title.Get(0), "66");
  EXPECT_EQ(p.songs.artist_name.Get(0), "2002");
  EXPECT_FALSE(p.songs.artist_location.Get(0).has_value());  // "" is no value
  EXPECT_FALSE(p.songs.year.Get(0).has_value());             // 0 is unknown
  EXPECT_DOUBLE_EQ(*p.songs.duration.Get(0), 337.68444);
  EXPECT_EQ(p.songs.year.Get(1), 1969);
  EXPECT_DOUBLE_EQ(*p.songs.artist_latitude.Get(1), 49.8);
  EXPECT_EQ(p.songs.position[1], 1u);
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].reason, "missing required field 'song_id'");
  EXPECT_EQ(p.rejects[0].line, 2u);
  EXPECT_EQ(p.rejects[1].line, 3u);
}

TEST(RecordParser, PrettyPrintedObjectsSpanningLines) {
  // The first line of the first object looks like a whole object but is not.
  Parsed p = ParseSongs(
      "{\"song_id\": \"S1\", \"x\": {}\n, \"title\": \"T\"}\n"
      "{\n  \"song_id\": \"S2\",\n  \"year\": 1990\n}\n"
      "{\"song_id\": \"S3\"} {\"song_id\": \"S4\"}\n");
  ASSERT_TRUE(p.rejects.empty()) << p.rejects[0].reason;
  ASSERT_EQ(p.songs.size(), 4u);
  EXPECT_EQ(p.songs.title.Get(0), "T");
  EXPECT_EQ(p.songs.song_id.Get(1), "S2");
  EXPECT_EQ(p.songs.year.Get(1), 1990);
  EXPECT_EQ(p.songs.song_id.Get(3), "S4");
  EXPECT_EQ(p.songs.position[3], 3u);
}

TEST(RecordParser, DocumentsAtTheVeryEndNeedNoPadding) {
  // Exactly sized buffers (no bytes after the text) under ASan catch over-reads.
  for (std::string last : {"{\"ts\":1}", "{\"ts\":1}{\"ts\":2}", "{\"ts\":", "x"}) {
    auto text = std::make_unique<char[]>(last.size());
    std::memcpy(text.get(), last.data(), last.size());
    LogBatch batch;
    std::vector<Reject> rejects;
    ParseStats stats;
    RecordParser parser;
    parser.ParseLogs("x.json", std::string_view(text.get(), last.size()), &batch, &rejects, &stats);
    EXPECT_EQ(batch.size() + rejects.size(), stats.records) << last;
  }
}

TEST(RecordParser, EmptyObjectTextGivesNothing) {
  Parsed p = ParseSongs("");
  EXPECT_EQ(p.songs.size(), 0u);
  EXPECT_TRUE(p.rejects.empty());
  EXPECT_EQ(p.songs.objects.size(), 1u);
}

}  // namespace
}  // namespace sparkify::lake
