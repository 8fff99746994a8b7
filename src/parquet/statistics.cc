#include "parquet/statistics.h"

#include <cstring>

namespace sparkify::parquet {

namespace {
template <typename T>
bool Decode(std::string_view s, T* v) {
  if (s.size() != sizeof(T)) return false;
  std::memcpy(v, s.data(), sizeof(T));
  return true;
}
template <typename T>
int Cmp(std::string_view a, std::string_view b) {
  T x, y;
  if (!Decode(a, &x) || !Decode(b, &y)) return 0;
  return x < y ? -1 : (y < x ? 1 : 0);
}
template <typename T>
std::string Encode(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}
}  // namespace

int CompareStatValues(PhysicalType type, std::string_view a, std::string_view b) {
  switch (type) {
    case PhysicalType::kBoolean:
      return Cmp<uint8_t>(a, b);
    case PhysicalType::kInt32:
      return Cmp<int32_t>(a, b);
    case PhysicalType::kInt64:
      return Cmp<int64_t>(a, b);
    case PhysicalType::kFloat:
      return Cmp<float>(a, b);
    case PhysicalType::kDouble:
      return Cmp<double>(a, b);
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      size_t n = a.size() < b.size() ? a.size() : b.size();
      int c = n ? std::memcmp(a.data(), b.data(), n) : 0;  // memcmp compares unsigned bytes
      if (c != 0) return c;
      return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
    }
    default:
      return 0;
  }
}

std::string EncodeStat(int32_t v) { return Encode(v); }
std::string EncodeStat(int64_t v) { return Encode(v); }
std::string EncodeStat(double v) { return Encode(v); }
std::string EncodeStat(bool v) { return std::string(1, v ? '\1' : '\0'); }

std::string TruncateLowerBound(std::string_view v, size_t max_len) {
  return std::string(v.substr(0, max_len));
}

std::string TruncateUpperBound(std::string_view v, size_t max_len) {
  if (v.size() <= max_len) return std::string(v);
  std::string s(v.substr(0, max_len));
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return std::string(v);  // all 0xFF: no shorter upper bound exists
}

}  // namespace sparkify::parquet
