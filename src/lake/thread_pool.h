// ThreadPool: a fixed set of worker threads, created once per run and shared
// by the stages (no thread per file).
//
// How to use:
//   ThreadPool pool(threads);
//   pool.ParallelFor(tasks.size(), [&](size_t i) { Run(tasks[i]); });  // waits
//   pool.Submit([&] { Run(task); });                                  // does not wait
//   pool.SubmitBackground([&] { Run(filler); });  // runs when nothing else waits
//
// Background helpers (the second constructor argument) are extra threads that
// take background tasks only. They are for background work that waits on the
// disk or the network (creating thousands of partition files): the helper's
// waits leave its core to the workers, so the waiting overlaps with their work
// instead of piling up at the end, when the workers would have nothing else
// to do. A helper competes with the workers for the cores while it computes,
// so it is only worth it for tasks that mostly wait.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sparkify::lake {

class ThreadPool {
 public:
  // `threads` <= 0 means one per hardware thread. `background_helpers`
  // threads more take only background tasks (see above).
  explicit ThreadPool(int threads, int background_helpers = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The workers, without the background helpers: what ParallelFor spreads over.
  int size() const { return static_cast<int>(workers_.size()); }

  // Runs fn(0) ... fn(n-1) on the workers, in any order, and returns when all
  // have finished. Must not be called from a worker of this pool. Its tasks
  // go ahead of those queued with Submit(), since its caller waits for them
  // (a full run reads the songs while the first log chunks are queued).
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

  // Queues `task` to run on a worker and returns at once. The caller tracks
  // completion itself (the streaming stage keeps a window of tasks in flight).
  // Tasks run in the order they were queued, as workers become free.
  void Submit(std::function<void()> task);

  // Queues `task` behind every task of Submit() and ParallelFor(), also those
  // queued later: a worker takes it only when no such task waits. For work
  // that may run at any time before the caller waits for it (files of rows
  // already in memory): it fills the time the streamed stages leave the cores
  // idle (a chunk that is late, the last chunks) instead of delaying them.
  // Background tasks start in the order they were queued. A background helper
  // takes one as soon as it is free.
  void SubmitBackground(std::function<void()> task);

  // For a long background task that can stop between steps and queue its
  // rest with SubmitBackgroundFirst(): true when the calling thread is a
  // worker of this pool (not a helper) and a task of Submit() or
  // ParallelFor() waits. A worker busy with a group of small files thus takes
  // a log chunk or a songplay file within one file's time, instead of after
  // the whole group.
  bool ShouldYield() const;

  // Tasks of Submit() and ParallelFor() waiting for a worker (not running).
  size_t queued() const { return queued_.load(std::memory_order_relaxed); }

  // Queues `task` ahead of every other background task: the rest of a task
  // that yielded, so that it goes on before any other background task starts.
  void SubmitBackgroundFirst(std::function<void()> task);

 private:
  // `helper`: takes background tasks only.
  void WorkerLoop(bool helper);

  std::mutex mu_;
  std::condition_variable work_cv_;    // workers: a task of either kind
  std::condition_variable helper_cv_;  // helpers: a background task
  std::deque<std::function<void()>> queue_;
  std::deque<std::function<void()>> background_;
  // queue_.size(), readable without the lock (ShouldYield).
  std::atomic<size_t> queued_{0};
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::vector<std::thread> helpers_;
};

}  // namespace sparkify::lake
