// songplay_id: a stable 63-bit id derived from the event's content, so the
// same event gets the same id on every run, with any thread count, and when
// logs are loaded over several incremental runs (no counter, no file order).
//
// The identity of an event is (ts, userId, sessionId, itemInSession): eventsim
// numbers the items of a session, so no two real events share it.
//   id = Mix(FNV-1a-64 over the little-endian int64s ts, user_id, session_id,
//            item_in_session, salt) & (2^63 - 1)
// where a null session_id or item_in_session is encoded as INT64_MIN and Mix is
// the splitmix64 finaliser. salt is 0; AssignSongplayIds() raises it for an
// event whose id is already taken within the run (an exact duplicate line, or
// a hash collision), the later event in (object path, position) order moving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sparkify::lake {

struct EventIdentity {
  int64_t ts = 0;
  int64_t user_id = 0;
  std::optional<int64_t> session_id;
  std::optional<int64_t> item_in_session;
};

int64_t SongplayId(const EventIdentity& identity, uint64_t salt = 0);

// out[i] = SongplayId(events[i]) (salt 0) for i < n; several ids at a time
// (each is a chain of 40 dependent multiplications, so interleaving four
// chains runs them about four times as fast).
void SongplayIds(const EventIdentity* events, size_t n, int64_t* out);

// The same for events kept as columns, as songplays keep them: event i has
// ts start_us[i] / 1000 (start times are whole milliseconds), and a null
// session or item where its valid byte is 0.
struct EventColumns {
  const int64_t* start_us;
  const int64_t* user_id;
  const int64_t* session_id;
  const uint8_t* session_valid;
  const int64_t* item_in_session;
  const uint8_t* item_valid;
};
void SongplayIds(const EventColumns& events, size_t n, int64_t* out);

// Ids for `events` (given in (object path, position) order), unique within
// the vector: the first event keeps salt 0, later duplicates get the next free salt.
std::vector<int64_t> AssignSongplayIds(const std::vector<EventIdentity>& events);

}  // namespace sparkify::lake
