#include "lake/songplay_id.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <numeric>

#include "common/mix64.h"

namespace sparkify::lake {

namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr uint64_t kIdMask = (1ULL << 63) - 1;  // ids are non-negative int64
constexpr int64_t kNullField = std::numeric_limits<int64_t>::min();
constexpr int64_t kMicrosPerMilli = 1000;

uint64_t FnvAdd(uint64_t h, int64_t value) {
  auto v = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;  // little-endian byte order, whatever the host
    h *= kFnvPrime;
  }
  return h;
}

uint64_t SplitMix64(uint64_t z) { return Mix64(z + 0x9e3779b97f4a7c15ULL); }

// kFnvPrimePower[k] = kFnvPrime^k (mod 2^64): mixing in k zero bytes,
// (h ^ 0) * kFnvPrime k times, is one multiplication by it.
constexpr std::array<uint64_t, 9> kFnvPrimePower = [] {
  std::array<uint64_t, 9> p{};
  p[0] = 1;
  for (size_t k = 1; k < p.size(); ++k) p[k] = p[k - 1] * kFnvPrime;
  return p;
}();

}  // namespace

int64_t SongplayId(const EventIdentity& e, uint64_t salt) {
  uint64_t h = kFnvOffset;
  h = FnvAdd(h, e.ts);
  h = FnvAdd(h, e.user_id);
  h = FnvAdd(h, e.session_id.value_or(kNullField));
  h = FnvAdd(h, e.item_in_session.value_or(kNullField));
  h = FnvAdd(h, static_cast<int64_t>(salt));
  return static_cast<int64_t>(SplitMix64(h) & kIdMask);
}

namespace {

// Mixes the low kBytes bytes of each lane's v into its h as FnvAdd does, and
// the zero bytes above them with one multiplication. The byte count is a
// constant, so that the loop unrolls with constant shifts (a loop over a
// count known only at run time took ~10% more instructions an id).
template <int kBytes, size_t kLanes>
__attribute__((always_inline)) inline void MixLowBytes(uint64_t* h, const uint64_t* v) {
#pragma GCC unroll 8
  for (int b = 0; b < kBytes; ++b) {
    for (size_t k = 0; k < kLanes; ++k) {
      h[k] ^= (v[k] >> (8 * b)) & 0xFF;
      h[k] *= kFnvPrime;
    }
  }
  if constexpr (kBytes < 8) {
    for (size_t k = 0; k < kLanes; ++k) h[k] *= kFnvPrimePower[8 - kBytes];
  }
}

// Ids of events 0..n-1 whose fields are field(i) (nulls already INT64_MIN);
// four at a time, each byte mixed in as FnvAdd does. A field's high bytes
// that are zero in all four (most of them: user ids, sessions and items are
// small, the salt is 0) are mixed in with one multiplication.
template <typename Ts, typename User, typename Session, typename Item>
void IdsOf(size_t n, Ts ts, User user, Session session, Item item, int64_t* out) {
  constexpr size_t kLanes = 4;
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    uint64_t h[kLanes];
    for (size_t k = 0; k < kLanes; ++k) h[k] = kFnvOffset;
    // The fields in SongplayId's order, salt 0 last.
    auto add = [&](auto field) {
      uint64_t v[kLanes];
      uint64_t any = 0;
      for (size_t k = 0; k < kLanes; ++k) {
        v[k] = static_cast<uint64_t>(field(i + k));
        any |= v[k];
      }
      const int bytes = any == 0 ? 0 : (64 - __builtin_clzll(any) + 7) / 8;
      switch (bytes) {
        case 0:
          MixLowBytes<0, kLanes>(h, v);
          break;
        case 1:
          MixLowBytes<1, kLanes>(h, v);
          break;
        case 2:
          MixLowBytes<2, kLanes>(h, v);
          break;
        case 3:
          MixLowBytes<3, kLanes>(h, v);
          break;
        case 4:
          MixLowBytes<4, kLanes>(h, v);
          break;
        case 5:
          MixLowBytes<5, kLanes>(h, v);
          break;
        case 6:
          MixLowBytes<6, kLanes>(h, v);
          break;
        case 7:
          MixLowBytes<7, kLanes>(h, v);
          break;
        default:
          MixLowBytes<8, kLanes>(h, v);
          break;
      }
    };
    add(ts);
    add(user);
    add(session);
    add(item);
    add([](size_t) { return int64_t{0}; });
    for (size_t k = 0; k < kLanes; ++k) {
      out[i + k] = static_cast<int64_t>(SplitMix64(h[k]) & kIdMask);
    }
  }
  for (; i < n; ++i) {
    uint64_t h = kFnvOffset;
    h = FnvAdd(h, ts(i));
    h = FnvAdd(h, user(i));
    h = FnvAdd(h, session(i));
    h = FnvAdd(h, item(i));
    h = FnvAdd(h, 0);
    out[i] = static_cast<int64_t>(SplitMix64(h) & kIdMask);
  }
}

}  // namespace

void SongplayIds(const EventIdentity* events, size_t n, int64_t* out) {
  IdsOf(
      n, [&](size_t i) { return events[i].ts; }, [&](size_t i) { return events[i].user_id; },
      [&](size_t i) { return events[i].session_id.value_or(kNullField); },
      [&](size_t i) { return events[i].item_in_session.value_or(kNullField); }, out);
}

void SongplayIds(const EventColumns& c, size_t n, int64_t* out) {
  IdsOf(
      n, [&](size_t i) { return c.start_us[i] / kMicrosPerMilli; },
      [&](size_t i) { return c.user_id[i]; },
      [&](size_t i) { return c.session_valid[i] ? c.session_id[i] : kNullField; },
      [&](size_t i) { return c.item_valid[i] ? c.item_in_session[i] : kNullField; }, out);
}

std::vector<int64_t> AssignSongplayIds(const std::vector<EventIdentity>& events) {
  const size_t n = events.size();
  std::vector<int64_t> ids(n);
  std::vector<uint64_t> salts(n, 0);
  for (size_t i = 0; i < n; ++i) ids[i] = SongplayId(events[i]);

  // Find ids taken twice; the later event (by index) moves to its next salt.
  // Repeat until unique: duplicates are rare, so this converges at once.
  std::vector<size_t> order(n);
  while (true) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return ids[a] != ids[b] ? ids[a] < ids[b] : a < b; });
    bool moved = false;
    for (size_t k = 1, first = 0; k < n; ++k) {
      size_t i = order[k];
      if (ids[i] != ids[order[first]]) {
        first = k;  // a new run of equal ids starts here
        continue;
      }
      ids[i] = SongplayId(events[i], ++salts[i]);
      moved = true;
    }
    if (!moved) break;
  }
  return ids;
}

}  // namespace sparkify::lake
