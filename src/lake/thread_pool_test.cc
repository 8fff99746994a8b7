#include "lake/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace sparkify::lake {
namespace {

TEST(ThreadPool, RunsEveryIndexOnceAndIsReusable) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::atomic<int>> hits(1000);
    pool.ParallelFor(hits.size(), [&](size_t i) { hits[i].fetch_add(1); });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
  pool.ParallelFor(0, [](size_t) { FAIL(); });
}

}  // namespace
}  // namespace sparkify::lake
