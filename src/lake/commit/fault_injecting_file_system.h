// FaultInjectingFileSystem: a FileSystem that forwards to another one until a
// budget of mutating operations (a completed write, a conditional write, a
// delete) is spent, then fails every call, as if the process had died there.
// Tests walk the budget from 0 upwards to crash a run at every step.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "fs/file_system.h"

namespace sparkify::lake::testing {

class FaultInjectingFileSystem : public fs::FileSystem {
 public:
  FaultInjectingFileSystem(fs::FileSystem* base, long mutation_budget)
      : base_(base), budget_(mutation_budget) {}

  bool crashed() const { return budget_.load() < 0; }
  long mutations() const { return mutations_.load(); }

  std::string Describe() const override { return base_->Describe(); }
  uint64_t PreferredReadBytes() const override { return base_->PreferredReadBytes(); }
  Status List(std::string_view prefix, std::vector<fs::FileInfo>* out) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    return base_->List(prefix, out);
  }
  Status Read(std::string_view path, std::string* contents) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    return base_->Read(path, contents);
  }
  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                   std::string* out) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    return base_->ReadRange(path, offset, length, out);
  }
  Status Stat(std::string_view path, fs::FileInfo* info) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    return base_->Stat(path, info);
  }
  Status WriteIfAbsent(std::string_view path, std::string_view contents) override {
    SPARKIFY_RETURN_IF_ERROR(Spend());
    return base_->WriteIfAbsent(path, contents);
  }
  Status NewWritableFile(std::string_view path, std::unique_ptr<fs::WritableFile>* out) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    std::unique_ptr<fs::WritableFile> inner;
    SPARKIFY_RETURN_IF_ERROR(base_->NewWritableFile(path, &inner));
    *out = std::make_unique<File>(this, std::move(inner));
    return Status::OK();
  }
  Status Delete(const std::vector<std::string>& paths) override {
    // A batch delete that dies midway deletes a prefix of the batch.
    for (const std::string& p : paths) {
      SPARKIFY_RETURN_IF_ERROR(Spend());
      SPARKIFY_RETURN_IF_ERROR(base_->Delete({p}));
    }
    return Status::OK();
  }
  Status WaitForWrites() override { return base_->WaitForWrites(); }
  Status Copy(std::string_view from, std::string_view to) override {
    SPARKIFY_RETURN_IF_ERROR(Spend());  // a copy is one mutation, as a write is
    return base_->Copy(from, to);
  }
  Status CleanupTemporaries(std::string_view prefix, size_t* removed) override {
    SPARKIFY_RETURN_IF_ERROR(Alive());
    return base_->CleanupTemporaries(prefix, removed);
  }

 private:
  class File : public fs::WritableFile {
   public:
    File(FaultInjectingFileSystem* owner, std::unique_ptr<fs::WritableFile> inner)
        : owner_(owner), inner_(std::move(inner)) {}
    Status Append(std::string_view data) override {
      SPARKIFY_RETURN_IF_ERROR(owner_->Alive());
      return inner_->Append(data);
    }
    Status Close() override {
      Status s = owner_->Spend();
      if (!s.ok()) {
        inner_->Abort();
        return s;
      }
      return inner_->Close();
    }
    void Abort() override { inner_->Abort(); }

   private:
    FaultInjectingFileSystem* owner_;
    std::unique_ptr<fs::WritableFile> inner_;
  };

  Status Alive() const { return crashed() ? Status::IOError("injected crash") : Status::OK(); }
  Status Spend() {
    if (budget_.fetch_sub(1) <= 0) {
      budget_.store(-1);
      return Status::IOError("injected crash");
    }
    mutations_.fetch_add(1);
    return Status::OK();
  }

  fs::FileSystem* base_;
  std::atomic<long> budget_;
  std::atomic<long> mutations_{0};
};

}  // namespace sparkify::lake::testing
