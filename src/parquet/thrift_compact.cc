#include "parquet/thrift_compact.h"

#include <cstring>

namespace sparkify::parquet::thrift {

bool CompactReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ >= end_) return Fail("thrift varint runs past the end of the buffer");
    uint8_t b = *p_++;
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return Fail("thrift varint longer than 10 bytes");
}

bool CompactReader::BeginStruct() {
  if (last_ids_.size() >= kMaxDepth) return Fail("thrift structs nested too deeply");
  last_ids_.push_back(0);
  return true;
}

bool CompactReader::ReadFieldHeader(int16_t* id, CType* type) {
  if (p_ >= end_) return Fail("thrift struct runs past the end of the buffer");
  uint8_t b = *p_++;
  if (b == 0) {
    *type = CType::kStop;
    *id = 0;
    return true;
  }
  *type = static_cast<CType>(b & 0x0F);
  if (static_cast<uint8_t>(*type) > static_cast<uint8_t>(CType::kStruct)) {
    return Fail("thrift field has unknown type " + std::to_string(b & 0x0F));
  }
  int delta = b >> 4;
  if (last_ids_.empty()) return Fail("thrift field outside a struct");
  if (delta != 0) {
    *id = static_cast<int16_t>(last_ids_.back() + delta);
  } else {
    int16_t v;
    if (!ReadI16(&v)) return false;
    *id = v;
  }
  last_ids_.back() = *id;
  return true;
}

bool CompactReader::ReadI16(int16_t* v) {
  uint64_t u;
  if (!ReadVarint(&u)) return false;
  *v = static_cast<int16_t>(static_cast<uint16_t>(u >> 1) ^ -static_cast<uint16_t>(u & 1));
  return true;
}

bool CompactReader::ReadI32(int32_t* v) {
  uint64_t u;
  if (!ReadVarint(&u)) return false;
  uint32_t w = static_cast<uint32_t>(u);
  *v = static_cast<int32_t>((w >> 1) ^ (0u - (w & 1)));
  return true;
}

bool CompactReader::ReadI64(int64_t* v) {
  uint64_t u;
  if (!ReadVarint(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (0ull - (u & 1)));
  return true;
}

bool CompactReader::ReadByte(int8_t* v) {
  if (p_ >= end_) return Fail("thrift byte past the end of the buffer");
  *v = static_cast<int8_t>(*p_++);
  return true;
}

bool CompactReader::ReadDouble(double* v) {
  if (end_ - p_ < 8) return Fail("thrift double past the end of the buffer");
  std::memcpy(v, p_, 8);
  p_ += 8;
  return true;
}

bool CompactReader::ReadBinaryView(std::string_view* v) {
  uint64_t n;
  if (!ReadVarint(&n)) return false;
  if (n > static_cast<uint64_t>(end_ - p_)) {
    return Fail("thrift binary of " + std::to_string(n) + " bytes runs past the end of the buffer");
  }
  *v = std::string_view(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return true;
}

bool CompactReader::ReadBinary(std::string* v) {
  std::string_view view;
  if (!ReadBinaryView(&view)) return false;
  v->assign(view);
  return true;
}

bool CompactReader::ReadListElemBool(bool* v) {
  if (p_ >= end_) return Fail("thrift bool past the end of the buffer");
  *v = (*p_++ == 1);
  return true;
}

bool CompactReader::ReadListHeader(CType* elem, uint32_t* size) {
  if (p_ >= end_) return Fail("thrift list header past the end of the buffer");
  uint8_t b = *p_++;
  *elem = static_cast<CType>(b & 0x0F);
  uint64_t n = b >> 4;
  if (n == 15) {
    if (!ReadVarint(&n)) return false;
  }
  // Every element takes at least one byte, so a larger count is corrupt (and
  // would make the caller reserve absurd amounts of memory).
  if (n > static_cast<uint64_t>(end_ - p_)) {
    return Fail("thrift list of " + std::to_string(n) + " elements is longer than the buffer");
  }
  *size = static_cast<uint32_t>(n);
  return true;
}

bool CompactReader::Skip(CType type) { return SkipDepth(type, 0); }

bool CompactReader::SkipDepth(CType type, int depth) {
  if (depth > kMaxDepth) return Fail("thrift values nested too deeply");
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      return true;  // in a struct field the value is in the type nibble
    case CType::kByte: {
      int8_t b;
      return ReadByte(&b);
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: {
      uint64_t u;
      return ReadVarint(&u);
    }
    case CType::kDouble: {
      double d;
      return ReadDouble(&d);
    }
    case CType::kBinary: {
      std::string_view v;
      return ReadBinaryView(&v);
    }
    case CType::kList:
    case CType::kSet: {
      CType elem;
      uint32_t n;
      if (!ReadListHeader(&elem, &n)) return false;
      for (uint32_t i = 0; i < n; ++i) {
        if (elem == CType::kBoolTrue || elem == CType::kBoolFalse) {
          bool b;
          if (!ReadListElemBool(&b)) return false;
        } else if (!SkipDepth(elem, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    case CType::kMap: {
      uint64_t n;
      if (!ReadVarint(&n)) return false;
      if (n == 0) return true;
      if (n > static_cast<uint64_t>(end_ - p_)) return Fail("thrift map longer than the buffer");
      int8_t kv;
      if (!ReadByte(&kv)) return false;
      CType kt = static_cast<CType>((static_cast<uint8_t>(kv) >> 4) & 0x0F);
      CType vt = static_cast<CType>(static_cast<uint8_t>(kv) & 0x0F);
      for (uint64_t i = 0; i < n; ++i) {
        for (CType t : {kt, vt}) {
          if (t == CType::kBoolTrue || t == CType::kBoolFalse) {
            bool b;
            if (!ReadListElemBool(&b)) return false;
          } else if (!SkipDepth(t, depth + 1)) {
            return false;
          }
        }
      }
      return true;
    }
    case CType::kStruct: {
      if (!BeginStruct()) return false;
      while (true) {
        int16_t id;
        CType t;
        if (!ReadFieldHeader(&id, &t)) return false;
        if (t == CType::kStop) break;
        if (!SkipDepth(t, depth + 1)) return false;
      }
      EndStruct();
      return true;
    }
    default:
      return Fail("thrift value of unknown type " + std::to_string(static_cast<int>(type)));
  }
}

}  // namespace sparkify::parquet::thrift
