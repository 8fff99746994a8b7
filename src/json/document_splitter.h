// DocumentSplitter: cuts a buffer of JSON text into top-level documents, so
// each can be parsed (and rejected) on its own.
//
// It accepts JSON lines, objects concatenated on one line, and pretty-printed
// objects spanning lines. It only tracks brackets and strings; whether a
// document is valid JSON is for the parser to say. What it does decide is where
// a broken document ends, so that one bad line never swallows good ones:
//   - a raw newline inside a string ends the document there (JSON strings cannot
//     hold raw newlines: the line was cut short);
//   - a '{' at the very start of a line while an object is still open starts a
//     new document (the open one was truncated);
//   - anything at top level that does not open an object or array runs to the
//     end of its line (the parser will reject it).
//
// How to use:
//   DocumentSplitter splitter(text);
//   Document doc;
//   while (splitter.Next(&doc)) { if (doc.truncated) reject; else parse(doc.text); }
#pragma once

#include <cstdint>
#include <string_view>

namespace sparkify::json {

struct Document {
  std::string_view text;   // the document's bytes, without surrounding whitespace
  uint64_t line = 0;       // 1-based line where the document starts
  uint64_t ordinal = 0;    // 0-based position of the document in the buffer
  bool truncated = false;  // the document ends before its brackets or a string close
};

class DocumentSplitter {
 public:
  explicit DocumentSplitter(std::string_view text) : text_(text) {}
  // Starts at byte `pos` of `text`, which is on line `line` and where the
  // next document has ordinal `ordinal` (to resume after a caller's fast path).
  DocumentSplitter(std::string_view text, size_t pos, uint64_t line, uint64_t ordinal)
      : text_(text), pos_(pos), line_(line), ordinal_(ordinal) {}

  // Finds the next document; false at the end of the buffer.
  bool Next(Document* doc);

  // Where the next call starts: the byte after the last document and its line.
  size_t position() const { return pos_; }
  uint64_t line() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  uint64_t ordinal_ = 0;
};

}  // namespace sparkify::json
