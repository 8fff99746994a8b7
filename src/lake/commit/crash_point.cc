#include "lake/commit/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace sparkify::lake {

namespace {

struct CrashSpec {
  std::string point;  // empty: no crash requested
  long occurrence = 1;
  std::atomic<long> seen{0};
};

void Parse(std::string text, CrashSpec* s) {
  s->occurrence = 1;
  s->seen = 0;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    s->occurrence = std::atol(text.c_str() + colon + 1);
    text.resize(colon);
  }
  s->point = text;
}

// How long a stall point sleeps: long enough for a test to act, bounded so a
// forgotten variable cannot hang a run forever.
constexpr auto kStallTime = std::chrono::seconds(60);

CrashSpec& StallSpec() {
  static CrashSpec* spec = [] {
    auto* s = new CrashSpec;
    const char* env = std::getenv("SPARKIFY_STALL_AT");
    if (env != nullptr) Parse(env, s);
    return s;
  }();
  return *spec;
}

CrashSpec& Spec() {
  static CrashSpec* spec = [] {
    auto* s = new CrashSpec;
    const char* env = std::getenv("SPARKIFY_CRASH_AT");
    if (env != nullptr) Parse(env, s);
    return s;
  }();
  return *spec;
}

}  // namespace

void CrashPoint(std::string_view point) {
  CrashSpec& stall = StallSpec();
  if (!stall.point.empty() && stall.point == point &&
      stall.seen.fetch_add(1) + 1 == stall.occurrence) {
    std::this_thread::sleep_for(kStallTime);
  }
  CrashSpec& spec = Spec();
  if (spec.point.empty() || spec.point != point) return;
  if (spec.seen.fetch_add(1) + 1 != spec.occurrence) return;
  ::raise(SIGKILL);
  ::_exit(137);  // not reached
}

void SetCrashPointForTesting(std::string_view spec) { Parse(std::string(spec), &Spec()); }

}  // namespace sparkify::lake
