// The transform stage: pure functions from parsed batches to the rows of the
// five tables (SPEC.md "Output tables"). No I/O, no globals, so a later
// incremental run can call them on new batches and merge with what it read
// back from the lake.
//
// Input order matters: batches must be given in (object path) order, each
// covering its own objects, as the parse stage produces them; then "first by
// (object path, position)" is simply "first by (batch, row)".
//
// Rows hold string_views into the batches: keep the batches alive while the
// rows are used.
//
// How to use:
//   auto songs = BuildSongs(song_batches);
//   auto artists = BuildArtists(song_batches);
//   auto users = BuildUsers(log_batches);
//   auto songplays = BuildSongplays(log_batches, songs);
//   auto time = BuildTime(songplays);
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "lake/records.h"

namespace sparkify::lake {

using Text = std::optional<std::string_view>;

struct SongRow {
  std::string_view song_id;
  Text title;
  Text artist_id;
  std::optional<int32_t> year;  // null when the source says 0
  std::optional<double> duration;
  Text artist_name;  // not stored in songs; used to match log events
};

struct ArtistRow {
  std::string_view artist_id;
  Text name;
  Text location;
  std::optional<double> latitude;
  std::optional<double> longitude;
};

struct UserRow {
  int64_t user_id = 0;
  Text first_name, last_name, gender, level;
};

struct TimeRow {
  int64_t start_time_us = 0;
  int32_t hour = 0, day = 0, week = 0, month = 0, year = 0, weekday = 0;
};

struct SongplayRow {
  int64_t songplay_id = 0;
  int64_t start_time_us = 0;
  int64_t user_id = 0;
  Text level;
  Text song_id;
  Text artist_id;
  std::optional<int64_t> session_id;
  Text location;
  Text user_agent;
};

// One row per song_id, the first by (object path, position); sorted by song_id.
std::vector<SongRow> BuildSongs(const std::vector<const SongBatch*>& batches);

// One row per non-null artist_id over all song records: the variant with the
// most non-null fields among name, location, latitude, longitude; ties go to
// the smallest song_id, then to the first by (object path, position). Sorted by artist_id.
std::vector<ArtistRow> BuildArtists(const std::vector<const SongBatch*>& batches);

// The order of a user's events: (ts, sessionId, itemInSession), a null
// sorting before every value.
using EventOrder = std::tuple<int64_t, bool, int64_t, bool, int64_t>;
inline EventOrder EventOrderOf(int64_t ts, std::optional<int64_t> session_id,
                               std::optional<int64_t> item_in_session) {
  return {ts, session_id.has_value(), session_id.value_or(0), item_in_session.has_value(),
          item_in_session.value_or(0)};
}

// One row per user_id seen in any event, from the user's latest event by
// (ts, sessionId, itemInSession) (a null sorts first; a full tie goes to the
// later event in input order). Sorted by user_id.
std::vector<UserRow> BuildUsers(const std::vector<const LogBatch*>& batches);

// Matching tolerance between a log event's `length` and a song's `duration`.
inline constexpr double kDurationTolerance = 0.01;

// Finds the song of a log event: title == song, artist_name == artist and
// |duration - length| <= kDurationTolerance; the smallest song_id when several
// match. Build once over the deduplicated songs.
class SongMatcher {
 public:
  explicit SongMatcher(const std::vector<SongRow>& songs);
  ~SongMatcher();
  SongMatcher(const SongMatcher&) = delete;
  SongMatcher& operator=(const SongMatcher&) = delete;
  // The matching song, or nullptr.
  const SongRow* Match(Text title, Text artist, std::optional<double> length) const;
  // The same for an event that has all three (no optionals passed through memory).
  const SongRow* Match(std::string_view title, std::string_view artist, double length) const;

 private:
  class Index;
  const std::vector<SongRow>& songs_;
  Index* index_;
};

// One row per NextSong event (every one, matched or not), in input order, with
// ids from AssignSongplayIds (songplay_id.h).
std::vector<SongplayRow> BuildSongplays(const std::vector<const LogBatch*>& batches,
                                        const std::vector<SongRow>& songs);

// The time table's row of one start_time.
TimeRow MakeTimeRow(int64_t start_time_us);

// One row per distinct start_time of the songplays; sorted by start_time.
std::vector<TimeRow> BuildTime(const std::vector<SongplayRow>& songplays);

}  // namespace sparkify::lake
