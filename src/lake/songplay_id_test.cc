#include "lake/songplay_id.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace sparkify::lake {
namespace {

TEST(SongplayId, StableNonNegativeAndContentDerived) {
  EventIdentity e{1541106106796, 8, 139, 1};
  int64_t id = SongplayId(e);
  EXPECT_GE(id, 0);
  EXPECT_EQ(id, SongplayId(EventIdentity{1541106106796, 8, 139, 1}));
  EXPECT_NE(id, SongplayId(EventIdentity{1541106106796, 8, 139, 2}));
  EXPECT_NE(id, SongplayId(EventIdentity{1541106106796, 8, std::nullopt, 1}));
  EXPECT_NE(id, SongplayId(e, 1));
}

TEST(SongplayId, DuplicatesGetDistinctIdsAndTheFirstKeepsItsOwn) {
  EventIdentity a{1000, 1, 1, 0};
  EventIdentity b{2000, 2, 1, 0};
  std::vector<int64_t> ids = AssignSongplayIds({a, b, a, a});
  EXPECT_EQ(ids[0], SongplayId(a));
  EXPECT_EQ(ids[1], SongplayId(b));
  std::set<int64_t> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), 4u);
  // The ids of events do not depend on what else is in the run.
  EXPECT_EQ(AssignSongplayIds({b})[0], ids[1]);
}

TEST(SongplayId, ManyAtATimeGiveTheSameIds) {
  std::vector<EventIdentity> events;
  for (int i = 0; i < 11; ++i) {  // two groups of four and a tail of three
    events.push_back(EventIdentity{1541106106796 + i * 7919, -i * 31, std::nullopt, i});
    if (i % 3 == 0) events.back().session_id = INT64_MIN + i;
    if (i % 4 == 1) events.back().item_in_session = std::nullopt;
  }
  for (size_t n = 0; n <= events.size(); ++n) {
    std::vector<int64_t> ids(n, -1);
    SongplayIds(events.data(), n, ids.data());
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(ids[i], SongplayId(events[i])) << n << " " << i;
  }
}

TEST(SongplayId, ManyAtATimeGiveTheSameIdsWhenAGroupsFieldsShareTheirLength) {
  // Groups of four whose fields all have at most k significant bytes (one
  // of them exactly k), for every k: each group takes the k-byte path.
  std::vector<EventIdentity> events;
  uint64_t x = 777;
  for (int k = 0; k <= 8; ++k) {
    const uint64_t mask = k == 8 ? ~0ULL : (1ULL << (8 * k)) - 1;
    auto field = [&](int lane) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      uint64_t v = (x ^ (x >> 29)) & mask;
      if (lane == 0 && k > 0) v |= 1ULL << (8 * k - 1);  // exactly k bytes
      return static_cast<int64_t>(v);
    };
    for (int lane = 0; lane < 4; ++lane) {
      events.push_back(EventIdentity{field(lane), field(lane), field(lane), field(lane)});
    }
  }
  std::vector<int64_t> ids(events.size(), -1);
  SongplayIds(events.data(), events.size(), ids.data());
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(ids[i], SongplayId(events[i])) << i;
}

TEST(SongplayId, ManyAtATimeGiveTheSameIdsForFieldsOfAnyLength) {
  // Fields of 0 to 8 significant bytes, mixed within groups of four, as
  // identities and as columns.
  std::vector<EventIdentity> events;
  uint64_t x = 12345;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int bytes = static_cast<int>(x >> 60) % 9;
    const uint64_t v = x ^ (x << 17);
    return static_cast<int64_t>(bytes == 0 ? 0 : bytes == 8 ? v : v & ((1ULL << (8 * bytes)) - 1));
  };
  for (int i = 0; i < 203; ++i) {
    events.push_back(EventIdentity{next() / 1000, next(), next(), next()});
    if (i % 5 == 0) events.back().session_id = std::nullopt;
    if (i % 7 == 0) events.back().item_in_session = std::nullopt;
  }
  std::vector<int64_t> ids(events.size(), -1);
  SongplayIds(events.data(), events.size(), ids.data());
  std::vector<int64_t> start_us, user, session, item;
  std::vector<uint8_t> session_valid, item_valid;
  for (const EventIdentity& e : events) {
    start_us.push_back(e.ts * 1000);
    user.push_back(e.user_id);
    session.push_back(e.session_id.value_or(0));
    session_valid.push_back(e.session_id.has_value());
    item.push_back(e.item_in_session.value_or(0));
    item_valid.push_back(e.item_in_session.has_value());
  }
  std::vector<int64_t> column_ids(events.size(), -1);
  SongplayIds(EventColumns{start_us.data(), user.data(), session.data(), session_valid.data(),
                           item.data(), item_valid.data()},
              events.size(), column_ids.data());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(ids[i], SongplayId(events[i])) << i;
    EXPECT_EQ(column_ids[i], SongplayId(events[i])) << i;
  }
}

}  // namespace
}  // namespace sparkify::lake
