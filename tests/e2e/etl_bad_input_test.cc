// Broken and unusual inputs: each bad record becomes a documented reject,
// every valid record still reaches the tables, and the run's outcome is
// clear. Inputs are written here by hand so the expected rows are known.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <set>

#include "e2e_util.h"

namespace sparkify::e2e {
namespace {

namespace dom = simdjson::dom;

// ts values of the valid NextSong events: 2018-11-01T00:00:00Z + n seconds.
constexpr int64_t kT0 = 1541030400000;

std::string Event(int64_t ts, const std::string& user, const std::string& page,
                  const std::string& extra = "") {
  return R"({"ts":)" + std::to_string(ts) + R"(,"userId":")" + user + R"(","page":")" + page +
         R"(","sessionId":1,"itemInSession":)" + std::to_string(ts % 1000) + extra + "}";
}

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    songs_ = dir_ / "songs";
    logs_ = dir_ / "logs";
    WriteFile(
        songs_ + "/A/good.json",
        R"({"song_id":"SOA","title":"Hyper","artist_id":"ARB","artist_name":"Bj\u00c3\u0083\u00c2\u00b6rk","artist_location":"Reykjavik","artist_latitude":64.1,"artist_longitude":-21.9,"duration":200.5,"year":1999})"
        "\n");
    WriteFile(
        songs_ + "/A/concat.json",
        R"({"song_id":"SOB","title":66,"artist_id":"AR/C:1","artist_name":2002,"duration":100,"year":0})"
        R"({"song_id":"SOC","title":"4.6","artist_id":"ARB","artist_name":"Bjork","artist_location":"","duration":50,"year":"2001"})");
    WriteFile(songs_ + "/A/bad.json",
              "{\"title\":\"no id\",\"duration\":1}\n"
              "{\"song_id\":\"SOD\",\"title\":\"Cut\n"
              "{\"song_id\":\"SOE\",\"title\":\"ok\",\"year\":2005,\"artist_id\":\"ARE\"}\n");
    WriteFile(songs_ + "/A/empty.json", "");
    WriteFile(songs_ + "/A/.DS_Store", "\x00\x01junk");
    std::filesystem::create_directories(songs_ + "/B/empty_folder");
    WriteFile(songs_ + "/C/zipped.json.gz",
              Gzip(R"({"song_id":"SOF","title":"Zipped","artist_id":"ARF","year":2010})"));

    std::string a;
    a +=
        Event(
            kT0 + 1000, "1", "NextSong",
            R"(,"song":"Hyper","artist":"Bj\u00c3\u0083\u00c2\u00b6rk","length":200.5,"level":"free")") +
        "\n";  // 1 ok, matches SOA
    a += R"({"ts":1541030402000,"userId":"1","page":"NextS)"
         "\n";                  // 2 truncated
    a += "this is not json\n";  // 3
    a += "{\"ts\":1541030403000,\"userId\":\"2\",\"page\":\"Home\",\"firstName\":\"\xFF\"}\n";  // 4
    a += R"({"ts":"abc","userId":"2","page":"Home"})"
         "\n";  // 5
    a += R"({"ts":1541030405000,"userId":"x1","page":"Home"})"
         "\n";  // 6
    a += R"({"ts":1541030406000,"userId":"","page":"NextSong"})"
         "\n";  // 7
    a += R"({"ts":1541030407000,"userId":"2","page":"Home","artist":{"n":1}})"
         "\n";                                                                               // 8
    a += Event(kT0 + 8000, "2", "Home", R"(,"level":"free","firstName":"Ann")") + "\n";      // 9
    a += Event(kT0 + 9000, "2", "NextSong", R"(,"level":"paid","firstName":"Ann")") + "\n";  // 10
    a += Event(kT0 + 10000, "3", "NextSong",
               R"(,"song":66,"artist":2002,"length":100.004)");  // 11, no newline
    WriteFile(logs_ + "/2018/11/a.json", a);
    WriteFile(logs_ + "/2018/11/b.json.zst", Zstd(Event(kT0 + 11000, "4", "NextSong") + "\n" +
                                                  Event(kT0 + 12000, "4", "NextSong") + "\n"));
    WriteFile(logs_ + "/2018/11/empty.json", "");
    WriteFile(logs_ + "/2018/11/_SUCCESS", "");
    std::filesystem::create_directories(logs_ + "/2018/12");
  }

  CommandResult Run(const std::string& lake, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"etl", "--songs", songs_, "--logs", logs_, "--out", lake};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSparkify(args);
  }

  TempDir dir_;
  std::string songs_, logs_;
};

TEST_F(BadInput, EachBadRecordIsARejectAndNothingValidIsLost) {
  std::string lake = dir_ / "lake";
  auto r = Run(lake);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rejects: 9"), std::string::npos) << r.err;

  // The rejects file: one JSON line per reject, sorted by input, object, line.
  std::string rejects = ReadFile(lake + "/_rejects/rejects.jsonl");
  dom::parser parser;
  std::vector<std::string> where;
  std::vector<std::string> reasons;
  for (dom::element line : parser.parse_many(rejects)) {
    where.push_back(std::string(std::string_view(line["input"])) + ":" +
                    std::string(std::string_view(line["object"])) + ":" +
                    std::to_string(int64_t(line["line"])));
    reasons.push_back(std::string(std::string_view(line["reason"])));
    EXPECT_TRUE(line["raw"].is_string());
  }
  EXPECT_EQ(where, (std::vector<std::string>{
                       "logs:2018/11/a.json:2", "logs:2018/11/a.json:3", "logs:2018/11/a.json:4",
                       "logs:2018/11/a.json:5", "logs:2018/11/a.json:6", "logs:2018/11/a.json:7",
                       "logs:2018/11/a.json:8", "songs:A/bad.json:1", "songs:A/bad.json:2"}));
  ASSERT_EQ(reasons.size(), 9u);
  EXPECT_NE(reasons[0].find("truncated"), std::string::npos);
  EXPECT_NE(reasons[1].find("invalid JSON"), std::string::npos);
  EXPECT_NE(reasons[2].find("UTF-8"), std::string::npos);
  EXPECT_EQ(reasons[3], "field 'ts' is not an integer");
  EXPECT_EQ(reasons[4], "field 'userId' is not numeric");
  EXPECT_EQ(reasons[5], "NextSong event without a userId");
  EXPECT_NE(reasons[6].find("wrong type"), std::string::npos);
  EXPECT_EQ(reasons[7], "missing required field 'song_id'");

  dom::element summary = parser.parse(ReadFile(lake + "/_run_summary.json"));
  EXPECT_EQ(int64_t(summary["rejects"]["count"]), 9);
  EXPECT_EQ(int64_t(summary["inputs"]["songs"]["objects"]), 5);  // .DS_Store is not input
  EXPECT_EQ(int64_t(summary["inputs"]["logs"]["objects"]), 3);   // _SUCCESS is not input
  EXPECT_EQ(int64_t(summary["inputs"]["logs"]["rejects"]), 7);

  auto d = Duck({
      "SELECT user_id, epoch_ms(start_time) AS ms, song_id, artist_id, level FROM " +
          Table(lake, "songplays") + " ORDER BY ms",
      "SELECT song_id, title, year, artist_id FROM " + Table(lake, "songs") + " ORDER BY song_id",
      "SELECT artist_id, name, location, latitude FROM " + Table(lake, "artists") +
          " ORDER BY artist_id",
      "SELECT user_id, level, first_name FROM " + Table(lake, "users") + " ORDER BY user_id",
      "SELECT count(*) AS n FROM " + Table(lake, "time"),
  });
  std::vector<std::string> plays;
  for (auto& row : d[0]) {
    plays.push_back(*row["user_id"] + "@" + *row["ms"] + ":" + row["song_id"].value_or("-") + "/" +
                    row["artist_id"].value_or("-"));
  }
  EXPECT_EQ(plays,
            (std::vector<std::string>{"1@1541030401000:SOA/ARB",  // double-encoded artist repaired
                                      "2@1541030409000:-/-",
                                      "3@1541030410000:SOB/AR/C:1",  // numbers in text fields
                                      "4@1541030411000:-/-",         // from the .zst object
                                      "4@1541030412000:-/-"}));
  std::vector<std::string> songs;
  for (auto& row : d[1]) {
    songs.push_back(*row["song_id"] + ":" + row["title"].value_or("-") + ":" +
                    row["year"].value_or("-") + ":" + row["artist_id"].value_or("-"));
  }
  EXPECT_EQ(songs,
            (std::vector<std::string>{"SOA:Hyper:1999:ARB", "SOB:66:-:AR/C:1", "SOC:4.6:2001:ARB",
                                      "SOE:ok:2005:ARE", "SOF:Zipped:2010:ARF"}));
  std::vector<std::string> artists;
  for (auto& row : d[2]) {
    artists.push_back(*row["artist_id"] + ":" + row["name"].value_or("-") + ":" +
                      row["location"].value_or("-"));
  }
  // ARB: the variant with 4 non-null fields wins, its name repaired to "Björk".
  EXPECT_EQ(artists, (std::vector<std::string>{"AR/C:1:2002:-", "ARB:Bj\xC3\xB6rk:Reykjavik",
                                               "ARE:-:-", "ARF:-:-"}));
  std::vector<std::string> users;
  for (auto& row : d[3]) {
    users.push_back(*row["user_id"] + ":" + row["level"].value_or("-") + ":" +
                    row["first_name"].value_or("-"));
  }
  EXPECT_EQ(users, (std::vector<std::string>{"1:free:-", "2:paid:Ann", "3:-:-", "4:-:-"}));
  ASSERT_EQ(d[4].size(), 1u);
  EXPECT_EQ(d[4][0]["n"], "5");

  // The escaped partition directory of artist "AR/C:1" (year 0: null partition).
  EXPECT_TRUE(std::filesystem::exists(
      lake + "/songs/year=__HIVE_DEFAULT_PARTITION__/artist_id=AR%2FC%3A1"));
}

TEST_F(BadInput, MaxRejectsTurnsTooManyIntoAFailedRun) {
  std::string lake = dir_ / "lake";
  auto failed = Run(lake, {"--max-rejects", "8"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("9 rejected records exceed --max-rejects 8"), std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("a.json:2"), std::string::npos) << failed.err;
  EXPECT_FALSE(Exists(lake + "/_SUCCESS"));
  EXPECT_FALSE(Exists(lake + "/songplays"));

  auto ok = Run(lake, {"--max-rejects", "9"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(Exists(lake + "/_SUCCESS"));
}

TEST_F(BadInput, EmptyInputsGiveEmptyTables) {
  TempDir empty;
  std::filesystem::create_directories(empty / "songs/A");
  WriteFile(empty / "logs/empty.json", "");
  std::string lake = empty / "lake";
  auto r =
      RunSparkify({"etl", "--songs", empty / "songs", "--logs", empty / "logs", "--out", lake});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Exists(lake + "/_SUCCESS"));
  auto d = Duck({"SELECT count(*) AS n FROM read_parquet('" + lake + "/users/*.parquet')",
                 "SELECT count(*) AS n FROM read_parquet('" + lake + "/artists/*.parquet')"});
  ASSERT_EQ(d[0].size(), 1u);
  EXPECT_EQ(d[0][0]["n"], "0");
  EXPECT_EQ(d[1][0]["n"], "0");
}

}  // namespace
}  // namespace sparkify::e2e
