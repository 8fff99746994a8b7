// The run's songplay id set (lake/id_set.h) on its own: N inserts of random
// 63-bit ids (as songplay ids are hashes), reserved as the log stage reserves
// (N * 600 / 655 ids: kLogBytesPerSongplay against eventsim's ~555 bytes, so a
// little short, as in real runs), prefetching 16 ahead as SongplayFiles::Add
// does. Prints, per repetition, nanoseconds per insert and the table's size;
// the first repetition pays for fresh pages, later ones reuse memory that was
// just freed (on a VM that backs memory lazily the first can be several times
// slower).
//
//   id_set_bench [N=1830000] [REPS=3]      (1g: 1.83M songplays, 5g: 9.15M)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/mix64.h"
#include "lake/id_set.h"

using sparkify::Mix64;  // ids spread like songplay ids, which end in Mix64 too

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1830000;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  constexpr size_t kAhead = 16;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    sparkify::lake::IdSet ids;
    ids.Reserve(n * 600 / 655);
    size_t repeats = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) ids.Prefetch(static_cast<int64_t>(Mix64(i + kAhead + r * n) >> 1));
      if (!ids.Insert(static_cast<int64_t>(Mix64(i + r * n) >> 1))) ++repeats;
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("rep %d: %zu ids, %.1f ns/insert, table %.1f MB (%.0f%% full), %zu repeats\n", r,
                ids.size(), s * 1e9 / n, ids.slots() * 8 / 1e6, 100.0 * ids.size() / ids.slots(),
                repeats);
  }
  return 0;
}
