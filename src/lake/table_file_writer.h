// TableFileWriter: writes file jobs (table_layout.h) in the background on the
// run's thread pool, so that the streaming log stage can hand over a full
// partition's file and go on parsing. At most `max_in_flight` jobs wait or
// run at once: Submit() blocks beyond that, which bounds the memory held by
// rows waiting to be encoded.
//
// How to use:
//   TableFileWriter writer(txn, &pool, writer_options, /*max_in_flight=*/4);
//   writer.Submit(std::move(job), true);  // from one thread (the stage's driver)
//   Status s = writer.Finish();        // waits; the first error of any job
//   writer.stats()                     // rows, files, bytes per table
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/commit/transaction.h"
#include "lake/table_layout.h"
#include "lake/thread_pool.h"
#include "lake/write_stage.h"
#include "parquet/writer.h"

namespace sparkify::lake {

class TableFileWriter {
 public:
  TableFileWriter(Transaction* txn, ThreadPool* pool, const parquet::WriterOptions& options,
                  size_t max_in_flight, std::atomic<uint64_t>* files_done = nullptr);
  // Waits for the jobs still running.
  ~TableFileWriter();
  TableFileWriter(const TableFileWriter&) = delete;
  TableFileWriter& operator=(const TableFileWriter&) = delete;

  // Queues `job`; files are numbered in the order of the calls, so a caller
  // that submits in a fixed order gets the same file names every run. With `wait_for_room`, first
  // waits until fewer than `max_in_flight` jobs are queued or running (for jobs whose rows are made
  // as fast as the caller can go); without, queues at once (rows that are in
  // memory anyway, like the dimension tables). After a job failed, further
  // jobs are dropped (Finish() returns the error).
  void Submit(FileJob job, bool wait_for_room);

  // Queues `jobs` as one task that writes them in order, numbered as that
  // many Submit() calls would number them. For many small files under the
  // same folder (a year's song partitions): one thread creates them all, so
  // threads do not take turns on that folder's lock in the kernel for each
  // new subfolder. Never waits for room. Groups are the pool's background
  // tasks (ThreadPool::SubmitBackground): their rows are in memory anyway, so
  // they run whenever no other task waits (log chunks and songplay files go
  // first) and fill the cores' idle time up to Finish(). A worker in the
  // middle of a group takes a waiting task after its current file
  // (ThreadPool::ShouldYield); the group's rest goes on next.
  void SubmitGroup(std::vector<FileJob> jobs);

  // Queues each of `groups` as SubmitGroup() does, numbered as that many
  // SubmitGroup() calls in the given order would number them, but queued
  // costliest group first (cost: GroupCost()): a big group queued last would
  // run alone at the end while the other threads idle.
  void SubmitGroups(std::vector<std::vector<FileJob>> groups);

  // An estimate of the time a group takes, in rows: each file also costs
  // kFileCostInRows rows' worth (a folder, an open, a footer).
  static constexpr uint64_t kFileCostInRows = 64;
  static uint64_t GroupCost(const std::vector<FileJob>& jobs);

  // True once a job failed: the caller may stop early.
  bool failed() const { return failed_.load(); }

  // Waits for every queued job; returns the first error.
  Status Finish();

  // Per table, every table that had a job (also with 0 rows). After Finish().
  const std::map<std::string, TableWriteStats>& stats() const { return stats_; }

 private:
  Transaction* const txn_;
  ThreadPool* const pool_;
  const parquet::WriterOptions options_;
  const size_t max_in_flight_;
  std::atomic<uint64_t>* const files_done_;

  // Writes `job` as file `number` and accounts for it (on a pool thread).
  void Write(const FileJob& job, uint64_t number);
  // Queues `jobs` as one task, numbered from `first` (numbers already taken).
  void QueueGroup(std::vector<FileJob> jobs, uint64_t first);
  // Writes jobs[from...] (a pool task); may queue the rest as a new task.
  void RunGroup(const std::shared_ptr<std::vector<FileJob>>& jobs, size_t from, uint64_t first);

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_number_ = 0;
  size_t in_flight_ = 0;          // every queued or running job
  size_t bounded_in_flight_ = 0;  // those submitted with wait_for_room
  Status first_error_;
  std::atomic<bool> failed_{false};
  std::map<std::string, TableWriteStats> stats_;
};

}  // namespace sparkify::lake
