// Mix64: the finalizer of SplitMix64 (Steele, Lea and Flood), a cheap bijection
// of 64-bit integers in which every input bit affects every output bit. Used
// where a hash must spread keys over slots or ids, not resist an adversary.
#pragma once

#include <cstdint>

namespace sparkify {

inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace sparkify
