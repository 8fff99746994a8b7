#include "lake/text_pool.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::lake {
namespace {

TEST(TextPool, EqualTextGetsOneCodeInFirstSeenOrder) {
  TextPool pool;
  // Many values (the table grows several times), long and short, each seen twice.
  std::vector<std::string> values;
  for (int i = 0; i < 3000; ++i) {
    values.push_back(i % 3 == 0 ? std::to_string(i)
                                : "Mozilla/5.0 (Windows NT 6.1; WOW64) agent " + std::to_string(i));
  }
  values.push_back("");
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(pool.Intern(values[i]), i) << values[i];
    }
  }
  EXPECT_EQ(pool.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(pool.Get(i), values[i]);
  EXPECT_EQ(pool.InternOrNull(std::nullopt), TextPool::kNull);

  std::string bytes;
  std::vector<uint32_t> offsets;
  pool.Release(&bytes, &offsets);
  ASSERT_EQ(offsets.size(), values.size() + 1);
  EXPECT_EQ(bytes.substr(offsets[5], offsets[6] - offsets[5]), values[5]);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.Intern("again"), 0u);
}

}  // namespace
}  // namespace sparkify::lake
