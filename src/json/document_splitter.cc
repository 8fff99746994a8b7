#include "json/document_splitter.h"

#include <cstring>

namespace sparkify::json {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trailing whitespace (a '\r' before the newline) is not part of a document.
std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool DocumentSplitter::Next(Document* doc) {
  const char* p = text_.data();
  const size_t n = text_.size();
  while (pos_ < n && IsSpace(p[pos_])) {
    if (p[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;

  const size_t start = pos_;
  doc->line = line_;
  doc->ordinal = ordinal_++;
  doc->truncated = false;

  const char first = p[start];
  if (first != '{' && first != '[') {
    // Not a container: the rest of the line is one (invalid or scalar) document.
    const void* nl = std::memchr(p + start, '\n', n - start);
    size_t end = nl ? static_cast<const char*>(nl) - p : n;
    doc->text = TrimRight(text_.substr(start, end - start));
    pos_ = end;
    return true;
  }

  size_t depth = 0;
  size_t i = start;
  while (i < n) {
    char c = p[i];
    if (c == '"') {
      // Skip the string: stop at its closing quote, or at a raw newline (cut short).
      ++i;
      while (i < n) {
        char s = p[i];
        if (s == '"') break;
        if (s == '\\') {
          if (i + 1 < n && p[i + 1] == '\n') {
            ++i;  // an escaped raw newline is still a cut line
            break;
          }
          i += 2;
          continue;
        }
        if (s == '\n') break;
        ++i;
      }
      if (i >= n || p[i] == '\n') {
        size_t end = i < n ? i : n;
        doc->text = TrimRight(text_.substr(start, end - start));
        doc->truncated = true;
        pos_ = end;
        return true;
      }
      ++i;  // the closing quote
      continue;
    }
    if (c == '{' || c == '[') {
      if (c == '{' && depth > 0 && first == '{' && i > start && p[i - 1] == '\n') {
        // An object opening at the start of a line while one is open: the open
        // one was truncated; this one is the next document.
        doc->text = TrimRight(text_.substr(start, i - start));
        doc->truncated = true;
        pos_ = i;
        return true;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        doc->text = text_.substr(start, i + 1 - start);
        pos_ = i + 1;
        return true;
      }
    } else if (c == '\n') {
      ++line_;
    }
    ++i;
  }
  doc->text = TrimRight(text_.substr(start));
  doc->truncated = true;
  pos_ = n;
  return true;
}

}  // namespace sparkify::json
