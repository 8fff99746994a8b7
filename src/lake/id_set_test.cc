#include "lake/id_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <unordered_set>
#include <vector>

#include "lake/songplay_id.h"

namespace sparkify::lake {
namespace {

constexpr int64_t kMaxId = INT64_MAX;  // ids are 63 bits

// Inserts `ids` into a fresh set (reserved for `reserve` when not 0) and
// checks every answer and the size against std::unordered_set.
void ExpectSameAsReference(const std::vector<int64_t>& ids, size_t reserve = 0) {
  IdSet set;
  if (reserve > 0) set.Reserve(reserve);
  std::unordered_set<int64_t> reference;
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(set.Insert(ids[i]), reference.insert(ids[i]).second) << "id " << ids[i] << " #" << i;
  }
  EXPECT_EQ(set.size(), reference.size());
  // Every id is found again, and nothing else.
  for (int64_t id : ids) ASSERT_FALSE(set.Insert(id)) << id;
  EXPECT_EQ(set.size(), reference.size());
}

TEST(IdSet, SongplayIdsWithRepeatsAsAReferenceSetAcrossGrowth) {
  // Real ids (hashes of events), every tenth one repeated later.
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < 300000; ++i) {
    ids.push_back(SongplayId(EventIdentity{1541000000000 + i, i % 5000, i / 7, i % 7}));
    if (i % 10 == 3) ids.push_back(ids[ids.size() / 2]);
  }
  IdSet grown;
  const size_t first_slots = grown.slots();
  for (int64_t id : ids) grown.Insert(id);
  EXPECT_GT(grown.slots(), 50 * first_slots);  // it grew many times on the way
  ExpectSameAsReference(ids);
  ExpectSameAsReference(ids, /*reserve=*/ids.size());
  ExpectSameAsReference(ids, /*reserve=*/1000);  // a reservation far too small
}

TEST(IdSet, ReservedTableHoldsItsIdsWithoutGrowingInUnderOneAndAHalfSlotsEach) {
  std::mt19937_64 rng(7);
  constexpr size_t kIds = 1'000'000;
  IdSet set;
  set.Reserve(kIds);
  const size_t slots = set.slots();
  for (size_t i = 0; i < kIds; ++i) set.Insert(static_cast<int64_t>(rng() >> 1));
  EXPECT_EQ(set.slots(), slots);
  EXPECT_LT(set.slots(), kIds * 3 / 2);  // 70% full; a half-full table takes 2 slots per id
  EXPECT_GE(set.size(), kIds - 1);       // two equal 63-bit draws: practically never
}

TEST(IdSet, ZeroAndTheLargestIdAreIds) {
  IdSet set;
  EXPECT_TRUE(set.Insert(0));
  EXPECT_FALSE(set.Insert(0));
  EXPECT_TRUE(set.Insert(kMaxId));
  EXPECT_FALSE(set.Insert(kMaxId));
  EXPECT_TRUE(set.Insert(1));
  EXPECT_EQ(set.size(), 3u);
}

TEST(IdSet, NegativeIdsAreKeptExactlyToo) {
  // Not songplay ids (those are 63 bits), but the set must not break on them.
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= 500; ++i) ids.push_back(-i * 1000003);
  ids.push_back(INT64_MIN);
  ids.push_back(-1);
  for (int64_t i = 1; i <= 500; ++i) ids.push_back(kMaxId - i);
  for (int64_t i = 1; i <= 500; i += 7) ids.push_back(-i * 1000003);
  ExpectSameAsReference(ids);
}

TEST(IdSet, IdsCrowdingTheLastSlotsSpillIntoMoreSpareSlots) {
  // All in the last home slot: one run longer than any spare area planned
  // for (the sentinel is reached again and again), inserted in both orders.
  std::vector<int64_t> top;
  for (int64_t i = 0; i < 5000; ++i) top.push_back(kMaxId - i);
  ExpectSameAsReference(top);
  std::vector<int64_t> rising(top.rbegin(), top.rend());
  ExpectSameAsReference(rising);
  rising.insert(rising.end(), top.begin(), top.end());
  ExpectSameAsReference(rising, /*reserve=*/100000);
}

TEST(IdSet, SmallConsecutiveIdsShareAHomeAndStayExact) {
  // Not hashes: one long run from slot 0, kept in order by every insert.
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= 3000; ++i) ids.push_back(i % 2 ? i : 3001 - i);
  for (int64_t i = 1; i <= 3000; i += 3) ids.push_back(i);
  ExpectSameAsReference(ids);
}

TEST(IdSet, MixedSpreadAndClusteredIdsInRandomOrder) {
  std::mt19937_64 rng(11);
  std::vector<int64_t> ids;
  for (int i = 0; i < 20000; ++i) ids.push_back(static_cast<int64_t>(rng() >> 1));
  for (int64_t i = 0; i < 2000; ++i) ids.push_back(i);
  for (int64_t i = 0; i < 2000; ++i) ids.push_back(kMaxId - 3 * i);
  for (int i = 0; i < 5000; ++i) ids.push_back(ids[rng() % ids.size()]);
  std::shuffle(ids.begin(), ids.end(), rng);
  ExpectSameAsReference(ids);
  ExpectSameAsReference(ids, /*reserve=*/ids.size());
}

}  // namespace
}  // namespace sparkify::lake
