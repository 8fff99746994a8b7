#include "lake/calendar.h"

#include <gtest/gtest.h>

namespace sparkify::lake {
namespace {

// Expected values come from the ISO 8601 calendar, not from this code:
// 2018-11-15 was a Thursday in ISO week 46.
TEST(Calendar, KnownTimestampInTheSample) {
  // 1542241826796 ms = 2018-11-15T00:30:26.796Z
  CivilTime t = ToCivilTime(1542241826796);
  EXPECT_EQ(t.year, 2018);
  EXPECT_EQ(t.month, 11);
  EXPECT_EQ(t.day, 15);
  EXPECT_EQ(t.hour, 0);
  EXPECT_EQ(t.weekday, 4);
  EXPECT_EQ(t.week, 46);
}

TEST(Calendar, IsoWeekAtYearBoundaries) {
  auto at = [](int y, unsigned m, unsigned d, int hour = 12) {
    return ToCivilTime(DaysFromCivil(y, m, d) * 86400000 + hour * 3600000LL);
  };
  // 2018-12-31 (Monday) is in week 1 of ISO year 2019.
  EXPECT_EQ(at(2018, 12, 31).week, 1);
  EXPECT_EQ(at(2018, 12, 31).weekday, 1);
  // 2021-01-03 (Sunday) is in week 53 of ISO year 2020.
  EXPECT_EQ(at(2021, 1, 3).week, 53);
  EXPECT_EQ(at(2021, 1, 3).weekday, 7);
  // 2016-01-01 (Friday) is in week 53 of 2015; 2017-01-01 (Sunday) in week 52 of 2016.
  EXPECT_EQ(at(2016, 1, 1).week, 53);
  EXPECT_EQ(at(2017, 1, 1).week, 52);
  EXPECT_EQ(at(2026, 11, 25).week, 48);
  EXPECT_EQ(at(2026, 11, 25).weekday, 3);
}

TEST(Calendar, EpochAndNegative) {
  CivilTime epoch = ToCivilTime(0);
  EXPECT_EQ(epoch.year, 1970);
  EXPECT_EQ(epoch.weekday, 4);  // Thursday
  EXPECT_EQ(epoch.week, 1);
  CivilTime before = ToCivilTime(-1);  // 1969-12-31T23:59:59.999Z, a Wednesday
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.month, 12);
  EXPECT_EQ(before.day, 31);
  EXPECT_EQ(before.hour, 23);
  EXPECT_EQ(before.weekday, 3);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
}

}  // namespace
}  // namespace sparkify::lake
