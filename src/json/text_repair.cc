#include "json/text_repair.h"

#include <cstdint>
#include <cstring>

namespace sparkify::json {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t ValidSequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  uint8_t c = p[i];
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[i + 1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[i + 1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[i + 1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[i + 1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// One round of the repair: code points <= U+00FF taken as bytes. False when
// some code point is above U+00FF (the text cannot be Latin-1 read as UTF-8).
bool LatinBytes(std::string_view utf8, std::string* bytes) {
  bytes->resize(utf8.size());  // never longer than the input
  char* out = bytes->data();
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  for (size_t i = 0; i < utf8.size();) {
    uint8_t c = p[i];
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
      ++i;
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size() && (p[i + 1] & 0xC0) == 0x80) {
      *out++ = static_cast<char>(((c & 0x1F) << 6) | (p[i + 1] & 0x3F));
      i += 2;
    } else {
      return false;
    }
  }
  bytes->resize(static_cast<size_t>(out - bytes->data()));
  return true;
}

bool HasHighByte(std::string_view s) {
  // Eight bytes at a time: most text is ASCII and this runs on every field.
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & kHighBits) return true;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) >= 0x80) return true;
  }
  return false;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t len = ValidSequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool RepairDoubleEncoding(std::string_view text, std::string* out) {
  if (!HasHighByte(text)) return false;  // pure ASCII: nothing can be double-encoded
  // The first round reads `text` in place: most non-ASCII text is not
  // double-encoded and needs no copy.
  std::string next;
  if (!LatinBytes(text, &next) || next == text || !IsValidUtf8(next)) return false;
  std::string current = std::move(next);
  while (HasHighByte(current) && LatinBytes(current, &next) && next != current &&
         IsValidUtf8(next)) {
    current.swap(next);
  }
  *out = std::move(current);
  return true;
}

std::string_view RepairMemo::Repair(std::string_view text) {
  const size_t n = text.size();
  if (n > kMaxMemoBytes) {
    return RepairDoubleEncoding(text, &scratch_) ? std::string_view(scratch_) : text;
  }
  // A hash of the length and the first and last 8 bytes (all of a short text).
  uint64_t h = n * 0x9E3779B97F4A7C15ULL;
  if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, text.data(), 8);
    std::memcpy(&b, text.data() + n - 8, 8);
    h ^= (a * 0xC2B2AE3D27D4EB4FULL) ^ (b * 0x165667B19E3779F9ULL);
  } else {
    for (char c : text) h = (h ^ static_cast<uint8_t>(c)) * 0xD6E8FEB86659FD93ULL;
  }
  if (!entries_) entries_.reset(new Entry[size_t{1} << kSlotBits]);
  Entry& e = entries_[h >> (64 - kSlotBits)];
  if (e.text != text) {
    e.text.assign(text);
    e.changed = RepairDoubleEncoding(text, &e.repaired);
  }
  return e.changed ? std::string_view(e.repaired) : text;
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    size_t len = ValidSequenceLength(bytes, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(bytes.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Step back over continuation bytes so the cut lands on a sequence start.
  while (end > 0 && (static_cast<uint8_t>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace sparkify::json
