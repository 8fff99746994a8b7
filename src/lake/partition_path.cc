#include "lake/partition_path.h"

namespace sparkify::lake {

namespace {

constexpr bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

// Bytes that escape, as a table: the id columns that make most partition
// names (artist ids, years) are scanned a byte at a time with one load each.
struct EscapeTable {
  bool escape[256] = {};
  constexpr EscapeTable() {
    for (int c = 0; c < 256; ++c) escape[c] = NeedsEscape(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscape;

}  // namespace

void AppendPartitionValue(std::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t run = 0;  // start of the bytes not yet appended
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (!kEscape.escape[c]) continue;
    out->append(value.data() + run, i - run);
    const char hex[3] = {'%', kHex[c >> 4], kHex[c & 0xF]};
    out->append(hex, 3);
    run = i + 1;
  }
  out->append(value.data() + run, value.size() - run);
}

std::string EscapePartitionValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendPartitionValue(value, &out);
  return out;
}

std::string PartitionPath(
    const std::vector<std::pair<std::string_view, std::optional<std::string_view>>>& keys) {
  std::string out;
  for (const auto& [name, value] : keys) {
    if (!out.empty()) out.push_back('/');
    out.append(name);
    out.push_back('=');
    if (!value || value->empty()) {
      out.append(kHiveDefaultPartition);
    } else {
      AppendPartitionValue(*value, &out);
    }
  }
  return out;
}

}  // namespace sparkify::lake
