#include "lake/commit/manifest.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>

namespace sparkify::lake::commit {

namespace {

constexpr int64_t kFormatVersion = 1;
constexpr int kSeqDigits = 10;  // zero-padded so that names sort by sequence

// Whether one of the 8 bytes of w is a control character, '"' or '\\'
// (exact: the "has a byte less than n" and "has a zero byte" word tricks).
inline bool WordNeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [&](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHigh;
  return (below_space | has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes))) != 0;
}

// Appends `s` escaped for a JSON string. Runs of characters that need no
// escape (all of a file name) go in one append: a catalogue's manifest lists
// 150,000 files, and a character at a time made its encoding a tenth of a
// second of the commit.
void AppendEscaped(std::string* out, std::string_view s) {
  size_t plain = 0;  // start of the current run of plain characters
  for (size_t i = 0; i < s.size(); ++i) {
    // Words without anything to escape (nearly all of a file name) are
    // skipped 8 bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (WordNeedsEscape(w)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        *out += buf;
      }
    }
  }
  out->append(s.data() + plain, s.size() - plain);
}

void AppendString(std::string* out, std::string_view s) {
  *out += '"';
  AppendEscaped(out, s);
  *out += '"';
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendEscaped(&out, s);
  return out;
}

std::string Manifest::Path() const {
  char seq_text[32];
  std::snprintf(seq_text, sizeof(seq_text), "v%0*llu", kSeqDigits,
                static_cast<unsigned long long>(seq));
  return std::string(kManifestDir) + seq_text + "-" + run_id + ".json";
}

std::string Manifest::Encode() const {
  size_t size = summary_json.size() + state.size() + 256;
  for (const auto& [name, table] : tables) {
    for (const std::string& f : table.files) size += f.size() + 6;
  }
  std::string out;
  out.reserve(size);
  out += "{\"format\":" + std::to_string(kFormatVersion);
  out += ",\"seq\":" + std::to_string(seq);
  out += ",\"run_id\":";
  AppendString(&out, run_id);
  out += ",\"previous\":";
  AppendString(&out, previous);
  out += ",\"tables\":{";
  bool first_table = true;
  for (const auto& [name, table] : tables) {
    if (!first_table) out += ',';
    first_table = false;
    out += "\n ";
    AppendString(&out, name);
    out += ":{\"version_run\":";
    AppendString(&out, table.version_run);
    out += ",\"files\":[";
    for (size_t i = 0; i < table.files.size(); ++i) {
      if (i > 0) out += ',';
      out += "\n  ";
      AppendString(&out, table.files[i]);
    }
    out += "]}";
  }
  out += "},\n\"run_files\":[";
  for (size_t i = 0; i < run_files.size(); ++i) {
    if (i > 0) out += ',';
    AppendString(&out, run_files[i]);
  }
  out += "],\n\"summary\":";
  AppendString(&out, summary_json);
  out += ",\n\"state\":";
  AppendString(&out, state);
  out += "}\n";
  return out;
}

Status Manifest::Decode(std::string_view json, Manifest* out) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
    return Status::Corruption("manifest is not valid JSON");
  }
  int64_t format = 0;
  if (root["format"].get_int64().get(format) != simdjson::SUCCESS || format != kFormatVersion) {
    return Status::Corruption("manifest has an unknown format version");
  }
  Manifest m;
  uint64_t seq = 0;
  std::string_view text;
  simdjson::dom::object tables;
  simdjson::dom::array run_files;
  if (root["seq"].get_uint64().get(seq) || root["run_id"].get_string().get(text)) {
    return Status::Corruption("manifest lacks seq or run_id");
  }
  m.seq = seq;
  m.run_id = std::string(text);
  if (root["previous"].get_string().get(text)) return Status::Corruption("manifest lacks previous");
  m.previous = std::string(text);
  if (root["tables"].get_object().get(tables)) return Status::Corruption("manifest lacks tables");
  for (auto field : tables) {
    TableState table;
    simdjson::dom::array files;
    if (field.value["version_run"].get_string().get(text) ||
        field.value["files"].get_array().get(files)) {
      return Status::Corruption("manifest table entry is malformed: " + std::string(field.key));
    }
    table.version_run = std::string(text);
    for (auto f : files) {
      if (f.get_string().get(text)) return Status::Corruption("manifest file is not a string");
      table.files.emplace_back(text);
    }
    m.tables.emplace(std::string(field.key), std::move(table));
  }
  if (root["run_files"].get_array().get(run_files)) {
    return Status::Corruption("manifest lacks run_files");
  }
  for (auto f : run_files) {
    if (f.get_string().get(text)) return Status::Corruption("manifest run file is not a string");
    m.run_files.emplace_back(text);
  }
  if (root["summary"].get_string().get(text)) return Status::Corruption("manifest lacks summary");
  m.summary_json = std::string(text);
  if (root["state"].get_string().get(text)) return Status::Corruption("manifest lacks state");
  m.state = std::string(text);
  *out = std::move(m);
  return Status::OK();
}

}  // namespace sparkify::lake::commit
