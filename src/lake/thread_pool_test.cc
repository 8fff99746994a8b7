#include "lake/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
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

TEST(ThreadPool, SubmittedTasksAllRun) {
  ThreadPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  for (int i = 0; i < 100; ++i) {
    pool.Submit([&] {
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done == 100; });
  EXPECT_EQ(done, 100);
}

TEST(ThreadPool, BackgroundTasksWaitForEveryOtherTask) {
  ThreadPool pool(1);
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&, name] {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(name);
      cv.notify_all();
    };
  };
  // Hold the only worker so that everything below is queued before it runs.
  pool.Submit([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return open; });
  });
  pool.SubmitBackground(record("b1"));
  pool.Submit(record("r1"));
  pool.SubmitBackground(record("b2"));
  pool.Submit(record("r2"));
  {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
  }
  cv.notify_all();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return order.size() == 4; });
  EXPECT_EQ(order, (std::vector<std::string>{"r1", "r2", "b1", "b2"}));
}

TEST(ThreadPool, RunsQueuedBackgroundTasksBeforeItStops) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 50; ++i) pool.SubmitBackground([&] { done.fetch_add(1); });
  }
  EXPECT_EQ(done.load(), 50);
}

}  // namespace
}  // namespace sparkify::lake
