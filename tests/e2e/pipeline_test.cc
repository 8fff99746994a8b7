// The pipeline library called directly: the output does not depend on the
// number of threads, and the stage outputs survive serialisation.
#include "lake/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "e2e_util.h"
#include "fs/local_file_system.h"
#include "lake/input_list.h"
#include "lake/parse_stage.h"
#include "lake/transform.h"

namespace sparkify::e2e {
namespace {

// Every file of a lake's tables and rejects as (folder, contents), leaving out
// the run-scoped file names, the run summary (it holds timings) and the
// commit protocol's own files.
std::multiset<std::pair<std::string, std::string>> LakeContents(const std::string& lake) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const char* folder : {"songs", "artists", "users", "time", "songplays", "_rejects"}) {
    for (auto& [path, bytes] : ListFiles(lake + "/" + folder)) {
      out.emplace(folder + ("/" + std::filesystem::path(path).parent_path().string()), bytes);
    }
  }
  return out;
}

TEST(Pipeline, OutputIsIdenticalWhateverTheThreadCount) {
  TempDir tmp;
  std::multiset<std::pair<std::string, std::string>> first;
  for (int threads : {1, 2, 5}) {
    lake::PipelineOptions options;
    options.songs_uri = SampleDir() + "/song_data";
    options.logs_uri = SampleDir() + "/log_data";
    options.out_uri = tmp / ("lake" + std::to_string(threads));
    options.threads = threads;
    options.progress = false;
    // Small units, so the sample makes many parse shards (~15 for the logs) and
    // several files per partition, and the threads really share the work.
    options.shard_target_bytes = 256 << 10;
    options.max_rows_per_file = 1000;
    lake::RunReport report;
    Status s = lake::RunPipeline(options, &report);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(report.threads, threads);
    EXPECT_EQ(report.tables["songplays"].rows, 6820u);
    auto contents = LakeContents(options.out_uri);
    if (first.empty()) {
      first = contents;
      EXPECT_GT(first.size(), 80u);
    } else {
      EXPECT_TRUE(contents == first) << threads << " threads";
    }
  }
}

TEST(Pipeline, ARerunReplacesEveryTableEvenWithEmptyInput) {
  TempDir tmp;
  lake::PipelineOptions options;
  options.songs_uri = SampleDir() + "/song_data";
  options.logs_uri = SampleDir() + "/log_data";
  options.out_uri = tmp / "lake";
  options.progress = false;
  lake::RunReport report;
  ASSERT_TRUE(lake::RunPipeline(options, &report).ok());
  ASSERT_FALSE(ListFiles(tmp / "lake/songplays").empty());

  std::filesystem::create_directories(tmp / "empty");
  options.songs_uri = options.logs_uri = tmp / "empty";
  Status s = lake::RunPipeline(options, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const char* table : {"songs", "time", "songplays"}) {
    if (std::filesystem::exists(tmp / ("lake/" + std::string(table)))) {
      EXPECT_TRUE(ListFiles(tmp / ("lake/" + std::string(table))).empty()) << table;
    }
  }
  // Unpartitioned tables keep one empty file for their schema.
  EXPECT_EQ(ListFiles(tmp / "lake/users").size(), 1u);
  EXPECT_EQ(report.tables["users"].rows, 0u);
}

TEST(Pipeline, StageOutputsShippedAsBytesGiveTheSameTables) {
  auto logs_fs = fs::NewLocalFileSystem(SampleDir() + "/log_data");
  std::vector<lake::InputObject> objects;
  ASSERT_TRUE(lake::ListInputObjects(logs_fs.get(), &objects).ok());
  // Small shards, as separate tasks of a distributed engine would see them.
  auto shards = lake::PlanShards(objects, 200000, 4);
  ASSERT_GT(shards.size(), 3u);
  std::vector<lake::LogShardOutput> direct(shards.size()), shipped(shards.size());
  for (size_t i = 0; i < shards.size(); ++i) {
    ASSERT_TRUE(lake::ParseLogShard(logs_fs.get(), objects, shards[i].begin, shards[i].end,
                                    &direct[i], nullptr)
                    .ok());
    ASSERT_TRUE(lake::LogShardOutput::Deserialize(direct[i].Serialize(), &shipped[i]).ok());
  }
  std::vector<const lake::LogBatch*> a, b;
  for (auto& o : direct) a.push_back(&o.batch);
  for (auto& o : shipped) b.push_back(&o.batch);
  auto users_a = lake::BuildUsers(a), users_b = lake::BuildUsers(b);
  auto plays_a = lake::BuildSongplays(a, {}), plays_b = lake::BuildSongplays(b, {});
  ASSERT_EQ(users_a.size(), 97u);
  ASSERT_EQ(users_b.size(), 97u);
  for (size_t i = 0; i < users_a.size(); ++i) {
    EXPECT_EQ(users_a[i].user_id, users_b[i].user_id);
    EXPECT_EQ(users_a[i].level, users_b[i].level);
  }
  ASSERT_EQ(plays_a.size(), 6820u);
  ASSERT_EQ(plays_b.size(), 6820u);
  for (size_t i = 0; i < plays_a.size(); ++i) {
    EXPECT_EQ(plays_a[i].songplay_id, plays_b[i].songplay_id);
    EXPECT_EQ(plays_a[i].user_agent, plays_b[i].user_agent);
  }
}

}  // namespace
}  // namespace sparkify::e2e
