// LakeLock: one writer at a time per lake.
//
// Two kinds, picked by Transaction::Begin:
//   - Local disk: flock(2) on `_sparkify/lock`. The kernel drops the lock when
//     the holder dies, however it dies, so a dead run never blocks the next
//     one on the same machine. (flock does not work across NFS clients; the
//     lake is assumed to be on a local file system.)
//   - Object stores (S3, memory): each run that wants the lake writes its own
//     lock object `_sparkify/locks/<run_id>`, then lists `_sparkify/locks/`:
//     it holds the lake only if no other live lock object is there, else it
//     deletes its own and fails. This needs no conditional write (Swift has
//     none), only a listing that shows every object written before it (S3 and
//     Swift are read-after-write consistent): of two runs that race, the one
//     listing last sees the other's object, so at most one wins (both may
//     lose; neither waits). Lock objects hold the owner and an expiry; a
//     background thread pushes the expiry forward while the run lives, so
//     only a dead run's lock goes stale. A stale lock, or any lock under
//     --force-unlock, is deleted by the next run.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "fs/file_system.h"

namespace sparkify::lake::commit {

struct LockOptions {
  std::string run_id;
  // An object lock not refreshed for this long is stale. Refreshed every ttl/3.
  std::chrono::milliseconds ttl{std::chrono::minutes(10)};
  bool force_unlock = false;
  // Wall clock in ms since the epoch; tests replace it to age a lock.
  std::function<int64_t()> now_ms;
};

class LakeLock {
 public:
  virtual ~LakeLock() = default;
  // OK while this run still owns the lock; Aborted when it was lost (broken
  // by --force-unlock elsewhere, or expired because refreshing failed).
  virtual Status CheckHeld() = 0;
  // Releases the lock (idempotent; also done by the destructor).
  virtual void Release() = 0;
};

// Fails with AlreadyExists, naming the holder, when a live run holds the lock.
Status AcquireLocalLock(const std::string& root_dir, const LockOptions& options,
                        std::unique_ptr<LakeLock>* out);
Status AcquireObjectLock(fs::FileSystem* fs, const LockOptions& options,
                         std::unique_ptr<LakeLock>* out);

}  // namespace sparkify::lake::commit
