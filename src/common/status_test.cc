#include "common/status.h"

#include <gtest/gtest.h>

namespace sparkify {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Status Chain(int x, int* out) {
  SPARKIFY_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

TEST(StatusTest, CarriesCodeAndContext) {
  Status s = Status::NotFound("songs/a.json").WithContext("listing");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "NotFound: listing: songs/a.json");
  EXPECT_EQ(Status::OK().ToString(), "OK");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int v = 0;
  EXPECT_TRUE(Chain(8, &v).ok());
  EXPECT_EQ(v, 4);
  EXPECT_TRUE(Chain(3, &v).IsInvalidArgument());
}

}  // namespace
}  // namespace sparkify
