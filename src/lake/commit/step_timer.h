// StepTimer: with SPARKIFY_COMMIT_TIMING=1, prints how long each step of a
// commit took to stderr ("sparkify: commit timing: <step> <ms> ms"). That is
// how docs/commit-protocol.md measures the publish window. Off, it costs a
// clock read per step.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sparkify::lake::commit {

class StepTimer {
 public:
  StepTimer() : on_(Enabled()), start_(std::chrono::steady_clock::now()) {}

  // Prints the time since the previous Lap() (or construction) under `step`.
  void Lap(const char* step) {
    auto now = std::chrono::steady_clock::now();
    if (on_) {
      std::fprintf(stderr, "sparkify: commit timing: %s %.1f ms\n", step,
                   std::chrono::duration<double, std::milli>(now - start_).count());
    }
    start_ = now;
  }

 private:
  static bool Enabled() {
    const char* v = std::getenv("SPARKIFY_COMMIT_TIMING");
    return v != nullptr && std::string_view(v) == "1";
  }

  bool on_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace sparkify::lake::commit
