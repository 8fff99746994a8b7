#include "lake/log_chunks.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

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
  for (const LogChunk& c : PlanLogChunks(objects, target)) {
    EXPECT_TRUE(c.ranged);
    ++*ranged_chunks;
    std::string_view text;
    Status s = ReadLogRange(fs, object, c, &buffer, &text);
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
  // An object up to 1.5 times the target stays whole.
  EXPECT_FALSE(PlanLogChunks({Obj("e.json", 1500)}, 1000)[0].ranged);
}

TEST(LogChunks, RangesTileTheObjectExactlyAtRecordStarts) {
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
    auto fs = fs::NewMemoryFileSystem();
    ASSERT_TRUE(fs->Write("day.json", text).ok());
    InputObject object = Obj("day.json", text.size());
    for (uint64_t target : {64ull, 1000ull, 4096ull, 100000ull}) {
      if (text.size() <= target + target / 2) continue;
      size_t n = 0;
      EXPECT_EQ(ReadAllChunks(fs.get(), object, target, &n), text)
          << "round " << round << " target " << target;
      EXPECT_GE(n, 2u);
    }
  }
}

TEST(LogChunks, AMissingObjectIsAnError) {
  auto fs = fs::NewMemoryFileSystem();
  InputObject object = Obj("gone.json", 100000);
  std::string buffer;
  std::string_view text;
  LogChunk chunk{0, 1, true, 50000, 50000};
  EXPECT_FALSE(ReadLogRange(fs.get(), object, chunk, &buffer, &text).ok());
}

}  // namespace
}  // namespace sparkify::lake
