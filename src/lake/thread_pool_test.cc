#include "lake/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sparkify::lake {
namespace {

// Keeps one worker of `pool` busy from construction (it returns once the
// worker runs the hold) until Release() or destruction, so that what is
// queued meanwhile waits. Declare it after the pool.
class WorkerHold {
 public:
  explicit WorkerHold(ThreadPool* pool) {
    pool->Submit([this] {
      std::unique_lock<std::mutex> lock(mu_);
      held_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
    });
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return held_; });
  }
  ~WorkerHold() { Release(); }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false, released_ = false;
};

// The order in which tasks ran, by name.
class Recorder {
 public:
  void Record(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    order_.push_back(name);
    cv_.notify_all();
  }
  std::function<void()> Task(std::string name) {
    return [this, name] { Record(name); };
  }
  // Waits until `n` tasks have run; their names in order.
  std::vector<std::string> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return order_.size() >= n; });
    return order_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> order_;
};

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
  Recorder recorder;
  // Hold the only worker so that everything below is queued before it runs.
  WorkerHold hold(&pool);
  pool.SubmitBackground(recorder.Task("b1"));
  pool.Submit(recorder.Task("r1"));
  pool.SubmitBackground(recorder.Task("b2"));
  pool.Submit(recorder.Task("r2"));
  hold.Release();
  EXPECT_EQ(recorder.WaitFor(4), (std::vector<std::string>{"r1", "r2", "b1", "b2"}));
}

TEST(ThreadPool, RunsQueuedBackgroundTasksBeforeItStops) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 50; ++i) pool.SubmitBackground([&] { done.fetch_add(1); });
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(ThreadPool, AHelperRunsBackgroundTasksWhileEveryWorkerIsBusy) {
  ThreadPool pool(1, /*background_helpers=*/1);
  EXPECT_EQ(pool.size(), 1);  // helpers are not workers
  std::mutex mu;
  std::condition_variable cv;
  bool background_ran = false, saw_it = false, done = false;
  // The only worker waits for the background task: without a helper it
  // would run only after this task, which then gives up after 30 s.
  pool.Submit([&] {
    std::unique_lock<std::mutex> lock(mu);
    saw_it = cv.wait_for(lock, std::chrono::seconds(30), [&] { return background_ran; });
    done = true;
    cv.notify_all();
  });
  pool.SubmitBackground([&] {
    std::lock_guard<std::mutex> lock(mu);
    background_ran = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  EXPECT_TRUE(saw_it);
}

TEST(ThreadPool, HelpersTakeNoOtherTask) {
  ThreadPool pool(1, /*background_helpers=*/2);
  // Hold the only worker; the helpers are idle.
  WorkerHold hold(&pool);
  std::atomic<int> ran{0};
  for (int i = 0; i < 4; ++i) pool.Submit([&] { ran.fetch_add(1); });
  std::atomic<int> background{0};
  pool.SubmitBackground([&] { background.fetch_add(1); });  // wakes a helper
  // An idle helper that took a task would have run it by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ran.load(), 0);
  hold.Release();
  while (ran.load() < 4) std::this_thread::yield();
  while (background.load() == 0) std::this_thread::yield();
  EXPECT_EQ(background.load(), 1);
}

TEST(ThreadPool, HelpersFinishQueuedBackgroundTasksBeforeItStops) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(1, /*background_helpers=*/2);
    for (int i = 0; i < 50; ++i) {
      pool.SubmitBackground([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        done.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(ThreadPool, AWorkerInABackgroundTaskShouldYieldOnceATaskWaits) {
  ThreadPool pool(1);
  EXPECT_FALSE(pool.ShouldYield());  // the caller is not a thread of the pool
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, queued = false, done = false;
  bool before = true, after = false;
  pool.SubmitBackground([&] {
    std::unique_lock<std::mutex> lock(mu);
    before = pool.ShouldYield();  // nothing else waits
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return queued; });
    after = pool.ShouldYield();  // the task below waits for this worker
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return started; });
  pool.Submit([] {});
  queued = true;
  cv.notify_all();
  cv.wait(lock, [&] { return done; });
  EXPECT_FALSE(before);
  EXPECT_TRUE(after);
}

TEST(ThreadPool, AHelperNeverYields) {
  ThreadPool pool(1, /*background_helpers=*/1);
  // Hold the only worker, then queue a task behind it.
  WorkerHold hold(&pool);
  pool.Submit([] {});
  std::atomic<int> yield{-1};
  pool.SubmitBackground([&] { yield = pool.ShouldYield() ? 1 : 0; });  // on the helper
  while (yield.load() < 0) std::this_thread::yield();
  hold.Release();
  EXPECT_EQ(yield.load(), 0);  // a task waits, but a helper could not take it
}

TEST(ThreadPool, SubmitBackgroundFirstGoesAheadOfTheOtherBackgroundTasks) {
  ThreadPool pool(1);
  Recorder recorder;
  WorkerHold hold(&pool);
  pool.SubmitBackground(recorder.Task("b1"));
  pool.SubmitBackground(recorder.Task("b2"));
  pool.SubmitBackgroundFirst(recorder.Task("first"));
  pool.Submit(recorder.Task("r"));
  hold.Release();
  EXPECT_EQ(recorder.WaitFor(4), (std::vector<std::string>{"r", "first", "b1", "b2"}));
}

TEST(ThreadPool, ParallelForGoesAheadOfSubmittedTasks) {
  ThreadPool pool(1);
  Recorder recorder;
  // Hold the only worker while everything below is queued.
  WorkerHold hold(&pool);
  pool.Submit(recorder.Task("submitted 1"));
  pool.Submit(recorder.Task("submitted 2"));
  std::thread caller([&] { pool.ParallelFor(2, [&](size_t) { recorder.Record("parallel"); }); });
  while (pool.queued() < 3) std::this_thread::yield();  // one runner for one worker
  hold.Release();
  caller.join();
  EXPECT_EQ(recorder.WaitFor(4),
            (std::vector<std::string>{"parallel", "parallel", "submitted 1", "submitted 2"}));
}

}  // namespace
}  // namespace sparkify::lake
