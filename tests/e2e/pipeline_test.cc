// The pipeline library called directly: the output does not depend on the
// number of threads, and the stage outputs survive serialisation.
#include "lake/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "e2e_util.h"
#include "fs/local_file_system.h"
#include "lake/input_list.h"
#include "lake/parse_stage.h"
#include "lake/transform.h"

namespace sparkify::e2e {
namespace {

// Every file of a lake's tables and rejects as (path, contents), with the run
// id taken out of file names ("part-20261125T172947Z-27920-7f6f-18.parquet"
// becomes "part-18.parquet": the number must not depend on which thread
// opened the file first), leaving out the run summary (it holds timings) and
// the commit protocol's own files.
std::multiset<std::pair<std::string, std::string>> LakeContents(const std::string& lake) {
  static const std::regex kRunId("part-[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]+-");
  std::multiset<std::pair<std::string, std::string>> out;
  for (const char* folder : {"songs", "artists", "users", "time", "songplays", "_rejects"}) {
    for (auto& [path, bytes] : ListFiles(lake + "/" + folder)) {
      out.emplace(folder + ("/" + std::regex_replace(path, kRunId, "part-")), bytes);
    }
  }
  return out;
}

// Runs the pipeline on the public sample into `out` with `options` (their
// inputs and output set here); the lake's contents as LakeContents gives them.
std::multiset<std::pair<std::string, std::string>> RunOnSample(lake::PipelineOptions options,
                                                               const std::string& out,
                                                               lake::RunReport* report) {
  options.songs_uri = SampleDir() + "/song_data";
  options.logs_uri = SampleDir() + "/log_data";
  options.out_uri = out;
  options.progress = false;
  Status s = lake::RunPipeline(options, report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? LakeContents(out) : std::multiset<std::pair<std::string, std::string>>();
}

TEST(Pipeline, OutputIsIdenticalWhateverTheThreadCount) {
  TempDir tmp;
  std::multiset<std::pair<std::string, std::string>> first;
  for (int threads : {1, 2, 5}) {
    lake::PipelineOptions options;
    options.threads = threads;
    // Small units, so the sample makes many parse shards (~15 for the logs) and
    // several files per partition, and the threads really share the work.
    options.shard_target_bytes = 256 << 10;
    options.max_rows_per_file = 1000;
    lake::RunReport report;
    auto contents = RunOnSample(options, tmp / ("lake" + std::to_string(threads)), &report);
    ASSERT_FALSE(contents.empty());
    EXPECT_EQ(report.threads, threads);
    EXPECT_EQ(report.tables["songplays"].rows, 6820u);
    if (first.empty()) {
      first = contents;
      EXPECT_GT(first.size(), 80u);
    } else {
      EXPECT_TRUE(contents == first) << threads << " threads";
    }
  }
}

// Every row of every table, as DuckDB reads the lake, sorted.
std::vector<std::vector<Row>> AllRows(const std::string& lake) {
  return Duck({
      "SELECT * FROM " + Table(lake, "songplays") + " ORDER BY songplay_id",
      "SELECT * FROM " + Table(lake, "users") + " ORDER BY user_id",
      "SELECT * FROM " + Table(lake, "time") + " ORDER BY start_time",
      "SELECT * FROM " + Table(lake, "songs") + " ORDER BY song_id",
      "SELECT * FROM " + Table(lake, "artists") + " ORDER BY artist_id",
  });
}

TEST(Pipeline, LogsCutIntoSmallChunksGiveTheSameRows) {
  TempDir tmp;
  lake::PipelineOptions options;
  options.songs_uri = SampleDir() + "/song_data";
  options.logs_uri = tmp / "logs";
  options.progress = false;
  // The sample's logs in one big file, plus a file with bad lines at known
  // places: line numbers of rejects must count the lines of earlier chunks.
  std::string all;
  for (auto& [path, bytes] : ListFiles(SampleDir() + "/log_data")) all += bytes;
  WriteFile(tmp / "logs/all.json", all);
  std::string bad;
  for (int i = 1; i <= 3000; ++i) {
    bad += i % 1000 == 0 ? "{\"ts\": \"broken\"}\n"
                         : "{\"ts\": " + std::to_string(1541030400000 + i) + ", \"userId\": \"" +
                               std::to_string(i % 7 + 1) + "\", \"page\": \"Home\"}\n";
  }
  WriteFile(tmp / "logs/bad.json", bad);

  options.out_uri = tmp / "whole";
  lake::RunReport whole;
  ASSERT_TRUE(lake::RunPipeline(options, &whole).ok());
  options.out_uri = tmp / "chunked";
  options.shard_target_bytes = 8 << 10;  // hundreds of chunks
  options.max_rows_per_file = 700;
  lake::RunReport chunked;
  Status s = lake::RunPipeline(options, &chunked);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(chunked.tables["songplays"].rows, 6820u);
  EXPECT_GE(chunked.tables["songplays"].files, 10u);
  EXPECT_EQ(chunked.tables["users"].rows, whole.tables["users"].rows);
  EXPECT_EQ(chunked.logs.records, whole.logs.records);
  EXPECT_EQ(chunked.logs.bytes, whole.logs.bytes);
  EXPECT_EQ(chunked.logs.objects, 2u);
  EXPECT_EQ(chunked.rejects, 3u);
  EXPECT_EQ(ReadFile(tmp / "chunked/_rejects/rejects.jsonl"),
            ReadFile(tmp / "whole/_rejects/rejects.jsonl"));
  for (int line : {1000, 2000, 3000}) {
    EXPECT_NE(ReadFile(tmp / "chunked/_rejects/rejects.jsonl")
                  .find("\"object\":\"bad.json\",\"line\":" + std::to_string(line) + ","),
              std::string::npos)
        << line;
  }
  auto a = AllRows(tmp / "whole");
  auto b = AllRows(tmp / "chunked");
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].size(), 6820u);
  for (size_t t = 0; t < a.size(); ++t) EXPECT_TRUE(a[t] == b[t]) << "table " << t;
}

// Log chunks parsed before the song matcher exists (LogStream::Start) have
// their rows derived by the merging thread; the lake is the same as when the
// workers derive them.
TEST(Pipeline, LogChunksParsedBeforeTheSongsGiveTheSameLake) {
  TempDir tmp;
  std::multiset<std::pair<std::string, std::string>> first;
  for (size_t early : {1, 1000000}) {
    lake::PipelineOptions options;
    options.threads = 2;
    options.shard_target_bytes = 8 << 10;  // hundreds of chunks
    options.max_rows_per_file = 1000;
    options.early_log_chunks = early;  // one, or every chunk
    lake::RunReport report;
    auto contents = RunOnSample(options, tmp / ("lake" + std::to_string(early)), &report);
    ASSERT_FALSE(contents.empty());
    EXPECT_EQ(report.tables["songplays"].rows, 6820u);
    if (first.empty()) {
      first = contents;
      EXPECT_GT(first.size(), 80u);
    } else {
      EXPECT_TRUE(contents == first) << early << " early chunks";
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

// The catalogue's files are background tasks queued while the log stream
// runs; with no log at all they are still written.
TEST(Pipeline, TheCatalogueIsWrittenWhenThereAreNoLogs) {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "no-logs");
  lake::PipelineOptions options;
  options.songs_uri = SampleDir() + "/song_data";
  options.logs_uri = tmp / "no-logs";
  options.out_uri = tmp / "lake";
  options.progress = false;
  lake::RunReport report;
  Status s = lake::RunPipeline(options, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.tables["songs"].rows, 71u);
  EXPECT_EQ(report.tables["songplays"].rows, 0u);
  EXPECT_EQ(ListFiles(tmp / "lake/songs").size(), report.tables["songs"].files);
  EXPECT_GT(report.tables["songs"].files, 50u);  // one per (year, artist) partition
  EXPECT_EQ(ListFiles(tmp / "lake/artists").size(), 1u);
  EXPECT_EQ(report.tables["artists"].rows, 69u);
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
