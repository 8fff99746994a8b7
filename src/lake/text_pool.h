// TextPool: distinct strings, each stored once and named by a dense code
// (0, 1, 2... in first-seen order). The songplays' text repeats a lot (a
// user's agent, place and level come with every one of their events), so the
// streaming log stage keeps a code per row instead of copying the text row
// after row, and the Parquet writer takes the codes as a column in dictionary
// form (parquet/column_vector.h) without hashing the text again.
//
// How to use:
//   TextPool pool;
//   uint32_t c = pool.InternOrNull(text);   // TextPool::kNull for a null
//   pool.Get(c)                       // the text back
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/dictionary_encoder.h"

namespace sparkify::lake {

class TextPool {
 public:
  // The code of a null: never a value's.
  static constexpr uint32_t kNull = 0xFFFFFFFFu;

  TextPool() : slots_(kInitialSlots, 0), mask_(kInitialSlots - 1) {}

  // The code of `s`, added if new; kNull for a null.
  uint32_t InternOrNull(std::optional<std::string_view> s) { return s ? Intern(*s) : kNull; }
  uint32_t Intern(std::string_view s) { return Intern(s, Hash(s)); }
  // Intern(s) for an `s` whose Hash() is known (a code's of another pool).
  uint32_t Intern(std::string_view s, uint64_t h) {
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == 0) break;
      const uint32_t code = static_cast<uint32_t>(slot) - 1;
      if (static_cast<uint32_t>(slot >> 32) == tag && parquet::SameBytes(Get(code), s)) {
        return code;
      }
    }
    const uint32_t code = static_cast<uint32_t>(size());
    bytes_.append(s);
    offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
    hashes_.push_back(h);
    slots_[i] = (static_cast<uint64_t>(tag) << 32) | (code + 1);
    if (2 * size() > slots_.size()) Grow();
    return code;
  }

  // The text of a code Intern() returned (not kNull).
  std::string_view Get(uint32_t code) const {
    return std::string_view(bytes_.data() + offsets_[code], offsets_[code + 1] - offsets_[code]);
  }
  size_t size() const { return offsets_.size() - 1; }
  // The hash of a code's text (the same for the same text in every pool).
  uint64_t HashOf(uint32_t code) const { return hashes_[code]; }
  static uint64_t Hash(std::string_view s) { return parquet::HashBytes(s.data(), s.size()); }

  // Moves the values out (value i is (*bytes)[(*offsets)[i], (*offsets)[i + 1])) and empties
  // the pool.
  void Release(std::string* bytes, std::vector<uint32_t>* offsets) {
    *bytes = std::move(bytes_);
    *offsets = std::move(offsets_);
    *this = TextPool();
  }

 private:
  static constexpr size_t kInitialSlots = 256;

  // At most half full; slots hold (hash tag << 32) | (code + 1), 0 when empty.
  void Grow() {
    slots_.assign(slots_.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (uint32_t code = 0; code < hashes_.size(); ++code) {
      size_t i = hashes_[code] & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = ((hashes_[code] >> 32) << 32) | (code + 1);
    }
  }

  std::string bytes_;
  std::vector<uint32_t> offsets_ = {0};
  std::vector<uint64_t> hashes_;  // by code: growing the table rehashes no text
  std::vector<uint64_t> slots_;
  size_t mask_;
};

}  // namespace sparkify::lake
