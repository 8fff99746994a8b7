// What one chunk of log events adds to the tables, computed on a worker
// thread with no shared state (the streaming log stage, log_stream.h):
//
//   LogBatch + SongMatcher --DeriveChunkRows--> ChunkRows
//     songplays, grouped by (year, month) partition, ids with salt 0
//     (SongplayFiles makes them unique); their text as codes into the chunk's
//     TextPool, each distinct string copied once (the batch is freed right
//     after; a user's agent, place and level repeat with every event);
//     the distinct start times of each partition (for the time table);
//     each user's latest event in the chunk (for the users table), its text
//     copied into one buffer (UserText), so that users move as plain structs.
//
// Same rules as the in-memory transform (transform.h): every NextSong event
// with a user is a songplay, matched with SongMatcher; users keep their
// latest event by (ts, sessionId, itemInSession), the later one in input
// order on a full tie.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lake/records.h"
#include "lake/text_pool.h"
#include "lake/transform.h"

namespace sparkify::lake {

// An allocator whose resize() leaves new elements of trivial types
// uninitialised: a segment's columns are sized once and then every element is
// written, so zero-filling them first was a wasted pass over fresh memory.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A column of a segment: a vector that resize() does not zero.
template <typename T>
using SegmentColumn = std::vector<T, UninitializedAllocator<T>>;

// A nullable int64 column of a segment (a null row holds 0 with valid 0).
struct NullableSegmentColumn {
  SegmentColumn<int64_t> values;
  SegmentColumn<uint8_t> valid;

  std::optional<int64_t> Get(size_t row) const {
    return valid[row] ? std::optional<int64_t>(values[row]) : std::nullopt;
  }
};

// Songplays of one (year, month) partition from one chunk, in input order.
struct SongplaySegment {
  int32_t year = 0, month = 0;
  SegmentColumn<int64_t> songplay_id;
  SegmentColumn<int64_t> start_time_us;
  SegmentColumn<int64_t> user_id;
  NullableSegmentColumn session_id, item_in_session;
  // Codes into `text` (TextPool::kNull for a null), shared by the chunk's segments.
  std::shared_ptr<const TextPool> text;
  SegmentColumn<uint32_t> level, location, user_agent;
  SegmentColumn<const SongRow*> song;  // the matched song (owned by the songs table) or nullptr
  // The distinct start times, sorted; empty when they are start_time_us itself
  // (strictly increasing: the usual case, logs being in time order), so that
  // the time table's bookkeeping does not copy every songplay's time twice.
  std::vector<int64_t> distinct_start_us;

  size_t size() const { return start_time_us.size(); }
  // The distinct start times, sorted: distinct_size() of them from distinct_begin().
  const int64_t* distinct_begin() const {
    return distinct_start_us.empty() ? start_time_us.data() : distinct_start_us.data();
  }
  size_t distinct_size() const {
    return distinct_start_us.empty() ? start_time_us.size() : distinct_start_us.size();
  }
};

// The order of a user's events, EventOrderOf(ts, sessionId, itemInSession),
// as plain fields, compared without building tuples of optionals: a null
// sorts first.
struct EventKey {
  int64_t ts = 0, session = 0, item = 0;
  bool has_session = false, has_item = false;

  bool operator<(const EventKey& o) const {
    if (ts != o.ts) return ts < o.ts;
    if (has_session != o.has_session) return o.has_session;
    if (has_session && session != o.session) return session < o.session;
    if (has_item != o.has_item) return o.has_item;
    return has_item && item < o.item;
  }
};

// The text fields of a users row, in the table's order.
enum UserField { kFirstName, kLastName, kGender, kLevel, kUserFields };

// A user's latest event within some set of events. Its text lives in a
// buffer kept beside it: the fields one after the other from `text`, field
// k `length[k]` bytes long (0 for a null), present when bit k of `valid` is set.
struct UserCandidate {
  int64_t user_id = 0;
  EventKey order;
  size_t text = 0;
  uint32_t length[kUserFields] = {};
  uint8_t valid = 0;
};

// Field `field` of `u`, whose text is in `buffer`; nullopt for a null.
std::optional<std::string_view> UserText(std::string_view buffer, const UserCandidate& u,
                                         UserField field);

// The bytes of all of `u`'s fields, in `buffer`.
std::string_view UserTextBytes(std::string_view buffer, const UserCandidate& u);

// True when `later` replaces `current` as a user's latest event, `later`
// coming after `current` in input order: its (ts, sessionId, itemInSession)
// key is greater or equal (a null sorts first).
inline bool ReplacesLatest(const UserCandidate& later, const UserCandidate& current) {
  return !(later.order < current.order);
}

struct ChunkRows {
  std::vector<std::shared_ptr<SongplaySegment>> segments;  // ascending (year, month)
  // The chunk's songplays in input order -> segment; empty when there is one
  // segment (the usual case: a chunk holds hours of one month).
  std::vector<uint32_t> segment_of_row;
  std::vector<UserCandidate> users;  // one per user_id, ascending user_id
  std::string user_text;             // the users' text (UserCandidate)
  uint64_t matched = 0;              // songplays matched to a song
};

ChunkRows DeriveChunkRows(const LogBatch& batch, const SongMatcher& matcher);

}  // namespace sparkify::lake
