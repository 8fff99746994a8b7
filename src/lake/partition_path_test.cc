#include "lake/partition_path.h"

#include <gtest/gtest.h>

namespace sparkify::lake {
namespace {

TEST(PartitionPath, EscapesLikeHive) {
  EXPECT_EQ(EscapePartitionValue("AC/DC"), "AC%2FDC");
  EXPECT_EQ(EscapePartitionValue("a=b:c"), "a%3Db%3Ac");
  EXPECT_EQ(EscapePartitionValue("100%"), "100%25");
  EXPECT_EQ(EscapePartitionValue("#'\"*?\\{[]^"), "%23%27%22%2A%3F%5C%7B%5B%5D%5E");
  EXPECT_EQ(EscapePartitionValue(std::string("\x01\x1F\x7F", 3)), "%01%1F%7F");
  // Kept as is: spaces, '}', '&', '+', UTF-8.
  EXPECT_EQ(EscapePartitionValue("Bj\xC3\xB6rk & co}+"), "Bj\xC3\xB6rk & co}+");
}

TEST(PartitionPath, AppendsEscapedValuesAfterWhatIsThere) {
  std::string out = "artist_id=";
  AppendPartitionValue("AR/1:x%", &out);
  EXPECT_EQ(out, "artist_id=AR%2F1%3Ax%25");
  AppendPartitionValue("", &out);
  AppendPartitionValue("/", &out);
  AppendPartitionValue("plain", &out);
  EXPECT_EQ(out, "artist_id=AR%2F1%3Ax%25%2Fplain");
}

TEST(PartitionPath, NullAndEmptyAreTheDefaultPartition) {
  EXPECT_EQ(PartitionPath({{"year", "1969"}, {"artist_id", "AR1"}}), "year=1969/artist_id=AR1");
  EXPECT_EQ(PartitionPath({{"year", std::nullopt}, {"artist_id", ""}}),
            "year=__HIVE_DEFAULT_PARTITION__/artist_id=__HIVE_DEFAULT_PARTITION__");
}

}  // namespace
}  // namespace sparkify::lake
