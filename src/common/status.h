// Status: the outcome of an operation that can fail, returned (never thrown)
// across module boundaries, in the manner of LevelDB's Status.
//
//   Status s = fs->Write("songs/part-0.parquet", bytes);
//   if (!s.ok()) return s;                      // or SPARKIFY_RETURN_IF_ERROR(...)
//
// Result<T> carries either a value or a non-OK Status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sparkify {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,          // the object, file or key does not exist
    kCorruption,        // the bytes are not what the format promises
    kInvalidArgument,   // the caller asked for something impossible (usage, config)
    kIOError,           // the OS or the network failed; may be worth retrying
    kAlreadyExists,     // create-if-absent found it present (also: lock held)
    kPermissionDenied,  // credentials refused or file mode forbids it
    kUnavailable,       // transient: throttled, timed out, connection reset
    kAborted,           // stopped on purpose (too many rejects, cancelled)
    kNotSupported,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status AlreadyExists(std::string msg) {
    return Status(Code::kAlreadyExists, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }
  static Status NotSupported(std::string msg) {
    return Status(Code::kNotSupported, std::move(msg));
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  bool IsPermissionDenied() const { return code_ == Code::kPermissionDenied; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsAborted() const { return code_ == Code::kAborted; }

  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: songs/x.json" — for logs and error lines.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context`, e.g. the file name.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must be non-OK
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace sparkify

#define SPARKIFY_CONCAT_INNER(a, b) a##b
#define SPARKIFY_CONCAT(a, b) SPARKIFY_CONCAT_INNER(a, b)

#define SPARKIFY_RETURN_IF_ERROR(expr) \
  do {                                 \
    ::sparkify::Status _st = (expr);   \
    if (!_st.ok()) return _st;         \
  } while (0)

#define SPARKIFY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#define SPARKIFY_ASSIGN_OR_RETURN(lhs, expr) \
  SPARKIFY_ASSIGN_OR_RETURN_IMPL(SPARKIFY_CONCAT(_res_, __LINE__), lhs, expr)
