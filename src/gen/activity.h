// Eventsim-like activity: users, listening sessions and one JSON-lines file per
// UTC day under log_data/YYYY/MM/YYYY-MM-DD-events.json.
//
//   1. ActivityModel model = BuildActivityModel(options, catalogue);  // users, plans
//   2. for each day d (in any order, on any thread):
//        WriteDay(model, catalogue, d, sink) -> DayStats
//
// Each day is generated from its own random stream and a session-id range fixed
// by the plan, so days can be written in parallel and the bytes do not depend on
// the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gen/catalogue.h"

namespace sparkify::gen {

struct ActivityOptions {
  uint64_t seed = 1;
  int64_t events = 100000;   // valid log records in all day files together
  int64_t bad_lines = 0;     // extra malformed or rejectable lines
  int days = 30;             // from 2018-11-01 on
  double match_rate = 0.05;  // share of NextSong events that match a catalogue song
};

enum class BadLineKind : uint8_t {
  kTruncatedJson = 0,     // a line cut short
  kTsNotInteger = 1,      // "ts" holds a date string
  kNonNumericUserId = 2,  // "userId":"guest"
  kNextSongNoUserId = 3,  // a NextSong event with no userId key
};
inline constexpr int kBadLineKinds = 4;

struct User {
  // Ready-to-copy JSON fragments: the hot loop only appends bytes.
  std::string first_and_gender;  // "firstName":"Celeste","gender":"F"
  std::string last_name;         // "lastName":"Williams"
  std::string location;          // "location":"Klamath Falls, OR"
  std::string registration;      // "registration":1541077528796.0
  std::string user_agent;        // "userAgent":"\"Mozilla\/5.0 ...\""
  std::string user_id;           // "userId":"53"
  std::string user_id_number;    // "userId":53
  bool initially_paid = false;
  int64_t level_change_ts = INT64_MAX;  // free<->paid flips at this ts (ms)
  bool PaidAt(int64_t ts) const { return initially_paid != (ts >= level_change_ts); }
};

// A song as it appears in the logs: "artist" and "song" values, already escaped.
struct PlayedSong {
  std::string artist_double;  // double-encoded when not ASCII, else same as proper
  std::string artist_proper;
  std::string title_double;
  std::string title_proper;
  std::string title_number;  // non-empty when the title may be written as a JSON number
  int64_t length_e5 = 0;
};

struct DayPlan {
  int64_t start_ms = 0;       // 00:00 UTC
  std::string relative_path;  // "2018/11/2018-11-01-events.json"
  int64_t events = 0;
  int64_t first_session_id = 0;
  std::vector<uint16_t> session_lengths;  // events per session; they sum to `events`
  std::vector<std::pair<int64_t, BadLineKind>> bad_lines;  // (before record #, kind), sorted
};

struct ActivityModel {
  ActivityOptions options;
  std::vector<User> users;
  std::vector<PlayedSong> world_songs;      // songs outside the catalogue
  std::vector<PlayedSong> catalogue_songs;  // log form of each matchable catalogue song
  std::vector<DayPlan> days;
};

ActivityModel BuildActivityModel(const ActivityOptions& options, const Catalogue& catalogue);

struct DayStats {
  int64_t bytes = 0;
  int64_t records = 0;  // valid records (bad lines not included)
  int64_t bad_lines = 0;
  int64_t next_songs = 0;
  int64_t planned_matches = 0;  // NextSong events drawn from the catalogue
};

// Generates day `day` and hands its bytes to `sink` in large chunks, in order.
// `sink` returns false to stop (an I/O error); WriteDay then returns false too.
bool WriteDay(const ActivityModel& model, int day,
              const std::function<bool(std::string_view)>& sink, DayStats* stats);

// "YYYY/MM/YYYY-MM-DD-events.json" for a UTC day start in epoch milliseconds.
std::string DayFilePath(int64_t day_start_ms);

}  // namespace sparkify::gen
