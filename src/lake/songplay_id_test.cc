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

}  // namespace
}  // namespace sparkify::lake
