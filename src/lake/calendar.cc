#include "lake/calendar.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerHour = 3'600'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> (y, m, d).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday.
int32_t IsoWeekday(int64_t days) {
  int64_t wd = (days + 3) % 7;  // 0 = Monday
  if (wd < 0) wd += 7;
  return static_cast<int32_t>(wd) + 1;
}

// ISO years have 53 weeks when they start on a Thursday, or on a Wednesday in a leap year;
// equivalently when Dec 31 is a Thursday or Jan 1 is a Thursday.
int32_t IsoWeeksInYear(int64_t year) {
  auto jan1 = IsoWeekday(DaysFromCivil(year, 1, 1));
  auto dec31 = IsoWeekday(DaysFromCivil(year, 12, 31));
  return (jan1 == 4 || dec31 == 4) ? 53 : 52;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilTime ToCivilTime(int64_t epoch_ms) {
  const int64_t days = FloorDiv(epoch_ms, kMsPerDay);
  const int64_t ms_of_day = epoch_ms - days * kMsPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  CivilTime t;
  t.year = static_cast<int32_t>(y);
  t.month = static_cast<int32_t>(m);
  t.day = static_cast<int32_t>(d);
  t.hour = static_cast<int32_t>(ms_of_day / kMsPerHour);
  t.weekday = IsoWeekday(days);
  const int64_t day_of_year = days - DaysFromCivil(y, 1, 1) + 1;
  int64_t week = (day_of_year - t.weekday + 10) / 7;
  if (week < 1) {
    week = IsoWeeksInYear(y - 1);
  } else if (week > IsoWeeksInYear(y)) {
    week = 1;
  }
  t.week = static_cast<int32_t>(week);
  return t;
}

}  // namespace sparkify::lake
