// UTC calendar fields of a timestamp, as the time table stores them.
#pragma once

#include <cstdint>

namespace sparkify::lake {

struct CivilTime {
  int32_t year = 0;
  int32_t month = 0;    // 1..12
  int32_t day = 0;      // day of month, 1..31
  int32_t hour = 0;     // 0..23
  int32_t weekday = 0;  // ISO 8601: 1 = Monday ... 7 = Sunday
  int32_t week = 0;     // ISO 8601 week number, 1..53 (week 1 holds the year's first Thursday)
};

// Fields of `epoch_ms` (milliseconds since 1970-01-01T00:00:00Z; negative allowed).
CivilTime ToCivilTime(int64_t epoch_ms);

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace sparkify::lake
