#include "lake/input_list.h"

#include <gtest/gtest.h>

#include "fs/memory_file_system.h"

namespace sparkify::lake {
namespace {

TEST(InputList, KeepsJsonObjectsSorted) {
  EXPECT_TRUE(IsInputObjectName("a/b.json"));
  EXPECT_TRUE(IsInputObjectName("a/b.json.gz"));
  EXPECT_TRUE(IsInputObjectName("a/b.json.zst"));
  EXPECT_FALSE(IsInputObjectName("a/.DS_Store"));
  EXPECT_FALSE(IsInputObjectName("_SUCCESS"));
  EXPECT_FALSE(IsInputObjectName("a/b.json.bak"));
  EXPECT_FALSE(IsInputObjectName("a/b.gz"));

  auto fs = fs::NewMemoryFileSystem();
  ASSERT_TRUE(fs->Write("b/2.json", "{}").ok());
  ASSERT_TRUE(fs->Write("a/1.json.gz", "xx").ok());
  ASSERT_TRUE(fs->Write("a/.DS_Store", "").ok());
  ASSERT_TRUE(fs->Write("_SUCCESS", "").ok());
  std::vector<InputObject> objects;
  ASSERT_TRUE(ListInputObjects(fs.get(), &objects).ok());
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].path, "a/1.json.gz");
  EXPECT_EQ(objects[0].size, 2u);
  EXPECT_EQ(objects[1].path, "b/2.json");
}

TEST(InputList, ShardsAreContiguousAndBounded) {
  std::vector<InputObject> objects;
  for (int i = 0; i < 10; ++i) objects.push_back(InputObject{std::to_string(i), 40, "", 0});
  objects[5].size = 1000;  // larger than a shard: alone in its own
  auto shards = PlanShards(objects, 100, 3);
  size_t expected_begin = 0;
  for (auto& s : shards) {
    EXPECT_EQ(s.begin, expected_begin);
    EXPECT_LT(s.begin, s.end);
    EXPECT_LE(s.end - s.begin, 3u);
    uint64_t bytes = 0;
    for (size_t i = s.begin; i < s.end; ++i) bytes += objects[i].size;
    EXPECT_TRUE(bytes <= 100 || s.end - s.begin == 1);
    expected_begin = s.end;
  }
  EXPECT_EQ(expected_begin, objects.size());
  EXPECT_TRUE(PlanShards({}).empty());
}

}  // namespace
}  // namespace sparkify::lake
