#include "lake/thread_pool.h"

#include <atomic>

namespace sparkify::lake {

namespace {
// The pool whose worker (not helper) the current thread is, if any.
thread_local const ThreadPool* t_worker_of = nullptr;
}  // namespace

ThreadPool::ThreadPool(int threads, int background_helpers) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(false); });
  for (int i = 0; i < background_helpers; ++i) helpers_.emplace_back([this] { WorkerLoop(true); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  helper_cv_.notify_all();
  for (auto& t : workers_) t.join();
  for (auto& t : helpers_) t.join();
}

void ThreadPool::WorkerLoop(bool helper) {
  if (!helper) t_worker_of = this;
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (helper) {
        helper_cv_.wait(lock, [this] { return stopping_ || !background_.empty(); });
      } else {
        work_cv_.wait(lock,
                      [this] { return stopping_ || !queue_.empty() || !background_.empty(); });
      }
      std::deque<std::function<void()>>& from = helper || queue_.empty() ? background_ : queue_;
      if (from.empty()) return;  // stopping, nothing left
      task = std::move(from.front());
      from.pop_front();
      queued_.store(queue_.size(), std::memory_order_relaxed);
    }
    task();
  }
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
    queued_.store(queue_.size(), std::memory_order_relaxed);
  }
  work_cv_.notify_one();
}

void ThreadPool::SubmitBackground(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    background_.push_back(std::move(task));
  }
  // Both: a helper may be busy, and a worker that finds nothing takes it.
  helper_cv_.notify_one();
  work_cv_.notify_one();
}

void ThreadPool::SubmitBackgroundFirst(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    background_.push_front(std::move(task));
  }
  helper_cv_.notify_one();
  work_cv_.notify_one();
}

bool ThreadPool::ShouldYield() const {
  return t_worker_of == this && queued() > 0;
}

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  // Workers pull indices from a shared counter, so uneven tasks balance out.
  std::atomic<size_t> next{0};
  std::mutex done_mu;
  std::condition_variable done_cv;
  size_t running = 0;
  size_t runners = std::min(n, workers_.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    running = runners;
    for (size_t r = 0; r < runners; ++r) {
      queue_.emplace_front([&] {
        for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
        std::lock_guard<std::mutex> done_lock(done_mu);
        if (--running == 0) done_cv.notify_one();
      });
    }
    queued_.store(queue_.size(), std::memory_order_relaxed);
  }
  work_cv_.notify_all();
  std::unique_lock<std::mutex> lock(done_mu);
  done_cv.wait(lock, [&] { return running == 0; });
}

}  // namespace sparkify::lake
