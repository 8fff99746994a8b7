#include "lake/partition_path.h"

namespace sparkify::lake {

namespace {

bool NeedsEscape(unsigned char c) {
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

}  // namespace

std::string EscapePartitionValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (NeedsEscape(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
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
      out.append(EscapePartitionValue(*value));
    }
  }
  return out;
}

}  // namespace sparkify::lake
