// When and how long to wait before retrying a failed S3 request: exponential
// backoff with full jitter (a random delay in [0, min(cap, base * 2^attempt)]),
// bounded both in attempts and in total time, so that a run against a dead or
// throttling server ends with an error instead of hanging.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace sparkify::s3 {

struct RetryPolicy {
  int max_attempts = 10;  // first try included
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{5000};    // cap of one wait
  std::chrono::milliseconds max_total{120000};  // no new attempt starts after this

  // The wait before attempt `attempt` (1 = the first retry), drawn with `rng`.
  template <typename Rng>
  std::chrono::milliseconds Delay(int attempt, Rng& rng) const {
    int64_t cap = base_delay.count() << std::min(attempt, 20);
    cap = std::min<int64_t>(cap, max_delay.count());
    std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 1));
    return std::chrono::milliseconds(dist(rng));
  }
};

}  // namespace sparkify::s3
