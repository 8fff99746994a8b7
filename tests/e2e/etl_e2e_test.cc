// `sparkify etl` on the shared sample data, checked against the reference
// counts of SPEC.md and against rows computed here, independently of the
// pipeline, from the raw JSON (simdjson DOM + std::chrono), read back by DuckDB.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "e2e_util.h"

namespace sparkify::e2e {
namespace {

namespace stdfs = std::filesystem;
namespace dom = simdjson::dom;

// --- The expected tables, computed from the raw input without the pipeline. ---

std::optional<std::string> Text(dom::object o, const char* key) {
  dom::element e;
  if (o[key].get(e)) return std::nullopt;
  if (e.is_null()) return std::nullopt;
  if (e.is_string()) {
    std::string s{std::string_view(e)};
    return s.empty() ? std::nullopt : std::optional(s);
  }
  return simdjson::minify(e);
}

std::optional<int64_t> Int(dom::object o, const char* key) {
  auto t = Text(o, key);
  if (!t) return std::nullopt;
  return std::stoll(*t);
}

std::string Opt(const std::optional<std::string>& s) { return s ? *s : "<null>"; }

struct Event {
  int64_t ts;
  std::optional<int64_t> user, session, item;
  bool next_song;
  std::optional<std::string> level, first, last, gender, location, agent, artist, song;
  std::optional<double> length;
};

std::vector<Event> ReadEvents() {
  std::vector<Event> events;
  dom::parser parser;
  std::vector<std::string> paths;
  for (const auto& e : stdfs::recursive_directory_iterator(SampleDir() + "/log_data")) {
    if (e.path().extension() == ".json") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      dom::object o = parser.parse(line).get_object();
      Event ev;
      ev.ts = *Int(o, "ts");
      ev.user = Int(o, "userId");
      ev.session = Int(o, "sessionId");
      ev.item = Int(o, "itemInSession");
      ev.next_song = Text(o, "page") == "NextSong";
      ev.level = Text(o, "level");
      ev.first = Text(o, "firstName");
      ev.last = Text(o, "lastName");
      ev.gender = Text(o, "gender");
      ev.location = Text(o, "location");
      ev.agent = Text(o, "userAgent");
      ev.artist = Text(o, "artist");
      ev.song = Text(o, "song");
      if (auto l = Text(o, "length")) ev.length = std::stod(*l);
      events.push_back(ev);
    }
  }
  return events;
}

// The documented songplay_id formula (docs/data-contract.md), written again here.
int64_t ExpectedSongplayId(const Event& e) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&](int64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (static_cast<uint64_t>(v) >> (8 * i)) & 0xFF;
      h *= 0x100000001b3ULL;
    }
  };
  const int64_t null_field = INT64_MIN;
  add(e.ts);
  add(*e.user);
  add(e.session.value_or(null_field));
  add(e.item.value_or(null_field));
  add(0);
  uint64_t z = h + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int64_t>(z & ((1ULL << 63) - 1));
}

struct Calendar {
  int hour, day, week, month, year, weekday;
};

Calendar CalendarOf(int64_t ts_ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds{ts_ms}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  int hour = static_cast<int>(duration_cast<hours>(t - day).count());
  int iso_wd = static_cast<int>(weekday{day}.iso_encoding());
  // ISO week: the week's Thursday decides the year; count weeks from its Jan 1.
  sys_days thursday = day + days{4 - iso_wd};
  year_month_day thu{thursday};
  int week = static_cast<int>((thursday - sys_days{thu.year() / January / 1}).count() / 7 + 1);
  return {hour,
          static_cast<int>(unsigned(ymd.day())),
          week,
          static_cast<int>(unsigned(ymd.month())),
          static_cast<int>(ymd.year()),
          iso_wd};
}

// --- One run of the binary shared by the tests of this suite. ---

class SampleLake : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    result_ = new CommandResult(
        RunSparkify({"etl", "--songs", SampleDir() + "/song_data", "--logs",
                     SampleDir() + "/log_data", "--out", lake(), "--threads", "2"}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static std::string lake() { return *dir_ / "lake"; }
  static TempDir* dir_;
  static CommandResult* result_;
};
TempDir* SampleLake::dir_;
CommandResult* SampleLake::result_;

TEST_F(SampleLake, SucceedsWithSummaryMatchingTheReferenceCounts) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  EXPECT_TRUE(Exists(lake() + "/_SUCCESS"));
  EXPECT_NE(result_->err.find("songplays 6820"), std::string::npos) << result_->err;

  dom::parser parser;
  std::string summary = ReadFile(lake() + "/_run_summary.json");
  dom::element s = parser.parse(summary);
  EXPECT_EQ(std::string_view(s["version"]), SPARKIFY_VERSION);
  EXPECT_EQ(int64_t(s["inputs"]["songs"]["objects"]), 71);
  EXPECT_EQ(int64_t(s["inputs"]["logs"]["objects"]), 30);
  EXPECT_EQ(int64_t(s["inputs"]["logs"]["records"]), 8056);
  EXPECT_GT(int64_t(s["inputs"]["logs"]["bytes"]), 0);
  EXPECT_EQ(int64_t(s["tables"]["songs"]["rows"]), 71);
  EXPECT_EQ(int64_t(s["tables"]["artists"]["rows"]), 69);
  EXPECT_EQ(int64_t(s["tables"]["users"]["rows"]), 97);
  EXPECT_EQ(int64_t(s["tables"]["time"]["rows"]), 6813);
  EXPECT_EQ(int64_t(s["tables"]["songplays"]["rows"]), 6820);
  EXPECT_EQ(int64_t(s["tables"]["songplays"]["matched"]), 1);
  EXPECT_EQ(int64_t(s["rejects"]["count"]), 0);
  EXPECT_TRUE(s["seconds"]["parse"].is_number());
  EXPECT_FALSE(bool(s["fsync"]));  // the default: no sync (TransactionOptions::sync)
  EXPECT_TRUE(Exists(lake() + "/_rejects/rejects.jsonl"));
  EXPECT_EQ(ReadFile(lake() + "/_rejects/rejects.jsonl"), "");
}

TEST_F(SampleLake, LayoutIsHivePartitionedWithoutPartitionColumnsInFiles) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  std::set<std::string> dirs;
  for (const char* table : {"songs", "artists", "users", "time", "songplays"}) {
    for (const auto& [path, bytes] : ListFiles(lake() + "/" + table)) {
      EXPECT_TRUE(path.ends_with(".parquet")) << path;
      dirs.insert(stdfs::path(std::string(table) + "/" + path).parent_path().string());
      EXPECT_EQ(bytes.substr(0, 4), "PAR1") << path;
    }
  }
  EXPECT_TRUE(dirs.count("songplays/year=2018/month=11"));
  EXPECT_TRUE(dirs.count("time/year=2018/month=11"));
  EXPECT_TRUE(dirs.count("users"));
  EXPECT_TRUE(dirs.count("artists"));
  // Elena's song has year 0: the null partition.
  EXPECT_TRUE(dirs.count("songs/year=__HIVE_DEFAULT_PARTITION__/artist_id=AR5KOSW1187FB35FF4"));

  auto r = Duck({"DESCRIBE SELECT * FROM read_parquet('" + lake() +
                     "/songplays/**/*.parquet', hive_partitioning=false)",
                 "DESCRIBE SELECT * FROM read_parquet('" + lake() +
                     "/songs/**/*.parquet', hive_partitioning=false)"});
  std::vector<std::string> songplay_columns, song_columns;
  for (auto& row : r[0]) songplay_columns.push_back(*row["column_name"]);
  for (auto& row : r[1]) song_columns.push_back(*row["column_name"]);
  EXPECT_EQ(songplay_columns,
            (std::vector<std::string>{"songplay_id", "start_time", "user_id", "level", "song_id",
                                      "artist_id", "session_id", "location", "user_agent"}));
  EXPECT_EQ(song_columns, (std::vector<std::string>{"song_id", "title", "duration"}));
  if (r[0].size() > 1) {
    EXPECT_EQ(*r[0][1]["column_type"], "TIMESTAMP WITH TIME ZONE");
  }
}

TEST_F(SampleLake, DuckDbReadsTheRowsComputedIndependently) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  std::vector<Event> events = ReadEvents();
  ASSERT_EQ(events.size(), 8056u);

  auto r = Duck({
      "SELECT songplay_id, epoch_us(start_time) AS us, user_id, level, song_id, artist_id, "
      "session_id, location, user_agent, year, month FROM " +
          Table(lake(), "songplays"),
      "SELECT user_id, first_name, last_name, gender, level FROM " + Table(lake(), "users"),
      "SELECT epoch_ms(start_time) AS ms, hour, day, week, month, year, weekday FROM " +
          Table(lake(), "time"),
      "SELECT song_id, title, artist_id, year, duration FROM " + Table(lake(), "songs"),
      "SELECT count(*) AS n, count(DISTINCT artist_id) AS d FROM " + Table(lake(), "artists"),
  });

  // songplays: one per NextSong event, with the documented id.
  std::multiset<std::string> expected_plays, got_plays;
  std::set<int64_t> expected_times;
  for (const Event& e : events) {
    if (!e.next_song) continue;
    expected_times.insert(e.ts);
    bool setanta = e.song == "Setanta matins" && e.artist == "Elena";
    Calendar c = CalendarOf(e.ts);
    expected_plays.insert(
        std::to_string(ExpectedSongplayId(e)) + "|" + std::to_string(e.ts * 1000) + "|" +
        std::to_string(*e.user) + "|" + Opt(e.level) + "|" +
        (setanta ? "SOZCTXZ12AB0182364|AR5KOSW1187FB35FF4" : "<null>|<null>") + "|" +
        std::to_string(*e.session) + "|" + Opt(e.location) + "|" + Opt(e.agent) + "|" +
        std::to_string(c.year) + "|" + std::to_string(c.month));
  }
  for (auto& row : r[0]) {
    got_plays.insert(Opt(row["songplay_id"]) + "|" + Opt(row["us"]) + "|" + Opt(row["user_id"]) +
                     "|" + Opt(row["level"]) + "|" + Opt(row["song_id"]) + "|" +
                     Opt(row["artist_id"]) + "|" + Opt(row["session_id"]) + "|" +
                     Opt(row["location"]) + "|" + Opt(row["user_agent"]) + "|" + Opt(row["year"]) +
                     "|" + Opt(row["month"]));
  }
  EXPECT_EQ(got_plays.size(), 6820u);
  EXPECT_TRUE(got_plays == expected_plays);
  int matched = 0;
  for (auto& row : r[0]) {
    if (!row["song_id"]) continue;
    ++matched;
    // The one match: "Setanta matins" by Elena, played by user 15 (Lily Koch).
    EXPECT_EQ(row["song_id"], "SOZCTXZ12AB0182364");
    EXPECT_EQ(row["artist_id"], "AR5KOSW1187FB35FF4");
    EXPECT_EQ(row["user_id"], "15");
    EXPECT_EQ(row["us"], "1542837407796000");
  }
  EXPECT_EQ(matched, 1);

  // users: every userId of any page, from the latest event.
  std::map<int64_t, const Event*> latest;
  std::map<int64_t, std::set<std::string>> levels_seen;
  for (const Event& e : events) {
    if (!e.user) continue;
    levels_seen[*e.user].insert(Opt(e.level));
    auto key = [](const Event* x) { return std::make_tuple(x->ts, *x->session, *x->item); };
    if (!latest.count(*e.user) || key(&e) >= key(latest[*e.user])) latest[*e.user] = &e;
  }
  std::map<int64_t, std::string> expected_users, got_users;
  for (auto& [id, e] : latest) {
    expected_users[id] =
        Opt(e->first) + "|" + Opt(e->last) + "|" + Opt(e->gender) + "|" + Opt(e->level);
  }
  for (auto& row : r[1]) {
    got_users[std::stoll(*row["user_id"])] = Opt(row["first_name"]) + "|" + Opt(row["last_name"]) +
                                             "|" + Opt(row["gender"]) + "|" + Opt(row["level"]);
  }
  EXPECT_EQ(got_users.size(), 97u);
  EXPECT_TRUE(got_users == expected_users);
  // A user whose level changed keeps the latest one.
  int changed = 0;
  for (auto& [id, levels] : levels_seen) {
    if (levels.size() < 2) continue;
    ++changed;
    EXPECT_EQ(got_users[id], expected_users[id]);
    EXPECT_TRUE(got_users[id].ends_with("|" + Opt(latest[id]->level)));
  }
  EXPECT_GT(changed, 0);

  // time: one row per distinct NextSong start_time, with ISO week and weekday.
  std::map<int64_t, std::string> got_time;
  for (auto& row : r[2]) {
    got_time[std::stoll(*row["ms"])] = Opt(row["hour"]) + "|" + Opt(row["day"]) + "|" +
                                       Opt(row["week"]) + "|" + Opt(row["month"]) + "|" +
                                       Opt(row["year"]) + "|" + Opt(row["weekday"]);
  }
  EXPECT_EQ(got_time.size(), 6813u);
  EXPECT_EQ(expected_times.size(), 6813u);
  for (int64_t ts : expected_times) {
    Calendar c = CalendarOf(ts);
    std::string want = std::to_string(c.hour) + "|" + std::to_string(c.day) + "|" +
                       std::to_string(c.week) + "|" + std::to_string(c.month) + "|" +
                       std::to_string(c.year) + "|" + std::to_string(c.weekday);
    ASSERT_EQ(got_time[ts], want) << ts;
  }
  // A known timestamp: 2018-11-21T21:56:47.796Z, a Wednesday of ISO week 47.
  EXPECT_EQ(got_time[1542837407796], "21|21|47|11|2018|3");

  // songs: every song file's record, year 0 as null.
  std::map<std::string, std::string> got_songs, expected_songs;
  for (auto& row : r[3]) {
    got_songs[*row["song_id"]] =
        Opt(row["title"]) + "|" + Opt(row["artist_id"]) + "|" + Opt(row["year"]);
  }
  dom::parser parser;
  for (const auto& e : stdfs::recursive_directory_iterator(SampleDir() + "/song_data")) {
    if (e.path().extension() != ".json") continue;
    dom::object o = parser.parse(ReadFile(e.path().string())).get_object();
    auto year = Int(o, "year");
    expected_songs[*Text(o, "song_id")] = Opt(Text(o, "title")) + "|" + Opt(Text(o, "artist_id")) +
                                          "|" +
                                          (year && *year != 0 ? std::to_string(*year) : "<null>");
  }
  EXPECT_EQ(got_songs.size(), 71u);
  EXPECT_TRUE(got_songs == expected_songs);
  ASSERT_EQ(r[4].size(), 1u);
  EXPECT_EQ(r[4][0]["n"], "69");
  EXPECT_EQ(r[4][0]["d"], "69");
}

TEST(EtlCli, HelpVersionAndUsageErrors) {
  auto help = RunSparkify({"etl", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag :
       {"--songs", "--logs", "--out", "--config", "--threads", "--compression", "--max-rejects",
        "--endpoint", "--no-sign-request", "--force-unlock", "--incremental", "--fsync"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  for (auto args : {std::vector<std::string>{"--version"}, {"etl", "--version"}}) {
    auto version = RunSparkify(args);
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE((version.out + version.err).find(SPARKIFY_VERSION), std::string::npos);
  }

  TempDir tmp;
  std::string songs = SampleDir() + "/song_data", logs = SampleDir() + "/log_data";
  std::vector<std::vector<std::string>> usage_errors = {
      {"etl", "--songs", songs, "--logs", logs},  // no --out
      {"etl", "--songs", songs, "--logs", logs, "--out", tmp / "o", "--compression", "lz4"},
      {"etl", "--songs", songs, "--logs", logs, "--out", tmp / "o", "--threads", "0"},
      {"etl", "--songs", songs, "--logs", logs, "--out", tmp / "o", "--bogus"},
      {"etl", "--songs", songs, "--logs", logs, "--out", tmp / "o", "--config", tmp / "none.cfg"},
      {"etl", "--songs", tmp / "missing", "--logs", logs, "--out", tmp / "o"},
      {"etl", "--songs", songs, "--logs", logs, "--out", "ftp://host/x"},
  };
  for (const auto& args : usage_errors) {
    auto r = RunSparkify(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << "\n" << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  auto missing =
      RunSparkify({"etl", "--songs", tmp / "missing", "--logs", logs, "--out", tmp / "o"});
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find(tmp / "missing"), std::string::npos) << missing.err;
  EXPECT_FALSE(Exists(tmp / "o/_SUCCESS"));
}

TEST(EtlCli, UnwritableOutputFailsClearly) {
  TempDir tmp;
  WriteFile(tmp / "file", "a regular file cannot hold a lake");
  auto r = RunSparkify({"etl", "--songs", SampleDir() + "/song_data", "--logs",
                        SampleDir() + "/log_data", "--out", tmp / "file/lake"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(tmp / "file/lake"), std::string::npos) << r.err;
}

TEST(EtlCli, CompressionChoicesAreReadableAndRerunsReplace) {
  TempDir tmp;
  std::string lake = tmp / "lake";
  std::vector<std::string> base = {
      "etl",   "--songs", SampleDir() + "/song_data", "--logs", SampleDir() + "/log_data",
      "--out", lake};
  std::string sum;
  for (const char* codec : {"zstd", "none", "snappy"}) {
    auto args = base;
    args.insert(args.end(), {"--compression", codec});
    auto r = RunSparkify(args);
    ASSERT_EQ(r.exit_code, 0) << codec << "\n" << r.err;
    auto d = Duck(
        {"SELECT count(*) AS n, sum(songplay_id % 1000) AS s FROM " + Table(lake, "songplays")});
    ASSERT_EQ(d[0].size(), 1u);
    // Each run replaces the previous one: never 2x the rows.
    EXPECT_EQ(d[0][0]["n"], "6820") << codec;
    if (sum.empty()) sum = *d[0][0]["s"];
    EXPECT_EQ(d[0][0]["s"], sum) << codec;
  }
}

// --fsync flushes the lake to disk around the commit point (the order is
// tested in lake_commit_test); here: the flag reaches the run, which commits
// the same rows and records that it synced.
TEST(EtlCli, FsyncRunCommitsAndSaysSo) {
  TempDir tmp;
  std::string lake = tmp / "lake";
  auto r = RunSparkify({"etl", "--songs", SampleDir() + "/song_data", "--logs",
                        SampleDir() + "/log_data", "--out", lake, "--fsync"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  dom::parser parser;
  std::string summary = ReadFile(lake + "/_run_summary.json");
  dom::element s = parser.parse(summary);
  EXPECT_TRUE(bool(s["fsync"]));
  EXPECT_EQ(int64_t(s["tables"]["songplays"]["rows"]), 6820);
  auto d = Duck({"SELECT count(*) AS n FROM " + Table(lake, "songplays")});
  ASSERT_EQ(d[0].size(), 1u);
  EXPECT_EQ(d[0][0]["n"], "6820");
}

}  // namespace
}  // namespace sparkify::e2e
