#include "lake/id_set.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace sparkify::lake {

namespace {

constexpr size_t kInitialHomes = size_t{1} << 12;
// Reserve() and growing size the table for this load (percent), and it grows
// past the higher one: 70% full, a lookup walks ~2 slots and an insert moves
// ~5; at 85%, ~4 and ~20, still within a few cache lines.
constexpr size_t kTargetLoadPercent = 70;
constexpr size_t kMaxLoadPercent = 85;
// Spare slots after the home slots: the last runs spill into them. A run that
// reaches the very last one doubles them (rare for ids spread like hashes).
constexpr size_t kMinSpare = 64;
constexpr size_t kHugePage = size_t{2} << 20;

size_t HomesFor(size_t ids) { return std::max(kInitialHomes, ids * 100 / kTargetLoadPercent + 1); }
size_t SpareFor(size_t homes) { return kMinSpare + homes / 1024; }

struct Mapping {
  void* mapped = nullptr;
  size_t bytes = 0;
  uint64_t* slots = nullptr;
};

// `n` zeroed slots. Huge pages for big tables: filling one then takes a page
// fault per 2 MiB instead of one per 4 KiB, and the random probes miss the
// TLB less.
Mapping MapSlots(size_t n) {
  const size_t bytes = n * sizeof(uint64_t);
  const bool huge = bytes >= kHugePage;
  Mapping m;
  m.bytes = bytes + (huge ? kHugePage : 0);
  m.mapped = mmap(nullptr, m.bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m.mapped == MAP_FAILED) throw std::bad_alloc();
  uintptr_t begin = reinterpret_cast<uintptr_t>(m.mapped);
  if (huge) {
    begin = (begin + kHugePage - 1) & ~(kHugePage - 1);
#ifdef MADV_HUGEPAGE
    madvise(reinterpret_cast<void*>(begin), bytes, MADV_HUGEPAGE);  // a hint
#endif
  }
  m.slots = reinterpret_cast<uint64_t*>(begin);
  return m;
}

void Unmap(const Mapping& m) {
  if (m.mapped != nullptr) munmap(m.mapped, m.bytes);
}

}  // namespace

IdSet::IdSet() { Rehash(kInitialHomes, SpareFor(kInitialHomes)); }

IdSet::~IdSet() { Unmap(Mapping{mapped_, mapped_bytes_, slots_}); }

void IdSet::Reserve(size_t n) {
  const size_t homes = HomesFor(n);
  if (homes > homes_) Rehash(homes, SpareFor(homes));
}

void IdSet::Grow() {
  if (slots_[total_ - 1] != 0) {
    Rehash(homes_, 2 * (total_ - homes_));  // the last run is longer than the spare slots
  } else {
    const size_t homes = std::max(homes_ + homes_ / 2, HomesFor(size_));
    Rehash(homes, SpareFor(homes));
  }
}

void IdSet::Rehash(size_t homes, size_t spare) {
  while (true) {
    const size_t total = homes + spare;
    const Mapping m = MapSlots(total);
    // The old table in order is the ids in order: each goes to its new home,
    // or right after the one before. An empty table's pages were never
    // touched: leave them so.
    bool fits = true;
    if (size_ > 0) {
      size_t next = 0;
      for (size_t i = 0; i < total_; ++i) {
        const uint64_t key = slots_[i];
        if (key == 0) continue;
        const size_t p = std::max(Home(key, homes), next);
        if (p >= total - 1) {  // the last run does not fit the spare slots
          fits = false;
          break;
        }
        m.slots[p] = key;
        next = p + 1;
      }
    }
    if (!fits) {
      Unmap(m);
      spare *= 2;
      continue;
    }
    Unmap(Mapping{mapped_, mapped_bytes_, slots_});
    mapped_ = m.mapped;
    mapped_bytes_ = m.bytes;
    slots_ = m.slots;
    homes_ = homes;
    total_ = total;
    max_size_ = homes * kMaxLoadPercent / 100;
    return;
  }
}

}  // namespace sparkify::lake
