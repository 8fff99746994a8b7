#include "lake/records.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sparkify::lake
