#include "lake/transform.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>

#include "lake/calendar.h"
#include "lake/songplay_id.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;

// A slack for decimal values that are exactly 0.01 apart but not in binary.
constexpr double kToleranceSlack = 1e-9;

int NonNullCount(const SongBatch& b, size_t r) {
  return b.artist_name.Get(r).has_value() + b.artist_location.Get(r).has_value() +
         b.artist_latitude.Get(r).has_value() + b.artist_longitude.Get(r).has_value();
}

struct PairHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
    size_t h1 = std::hash<std::string_view>()(p.first);
    size_t h2 = std::hash<std::string_view>()(p.second);
    return h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2));
  }
};

}  // namespace

std::vector<SongRow> BuildSongs(const std::vector<const SongBatch*>& batches) {
  std::unordered_map<std::string_view, SongRow> first;
  for (const SongBatch* b : batches) {
    for (size_t r = 0; r < b->size(); ++r) {
      std::string_view id = *b->song_id.Get(r);
      if (first.count(id)) continue;  // a later duplicate: the first one wins
      first.emplace(id, SongRow{id, b->title.Get(r), b->artist_id.Get(r), b->year.Get(r),
                                b->duration.Get(r), b->artist_name.Get(r)});
    }
  }
  std::vector<SongRow> rows;
  rows.reserve(first.size());
  for (auto& [id, row] : first) rows.push_back(row);
  std::sort(rows.begin(), rows.end(),
            [](const SongRow& a, const SongRow& b) { return a.song_id < b.song_id; });
  return rows;
}

std::vector<ArtistRow> BuildArtists(const std::vector<const SongBatch*>& batches) {
  struct Best {
    const SongBatch* batch;
    size_t row;
    int score;
  };
  std::unordered_map<std::string_view, Best> best;
  for (const SongBatch* b : batches) {
    for (size_t r = 0; r < b->size(); ++r) {
      Text artist_id = b->artist_id.Get(r);
      if (!artist_id) continue;  // no key: no artist row
      int score = NonNullCount(*b, r);
      auto [it, inserted] = best.try_emplace(*artist_id, Best{b, r, score});
      if (inserted) continue;
      Best& cur = it->second;
      std::string_view cur_song = *cur.batch->song_id.Get(cur.row);
      std::string_view song = *b->song_id.Get(r);
      // Earlier records win full ties, so only a strictly better one replaces.
      if (score > cur.score || (score == cur.score && song < cur_song)) cur = Best{b, r, score};
    }
  }
  std::vector<ArtistRow> rows;
  rows.reserve(best.size());
  for (auto& [id, v] : best) {
    const SongBatch& b = *v.batch;
    rows.push_back(ArtistRow{id, b.artist_name.Get(v.row), b.artist_location.Get(v.row),
                             b.artist_latitude.Get(v.row), b.artist_longitude.Get(v.row)});
  }
  std::sort(rows.begin(), rows.end(),
            [](const ArtistRow& a, const ArtistRow& b) { return a.artist_id < b.artist_id; });
  return rows;
}

std::vector<UserRow> BuildUsers(const std::vector<const LogBatch*>& batches) {
  struct Latest {
    const LogBatch* batch;
    size_t row;
  };
  auto key = [](const LogBatch& b, size_t r) {
    return EventOrderOf(b.ts[r], b.session_id.Get(r), b.item_in_session.Get(r));
  };
  std::unordered_map<int64_t, Latest> latest;
  for (const LogBatch* b : batches) {
    for (size_t r = 0; r < b->size(); ++r) {
      auto user = b->user_id.Get(r);
      if (!user) continue;
      auto [it, inserted] = latest.try_emplace(*user, Latest{b, r});
      // `>=`: on a full tie the later event in input order is the latest.
      if (!inserted && key(*b, r) >= key(*it->second.batch, it->second.row)) {
        it->second = Latest{b, r};
      }
    }
  }
  std::vector<UserRow> rows;
  rows.reserve(latest.size());
  for (auto& [id, v] : latest) {
    const LogBatch& b = *v.batch;
    rows.push_back(UserRow{id, b.first_name.Get(v.row), b.last_name.Get(v.row), b.gender.Get(v.row),
                           b.level.Get(v.row)});
  }
  std::sort(rows.begin(), rows.end(),
            [](const UserRow& a, const UserRow& b) { return a.user_id < b.user_id; });
  return rows;
}

// Open addressing over (title, artist_name) with each key's songs stored
// contiguously: most log events match no song, and a miss then costs a
// probe of a flat byte array of tags (the 64-bit hash tells keys apart before
// any string is compared) instead of walking a node-based bucket chain.
class SongMatcher::Index {
 public:
  explicit Index(const std::vector<SongRow>& songs) {
    std::unordered_map<std::pair<std::string_view, std::string_view>, std::vector<const SongRow*>,
                       PairHash>
        groups;
    for (const SongRow& s : songs) {
      if (!s.title || !s.artist_name || !s.duration) continue;  // can never match
      groups[{*s.title, *s.artist_name}].push_back(&s);
    }
    size_t capacity = 16;
    while (capacity < groups.size() * 2) capacity *= 2;  // at most half full
    slots_.resize(capacity);
    tags_.resize(capacity, 0);
    mask_ = capacity - 1;
    for (auto& [key, group] : groups) {
      uint64_t h = Hash(key.first, key.second);
      size_t i = h & mask_;
      while (slots_[i].count != 0) i = (i + 1) & mask_;
      tags_[i] = Tag(h);
      Slot& slot = slots_[i];
      slot.hash = h;
      slot.min_duration = slot.max_duration = *group.front()->duration;
      for (const SongRow* s : group) {
        slot.min_duration = std::min(slot.min_duration, *s->duration);
        slot.max_duration = std::max(slot.max_duration, *s->duration);
      }
      slot.begin = static_cast<uint32_t>(songs_.size());
      slot.count = static_cast<uint32_t>(group.size());
      slot.title = key.first;
      slot.artist = key.second;
      songs_.insert(songs_.end(), group.begin(), group.end());
    }
  }

  // The songs of (title, artist); empty when none, or when none has a
  // duration within `tolerance` of `length` (so Match need not read them).
  std::span<const SongRow* const> Find(std::string_view title, std::string_view artist,
                                       double length, double tolerance) const {
    uint64_t h = Hash(title, artist);
    const uint8_t tag = Tag(h);
    for (size_t i = h & mask_; tags_[i] != 0; i = (i + 1) & mask_) {
      if (tags_[i] != tag) continue;
      const Slot& s = slots_[i];
      if (s.hash != h) continue;
      // Every song is at least as far from `length` as the nearest bound
      // (rounding is monotone); a NaN compares false and reads the songs.
      if (s.min_duration - length > tolerance || length - s.max_duration > tolerance) return {};
      if (s.title == title && s.artist == artist) return {songs_.data() + s.begin, s.count};
    }
    return {};
  }

 private:
  // One cache line: what a lookup reads first (the hash, the durations'
  // range), then the key's text, compared last.
  struct alignas(64) Slot {
    uint64_t hash = 0;
    double min_duration = 0, max_duration = 0;  // of the key's songs
    uint32_t begin = 0, count = 0;              // count 0: an empty slot
    std::string_view title, artist;
  };
  // Any hash will do (it only places keys in slots); this one reads at most
  // 16 bytes of each string, with no call: std::hash went over all their
  // bytes, and most lookups are misses decided by the hash alone (95% of
  // eventsim's plays match no song). Three 64x64->128-bit products, two of
  // them independent: a chain of three splitmix finalisers cost twice that.
  static uint64_t Hash(std::string_view title, std::string_view artist) {
    return MulFold(Ends(title) ^ 0x9E3779B97F4A7C15ULL, Ends(artist) ^ 0xC2B2AE3D27D4EB4FULL);
  }
  // Length, first and last eight bytes (fewer for short strings), folded.
  static uint64_t Ends(std::string_view s) {
    const size_t n = s.size();
    uint64_t a = 0, b = 0;
    if (n >= 8) {
      std::memcpy(&a, s.data(), 8);
      std::memcpy(&b, s.data() + n - 8, 8);
    } else if (n >= 4) {
      uint32_t x, y;
      std::memcpy(&x, s.data(), 4);
      std::memcpy(&y, s.data() + n - 4, 4);
      a = x;
      b = y;
    } else if (n > 0) {
      a = static_cast<uint8_t>(s[0]) |
          (static_cast<uint64_t>(static_cast<uint8_t>(s[n / 2])) << 8) |
          (static_cast<uint64_t>(static_cast<uint8_t>(s[n - 1])) << 16);
    }
    return MulFold(a ^ 0x165667B19E3779F9ULL,
                   b ^ (n * 0x27D4EB2F165667C5ULL) ^ 0xBF58476D1CE4E5B9ULL);
  }
  // The two halves of a 128-bit product, xor'ed: the high half brings every
  // input bit into the low bits (the slot) and the top bits (the tag).
  static uint64_t MulFold(uint64_t a, uint64_t b) {
    const __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  }

  // A slot's tag: 8 bits of its hash, never 0 (0 marks an empty slot).
  static uint8_t Tag(uint64_t h) { return static_cast<uint8_t>(h >> 56) | 1; }

  std::vector<Slot> slots_;
  // One byte per slot, probed before the slot: the slots (64 bytes each) do
  // not stay in the caches, the tags (32 KB for 15,000 songs) do, and a miss
  // usually ends at an empty tag without reading any slot.
  std::vector<uint8_t> tags_;
  size_t mask_ = 0;
  std::vector<const SongRow*> songs_;  // grouped by key
};

SongMatcher::SongMatcher(const std::vector<SongRow>& songs)
    : songs_(songs), index_(new Index(songs)) {}

SongMatcher::~SongMatcher() { delete index_; }

const SongRow* SongMatcher::Match(Text title, Text artist, std::optional<double> length) const {
  if (!title || !artist || !length) return nullptr;
  return Match(*title, *artist, *length);
}

const SongRow* SongMatcher::Match(std::string_view title, std::string_view artist,
                                  double length) const {
  constexpr double kTolerance = kDurationTolerance + kToleranceSlack;
  const std::span<const SongRow* const> songs = index_->Find(title, artist, length, kTolerance);
  // A key of one song (most keys): Find has compared `length` with its
  // duration range, which is that song's duration, exactly as the loop below
  // would (d - length and length - d round to opposite values; a NaN length
  // passes both), so the song itself, a cache miss, need not be read.
  if (songs.size() == 1) return songs[0];
  const SongRow* best = nullptr;
  for (const SongRow* s : songs) {
    if (std::fabs(*s->duration - length) > kTolerance) continue;
    if (!best || s->song_id < best->song_id) best = s;
  }
  return best;
}

std::vector<SongplayRow> BuildSongplays(const std::vector<const LogBatch*>& batches,
                                        const std::vector<SongRow>& songs) {
  SongMatcher matcher(songs);
  std::vector<SongplayRow> rows;
  std::vector<EventIdentity> identities;
  for (const LogBatch* b : batches) {
    for (size_t r = 0; r < b->size(); ++r) {
      if (!b->next_song[r] || !b->user_id.Get(r)) continue;
      SongplayRow row;
      row.start_time_us = b->ts[r] * kMicrosPerMilli;
      row.user_id = *b->user_id.Get(r);
      row.level = b->level.Get(r);
      row.session_id = b->session_id.Get(r);
      row.location = b->location.Get(r);
      row.user_agent = b->user_agent.Get(r);
      if (const SongRow* s = matcher.Match(b->song.Get(r), b->artist.Get(r), b->length.Get(r))) {
        row.song_id = s->song_id;
        row.artist_id = s->artist_id;
      }
      rows.push_back(row);
      identities.push_back(
          EventIdentity{b->ts[r], row.user_id, row.session_id, b->item_in_session.Get(r)});
    }
  }
  std::vector<int64_t> ids = AssignSongplayIds(identities);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].songplay_id = ids[i];
  return rows;
}

TimeRow MakeTimeRow(int64_t us) {
  // Floor to milliseconds: start_time comes from `ts` in ms, so this is exact.
  int64_t ms = us >= 0 ? us / kMicrosPerMilli : -((-us + kMicrosPerMilli - 1) / kMicrosPerMilli);
  CivilTime c = ToCivilTime(ms);
  return TimeRow{us, c.hour, c.day, c.week, c.month, c.year, c.weekday};
}

std::vector<TimeRow> BuildTime(const std::vector<SongplayRow>& songplays) {
  std::vector<int64_t> starts;
  starts.reserve(songplays.size());
  for (const SongplayRow& s : songplays) starts.push_back(s.start_time_us);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<TimeRow> rows;
  rows.reserve(starts.size());
  for (int64_t us : starts) rows.push_back(MakeTimeRow(us));
  return rows;
}

}  // namespace sparkify::lake
