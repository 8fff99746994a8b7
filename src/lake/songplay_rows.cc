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

using parquet::Load32;
using parquet::Load64;

// Equality of texts, inline up to kInlineCompareBytes (a level is four
// bytes, a place ~30): words, the last one overlapping, instead of a libc call.
// parquet::SameBytes (the dictionary probes' equality) goes inline only up to
// 24 bytes, which would send most places to memcmp.
constexpr size_t kInlineCompareBytes = 64;
inline bool SameText(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    if (n > kInlineCompareBytes) return std::memcmp(p, q, n) == 0;
    uint64_t diff = Load64(p + n - 8) ^ Load64(q + n - 8);
    for (size_t i = 0; i + 8 <= n; i += 8) diff |= Load64(p + i) ^ Load64(q + i);
    return diff == 0;
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
  struct Slot {
    int64_t user = 0;
    uint32_t row = 0;  // the latest event's
    EventKey order;    // of `row`
  };

  // Forgets the previous chunk's users.
  void Reset() {
    if (table_.empty()) table_.assign(kMinEntries, Entry{0, kEmpty});
    for (const Slot& s : slots_) table_[Position(s.user)].slot = kEmpty;
    slots_.clear();
  }

  // The slot of `user`; *inserted tells whether the user is new (its row and
  // order are then to be set by the caller).
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
  // level, location and user_agent codes. Reused by a worker chunk after
  // chunk; sized for every row being one (no growth checks in the loop).
  thread_local std::vector<uint32_t> play_rows, play_user, text_codes[3];
  play_rows.resize(b.size());
  play_user.resize(b.size());
  out.segment_of_row.resize(b.size());
  size_t plays = 0;
  {
    MonthOf month_of;
    SongplaySegment* current = nullptr;
    uint32_t current_index = 0;
    for (size_t r = 0; r < b.size(); ++r) {
      if (!b.user_id.valid[r]) continue;
      // users: the latest event of each user in the chunk (rows in input
      // order, so a later row wins a full tie).
      const EventKey key = KeyOf(b, r);
      bool inserted;
      LatestRows::Slot* slot = latest_row.Find(b.user_id.values[r], &inserted);
      if (inserted || !(key < slot->order)) {
        slot->row = static_cast<uint32_t>(r);
        slot->order = key;
      }
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
      out.segment_of_row[plays++] = current_index;
    }
  }
  // The songplays' text as codes, a column at a time. A user's text rarely
  // changes, so it is compared with the user's last code before it is hashed.
  {
    thread_local std::vector<uint32_t> last_code;  // by user slot
    const StringColumn* columns[3] = {&b.level, &b.location, &b.user_agent};
    for (int k = 0; k < 3; ++k) {
      const StringColumn& c = *columns[k];
      last_code.assign(latest_row.slots().size(), TextPool::kNull);
      std::vector<uint32_t>& codes = text_codes[k];
      codes.resize(plays);
      for (size_t p = 0; p < plays; ++p) {
        const size_t r = play_rows[p];
        if (!c.valid(r)) {
          codes[p] = TextPool::kNull;
          continue;
        }
        const std::string_view v = c.view(r);
        uint32_t& last = last_code[play_user[p]];
        if (last == TextPool::kNull || !SameText(text->Get(last), v)) last = text->Intern(v);
        codes[p] = last;
      }
    }
  }
  out.segment_of_row.resize(plays);
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

  // Pass 2: the songplays' columns, written in place; their ids after it,
  // several at a time.
  std::vector<size_t> fill(segments.size(), 0);  // rows written per segment
  for (size_t k = 0; k < plays; ++k) {
    const size_t r = play_rows[k];
    SongplaySegment& s = *segments[out.segment_of_row[k]];
    const size_t i = fill[out.segment_of_row[k]]++;
    s.start_time_us[i] = b.ts[r] * kMicrosPerMilli;
    s.user_id[i] = b.user_id.values[r];
    s.session_id.values[i] = b.session_id.values[r];
    s.session_id.valid[i] = b.session_id.valid[r];
    s.item_in_session.values[i] = b.item_in_session.values[r];
    s.item_in_session.valid[i] = b.item_in_session.valid[r];
    s.level[i] = text_codes[0][k];
    s.location[i] = text_codes[1][k];
    s.user_agent[i] = text_codes[2][k];
    const SongRow* song = nullptr;
    if (b.song.valid(r) && b.artist.valid(r) && b.length.valid[r]) {
      song = matcher.Match(b.song.view(r), b.artist.view(r), b.length.values[r]);
    }
    s.song[i] = song;
    out.matched += song != nullptr;
  }

  for (auto& segment : segments) {
    SongplaySegment& s = *segment;
    SongplayIds(EventColumns{s.start_time_us.data(), s.user_id.data(), s.session_id.values.data(),
                             s.session_id.valid.data(), s.item_in_session.values.data(),
                             s.item_in_session.valid.data()},
                s.size(), s.songplay_id.data());
  }

  // Segments in partition order; renumber the rows' segment indices.
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
  for (uint32_t& s : out.segment_of_row) s = new_index[s];

  for (auto& s : segments) {
    // Logs are written in time order, so one pass usually finds the distinct
    // times in order: each is greater than the one before.
    const std::vector<int64_t>& start = s->start_time_us;
    std::vector<int64_t>& distinct = s->distinct_start_us;
    distinct.resize(start.size());
    size_t n = 0;
    bool sorted = true;
    for (size_t i = 0; i < start.size(); ++i) {
      if (n > 0 && start[i] <= distinct[n - 1]) {
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
  std::sort(latest.begin(), latest.end());
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
    u.order = slot.order;
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
