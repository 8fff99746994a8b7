#include "lake/records.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "lake/record_parser.h"

namespace sparkify::lake {
namespace {

TEST(Records, ShardOutputsRoundTrip) {
  RecordParser parser;
  LogShardOutput logs;
  std::string text =
      R"({"ts":1,"userId":"1","page":"NextSong","artist":"A","length":1.5,"sessionId":3})"
      "\n{bad\n"
      R"({"ts":2,"userId":"","page":"Home","firstName":"\u00e9"})";
  parser.ParseLogs("a.json", text, &logs.batch, &logs.rejects, &logs.stats);
  ASSERT_EQ(logs.batch.size(), 2u);
  ASSERT_EQ(logs.rejects.size(), 1u);
  LogShardOutput back;
  ASSERT_TRUE(LogShardOutput::Deserialize(logs.Serialize(), &back).ok());
  EXPECT_EQ(back, logs);

  SongShardOutput songs;
  std::string song_text = R"({"song_id":"S","title":"T","year":1999,"artist_latitude":1.25})";
  parser.ParseSongs("s.json", song_text, &songs.batch, &songs.rejects, &songs.stats);
  SongShardOutput songs_back;
  ASSERT_TRUE(SongShardOutput::Deserialize(songs.Serialize(), &songs_back).ok());
  EXPECT_EQ(songs_back, songs);
  EXPECT_EQ(songs_back.batch.title.Get(0), "T");
}

// A worker reuses one batch for chunk after chunk: after Clear() it parses
// into exactly what a fresh batch gets.
TEST(Records, AClearedLogBatchParsesLikeAFreshOne) {
  RecordParser parser;
  std::vector<Reject> rejects;
  ParseStats stats;
  LogBatch reused;
  parser.ParseLogs(
      "a.json",
      R"({"ts":1,"userId":"1","page":"NextSong","artist":"Long artist name","song":"S",)"
      R"("length":1.5,"sessionId":3,"location":"Somewhere, XY","level":"paid"})",
      &reused, &rejects, &stats);
  ASSERT_EQ(reused.size(), 1u);
  reused.Clear();
  EXPECT_EQ(reused, LogBatch());
  std::string text =
      R"({"ts":2,"userId":"","page":"Home","firstName":"\u00e9"})"
      "\n"
      R"({"ts":3,"userId":"7","page":"NextSong","artist":"B","length":2,"userAgent":"UA"})";
  LogBatch fresh;
  parser.ParseLogs("b.json", text, &reused, &rejects, &stats);
  parser.ParseLogs("b.json", text, &fresh, &rejects, &stats);
  EXPECT_EQ(reused, fresh);
  EXPECT_EQ(reused.artist.Get(1), "B");
  EXPECT_EQ(reused.artist.bytes_between(0, 2), 1u);
}

TEST(Records, MalformedBytesAreCorruption) {
  LogShardOutput out;
  std::string bytes = LogShardOutput().Serialize();
  EXPECT_TRUE(LogShardOutput::Deserialize(bytes, &out).ok());
  EXPECT_TRUE(LogShardOutput::Deserialize(bytes.substr(0, bytes.size() - 1), &out).IsCorruption());
  EXPECT_TRUE(LogShardOutput::Deserialize("garbage", &out).IsCorruption());
  SongShardOutput s;
  EXPECT_TRUE(SongShardOutput::Deserialize(bytes, &s).IsCorruption());
}

// StringColumn copies values of every size class (inline moves up to 32
// bytes, memcpy beyond) exactly, keeps nulls apart from empty values, and
// survives growth, copies, moves, Clear and a serialisation round trip.
// Truncate undoes appends: the rows before stay, later appends go on from there.
TEST(Records, TruncateUndoesAppends) {
  StringColumn c;
  const std::vector<std::optional<std::string>> values = {
      "a", std::nullopt, "", std::string(40, 'x'), "bc", std::nullopt, std::string(17, 'y')};
  auto append = [&](size_t from) {
    for (size_t i = from; i < values.size(); ++i) c.Append(values[i]);
  };
  append(0);
  for (size_t keep : {size_t{7}, size_t{5}, size_t{3}, size_t{0}}) {
    c.Truncate(keep);
    ASSERT_EQ(c.size(), keep);
    size_t bytes = 0;
    for (size_t r = 0; r < keep; ++r) {
      EXPECT_EQ(c.Get(r), values[r] ? std::optional<std::string_view>(*values[r]) : std::nullopt);
      bytes += values[r] ? values[r]->size() : 0;
    }
    EXPECT_EQ(c.byte_size(), bytes);
    append(keep);
    StringColumn want;
    for (const auto& v : values) want.Append(v);
    EXPECT_TRUE(c == want) << keep;
  }

  // A batch with one record half appended (some columns one row longer).
  LogBatch batch, whole;
  for (LogBatch* b : {&batch, &whole}) {
    b->object.push_back(0);
    b->position.push_back(0);
    b->ts.push_back(1);
    b->next_song.push_back(1);
    b->user_id.Append(7);
    b->session_id.Append(std::nullopt);
    b->item_in_session.Append(2);
    b->length.Append(1.5);
    for (StringColumn* s : {&b->artist, &b->song, &b->first_name, &b->last_name, &b->gender,
                            &b->level, &b->location, &b->user_agent}) {
      s->AppendValue("v");
    }
  }
  batch.user_id.Append(8);
  batch.length.Append(std::nullopt);
  batch.artist.AppendValue("w");
  batch.user_agent.AppendNull();
  EXPECT_FALSE(batch == whole);
  batch.Truncate(1);
  EXPECT_TRUE(batch == whole);
}

TEST(Records, StringColumnKeepsEveryValue) {
  std::vector<std::optional<std::string>> values;
  for (size_t n = 0; n <= 70; ++n) {
    std::string v;
    for (size_t i = 0; i < n; ++i) v += static_cast<char>('a' + (n * 7 + i) % 26);
    values.push_back(v);
    if (n % 5 == 0) values.push_back(std::nullopt);
  }
  auto expect_values = [&](const StringColumn& c, const std::string& what) {
    ASSERT_EQ(c.size(), values.size()) << what;
    size_t bytes = 0;
    for (size_t r = 0; r < values.size(); ++r) {
      ASSERT_EQ(c.valid(r), values[r].has_value()) << what << " row " << r;
      if (values[r]) {
        EXPECT_EQ(c.view(r), *values[r]) << what << " row " << r;
        EXPECT_EQ(c.Get(r), std::optional<std::string_view>(*values[r])) << what;
        bytes += values[r]->size();
      } else {
        EXPECT_EQ(c.Get(r), std::nullopt) << what;
      }
    }
    EXPECT_EQ(c.byte_size(), bytes) << what;
    EXPECT_EQ(c.bytes_between(0, values.size()), bytes) << what;
  };
  StringColumn c;
  for (int round = 0; round < 2; ++round) {  // the second after Clear, on kept memory
    for (const auto& v : values) {
      if (v) {
        c.AppendValue(*v);
      } else {
        c.AppendNull();
      }
    }
    expect_values(c, "appended");
    StringColumn copy = c;
    expect_values(copy, "copy");
    EXPECT_TRUE(copy == c);
    StringColumn assigned;
    assigned.Append(std::string_view("x"));
    assigned = c;
    EXPECT_TRUE(assigned == c);
    StringColumn moved = std::move(copy);
    expect_values(moved, "moved");
    EXPECT_EQ(copy.size(), 0u);  // a moved-from column is empty and usable
    copy.Append(std::string_view("y"));
    EXPECT_EQ(copy.view(0), "y");
    std::string bytes;
    c.Serialize(&bytes);
    std::string_view in = bytes;
    StringColumn back;
    ASSERT_TRUE(back.Deserialize(&in));
    EXPECT_TRUE(in.empty());
    expect_values(back, "deserialized");
    EXPECT_TRUE(back == c);
    assigned.AppendNull();
    EXPECT_FALSE(assigned == c);
    c.Clear();
    EXPECT_EQ(c.size(), 0u);
    EXPECT_EQ(c.byte_size(), 0u);
  }
}

}  // namespace
}  // namespace sparkify::lake
