#include "lake/table_file_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fs/memory_file_system.h"
#include "lake/thread_pool.h"

namespace sparkify::lake {
namespace {

constexpr int kYears = 3;
constexpr int kArtistsPerYear = 4;

// The songs of kYears years, kArtistsPerYear artists each: one file per artist.
struct Catalogue {
  Catalogue() {
    for (int y = 0; y < kYears; ++y) {
      for (int a = 0; a < kArtistsPerYear; ++a) {
        ids.push_back("S" + std::to_string(y) + "-" + std::to_string(a));
        artists.push_back("AR" + std::to_string(a));
      }
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      rows.songs.push_back(SongRow{ids[i], "t", artists[i],
                                   static_cast<int32_t>(1960 + i / kArtistsPerYear), 1.0,
                                   std::nullopt});
    }
  }
  std::vector<FileJob> Jobs() const {
    std::vector<FileJob> jobs;
    for (FileJob& j : PlanTableFiles(rows, 100)) {
      if (j.table == "songs") jobs.push_back(std::move(j));
    }
    return jobs;
  }
  std::vector<std::string> ids, artists;  // the rows' text
  TableRows rows;
};

// A transaction on `fs` that writes data files only (no symlink manifests).
std::unique_ptr<Transaction> BeginDataOnly(fs::FileSystem* fs) {
  std::unique_ptr<Transaction> txn;
  TransactionOptions options;
  options.symlink_manifests = SymlinkManifestPolicy::kNever;
  EXPECT_TRUE(Transaction::Begin(fs, options, &txn).ok());
  return txn;
}

enum class Submission { kSingle, kGroups, kGroupsAtOnce };

// Partition folder -> file number, as committed.
std::map<std::string, std::string> Write(Submission how) {
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<Transaction> txn = BeginDataOnly(fs.get());
  ThreadPool pool(2);
  TableFileWriter writer(txn.get(), &pool, parquet::WriterOptions(), 4);
  Catalogue catalogue;
  std::vector<FileJob> jobs = catalogue.Jobs();
  EXPECT_EQ(jobs.size(), static_cast<size_t>(kYears * kArtistsPerYear));
  if (how != Submission::kSingle) {  // by year, as the pipeline groups them
    std::vector<std::vector<FileJob>> groups;
    for (size_t i = 0; i < jobs.size(); i += kArtistsPerYear) {
      // Years of growing size (1, 2, 3, 4 files... cut to kArtistsPerYear):
      // the last group is the biggest, so it is started first.
      const size_t n = std::min<size_t>(kArtistsPerYear, i / kArtistsPerYear + 2);
      groups.emplace_back(std::make_move_iterator(jobs.begin() + i),
                          std::make_move_iterator(jobs.begin() + i + n));
      groups.emplace_back(std::make_move_iterator(jobs.begin() + i + n),
                          std::make_move_iterator(jobs.begin() + i + kArtistsPerYear));
    }
    if (how == Submission::kGroups) {
      for (auto& g : groups) writer.SubmitGroup(std::move(g));
    } else {
      writer.SubmitGroups(std::move(groups));
    }
  } else {
    for (FileJob& j : jobs) writer.Submit(std::move(j), /*wait_for_room=*/false);
  }
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.stats().at("songs").files, 12u);
  EXPECT_EQ(writer.stats().at("songs").rows, 12u);
  EXPECT_TRUE(txn->Commit("{}").ok());
  std::vector<fs::FileInfo> files;
  EXPECT_TRUE(fs->List("songs/", &files).ok());
  std::map<std::string, std::string> out;
  for (const fs::FileInfo& f : files) {
    size_t slash = f.path.rfind('/');
    size_t dash = f.path.rfind('-');
    out[f.path.substr(0, slash)] = f.path.substr(dash + 1);
  }
  return out;
}

// A group of jobs is numbered as the same jobs submitted one by one: the
// lake's file names do not depend on how the writes were scheduled.
TEST(TableFileWriter, GroupsNumberFilesAsSingleSubmits) {
  auto single = Write(Submission::kSingle);
  auto grouped = Write(Submission::kGroups);
  // Queued biggest first, numbered in the order given.
  auto at_once = Write(Submission::kGroupsAtOnce);
  EXPECT_EQ(single.size(), 12u);
  EXPECT_EQ(grouped, single);
  EXPECT_EQ(at_once, single);
  EXPECT_EQ(single["songs/year=1960/artist_id=AR0"], "0.parquet");
  EXPECT_EQ(single["songs/year=1962/artist_id=AR3"], "11.parquet");
}

// Groups are rows in memory, written when nothing else waits: a file submitted
// after them (a songplay file of the log stage) is written first.
TEST(TableFileWriter, GroupsRunBehindSubmittedFiles) {
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<Transaction> txn;
  ASSERT_TRUE(Transaction::Begin(fs.get(), TransactionOptions(), &txn).ok());
  ThreadPool pool(1);
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::vector<std::string> order;
  auto logged = [&](FileJob job, std::string name) {
    auto inner = std::move(job.build_columns);
    job.build_columns = [&order, &mu, inner, name] {
      {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(name);
      }
      return inner();
    };
    return job;
  };
  Catalogue catalogue;  // the jobs point into its rows
  std::vector<FileJob> jobs = catalogue.Jobs();
  // Hold the only worker until everything is queued.
  pool.Submit([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return open; });
  });
  TableFileWriter writer(txn.get(), &pool, parquet::WriterOptions(), 4);
  std::vector<std::vector<FileJob>> groups(1);
  groups[0].push_back(logged(std::move(jobs[0]), "group"));
  groups[0].push_back(logged(std::move(jobs[1]), "group"));
  writer.SubmitGroups(std::move(groups));
  writer.Submit(logged(std::move(jobs[2]), "single"), /*wait_for_room=*/false);
  {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
  }
  cv.notify_all();
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(order, (std::vector<std::string>{"single", "group", "group"}));
  EXPECT_EQ(writer.stats().at("songs").files, 3u);
}

// A worker in the middle of a group takes a file submitted meanwhile after the
// group's current file, not after the whole group (ThreadPool::ShouldYield);
// the numbering stays that of the submissions.
TEST(TableFileWriter, AGroupMakesWayForAFileSubmittedMeanwhile) {
  auto fs = fs::NewMemoryFileSystem();
  std::unique_ptr<Transaction> txn = BeginDataOnly(fs.get());
  ASSERT_NE(txn, nullptr);
  ThreadPool pool(1);
  TableFileWriter writer(txn.get(), &pool, parquet::WriterOptions(), 4);
  std::mutex mu;
  std::vector<std::string> order;
  Catalogue catalogue;  // the jobs point into its rows
  std::vector<FileJob> jobs = catalogue.Jobs();
  auto single = std::make_shared<FileJob>(std::move(jobs[3]));
  auto logged = [&](FileJob job, std::string name, bool submit_single) {
    auto inner = std::move(job.build_columns);
    job.build_columns = [&, inner, name, submit_single] {
      {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(name);
      }
      // The log stage hands over a songplay file while the group runs.
      if (submit_single) writer.Submit(std::move(*single), /*wait_for_room=*/false);
      return inner();
    };
    return job;
  };
  single->build_columns = [&, inner = std::move(single->build_columns)] {
    {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back("single");
    }
    return inner();
  };
  std::vector<FileJob> group;
  group.push_back(logged(std::move(jobs[0]), "group 0", true));
  group.push_back(logged(std::move(jobs[1]), "group 1", false));
  group.push_back(logged(std::move(jobs[2]), "group 2", false));
  writer.SubmitGroup(std::move(group));
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(order, (std::vector<std::string>{"group 0", "single", "group 1", "group 2"}));
  EXPECT_EQ(writer.stats().at("songs").files, 4u);
  ASSERT_TRUE(txn->Commit("{}").ok());
  // Numbered as submitted: the group's files 0-2, the single file 3.
  std::vector<fs::FileInfo> files;
  ASSERT_TRUE(fs->List("songs/", &files).ok());
  std::vector<std::string> names;
  for (const fs::FileInfo& f : files) names.push_back(f.path.substr(f.path.rfind('-') + 1));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"0.parquet", "1.parquet", "2.parquet", "3.parquet"}));
}

}  // namespace
}  // namespace sparkify::lake
