#include "lake/write_stage.h"

#include <algorithm>
#include <mutex>
#include <numeric>

namespace sparkify::lake {

namespace {

// Streams the Parquet writer's output into a transaction's data file.
class WritableFileSink : public parquet::Sink {
 public:
  explicit WritableFileSink(fs::WritableFile* file) : file_(file) {}
  Status Append(std::string_view data) override { return file_->Append(data); }

 private:
  fs::WritableFile* file_;
};

}  // namespace

Status EncodeFile(const FileJob& job, const parquet::WriterOptions& options, parquet::Sink* sink,
                  uint64_t* bytes) {
  parquet::FileWriter writer(*job.schema, options, sink);
  std::vector<parquet::ColumnVector> columns = job.build_columns();
  SPARKIFY_RETURN_IF_ERROR(job.rows > 0 ? writer.WriteLastBatch(columns) : writer.Close());
  *bytes = writer.bytes_written();
  return Status::OK();
}

Status WriteFile(const FileJob& job, uint64_t number, const parquet::WriterOptions& options,
                 Transaction* txn, uint64_t* bytes) {
  std::unique_ptr<fs::WritableFile> file;
  std::string path;
  Status s = txn->NewNumberedDataFile(job.table, job.partition, number, &file, &path);
  if (!s.ok()) return s;
  WritableFileSink sink(file.get());
  s = EncodeFile(job, options, &sink, bytes);
  if (s.ok()) {
    s = file->Close();
  } else {
    file->Abort();
  }
  return s.ok() ? s : s.WithContext(path);
}

Status WriteTableFiles(const std::vector<FileJob>& jobs, const parquet::WriterOptions& options,
                       Transaction* txn, ThreadPool* pool,
                       std::map<std::string, TableWriteStats>* stats,
                       std::atomic<uint64_t>* files_done) {
  std::mutex mu;
  Status first_error;
  std::atomic<bool> failed{false};
  for (const FileJob& job : jobs) (*stats)[job.table];  // every table appears, even with 0 rows

  // Biggest files first, so one big file does not start last and run alone.
  std::vector<size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return jobs[a].rows > jobs[b].rows; });

  pool->ParallelFor(jobs.size(), [&](size_t k) {
    if (failed.load()) return;
    const FileJob& job = jobs[order[k]];
    uint64_t bytes = 0;
    Status s = WriteFile(job, order[k], options, txn, &bytes);
    std::lock_guard<std::mutex> lock(mu);
    if (!s.ok()) {
      if (first_error.ok()) first_error = s;
      failed = true;
      return;
    }
    TableWriteStats& t = (*stats)[job.table];
    t.rows += job.rows;
    t.files += 1;
    t.bytes += bytes;
    if (files_done) files_done->fetch_add(1, std::memory_order_relaxed);
  });
  return first_error;
}

}  // namespace sparkify::lake
