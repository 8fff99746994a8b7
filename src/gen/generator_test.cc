// Checks the generator's output by reading it back with simdjson, independently
// of the generator's own bookkeeping: determinism, the real data's quirks, the
// counts and the share of plays that match the catalogue.
#include "gen/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sparkify::gen {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Relative path -> bytes, for every file under `root`.
std::map<std::string, std::string> ReadTree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), root).string()] = ReadFile(entry.path());
    }
  }
  return files;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

// Decodes UTF-8 into code points; false when invalid.
bool DecodeUtf8(const std::string& s, std::vector<uint32_t>* out) {
  out->clear();
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0xF) : (c & 7);
    for (int k = 1; k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    out->push_back(cp);
    i += len;
  }
  return true;
}

// The repair the spec asks of the ETL, written independently of the generator:
// read the text's code points as Latin-1 bytes while the result is valid UTF-8.
std::string Repair(std::string text) {
  std::vector<uint32_t> cps, check;
  for (int round = 0; round < 4; ++round) {
    if (!DecodeUtf8(text, &cps)) return text;
    std::string bytes;
    bool latin1 = true, changed = false;
    for (uint32_t cp : cps) {
      if (cp > 0xFF) {
        latin1 = false;
        break;
      }
      if (cp >= 0x80) changed = true;
      bytes.push_back(static_cast<char>(cp));
    }
    if (!latin1 || !changed || !DecodeUtf8(bytes, &check)) return text;
    text = bytes;
  }
  return text;
}

// A text field: strings as they are, numbers as their JSON text, null/absent as nullopt.
std::optional<std::string> Text(simdjson::dom::object obj, const char* key) {
  simdjson::dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  if (e.is_string()) return std::string(std::string_view(e));
  return simdjson::minify(e);
}

class GeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("sparkify_gen_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  GenerateOptions Options(const std::string& name) {
    GenerateOptions opt;
    opt.out_dir = (root_ / name).string();
    opt.songs = 3000;
    opt.events = 40000;
    opt.bad_lines = 12;
    opt.days = 10;
    opt.seed = 7;
    opt.threads = 2;
    return opt;
  }

  fs::path root_;
};

TEST_F(GeneratorTest, SameSeedGivesIdenticalBytesWhateverTheThreads) {
  GenerateOptions a = Options("a");
  a.threads = 1;
  GenerateOptions b = Options("b");
  b.threads = 2;
  GenerateOptions c = Options("c");
  c.seed = 8;
  ASSERT_TRUE(Generate(a).ok());
  ASSERT_TRUE(Generate(b).ok());
  ASSERT_TRUE(Generate(c).ok());
  auto ta = ReadTree(a.out_dir), tb = ReadTree(b.out_dir), tc = ReadTree(c.out_dir);
  ASSERT_EQ(ta.size(), tb.size());
  EXPECT_TRUE(ta == tb);
  EXPECT_FALSE(ta == tc);
  int64_t differing_logs = 0;
  for (const auto& [path, bytes] : ta) {
    if (path.rfind("log_data", 0) == 0 && tc.count(path) && tc[path] != bytes) ++differing_logs;
  }
  EXPECT_EQ(differing_logs, a.days);
}

TEST_F(GeneratorTest, RefusesToMixWithAnExistingDataSet) {
  GenerateOptions opt = Options("x");
  opt.events = 100;
  opt.songs = 10;
  ASSERT_TRUE(Generate(opt).ok());
  Result<GenerateReport> again = Generate(opt);
  EXPECT_TRUE(again.status().IsInvalidArgument());
  opt.overwrite = true;
  EXPECT_TRUE(Generate(opt).ok());
}

TEST_F(GeneratorTest, OutputHasTheRealQuirksCountsAndMatchRate) {
  GenerateOptions opt = Options("q");
  Result<GenerateReport> report = Generate(opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  simdjson::dom::parser parser;

  // --- songs ---
  int64_t song_files = 0, song_records = 0, numeric_titles = 0, numeric_artists = 0,
          null_locations = 0, empty_locations = 0, missing_lat_keys = 0, year_zero = 0;
  std::set<std::string> song_ids;
  int64_t repeated_song_ids = 0;
  std::map<std::string, std::set<std::string>> artist_variants;
  // (title, artist name) -> durations, for the match test.
  std::map<std::pair<std::string, std::string>, std::vector<double>> catalogue;
  const fs::path song_root = fs::path(opt.out_dir) / "song_data";
  for (const auto& entry : fs::recursive_directory_iterator(song_root)) {
    if (!entry.is_regular_file()) continue;
    ++song_files;
    const fs::path rel = fs::relative(entry.path(), song_root);
    const std::string stem = entry.path().stem().string();
    // MSD layout: A/B/C/TRABC....json
    ASSERT_EQ(std::distance(rel.begin(), rel.end()), 4) << rel;
    EXPECT_EQ(stem.substr(0, 2), "TR");
    EXPECT_EQ(rel.begin()->string(), stem.substr(2, 1));
    const std::string text = ReadFile(entry.path());
    EXPECT_NE(text.back(), '\n');  // as the real files
    for (const std::string& line : SplitLines(text)) {
      simdjson::dom::object obj;
      ASSERT_EQ(parser.parse(line).get(obj), simdjson::SUCCESS) << line;
      ++song_records;
      EXPECT_EQ(int64_t(obj["num_songs"]), 1);
      std::string song_id{std::string_view(obj["song_id"])};
      if (!song_ids.insert(song_id).second) ++repeated_song_ids;
      if (obj["title"].is_number()) ++numeric_titles;
      if (obj["artist_name"].is_number()) ++numeric_artists;
      simdjson::dom::element loc;
      if (obj["artist_location"].get(loc) == simdjson::SUCCESS) {
        if (loc.is_null()) ++null_locations;
        if (loc.is_string() && std::string_view(loc).empty()) ++empty_locations;
      }
      simdjson::dom::element lat;
      bool has_coords = false;
      if (obj["artist_latitude"].get(lat) != simdjson::SUCCESS) {
        ++missing_lat_keys;
      } else {
        EXPECT_TRUE(lat.is_null() || lat.is_double());
        has_coords = lat.is_double();
      }
      EXPECT_TRUE(obj["duration"].is_double());
      if (int64_t(obj["year"]) == 0) ++year_zero;
      std::string artist_id{std::string_view(obj["artist_id"])};
      artist_variants[artist_id].insert(Text(obj, "artist_name").value_or("") + "|" +
                                        Text(obj, "artist_location").value_or("") + "|" +
                                        (has_coords ? "coords" : "none"));
      auto title = Text(obj, "title");
      auto name = Text(obj, "artist_name");
      if (title && name) catalogue[{*title, *name}].push_back(double(obj["duration"]));
    }
  }
  EXPECT_EQ(song_files, opt.songs);
  EXPECT_EQ(song_records, opt.songs);
  EXPECT_EQ(static_cast<int64_t>(song_ids.size()), report->distinct_song_ids);
  EXPECT_GT(repeated_song_ids, 0);
  EXPECT_GT(numeric_titles, 0);
  EXPECT_GT(numeric_artists, 0);
  EXPECT_GT(null_locations, 0);
  EXPECT_GT(empty_locations, 0);
  EXPECT_GT(missing_lat_keys, 0);
  EXPECT_GT(year_zero, opt.songs / 4);
  int64_t artists_with_variants = 0;
  for (const auto& [id, variants] : artist_variants) artists_with_variants += variants.size() > 1;
  EXPECT_GT(artists_with_variants, 10);

  // --- logs ---
  int64_t log_files = 0, lines = 0, records = 0, invalid_json = 0, bad_ts = 0, bad_user = 0,
          next_song_without_user = 0, next_songs = 0, matched = 0, double_encoded = 0,
          logged_out = 0, missing_keys = 0, empty_not_null = 0, files_without_newline = 0,
          numeric_songs = 0;
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>>
      levels;  // user -> (ts, level)
  const std::set<std::string> logged_out_pages = {"Home", "Login", "About", "Help"};
  const fs::path log_root = fs::path(opt.out_dir) / "log_data";
  for (const auto& entry : fs::recursive_directory_iterator(log_root)) {
    if (!entry.is_regular_file()) continue;
    ++log_files;
    EXPECT_EQ(entry.path().parent_path().parent_path().filename(), "2018");
    const std::string text = ReadFile(entry.path());
    if (!text.empty() && text.back() != '\n') ++files_without_newline;
    for (const std::string& line : SplitLines(text)) {
      ++lines;
      simdjson::dom::object obj;
      if (parser.parse(line).get(obj) != simdjson::SUCCESS) {
        ++invalid_json;
        continue;
      }
      simdjson::dom::element ts;
      if (obj["ts"].get(ts) != simdjson::SUCCESS || !ts.is_int64()) {
        ++bad_ts;
        continue;
      }
      auto user = Text(obj, "userId");
      auto page = Text(obj, "page");
      if (page == "NextSong" && (!user || user->empty())) {
        ++next_song_without_user;
        continue;
      }
      if (user && !user->empty() && user->find_first_not_of("0123456789") != std::string::npos) {
        ++bad_user;
        continue;
      }
      ++records;
      if (obj.size() < 18) ++missing_keys;
      simdjson::dom::element reg;
      if (obj["registration"].get(reg) == simdjson::SUCCESS && !reg.is_null()) {
        EXPECT_TRUE(reg.is_double()) << line;
      }
      if (user->empty()) {
        ++logged_out;
        EXPECT_EQ(Text(obj, "auth"), "Logged Out");
        EXPECT_TRUE(logged_out_pages.count(*page)) << *page;
        if (Text(obj, "firstName") == "") ++empty_not_null;
      } else {
        levels[*user].emplace_back(int64_t(ts), *Text(obj, "level"));
      }
      if (page != "NextSong") continue;
      ++next_songs;
      auto artist = Text(obj, "artist");
      auto song = Text(obj, "song");
      ASSERT_TRUE(artist && song) << line;
      if (obj["song"].is_number()) ++numeric_songs;
      std::string fixed_artist = Repair(*artist), fixed_song = Repair(*song);
      if (fixed_artist != *artist || fixed_song != *song) ++double_encoded;
      auto it = catalogue.find({fixed_song, fixed_artist});
      if (it == catalogue.end()) continue;
      double length = double(obj["length"]);
      for (double d : it->second) {
        if (std::fabs(d - length) <= 0.01) {
          ++matched;
          break;
        }
      }
    }
  }
  EXPECT_EQ(log_files, opt.days);
  EXPECT_EQ(records, opt.events);
  EXPECT_EQ(lines, opt.events + opt.bad_lines);
  EXPECT_EQ(invalid_json + bad_ts + bad_user + next_song_without_user, opt.bad_lines);
  EXPECT_GT(invalid_json, 0);
  EXPECT_GT(bad_ts, 0);
  EXPECT_GT(bad_user, 0);
  EXPECT_GT(next_song_without_user, 0);
  EXPECT_EQ(next_songs, report->next_song_events);
  EXPECT_GT(next_songs, opt.events * 8 / 10);
  const double match_rate = static_cast<double>(matched) / next_songs;
  EXPECT_GT(match_rate, 0.04);
  EXPECT_LT(match_rate, 0.06);
  EXPECT_GT(double_encoded, 0);
  EXPECT_GT(logged_out, 0);
  EXPECT_GT(missing_keys, 0);
  EXPECT_GT(empty_not_null, 0);
  EXPECT_GT(numeric_songs, 0);
  EXPECT_GT(files_without_newline, 0);
  EXPECT_LT(files_without_newline, log_files);
  int64_t upgraded = 0;
  for (auto& [user, history] : levels) {
    std::sort(history.begin(), history.end());
    if (history.front().second == "free" && history.back().second == "paid") ++upgraded;
  }
  EXPECT_GT(upgraded, 0);
  EXPECT_GT(levels.size(), 50u);
}

TEST_F(GeneratorTest, SeveralSongsPerFileAndFolderFanOut) {
  GenerateOptions opt = Options("m");
  opt.songs = 100;
  opt.events = 50;
  opt.songs_per_file = 4;
  opt.song_files_per_dir = 5;
  ASSERT_TRUE(Generate(opt).ok());
  int64_t files = 0, records = 0;
  std::set<std::string> dirs;
  simdjson::dom::parser parser;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(opt.out_dir) / "song_data")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    dirs.insert(entry.path().parent_path().string());
    for (const std::string& line : SplitLines(ReadFile(entry.path()))) {
      simdjson::dom::element e;
      ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS);
      ++records;
    }
  }
  EXPECT_EQ(files, 25);
  EXPECT_EQ(records, 100);
  EXPECT_EQ(dirs.size(), 5u);
}

}  // namespace
}  // namespace sparkify::gen
