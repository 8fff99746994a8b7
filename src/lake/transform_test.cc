#include "lake/transform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "lake/record_parser.h"

namespace sparkify::lake {
namespace {

SongBatch Songs(std::string_view object, std::string text) {
  SongBatch b;
  std::vector<Reject> rejects;
  ParseStats stats;
  RecordParser parser;
  parser.ParseSongs(object, text, &b, &rejects, &stats);
  EXPECT_TRUE(rejects.empty()) << rejects[0].reason;
  return b;
}

LogBatch Logs(std::string_view object, std::string text) {
  LogBatch b;
  std::vector<Reject> rejects;
  ParseStats stats;
  RecordParser parser;
  parser.ParseLogs(object, text, &b, &rejects, &stats);
  EXPECT_TRUE(rejects.empty()) << rejects[0].reason;
  return b;
}

TEST(Transform, SongsFirstByObjectAndPositionWins) {
  SongBatch a = Songs("A/1.json", R"({"song_id":"S2","title":"first","year":0}
{"song_id":"S1","title":"one","year":1999,"artist_id":"AR"}
{"song_id":"S2","title":"second"})");
  SongBatch b = Songs("B/1.json", R"({"song_id":"S2","title":"third"})");
  auto rows = BuildSongs({&a, &b});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].song_id, "S1");
  EXPECT_EQ(rows[0].year, 1999);
  EXPECT_EQ(rows[1].song_id, "S2");
  EXPECT_EQ(rows[1].title, "first");
  EXPECT_FALSE(rows[1].year.has_value());
}

TEST(Transform, ArtistVariantWithMostFieldsThenSmallestSongId) {
  SongBatch b = Songs("A/1.json", R"(
{"song_id":"S9","artist_id":"AR1","artist_name":"Name only"}
{"song_id":"S5","artist_id":"AR1","artist_name":"Full","artist_location":"Paris","artist_latitude":48.8,"artist_longitude":2.3}
{"song_id":"S3","artist_id":"AR1","artist_name":"Full too","artist_location":"Lyon","artist_latitude":45.7,"artist_longitude":4.8}
{"song_id":"S4","artist_id":"AR2","artist_name":"B","artist_location":""}
{"song_id":"S1","artist_id":"AR2","artist_name":"B2","artist_location":""}
{"song_id":"S7","artist_name":"No id"})");
  auto rows = BuildArtists({&b});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].artist_id, "AR1");
  EXPECT_EQ(rows[0].name, "Full too");  // tie on 4 fields: S3 < S5
  EXPECT_EQ(rows[0].location, "Lyon");
  EXPECT_DOUBLE_EQ(*rows[0].latitude, 45.7);
  EXPECT_EQ(rows[1].artist_id, "AR2");
  EXPECT_EQ(rows[1].name, "B2");
  EXPECT_FALSE(rows[1].location.has_value());  // empty location is null
}

TEST(Transform, UsersTakeTheLatestEventOfAnyPage) {
  LogBatch b = Logs("x.json", R"(
{"ts":300,"userId":"5","sessionId":1,"itemInSession":2,"level":"paid","firstName":"Late","page":"Home"}
{"ts":100,"userId":"5","sessionId":1,"itemInSession":1,"level":"free","firstName":"Early","page":"NextSong"}
{"ts":300,"userId":"5","sessionId":1,"itemInSession":1,"level":"free","firstName":"Tie-lost","page":"Home"}
{"ts":50,"userId":"","page":"Home"}
{"ts":10,"userId":"9","level":"free","page":"Login"})");
  auto rows = BuildUsers({&b});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].user_id, 5);
  EXPECT_EQ(rows[0].level, "paid");
  EXPECT_EQ(rows[0].first_name, "Late");
  EXPECT_EQ(rows[1].user_id, 9);
}

TEST(Transform, SongplaysMatchTitleArtistAndDuration) {
  SongBatch s = Songs("A/1.json", R"(
{"song_id":"SOB","title":"Setanta matins","artist_name":"Elena","artist_id":"AR5","duration":269.58322}
{"song_id":"SOA","title":"Setanta matins","artist_name":"Elena","artist_id":"AR6","duration":269.585}
{"song_id":"SOC","title":"Setanta matins","artist_name":"Elena","artist_id":"AR7","duration":300}
{"song_id":"SOD","title":"Bj\u00f6rk song","artist_name":"Bj\u00f6rk","artist_id":"AR8","duration":100})");
  auto songs = BuildSongs({&s});
  LogBatch l = Logs("2018/x.json", R"(
{"ts":1542241826796,"userId":"1","sessionId":1,"itemInSession":0,"page":"NextSong","song":"Setanta matins","artist":"Elena","length":269.59322}
{"ts":1542241826796,"userId":"1","sessionId":1,"itemInSession":1,"page":"NextSong","song":"Setanta matins","artist":"Elena","length":269.594}
{"ts":1542241826797,"userId":"1","sessionId":1,"itemInSession":2,"page":"NextSong","song":"Bj\u00c3\u0083\u00c2\u00b6rk song","artist":"Bj\u00c3\u0083\u00c2\u00b6rk","length":100.0}
{"ts":1542241826798,"userId":"1","sessionId":1,"itemInSession":3,"page":"Home"}
{"ts":1542241826799,"userId":"2","sessionId":2,"itemInSession":0,"page":"NextSong","song":"Other","artist":"Elena","length":269.58322})");
  auto plays = BuildSongplays({&l}, songs);
  ASSERT_EQ(plays.size(), 4u);
  // 269.59322 is within 0.01 of both SOB (269.58322) and SOA (269.585): smallest id wins.
  EXPECT_EQ(plays[0].song_id, "SOA");
  EXPECT_EQ(plays[0].artist_id, "AR6");
  EXPECT_EQ(plays[0].start_time_us, 1542241826796000);
  // 269.594 is within 0.01 of SOA only (SOB is 0.0108 away).
  EXPECT_EQ(plays[1].song_id, "SOA");
  // Double-encoded names match after the repair.
  EXPECT_EQ(plays[2].song_id, "SOD");
  EXPECT_FALSE(plays[3].song_id.has_value());
  EXPECT_FALSE(plays[3].artist_id.has_value());
  std::set<int64_t> ids;
  for (auto& p : plays) ids.insert(p.songplay_id);
  EXPECT_EQ(ids.size(), 4u);

  auto time = BuildTime(plays);
  ASSERT_EQ(time.size(), 3u);  // two plays share a start_time
  EXPECT_EQ(time[0].start_time_us, 1542241826796000);
  EXPECT_EQ(time[0].week, 46);
  EXPECT_EQ(time[0].weekday, 4);
  EXPECT_EQ(time[0].day, 15);
  EXPECT_EQ(time[0].month, 11);
  EXPECT_EQ(time[0].year, 2018);
}

// A key of one song is decided by its duration range alone: the same
// answers at and around the tolerance as the per-song check, for lengths
// above and below, and for a key of two songs.
TEST(Transform, MatcherToleranceIsTheSameForOneSongAndSeveral) {
  SongBatch s = Songs("A/1.json", R"(
{"song_id":"S1","title":"One","artist_name":"A","duration":200.5}
{"song_id":"S2","title":"Two","artist_name":"A","duration":200.5}
{"song_id":"S3","title":"Two","artist_name":"A","duration":900})");
  auto songs = BuildSongs({&s});
  SongMatcher matcher(songs);
  for (double delta : {0.0, 0.005, 0.00999, 0.01, 0.0100001, 0.011, 0.02, 1.0}) {
    for (double sign : {1.0, -1.0}) {
      const double length = 200.5 + sign * delta;
      const bool expect = std::fabs(200.5 - length) <= kDurationTolerance + 1e-9;
      const SongRow* one = matcher.Match("One", "A", length);
      const SongRow* two = matcher.Match("Two", "A", length);
      EXPECT_EQ(one != nullptr, expect) << length;
      EXPECT_EQ(two != nullptr, expect) << length;
      if (one) {
        EXPECT_EQ(one->song_id, "S1");
      }
      if (two) {
        EXPECT_EQ(two->song_id, "S2");
      }
    }
  }
  EXPECT_EQ(matcher.Match("One", "B", 200.5), nullptr);
}

// Many keys, so the index's table fills and probes past taken slots; keys
// that differ only in which string holds which text must not be confused.
TEST(Transform, MatcherFindsEveryKeyOfABigCatalogue) {
  std::string song_text;
  constexpr int kSongs = 3000;
  for (int i = 0; i < kSongs; ++i) {
    song_text += R"({"song_id":"S)" + std::to_string(i) + R"(","title":"t)" + std::to_string(i) +
                 R"(","artist_name":"a)" + std::to_string(i % 7) + R"(","duration":)" +
                 std::to_string(100 + i % 13) + "}\n";
  }
  SongBatch s = Songs("A/1.json", song_text);
  auto songs = BuildSongs({&s});
  ASSERT_EQ(songs.size(), static_cast<size_t>(kSongs));
  SongMatcher matcher(songs);
  for (int i = 0; i < kSongs; ++i) {
    std::string title = "t" + std::to_string(i), artist = "a" + std::to_string(i % 7);
    const SongRow* hit = matcher.Match(title, artist, 100 + i % 13 + 0.005);
    ASSERT_NE(hit, nullptr) << i;
    EXPECT_EQ(hit->song_id, "S" + std::to_string(i));
    EXPECT_EQ(matcher.Match(title, "a" + std::to_string((i + 1) % 7), 100 + i % 13), nullptr);
    EXPECT_EQ(matcher.Match(title, artist, 100 + i % 13 + 0.02), nullptr);
    EXPECT_EQ(matcher.Match(artist, title, 100 + i % 13), nullptr);
  }
  EXPECT_EQ(matcher.Match("t1", std::nullopt, 100), nullptr);
  EXPECT_EQ(matcher.Match("t1", "a1", std::nullopt), nullptr);
}

TEST(Transform, SongplayIdsDoNotDependOnBatching) {
  std::string lines;
  for (int i = 0; i < 50; ++i) {
    lines += R"({"ts":)" + std::to_string(1000 + i) +
             R"(,"userId":"3","sessionId":4,"itemInSession":)" + std::to_string(i) +
             R"(,"page":"NextSong"})"
             "\n";
  }
  LogBatch whole = Logs("a.json", lines);
  size_t mid = lines.find('\n', lines.size() / 2) + 1;
  LogBatch first = Logs("a.json", lines.substr(0, mid));
  LogBatch second = Logs("b.json", lines.substr(mid));
  auto one = BuildSongplays({&whole}, {});
  auto two = BuildSongplays({&first, &second}, {});
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].songplay_id, two[i].songplay_id);
}

}  // namespace
}  // namespace sparkify::lake
