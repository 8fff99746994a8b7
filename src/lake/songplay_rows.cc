#include "lake/songplay_rows.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "lake/calendar.h"
#include "lake/songplay_id.h"
#include "parquet/dictionary_encoder.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMillisPerDay = 86'400'000;

// The order key of row `r` of a batch.
EventKey KeyOf(const LogBatch& b, size_t r) {
  return EventKey{b.ts[r], b.session_id.values[r], b.item_in_session.values[r],
                  b.session_id.valid[r] != 0, b.item_in_session.valid[r] != 0};
}

// KeyOf(b, r) < KeyOf(b, q), the keys built only when the times tie (rare:
// a user's events have times of their own).
inline bool EventBefore(const LogBatch& b, size_t r, size_t q) {
  if (b.ts[r] != b.ts[q]) return b.ts[r] < b.ts[q];
  return KeyOf(b, r) < KeyOf(b, q);
}

using parquet::Load32;
using parquet::Load64;

// Equality of texts, inline up to kInlineCompareBytes (a level is four
// bytes, a place ~30, a user agent ~130): words, the last one overlapping,
// differences or'ed together, instead of a libc call. Texts compared here are
// nearly always equal (a user's text rarely changes), so there is nothing to
// gain from stopping early, and memcmp's call and size dispatch cost more than
// the loads. parquet::SameBytes (the dictionary probes' equality) goes inline
// only up to 24 bytes, which would send most places to memcmp.
constexpr size_t kInlineCompareBytes = 256;
// Sixteen bytes as two words, which the compiler keeps in one vector register.
using Words16 = uint64_t __attribute__((vector_size(16)));
inline Words16 Load128(const char* p) {
  Words16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline bool SameText(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    if (n > kInlineCompareBytes) return std::memcmp(p, q, n) == 0;
    if (n >= 16) {
      // Sixteen bytes at a time, the last block overlapping.
      Words16 d = Load128(p + n - 16) ^ Load128(q + n - 16);
      for (size_t i = 0; i + 16 <= n; i += 16) d |= Load128(p + i) ^ Load128(q + i);
      return (d[0] | d[1]) == 0;
    }
    return ((Load64(p) ^ Load64(q)) | (Load64(p + n - 8) ^ Load64(q + n - 8))) == 0;
  }
  if (n >= 4) return ((Load32(p) ^ Load32(q)) | (Load32(p + n - 4) ^ Load32(q + n - 4))) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// Each user's latest row in a chunk: open addressing on the user id (a chunk
// has tens of thousands of events from thousands of users; a node-based map
// allocated a node per user and chunk). The table holds (user, slot number),
// 16 bytes, so that probing stays in the caches; the slots are apart, in
// insertion order. Reused by a worker chunk after chunk.
class LatestRows {
 public:
  // 16 bytes: a user's latest event is compared by its row in the batch,
  // whose key is built only when needed (keeping it here was a 40-byte
  // store per event).
  struct Slot {
    int64_t user = 0;
    uint32_t row = 0;  // the latest event's
  };

  // Forgets the previous chunk's users.
  void Reset() {
    if (table_.empty()) table_.assign(kMinEntries, Entry{0, kEmpty});
    for (const Slot& s : slots_) table_[Position(s.user)].slot = kEmpty;
    slots_.clear();
  }

  // The slot of `user`; *inserted tells whether the user is new (its row is
  // then to be set by the caller).
  Slot* Find(int64_t user, bool* inserted) {
    // At most half full: the table grows with the users, not with the rows,
    // so that it stays small enough for the caches.
    if (2 * (slots_.size() + 1) > table_.size()) Grow();
    const size_t mask = table_.size() - 1;
    for (size_t i = Hash(user) & mask;; i = (i + 1) & mask) {
      Entry& e = table_[i];
      if (e.slot == kEmpty) {
        e = Entry{user, static_cast<uint32_t>(slots_.size())};
        Slot& s = slots_.emplace_back();
        s.user = user;
        *inserted = true;
        return &s;
      }
      if (e.user == user) {
        *inserted = false;
        return &slots_[e.slot];
      }
    }
  }
  // Every user's slot, in insertion order.
  const std::vector<Slot>& slots() const { return slots_; }

 private:
  struct Entry {
    int64_t user;
    uint32_t slot;  // kEmpty: a free entry
  };
  static constexpr size_t kMinEntries = 1024;
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static size_t Hash(int64_t user) {
    return static_cast<size_t>((static_cast<uint64_t>(user) * 0x9E3779B97F4A7C15ULL) >> 20);
  }
  // Where `user` (present) is in the table.
  size_t Position(int64_t user) const {
    const size_t mask = table_.size() - 1;
    size_t i = Hash(user) & mask;
    while (table_[i].user != user || table_[i].slot == kEmpty) i = (i + 1) & mask;
    return i;
  }
  void Grow() {
    table_.assign(table_.size() * 2, Entry{0, kEmpty});
    const size_t mask = table_.size() - 1;
    for (uint32_t k = 0; k < slots_.size(); ++k) {
      size_t i = Hash(slots_[k].user) & mask;
      while (table_[i].slot != kEmpty) i = (i + 1) & mask;
      table_[i] = Entry{slots_[k].user, k};
    }
  }

  std::vector<Entry> table_;
  std::vector<Slot> slots_;
};

// Sorts (user, slot) pairs of distinct users by user. User ids are small
// non-negative numbers (eventsim numbers its users from 2), so a radix sort
// on kRadixBits-bit digits takes two passes where std::sort compared
// ~13 times a pair; other ids go to std::sort.
constexpr int kRadixBits = 11;
constexpr int kMaxRadixPasses = 3;
constexpr size_t kMinRadixSort = 256;  // fewer pairs: std::sort is as fast
void SortByUser(std::vector<std::pair<int64_t, uint32_t>>* pairs) {
  std::vector<std::pair<int64_t, uint32_t>>& v = *pairs;
  uint64_t any = 0;
  bool negative = false;
  for (const auto& p : v) {
    any |= static_cast<uint64_t>(p.first);
    negative |= p.first < 0;
  }
  const int bits = any == 0 ? 1 : 64 - __builtin_clzll(any);
  const int passes = (bits + kRadixBits - 1) / kRadixBits;
  if (v.size() < kMinRadixSort || negative || passes > kMaxRadixPasses) {
    std::sort(v.begin(), v.end());
    return;
  }
  thread_local std::vector<std::pair<int64_t, uint32_t>> scratch;
  scratch.resize(v.size());
  std::pair<int64_t, uint32_t>* from = v.data();
  std::pair<int64_t, uint32_t>* to = scratch.data();
  constexpr size_t kBuckets = size_t{1} << kRadixBits;
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = pass * kRadixBits;
    uint32_t start[kBuckets] = {};
    for (size_t i = 0; i < v.size(); ++i) {
      ++start[(static_cast<uint64_t>(from[i].first) >> shift) & (kBuckets - 1)];
    }
    uint32_t sum = 0;
    for (uint32_t& s : start) {
      const uint32_t c = s;
      s = sum;
      sum += c;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      to[start[(static_cast<uint64_t>(from[i].first) >> shift) & (kBuckets - 1)]++] = from[i];
    }
    std::swap(from, to);
  }
  if (from != v.data()) std::copy(from, from + v.size(), v.data());
}

// The (year, month) of epoch milliseconds, remembering the last month's
// bounds: events of a chunk mostly share a month, and ToCivilTime is the
// costly part.
class MonthOf {
 public:
  std::pair<int32_t, int32_t> operator()(int64_t ms) {
    if (ms < begin_ms_ || ms >= end_ms_) {
      CivilTime c = ToCivilTime(ms);
      year_ = c.year;
      month_ = c.month;
      begin_ms_ = DaysFromCivil(c.year, c.month, 1) * kMillisPerDay;
      int next_year = c.month == 12 ? c.year + 1 : c.year;
      unsigned next_month = c.month == 12 ? 1 : c.month + 1;
      end_ms_ = DaysFromCivil(next_year, next_month, 1) * kMillisPerDay;
    }
    return {year_, month_};
  }

 private:
  int64_t begin_ms_ = 0, end_ms_ = 0;  // empty range: the first call computes
  int32_t year_ = 0, month_ = 0;
};

}  // namespace

std::optional<std::string_view> UserText(std::string_view buffer, const UserCandidate& u,
                                         UserField field) {
  if (!(u.valid >> field & 1)) return std::nullopt;
  size_t begin = u.text;
  for (int k = 0; k < field; ++k) begin += u.length[k];
  return buffer.substr(begin, u.length[field]);
}

std::string_view UserTextBytes(std::string_view buffer, const UserCandidate& u) {
  size_t size = 0;
  for (uint32_t n : u.length) size += n;
  return buffer.substr(u.text, size);
}

ChunkRows DeriveChunkRows(const LogBatch& b, const SongMatcher& matcher) {
  ChunkRows out;
  std::vector<std::shared_ptr<SongplaySegment>>& segments = out.segments;
  thread_local LatestRows latest_row;  // user_id -> row of its latest event
  latest_row.Reset();
  auto text = std::make_shared<TextPool>();

  // Pass 1: the users; the songplays' rows and segments, so that the
  // segments' columns are allocated once at their final size (growing them
  // row by row copied them over and over into fresh memory).
  std::vector<size_t> sizes;  // rows per segment
  // Per songplay, in input order: its batch row, its user's slot and its
  // segment. Reused by a worker chunk after chunk; sized for every row being
  // one (no growth checks in the loop).
  thread_local std::vector<uint32_t> play_rows, play_user, play_segment;
  play_rows.resize(b.size());
  play_user.resize(b.size());
  play_segment.resize(b.size());
  size_t plays = 0;
  {
    MonthOf month_of;
    SongplaySegment* current = nullptr;
    uint32_t current_index = 0;
    for (size_t r = 0; r < b.size(); ++r) {
      if (!b.user_id.valid[r]) continue;
      // users: the latest event of each user in the chunk (rows in input
      // order, so a later row wins a full tie).
      bool inserted;
      LatestRows::Slot* slot = latest_row.Find(b.user_id.values[r], &inserted);
      if (inserted || !EventBefore(b, r, slot->row)) slot->row = static_cast<uint32_t>(r);
      if (!b.next_song[r]) continue;
      play_rows[plays] = static_cast<uint32_t>(r);
      play_user[plays] = static_cast<uint32_t>(slot - latest_row.slots().data());
      // Plain variables, not a structured binding: clang 14 cannot capture
      // those in the lambda below.
      const auto ym = month_of(b.ts[r]);
      const int32_t year = ym.first, month = ym.second;
      if (current == nullptr || current->year != year || current->month != month) {
        auto found = std::find_if(segments.begin(), segments.end(), [&](const auto& s) {
          return s->year == year && s->month == month;
        });
        if (found == segments.end()) {
          segments.push_back(std::make_shared<SongplaySegment>());
          segments.back()->year = year;
          segments.back()->month = month;
          sizes.emplace_back();
          found = segments.end() - 1;
        }
        current = found->get();
        current_index = static_cast<uint32_t>(found - segments.begin());
      }
      ++sizes[current_index];
      play_segment[plays++] = current_index;
    }
  }
  for (size_t k = 0; k < segments.size(); ++k) {
    SongplaySegment& s = *segments[k];
    const size_t rows = sizes[k];
    s.songplay_id.resize(rows);
    s.start_time_us.resize(rows);
    s.user_id.resize(rows);
    s.session_id.values.resize(rows);
    s.session_id.valid.resize(rows);
    s.item_in_session.values.resize(rows);
    s.item_in_session.valid.resize(rows);
    s.text = text;
    s.level.resize(rows);
    s.location.resize(rows);
    s.user_agent.resize(rows);
    s.song.resize(rows);
  }

  // Pass 2: each songplay's columns, written in place, its text coded and
  // its song matched, in one walk over the batch (three passes over it, a
  // text column each, and one for the rest, read its columns four times).
  // A user's text rarely changes, so it is compared with the user's last
  // code (by user slot) before it is hashed.
  struct LastCodes {
    uint32_t code[3];
  };
  thread_local std::vector<LastCodes> last_codes;
  last_codes.assign(latest_row.slots().size(),
                    LastCodes{{TextPool::kNull, TextPool::kNull, TextPool::kNull}});
  TextPool* const pool = text.get();
  auto code_of = [pool](const StringColumn& c, size_t r, uint32_t* last)
      __attribute__((always_inline)) {
    if (!c.valid(r)) return TextPool::kNull;
    const std::string_view v = c.view(r);
    if (*last == TextPool::kNull || !SameText(pool->Get(*last), v)) *last = pool->Intern(v);
    return *last;
  };
  // Where a segment's rows go, as plain pointers: stores of valid bytes
  // could alias a vector's members, which the compiler then reloaded.
  struct Columns {
    int64_t *start, *user, *session, *item;
    uint8_t *session_valid, *item_valid;
    uint32_t *level, *location, *user_agent;
    const SongRow** song;
  };
  std::vector<Columns> columns(segments.size());
  for (size_t k = 0; k < segments.size(); ++k) {
    SongplaySegment& s = *segments[k];
    columns[k] = Columns{s.start_time_us.data(),
                         s.user_id.data(),
                         s.session_id.values.data(),
                         s.item_in_session.values.data(),
                         s.session_id.valid.data(),
                         s.item_in_session.valid.data(),
                         s.level.data(),
                         s.location.data(),
                         s.user_agent.data(),
                         s.song.data()};
  }
  const int64_t* const ts = b.ts.data();
  const int64_t* const user = b.user_id.values.data();
  const int64_t* const session = b.session_id.values.data();
  const uint8_t* const session_valid = b.session_id.valid.data();
  const int64_t* const item = b.item_in_session.values.data();
  const uint8_t* const item_valid = b.item_in_session.valid.data();
  const double* const length = b.length.values.data();
  const uint8_t* const length_valid = b.length.valid.data();
  LastCodes* const last_of_user = last_codes.data();
  // Writes songplay k (batch row r) as row i of `o`; true when it matched a song.
  auto put = [&](const Columns& o, size_t i, size_t k, size_t r) __attribute__((always_inline)) {
    o.start[i] = ts[r] * kMicrosPerMilli;
    o.user[i] = user[r];
    o.session[i] = session[r];
    o.session_valid[i] = session_valid[r];
    o.item[i] = item[r];
    o.item_valid[i] = item_valid[r];
    LastCodes& last = last_of_user[play_user[k]];
    o.level[i] = code_of(b.level, r, &last.code[0]);
    o.location[i] = code_of(b.location, r, &last.code[1]);
    o.user_agent[i] = code_of(b.user_agent, r, &last.code[2]);
    const SongRow* song = nullptr;
    if (b.song.valid(r) && b.artist.valid(r) && length_valid[r]) {
      song = matcher.Match(b.song.view(r), b.artist.view(r), length[r]);
    }
    o.song[i] = song;
    return song != nullptr;
  };
  uint64_t matched = 0;
  if (segments.size() == 1) {
    // Row k of the one segment is songplay k.
    const Columns o = columns[0];
    for (size_t k = 0; k < plays; ++k) matched += put(o, k, k, play_rows[k]);
  } else {
    std::vector<size_t> fill(segments.size(), 0);  // rows written per segment
    for (size_t k = 0; k < plays; ++k) {
      const uint32_t seg = play_segment[k];
      matched += put(columns[seg], fill[seg]++, k, play_rows[k]);
    }
  }
  out.matched = matched;

  for (auto& segment : segments) {
    SongplaySegment& s = *segment;
    SongplayIds(EventColumns{s.start_time_us.data(), s.user_id.data(), s.session_id.values.data(),
                             s.session_id.valid.data(), s.item_in_session.values.data(),
                             s.item_in_session.valid.data()},
                s.size(), s.songplay_id.data());
  }

  if (segments.size() > 1) {
    // Segments in partition order; each songplay's segment index, renumbered.
    std::vector<uint32_t> order(segments.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(segments[a]->year, segments[a]->month) <
             std::tie(segments[b]->year, segments[b]->month);
    });
    std::vector<uint32_t> new_index(segments.size());
    std::vector<std::shared_ptr<SongplaySegment>> sorted;
    for (uint32_t i = 0; i < order.size(); ++i) {
      new_index[order[i]] = i;
      sorted.push_back(std::move(segments[order[i]]));
    }
    segments = std::move(sorted);
    out.segment_of_row.resize(plays);
    for (size_t k = 0; k < plays; ++k) out.segment_of_row[k] = new_index[play_segment[k]];
  }

  for (auto& s : segments) {
    // Logs are written in time order, so the start times usually increase
    // strictly, and are their own distinct times (distinct_start_us stays
    // empty); otherwise one pass usually finds the distinct times in order.
    const SegmentColumn<int64_t>& start = s->start_time_us;
    size_t increasing = 1;
    while (increasing < start.size() && start[increasing] > start[increasing - 1]) ++increasing;
    if (increasing >= start.size()) continue;
    std::vector<int64_t>& distinct = s->distinct_start_us;
    distinct.resize(start.size());
    std::copy(start.begin(), start.begin() + increasing, distinct.begin());
    size_t n = increasing;
    bool sorted = true;
    for (size_t i = increasing; i < start.size(); ++i) {
      if (start[i] <= distinct[n - 1]) {
        sorted &= start[i] == distinct[n - 1];
        if (sorted) continue;
      }
      distinct[n++] = start[i];
    }
    distinct.resize(n);
    if (!sorted) {
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    }
  }
  // Users in ascending user_id: sort (user, slot) pairs, not the candidates.
  const std::vector<LatestRows::Slot>& slots = latest_row.slots();
  std::vector<std::pair<int64_t, uint32_t>> latest(slots.size());
  for (uint32_t k = 0; k < slots.size(); ++k) latest[k] = {slots[k].user, k};
  SortByUser(&latest);
  out.users.resize(latest.size());
  const StringColumn* text_of[kUserFields];
  text_of[kFirstName] = &b.first_name;
  text_of[kLastName] = &b.last_name;
  text_of[kGender] = &b.gender;
  text_of[kLevel] = &b.level;
  for (size_t k = 0; k < latest.size(); ++k) {
    const LatestRows::Slot& slot = slots[latest[k].second];
    const size_t r = slot.row;
    UserCandidate& u = out.users[k];
    u.user_id = slot.user;
    u.order = KeyOf(b, r);
    u.text = out.user_text.size();
    for (int f = 0; f < kUserFields; ++f) {
      const StringColumn& c = *text_of[f];
      if (!c.valid(r)) continue;
      const std::string_view v = c.view(r);
      out.user_text.append(v);
      u.length[f] = static_cast<uint32_t>(v.size());
      u.valid |= static_cast<uint8_t>(1u << f);
    }
  }
  return out;
}

}  // namespace sparkify::lake
