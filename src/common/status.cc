#include "common/status.h"

namespace sparkify {

namespace {
const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kAlreadyExists:
      return "AlreadyExists";
    case Status::Code::kPermissionDenied:
      return "PermissionDenied";
    case Status::Code::kUnavailable:
      return "Unavailable";
    case Status::Code::kAborted:
      return "Aborted";
    case Status::Code::kNotSupported:
      return "NotSupported";
  }
  return "Unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(code_);
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace sparkify
