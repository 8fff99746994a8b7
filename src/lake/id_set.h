// IdSet: an exact set of 63-bit ids that are hashes already (songplay ids,
// songplay_id.h), for the streaming log stage's check that every id of a run
// is unique (songplay_files.h). It holds every songplay of the run, so its
// size is the one part of that stage's memory that grows with the logs: it is
// kept near 8 bytes per id.
//
// Layout: ordered linear probing (Amble and Knuth, 1974) over a home slot that
// rises with the id: home(id) = id * n / 2^63 for n home slots. Ids are kept in
// ascending order across the whole table, empty slots (0) between them, each
// id at or after its home with no empty slot in between; a few spare slots
// follow the n home slots, so runs never wrap around. A lookup walks from the
// home over smaller ids and stops at an empty slot or a bigger id, so a
// missing id (nearly every insert) costs no more than a present one; that is
// what lets the table run 70-85% full, where plain linear probing walks to
// the end of every run on a miss. An insert moves the rest of its run one
// slot to the right. Growing reads the old table in order and writes the new
// one in order.
//
// Memory straight from the kernel, whose pages read as zero until written:
// a new table is not cleared first, nor its pages touched twice, and a table
// of 2 MiB or more is asked for in huge pages.
//
// How to use:
//   IdSet ids;
//   ids.Reserve(expected);   // optional: no growing up to about that many
//   if (!ids.Insert(id)) ... // id was there already
//   ids.Prefetch(next_id)    // a hint, ahead of inserting it
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparkify::lake {

class IdSet {
 public:
  IdSet();
  ~IdSet();
  IdSet(const IdSet&) = delete;
  IdSet& operator=(const IdSet&) = delete;

  // Inserts `id`; false when it was in the set already. Songplay ids are 63
  // bits spread like hashes, which keeps runs short; other ids (1, 2, 3...,
  // or negative ones, which all start at the last home slot) are still kept
  // exactly, at the cost of long runs.
  bool Insert(int64_t id) {
    if (id == 0) {
      const bool was = has_zero_;
      has_zero_ = true;
      return !was;
    }
    if (size_ >= max_size_) Grow();
    const uint64_t key = static_cast<uint64_t>(id);
    uint64_t* const s = slots_;
    size_t i = Home(key, homes_);
    while (s[i] != 0 && s[i] < key) ++i;  // the last slot stays 0: a sentinel
    if (s[i] == key) return false;
    // Shift the rest of the run right by one, up to its first empty slot.
    uint64_t carry = key;
    do {
      const uint64_t next = s[i];
      s[i++] = carry;
      carry = next;
    } while (carry != 0);
    ++size_;
    if (i == total_) Grow();  // the run took the sentinel: more spare slots now
    return true;
  }

  // Makes room for `n` ids in all (a hint) at a load that keeps walks short.
  void Reserve(size_t n);

  // Hints that `id` is inserted soon (no effect on the contents).
  void Prefetch(int64_t id) const {
    __builtin_prefetch(slots_ + Home(static_cast<uint64_t>(id), homes_), 1);
  }

  size_t size() const { return size_ + (has_zero_ ? 1 : 0); }
  // The table's slots (home slots and spare ones): its memory is 8 bytes each.
  size_t slots() const { return total_; }

 private:
  // Slot of `key` among `homes` home slots: rises with the key, and keys of
  // 2^63 and more (negative ids) stay in the table.
  static size_t Home(uint64_t key, size_t homes) {
    const auto slot = static_cast<size_t>((static_cast<unsigned __int128>(key) * homes) >> 63);
    return slot < homes ? slot : homes - 1;
  }
  // More home slots (past the load limit) or more spare ones (the last run
  // took the sentinel). Out of line: kept out of the inlined inserts.
  [[gnu::noinline]] void Grow();
  // Moves the ids to a table of `homes` home slots and at least `spare` spare ones.
  void Rehash(size_t homes, size_t spare);

  uint64_t* slots_ = nullptr;
  size_t homes_ = 0;     // home slots
  size_t total_ = 0;     // homes_ + spare slots; slots_[total_ - 1] is always 0
  size_t max_size_ = 0;  // ids before the table grows
  size_t size_ = 0;      // ids in the table (not counting 0)
  bool has_zero_ = false;
  void* mapped_ = nullptr;
  size_t mapped_bytes_ = 0;
};

}  // namespace sparkify::lake
