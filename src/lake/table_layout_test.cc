#include "lake/table_layout.h"

#include <gtest/gtest.h>

#include <set>

namespace sparkify::lake {
namespace {

TEST(TableLayout, PartitionsAndFileCuts) {
  TableRows t;
  t.songs = {
      SongRow{"S2", "b", "AR/1", 1969, 1.0, std::nullopt},
      SongRow{"S1", "a", "AR/1", 1969, 2.0, std::nullopt},
      SongRow{"S3", "c", std::nullopt, std::nullopt, 3.0, std::nullopt},
  };
  // 5 songplays in 2018-11, 1 in 2019-01 (UTC).
  for (int i = 0; i < 5; ++i) {
    SongplayRow p;
    p.songplay_id = 10 - i;
    p.start_time_us = (1542241826796 + i) * 1000;
    p.user_id = 1;
    t.songplays.push_back(p);
  }
  SongplayRow jan;
  jan.songplay_id = 1;
  jan.start_time_us = 1546300800000000;  // 2019-01-01T00:00:00Z
  t.songplays.push_back(jan);

  std::vector<FileJob> jobs = PlanTableFiles(t, /*max_rows_per_file=*/2);
  std::multiset<std::string> files;
  for (const FileJob& j : jobs) {
    files.insert(j.table + "/" + j.partition);
    auto columns = j.build_columns();
    ASSERT_EQ(columns.size(), j.schema->columns.size());
    for (auto& c : columns) EXPECT_EQ(c.size(), j.rows);
    EXPECT_LE(j.rows, 2u);
  }
  EXPECT_EQ(files.count("songs/year=1969/artist_id=AR%2F1"), 1u);
  EXPECT_EQ(
      files.count("songs/year=__HIVE_DEFAULT_PARTITION__/artist_id=__HIVE_DEFAULT_PARTITION__"),
      1u);
  EXPECT_EQ(files.count("songplays/year=2018/month=11"), 3u);  // 5 rows, 2 per file
  EXPECT_EQ(files.count("songplays/year=2019/month=1"), 1u);
  // Empty unpartitioned tables still get a file; empty partitioned ones do not.
  EXPECT_EQ(files.count("users/"), 1u);
  EXPECT_EQ(files.count("artists/"), 1u);
  EXPECT_EQ(files.count("time/year=2018/month=11"), 0u);

  // Rows of a file are sorted by key: S1 before S2.
  for (const FileJob& j : jobs) {
    if (j.partition != "year=1969/artist_id=AR%2F1") continue;
    auto columns = j.build_columns();
    EXPECT_EQ(columns[0].StringAt(0), "S1");
    EXPECT_EQ(columns[0].StringAt(1), "S2");
  }
}

TEST(TableLayout, SchemasLeavePartitionColumnsOut) {
  auto names = [](const parquet::Schema& s) {
    std::vector<std::string> n;
    for (auto& c : s.columns) n.push_back(c.name);
    return n;
  };
  EXPECT_EQ(names(SongsSchema()), (std::vector<std::string>{"song_id", "title", "duration"}));
  EXPECT_EQ(names(TimeSchema()),
            (std::vector<std::string>{"start_time", "hour", "day", "week", "weekday"}));
  EXPECT_EQ(SongplaysSchema().columns[1].logical, parquet::LogicalType::kTimestampMicros);
  EXPECT_EQ(SongplaysSchema().columns[0].repetition, parquet::Repetition::kRequired);
  EXPECT_EQ(UsersSchema().columns[1].repetition, parquet::Repetition::kOptional);
}

}  // namespace
}  // namespace sparkify::lake
