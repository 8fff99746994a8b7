// Text repair for the double-encoded UTF-8 ("mojibake") found in eventsim logs.
//
// "Björk" encoded as UTF-8 (42 6A C3 B6 72 6B), read back as Latin-1 and encoded
// to UTF-8 again, becomes "BjÃ¶rk"; done twice it becomes "BjÃƒÂ¶rk". The repair
// undoes one such round at a time: when every code point of the text is at most
// U+00FF, the code points taken as bytes form a new byte string; if that string
// is valid UTF-8 and differs from the text, it replaces the text. Repeat until
// nothing changes. Text with any code point above U+00FF, or whose Latin-1 bytes
// are not valid UTF-8 ("Björk" itself: F6 alone is invalid), is left as it is.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sparkify::json {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Repairs `text` as described above. Returns false and leaves `*out` untouched
// when there is nothing to repair (the common case, decided without allocating);
// returns true with the repaired text in `*out` otherwise.
bool RepairDoubleEncoding(std::string_view text, std::string* out);

// RepairDoubleEncoding with a memo of recent texts: the same non-ASCII names
// (artists, songs, places) recur record after record in eventsim logs, and a
// repair costs about a thousand instructions, a lookup a few dozen.
//
//   RepairMemo memo;
//   std::string_view fixed = memo.Repair(text);  // valid until the next Repair
class RepairMemo {
 public:
  RepairMemo() = default;
  RepairMemo(const RepairMemo&) = delete;
  RepairMemo& operator=(const RepairMemo&) = delete;

  // The repaired text (RepairDoubleEncoding's), or `text` itself when there
  // is nothing to repair.
  std::string_view Repair(std::string_view text);

 private:
  static constexpr int kSlotBits = 8;           // direct-mapped: 256 texts
  static constexpr size_t kMaxMemoBytes = 256;  // longer texts are repaired each time
  struct Entry {
    std::string text;
    std::string repaired;  // when `changed`
    bool changed = false;
  };
  std::unique_ptr<Entry[]> entries_;
  std::string scratch_;  // the repair of a text too long for the memo
};

// Replaces every invalid UTF-8 sequence with U+FFFD, so arbitrary bytes can go
// into a JSON document (reject records quote raw input).
std::string SanitizeUtf8(std::string_view bytes);

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

}  // namespace sparkify::json
