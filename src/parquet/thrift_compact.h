// The Thrift compact protocol, as much as Parquet's footer and page headers
// need: structs, lists, i16/i32/i64 (zigzag varints), bool, double, binary.
//
// Writing: CompactWriter appends to a string. Call BeginStruct() before the
// first field of each struct, field methods with the field id (deltas are
// computed here), EndStruct() to write the stop byte and pop the id.
//
// Reading: CompactReader walks a bounded buffer. Every read checks bounds and
// returns false on malformed input (then error() says why); nesting depth and
// list sizes are capped so corrupt input can neither crash nor exhaust memory.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sparkify::parquet::thrift {

// Compact protocol type nibbles (thrift-compact-protocol.md).
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// The writer's per-field methods are forced inline (undefined after the class).
#define SPARKIFY_THRIFT_INLINE [[gnu::always_inline]] inline

class CompactWriter {
 public:
  // Structs nested deeper than this are a programming error (Parquet's
  // deepest, a statistics inside a column chunk's metadata, is 5).
  static constexpr int kMaxDepth = 32;

  // Bytes are gathered in the writer and appended to *out when the outermost
  // struct ends (and at destruction): a small file's footer is a few hundred
  // fields of a byte or two, and a std::string append per byte cost more
  // than the rest of the encoding.
  explicit CompactWriter(std::string* out) : out_(out) {}
  ~CompactWriter() { Flush(); }
  CompactWriter(const CompactWriter&) = delete;
  CompactWriter& operator=(const CompactWriter&) = delete;

  void BeginStruct() {
    if (depth_ == kMaxDepth) std::abort();
    last_ids_[depth_++] = 0;
  }
  SPARKIFY_THRIFT_INLINE void EndStruct() {
    Room(1);
    buf_[used_++] = 0;
    if (--depth_ == 0) Flush();
  }

  SPARKIFY_THRIFT_INLINE void FieldI32(int16_t id, int32_t v) {
    Room(kMaxFieldHeaderBytes + kMaxVarint32Bytes);
    FieldHeader(id, CType::kI32);
    Varint(ZigZag32(v));
  }
  SPARKIFY_THRIFT_INLINE void FieldI64(int16_t id, int64_t v) {
    Room(kMaxFieldHeaderBytes + kMaxVarintBytes);
    FieldHeader(id, CType::kI64);
    Varint(ZigZag64(v));
  }
  SPARKIFY_THRIFT_INLINE void FieldBool(int16_t id, bool v) {
    Room(kMaxFieldHeaderBytes);
    FieldHeader(id, v ? CType::kBoolTrue : CType::kBoolFalse);
  }
  SPARKIFY_THRIFT_INLINE void FieldBinary(int16_t id, std::string_view v) {
    Room(kMaxFieldHeaderBytes + kMaxVarintBytes);
    FieldHeader(id, CType::kBinary);
    Binary(v);
  }
  // A nested struct: FieldStruct(id) then the fields, then EndStruct().
  SPARKIFY_THRIFT_INLINE void FieldStruct(int16_t id) {
    Room(kMaxFieldHeaderBytes);
    FieldHeader(id, CType::kStruct);
    BeginStruct();
  }
  // A nested struct serialized before (by another writer, from its
  // BeginStruct() to its EndStruct()): its fields and stop byte, as they are.
  SPARKIFY_THRIFT_INLINE void FieldStructSerialized(int16_t id, std::string_view body) {
    Room(kMaxFieldHeaderBytes);
    FieldHeader(id, CType::kStruct);
    Serialized(body);
  }
  // Bytes serialized before, as they are: list elements made by another
  // writer (each from its BeginStruct() to its EndStruct()).
  SPARKIFY_THRIFT_INLINE void Serialized(std::string_view bytes) {
    if (bytes.size() > kBufferSize - used_) {
      Flush();
      out_->append(bytes);
    } else {
      std::memcpy(buf_ + used_, bytes.data(), bytes.size());
      used_ += bytes.size();
    }
  }
  // A list: FieldList(id, type, n) then n elements written with the
  // element methods below (structs: BeginStruct() ... EndStruct()).
  SPARKIFY_THRIFT_INLINE void FieldList(int16_t id, CType elem, uint32_t size) {
    Room(kMaxFieldHeaderBytes + 1 + kMaxVarint32Bytes);
    FieldHeader(id, CType::kList);
    ListHeader(elem, size);
  }

  SPARKIFY_THRIFT_INLINE void ElemI32(int32_t v) {
    Room(kMaxVarint32Bytes);
    Varint(ZigZag32(v));
  }
  SPARKIFY_THRIFT_INLINE void ElemI64(int64_t v) {
    Room(kMaxVarintBytes);
    Varint(ZigZag64(v));
  }
  SPARKIFY_THRIFT_INLINE void ElemBinary(std::string_view v) {
    Room(kMaxVarintBytes);
    Binary(v);
  }
  // Bools inside lists are one byte each: 1 true, 2 false (what the reference
  // implementations write; readers compare with 1).
  SPARKIFY_THRIFT_INLINE void ElemBool(bool v) {
    Room(1);
    buf_[used_++] = v ? 1 : 2;
  }

  static uint32_t ZigZag32(int32_t v) {
    return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  }
  static uint64_t ZigZag64(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }

 private:
  static constexpr size_t kBufferSize = 512;
  static constexpr size_t kMaxVarintBytes = 10;
  static constexpr size_t kMaxVarint32Bytes = 5;
  // A field header: one byte, or a type byte and the id as a zigzag varint
  // (an i16: at most 3 bytes).
  static constexpr size_t kMaxFieldHeaderBytes = 4;

  // Each public method makes room for all it writes with one check, then
  // writes without checks: the methods are inlined into the serializers,
  // where a call and a check per byte were most of a small file's footer.
  void Flush() {
    out_->append(buf_, used_);
    used_ = 0;
  }
  SPARKIFY_THRIFT_INLINE void Room(size_t n) {
    if (kBufferSize - used_ < n) Flush();
  }
  SPARKIFY_THRIFT_INLINE void FieldHeader(int16_t id, CType type) {
    int16_t& last = last_ids_[depth_ - 1];
    const int delta = id - last;
    if (delta > 0 && delta <= 15) {
      buf_[used_++] = static_cast<char>((delta << 4) | static_cast<uint8_t>(type));
    } else {
      buf_[used_++] = static_cast<char>(type);
      Varint(ZigZag32(id));
    }
    last = id;
  }
  SPARKIFY_THRIFT_INLINE void ListHeader(CType elem, uint32_t size) {
    if (size < 15) {
      buf_[used_++] = static_cast<char>((size << 4) | static_cast<uint8_t>(elem));
    } else {
      buf_[used_++] = static_cast<char>(0xF0 | static_cast<uint8_t>(elem));
      Varint(size);
    }
  }
  // The length's room is made by the caller.
  SPARKIFY_THRIFT_INLINE void Binary(std::string_view v) {
    Varint(v.size());
    if (v.size() > kBufferSize - used_) {
      Flush();
      out_->append(v);
    } else {
      std::memcpy(buf_ + used_, v.data(), v.size());
      used_ += v.size();
    }
  }
  // Room made by the caller.
  SPARKIFY_THRIFT_INLINE void Varint(uint64_t v) {
    while (v >= 0x80) {
      buf_[used_++] = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    buf_[used_++] = static_cast<char>(v);
  }

  std::string* out_;
  // The last field id of each open struct: a fixed stack, because a writer is
  // made per page header and per footer (thousands per second of small files),
  // and a vector would allocate each time.
  int16_t last_ids_[kMaxDepth];
  int depth_ = 0;
  size_t used_ = 0;
  char buf_[kBufferSize];
};

#undef SPARKIFY_THRIFT_INLINE

class CompactReader {
 public:
  // Nesting deeper than this is treated as corruption (Parquet needs ~5).
  static constexpr int kMaxDepth = 32;

  CompactReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

  // Reads the next field header of the current struct. Returns false on error;
  // on the stop byte sets *type = kStop.
  bool ReadFieldHeader(int16_t* id, CType* type);
  // Structs: call BeginStruct() when entering (after the field header), and
  // EndStruct() after the stop byte was read.
  bool BeginStruct();
  void EndStruct() { last_ids_.pop_back(); }

  bool ReadI32(int32_t* v);
  bool ReadI64(int64_t* v);
  bool ReadI16(int16_t* v);
  bool ReadByte(int8_t* v);
  bool ReadDouble(double* v);
  bool ReadBinary(std::string* v);
  bool ReadBinaryView(std::string_view* v);
  // The value of a bool struct field is in its type nibble.
  static bool BoolFromType(CType t) { return t == CType::kBoolTrue; }
  bool ReadListElemBool(bool* v);
  // List/set header; size is checked against the remaining bytes.
  bool ReadListHeader(CType* elem, uint32_t* size);
  // Skips a value of the given type (unknown fields), recursively.
  bool Skip(CType type);

  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  const std::string& error() const { return error_; }
  bool Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }

 private:
  bool ReadVarint(uint64_t* v);
  bool SkipDepth(CType type, int depth);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::vector<int16_t> last_ids_;
  std::string error_;
};

}  // namespace sparkify::parquet::thrift
