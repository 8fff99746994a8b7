#include "lake/table_file_writer.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace sparkify::lake {

TableFileWriter::TableFileWriter(Transaction* txn, ThreadPool* pool,
                                 const parquet::WriterOptions& options, size_t max_in_flight,
                                 std::atomic<uint64_t>* files_done)
    : txn_(txn),
      pool_(pool),
      options_(options),
      max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight),
      files_done_(files_done) {}

TableFileWriter::~TableFileWriter() { Finish(); }

void TableFileWriter::Submit(FileJob job, bool wait_for_room) {
  uint64_t number = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stats_[job.table];  // every table appears, even with 0 rows
    if (wait_for_room) cv_.wait(lock, [&] { return bounded_in_flight_ < max_in_flight_; });
    if (failed_.load()) return;
    number = next_number_++;
    ++in_flight_;
    if (wait_for_room) ++bounded_in_flight_;
  }
  auto shared = std::make_shared<FileJob>(std::move(job));
  pool_->Submit([this, shared, number, wait_for_room] {
    Write(*shared, number);
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    if (wait_for_room) --bounded_in_flight_;
    cv_.notify_all();
  });
}

void TableFileWriter::SubmitGroup(std::vector<FileJob> jobs) {
  std::vector<std::vector<FileJob>> groups;
  groups.push_back(std::move(jobs));
  SubmitGroups(std::move(groups));
}

uint64_t TableFileWriter::GroupCost(const std::vector<FileJob>& jobs) {
  uint64_t cost = 0;
  for (const FileJob& job : jobs) cost += job.rows + kFileCostInRows;
  return cost;
}

void TableFileWriter::SubmitGroups(std::vector<std::vector<FileJob>> groups) {
  std::vector<uint64_t> first(groups.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& jobs : groups) {
      for (const FileJob& job : jobs) stats_[job.table];
    }
    if (failed_.load()) return;
    for (size_t g = 0; g < groups.size(); ++g) {
      first[g] = next_number_;
      next_number_ += groups[g].size();
      if (!groups[g].empty()) ++in_flight_;
    }
  }
  std::vector<size_t> order(groups.size());
  std::vector<uint64_t> cost(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    order[g] = g;
    cost[g] = GroupCost(groups[g]);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return cost[a] > cost[b]; });
  for (size_t g : order) {
    if (!groups[g].empty()) QueueGroup(std::move(groups[g]), first[g]);
  }
}

void TableFileWriter::QueueGroup(std::vector<FileJob> jobs, uint64_t first) {
  auto shared = std::make_shared<std::vector<FileJob>>(std::move(jobs));
  pool_->SubmitBackground([this, shared, first] { RunGroup(shared, 0, first); });
}

void TableFileWriter::RunGroup(const std::shared_ptr<std::vector<FileJob>>& jobs, size_t from,
                               uint64_t first) {
  for (size_t i = from; i < jobs->size(); ++i) {
    // A worker hands the rest of the group back when a log chunk or a
    // songplay file waits (at least one file per turn, so the group always
    // gets on). The rest goes first among the background tasks: the same
    // thread or the next free one goes on with the same folder.
    if (i > from && pool_->ShouldYield()) {
      pool_->SubmitBackgroundFirst([this, jobs, i, first] { RunGroup(jobs, i, first); });
      return;
    }
    Write((*jobs)[i], first + i);
    (*jobs)[i] = FileJob();  // its rows' columns are not needed any more
  }
  std::lock_guard<std::mutex> lock(mu_);
  --in_flight_;
  cv_.notify_all();
}

void TableFileWriter::Write(const FileJob& job, uint64_t number) {
  uint64_t bytes = 0;
  Status s = failed_.load() ? Status::OK() : WriteFile(job, number, options_, txn_, &bytes);
  std::lock_guard<std::mutex> lock(mu_);
  if (!s.ok()) {
    if (first_error_.ok()) first_error_ = s;
    failed_ = true;
  } else if (!failed_.load()) {
    TableWriteStats& t = stats_[job.table];
    t.rows += job.rows;
    t.files += 1;
    t.bytes += bytes;
    if (files_done_) files_done_->fetch_add(1, std::memory_order_relaxed);
  }
}

Status TableFileWriter::Finish() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ == 0; });
  return first_error_;
}

}  // namespace sparkify::lake
