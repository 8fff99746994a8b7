#include "lake/songplay_rows.h"

#include <algorithm>
#include <numeric>

#include "lake/calendar.h"
#include "lake/songplay_id.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMillisPerDay = 86'400'000;

EventOrder OrderOf(const UserCandidate& u) {
  return EventOrderOf(u.ts, u.session_id, u.item_in_session);
}

EventOrder OrderOf(const LogBatch& b, size_t r) {
  return EventOrderOf(b.ts[r], b.session_id.Get(r), b.item_in_session.Get(r));
}

std::optional<std::string> Own(Text t) { return t ? std::optional<std::string>(*t) : std::nullopt; }

// Each user's latest row in a chunk: open addressing on the user id (a chunk
// has tens of thousands of events from about as many users; a node-based map
// allocated a node per user and chunk). Reused by a worker chunk after chunk.
class LatestRows {
 public:
  // Forgets the previous chunk's users.
  void Reset() {
    if (slots_.empty()) slots_.resize(kMinSlots);
    for (size_t i : used_) slots_[i].used = false;
    used_.clear();
  }
  struct Slot {
    int64_t user = 0;
    uint32_t row = 0;
    bool used = false;
    // The codes of the user's last level, location and user agent in the
    // chunk's TextPool (TextPool::kNull: none yet): a user's text rarely
    // changes, so comparing with these spares hashing it.
    uint32_t text[3];
  };

  // The slot of `user`; *inserted tells whether the user is new (its row is
  // then to be set by the caller; its text codes are kNull).
  Slot* Find(int64_t user, bool* inserted) {
    // At most half full: the table grows with the users, not with the rows,
    // so that it stays small enough for the caches.
    if (2 * (used_.size() + 1) > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(user) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used) {
        s.used = true;
        s.user = user;
        for (uint32_t& t : s.text) t = TextPool::kNull;
        used_.push_back(i);
        *inserted = true;
        return &s;
      }
      if (s.user == user) {
        *inserted = false;
        return &s;
      }
    }
  }
  // (user, row) of every user, in insertion order.
  template <typename F>
  void ForEach(F f) const {
    for (size_t i : used_) f(slots_[i].user, slots_[i].row);
  }
  size_t size() const { return used_.size(); }

 private:
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (size_t& u : used_) {
      size_t i = Hash(old[u].user) & mask;
      while (slots_[i].used) i = (i + 1) & mask;
      slots_[i] = old[u];
      u = i;
    }
  }

  static constexpr size_t kMinSlots = 1024;
  static size_t Hash(int64_t user) {
    return static_cast<size_t>((static_cast<uint64_t>(user) * 0x9E3779B97F4A7C15ULL) >> 20);
  }
  std::vector<Slot> slots_;
  std::vector<size_t> used_;  // slots in use, in insertion order
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

bool ReplacesLatest(const UserCandidate& later, const UserCandidate& current) {
  return OrderOf(later) >= OrderOf(current);
}

ChunkRows DeriveChunkRows(const LogBatch& b, const SongMatcher& matcher) {
  ChunkRows out;
  std::vector<std::shared_ptr<SongplaySegment>>& segments = out.segments;
  thread_local LatestRows latest_row;  // user_id -> row of its latest event
  latest_row.Reset();

  // Pass 1: the users, and which segment each songplay goes to, so that the
  // segments' columns are allocated once at their final size (growing them
  // row by row copied them over and over into fresh memory).
  std::vector<size_t> sizes;  // rows per segment
  auto text = std::make_shared<TextPool>();
  // level, location and user_agent codes of each songplay, in input order.
  thread_local std::vector<uint32_t> text_codes;
  text_codes.clear();
  // The code of column `c`'s text in row `r`, `cached` the user's last one.
  auto code_of = [&](uint32_t* cached, const StringColumn& c, size_t r) {
    if (!c.valid(r)) return TextPool::kNull;
    const std::string_view v = c.view(r);
    if (*cached == TextPool::kNull || text->Get(*cached) != v) *cached = text->Intern(v);
    return *cached;
  };
  {
    LatestRows::Slot* slot = nullptr;
    MonthOf month_of;
    SongplaySegment* current = nullptr;
    uint32_t current_index = 0;
    for (size_t r = 0; r < b.size(); ++r) {
      std::optional<int64_t> user = b.user_id.Get(r);
      if (!user) continue;
      // users: the latest event of each user in the chunk (rows in input
      // order, so a later row wins a full tie).
      {
        bool inserted;
        slot = latest_row.Find(*user, &inserted);
        if (inserted || OrderOf(b, r) >= OrderOf(b, slot->row))
          slot->row = static_cast<uint32_t>(r);
      }
      if (!b.next_song[r]) continue;
      text_codes.push_back(code_of(&slot->text[0], b.level, r));
      text_codes.push_back(code_of(&slot->text[1], b.location, r));
      text_codes.push_back(code_of(&slot->text[2], b.user_agent, r));
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
      out.segment_of_row.push_back(current_index);
    }
  }
  for (size_t k = 0; k < segments.size(); ++k) {
    SongplaySegment& s = *segments[k];
    const size_t rows = sizes[k];
    s.songplay_id.reserve(rows);
    s.start_time_us.reserve(rows);
    s.user_id.reserve(rows);
    s.session_id.Reserve(rows);
    s.item_in_session.Reserve(rows);
    s.text = text;
    s.level.reserve(rows);
    s.location.reserve(rows);
    s.user_agent.reserve(rows);
    s.song.reserve(rows);
  }

  // Pass 2: the songplays' columns; their ids after it, several at a time.
  std::vector<EventIdentity> identities(out.segment_of_row.size());
  size_t k = 0;
  for (size_t r = 0; r < b.size(); ++r) {
    if (!b.next_song[r]) continue;
    std::optional<int64_t> user = b.user_id.Get(r);
    if (!user) continue;
    SongplaySegment& s = *segments[out.segment_of_row[k++]];
    const int64_t start_us = b.ts[r] * kMicrosPerMilli;
    std::optional<int64_t> session = b.session_id.Get(r);
    std::optional<int64_t> item = b.item_in_session.Get(r);
    identities[k - 1] = EventIdentity{b.ts[r], *user, session, item};
    s.start_time_us.push_back(start_us);
    s.user_id.push_back(*user);
    s.session_id.Append(session);
    s.item_in_session.Append(item);
    s.level.push_back(text_codes[3 * (k - 1)]);
    s.location.push_back(text_codes[3 * (k - 1) + 1]);
    s.user_agent.push_back(text_codes[3 * (k - 1) + 2]);
    const Text title = b.song.Get(r), artist = b.artist.Get(r);
    const std::optional<double> length = b.length.Get(r);
    const SongRow* song =
        title && artist && length ? matcher.Match(*title, *artist, *length) : nullptr;
    s.song.push_back(song);
    out.matched += song != nullptr;
  }

  {
    std::vector<int64_t> ids(identities.size());
    SongplayIds(identities.data(), identities.size(), ids.data());
    for (size_t i = 0; i < ids.size(); ++i) {
      segments[out.segment_of_row[i]]->songplay_id.push_back(ids[i]);
    }
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
    s->distinct_start_us = s->start_time_us;
    // Logs are written in time order, so this is usually sorted already.
    if (!std::is_sorted(s->distinct_start_us.begin(), s->distinct_start_us.end())) {
      std::sort(s->distinct_start_us.begin(), s->distinct_start_us.end());
    }
    s->distinct_start_us.erase(
        std::unique(s->distinct_start_us.begin(), s->distinct_start_us.end()),
        s->distinct_start_us.end());
  }
  // Users in ascending user_id: sort the (user, row) pairs, not the candidates.
  std::vector<std::pair<int64_t, uint32_t>> latest;
  latest.reserve(latest_row.size());
  latest_row.ForEach([&](int64_t user, uint32_t r) { latest.emplace_back(user, r); });
  std::sort(latest.begin(), latest.end());
  out.users.reserve(latest.size());
  for (const auto& [user, r] : latest) {
    UserCandidate u;
    u.user_id = user;
    u.ts = b.ts[r];
    u.session_id = b.session_id.Get(r);
    u.item_in_session = b.item_in_session.Get(r);
    u.first_name = Own(b.first_name.Get(r));
    u.last_name = Own(b.last_name.Get(r));
    u.gender = Own(b.gender.Get(r));
    u.level = Own(b.level.Get(r));
    out.users.push_back(std::move(u));
  }
  return out;
}

}  // namespace sparkify::lake
