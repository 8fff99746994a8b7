#include "gen/json_text.h"

#include <charconv>

namespace sparkify::gen {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, uint32_t unit) {
  char buf[6] = {'\\',
                 'u',
                 kHex[(unit >> 12) & 0xF],
                 kHex[(unit >> 8) & 0xF],
                 kHex[(unit >> 4) & 0xF],
                 kHex[unit & 0xF]};
  out.append(buf, sizeof(buf));
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when invalid.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  size_t len = b0 < 0x80           ? 1
               : (b0 >> 5) == 0x6  ? 2
               : (b0 >> 4) == 0xE  ? 3
               : (b0 >> 3) == 0x1E ? 4
                                   : 0;
  if (len == 0 || i + len > text.size()) return 0;
  uint32_t c = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  *cp = c;
  return len;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view utf8, JsonStyle style) {
  out.push_back('"');
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '/':
          if (style == JsonStyle::kJava) out.push_back('\\');
          out.push_back('/');
          break;
        default:
          if (c < 0x20) {
            AppendUnicodeEscape(out, c);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = DecodeUtf8(utf8, i, &cp);
    if (len == 0) {
      cp = c;
      len = 1;
    }
    if (cp >= 0x10000) {  // UTF-16 surrogate pair, as both serializers write it
      uint32_t v = cp - 0x10000;
      AppendUnicodeEscape(out, 0xD800 + (v >> 10));
      AppendUnicodeEscape(out, 0xDC00 + (v & 0x3FF));
    } else {
      AppendUnicodeEscape(out, cp);
    }
    i += len;
  }
  out.push_back('"');
}

std::string MisreadAsLatin1(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() * 2);
  for (char ch : utf8) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string DoubleEncode(std::string_view utf8) { return MisreadAsLatin1(MisreadAsLatin1(utf8)); }

bool IsAscii(std::string_view text) {
  for (char ch : text) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

void AppendInt(std::string& out, int64_t value) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, res.ptr);
}

void AppendFixed5(std::string& out, int64_t value_e5) {
  constexpr int64_t kScale = 100000;
  if (value_e5 < 0) {
    out.push_back('-');
    value_e5 = -value_e5;
  }
  AppendInt(out, value_e5 / kScale);
  int64_t frac = value_e5 % kScale;
  char digits[5];
  for (int k = 4; k >= 0; --k) {
    digits[k] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int n = 5;
  while (n > 1 && digits[n - 1] == '0') --n;
  out.push_back('.');
  out.append(digits, n);
}

}  // namespace sparkify::gen
