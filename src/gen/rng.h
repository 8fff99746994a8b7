// Rng: the generator's only source of randomness. Every stream is derived from
// (seed, stream kind, index) so that each song, user and day file is generated
// from its own stream: the output is byte-identical for a seed whatever the
// number of threads or the order in which work items run.
#pragma once

#include <cstdint>

#include "common/mix64.h"

namespace sparkify::gen {

// Stream kinds: one per family of independent work items.
enum class Stream : uint64_t {
  kArtist = 1,
  kSong = 2,
  kUser = 3,
  kWorldSong = 4,
  kDayPlan = 5,
  kDay = 6,
  kBadLine = 7,
  kDayWeights = 8,
};

// SplitMix64: tiny, fast, and good enough statistically for synthetic data.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}

  // A generator for work item `index` of family `stream`, independent of the others.
  static Rng For(uint64_t seed, Stream stream, uint64_t index) {
    Rng mix(seed ^ (static_cast<uint64_t>(stream) * 0xA24BAED4963EE407ULL));
    uint64_t a = mix.Next();
    Rng mix2(a ^ (index * 0x9FB21C651E98DF25ULL + 0x632BE59BD9B4E019ULL));
    return Rng(mix2.Next());
  }

  uint64_t Next() { return Mix64(state_ += 0x9E3779B97F4A7C15ULL); }

  // Uniform in [0, n); n > 0. Multiply-shift: a negligible bias, no loop.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi], inclusive.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Index in [0, n) skewed towards 0 (popular items first): the square of a uniform.
  uint64_t Skewed(uint64_t n) {
    double u = Unit();
    uint64_t i = static_cast<uint64_t>(u * u * static_cast<double>(n));
    return i < n ? i : n - 1;
  }

 private:
  uint64_t state_;
};

// A bijection on [0, 2^bits): distinct indexes give distinct ids that look random.
inline uint64_t ScrambleIndex(uint64_t index, uint64_t salt, int bits) {
  const uint64_t mask = (bits >= 64) ? ~0ULL : ((1ULL << bits) - 1);
  uint64_t x = (index ^ salt) & mask;
  for (int round = 0; round < 3; ++round) {
    x = (x * 0x9E3779B97F4A7C15ULL + 0x7F4A7C15ULL) & mask;  // odd multiplier: invertible
    x ^= x >> (bits / 2);                                    // xorshift: invertible
  }
  return x;
}

}  // namespace sparkify::gen
