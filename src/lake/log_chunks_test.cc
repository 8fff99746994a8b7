#include "lake/log_chunks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "fs/local_file_system.h"
#include "fs/memory_file_system.h"

namespace sparkify::lake {
namespace {

InputObject Obj(std::string path, uint64_t size) {
  InputObject o;
  o.path = std::move(path);
  o.size = size;
  return o;
}

// Reads every chunk of `object` and concatenates their texts.
std::string ReadAllChunks(fs::FileSystem* fs, const InputObject& object, uint64_t target,
                          size_t* ranged_chunks) {
  std::vector<InputObject> objects{object};
  std::string joined, buffer;
  *ranged_chunks = 0;
  std::unique_ptr<fs::RandomAccessFile> file;
  Status opened = fs->NewRandomAccessFile(object.path, &file);
  EXPECT_TRUE(opened.ok()) << opened.ToString();
  if (!opened.ok()) return "";
  for (const LogChunk& c : PlanLogChunks(objects, target)) {
    EXPECT_TRUE(c.ranged);
    ++*ranged_chunks;
    std::string_view text;
    Status s = ReadLogRange(*file, object, c, &buffer, &text);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!text.empty()) {
      // A chunk starts at a record and ends after a newline (or at the end).
      if (c.offset > 0) {
        EXPECT_EQ(text.front(), '{');
      }
      if (joined.size() + text.size() < object.size) {
        EXPECT_EQ(text.back(), '\n');
      }
    }
    joined.append(text);
  }
  return joined;
}

TEST(LogChunks, SmallAndCompressedObjectsAreReadWhole) {
  std::vector<InputObject> objects = {Obj("a.json", 100), Obj("b.json", 200),
                                      Obj("c.json.gz", 10'000), Obj("d.json", 10'000)};
  std::vector<LogChunk> chunks = PlanLogChunks(objects, 1000);
  // a+b together, c whole (compressed), d in 10 ranges.
  ASSERT_EQ(chunks.size(), 12u);
  EXPECT_FALSE(chunks[0].ranged);
  EXPECT_EQ(chunks[0].begin, 0u);
  EXPECT_EQ(chunks[0].end, 2u);
  EXPECT_FALSE(chunks[1].ranged);
  EXPECT_EQ(chunks[1].begin, 2u);
  uint64_t covered = 0;
  for (size_t i = 2; i < chunks.size(); ++i) {
    EXPECT_TRUE(chunks[i].ranged);
    EXPECT_EQ(chunks[i].begin, 3u);
    EXPECT_EQ(chunks[i].offset, covered);
    covered += chunks[i].length;
  }
  EXPECT_EQ(covered, 10'000u);
  // An object alone in its chunk, up to 1.5 times the target, is one range
  // covering all of it; empty or compressed, it is read whole.
  for (uint64_t size : {1u, 400u, 1000u, 1500u}) {
    std::vector<LogChunk> one = PlanLogChunks({Obj("e.json", size)}, 1000);
    ASSERT_EQ(one.size(), 1u) << size;
    EXPECT_TRUE(one[0].ranged) << size;
    EXPECT_EQ(one[0].offset, 0u);
    EXPECT_EQ(one[0].length, size);
  }
  EXPECT_EQ(PlanLogChunks({Obj("e.json", 1501)}, 1000).size(), 2u);
  EXPECT_FALSE(PlanLogChunks({Obj("e.json", 0)}, 1000)[0].ranged);
  EXPECT_FALSE(PlanLogChunks({Obj("e.json.gz", 800)}, 1000)[0].ranged);
}

// Memory (ranges read into the buffer) and local disk (ranges are views into
// a mapping of the file).
class LogChunksOnFileSystem : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      dir_ = std::filesystem::temp_directory_path() /
             ("sparkify-log-chunks-test-" + std::to_string(::getpid()));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      fs_ = fs::NewLocalFileSystem(dir_.string());
    } else {
      fs_ = fs::NewMemoryFileSystem();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<fs::FileSystem> fs_;
};

INSTANTIATE_TEST_SUITE_P(MemoryAndLocal, LogChunksOnFileSystem,
                         ::testing::Values("memory", "local"));

TEST_P(LogChunksOnFileSystem, RangesTileTheObjectExactlyAtRecordStarts) {
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    // JSON lines of random lengths, some very long, some blank lines, lines
    // that do not start with '{', and maybe no final newline.
    std::string text;
    int lines = 1 + rng() % 300;
    for (int i = 0; i < lines; ++i) {
      size_t len = rng() % 10 == 0 ? 5000 + rng() % 200000 : rng() % 300;
      if (rng() % 15 == 0) {
        text += "\n";
        continue;
      }
      text += rng() % 12 == 0 ? "garbage " : "{\"k\":\"";
      text.append(len, 'x');
      text += "\"}\n";
    }
    if (rng() % 2) text.pop_back();
    fs::FileSystem* fs = fs_.get();
    ASSERT_TRUE(fs->Write("day.json", text).ok());
    InputObject object = Obj("day.json", text.size());
    for (uint64_t target : {64ull, 1000ull, 4096ull, 100000ull}) {
      if (text.size() <= target + target / 2) continue;
      size_t n = 0;
      EXPECT_EQ(ReadAllChunks(fs, object, target, &n), text)
          << "round " << round << " target " << target;
      EXPECT_GE(n, 2u);
    }
  }
}

TEST_P(LogChunksOnFileSystem, AMissingObjectIsNotFound) {
  std::unique_ptr<fs::RandomAccessFile> file;
  EXPECT_TRUE(fs_->NewRandomAccessFile("gone.json", &file).IsNotFound());
}

// The listing said the object is bigger than it is now: the chunk past the
// end is empty, the one at the end ends with the file.
TEST_P(LogChunksOnFileSystem, AnObjectShorterThanListedEndsItsChunks) {
  const std::string text = "{\"a\":1}\n{\"a\":2}\n";
  ASSERT_TRUE(fs_->Write("short.json", text).ok());
  std::unique_ptr<fs::RandomAccessFile> file;
  ASSERT_TRUE(fs_->NewRandomAccessFile("short.json", &file).ok());
  InputObject object = Obj("short.json", 100000);
  std::string buffer;
  std::string_view got;
  ASSERT_TRUE(ReadLogRange(*file, object, LogChunk{0, 1, true, 0, 50000}, &buffer, &got).ok());
  EXPECT_EQ(got, text);
  ASSERT_TRUE(ReadLogRange(*file, object, LogChunk{0, 1, true, 50000, 50000}, &buffer, &got).ok());
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace sparkify::lake
