// Crash points: named places in a run where a test can make the process die
// as if it had been killed, to prove that the lake survives a crash there.
//
//   SPARKIFY_CRASH_AT=commit.after_current      die the first time that point is reached
//   SPARKIFY_CRASH_AT=data.closed:3             die the 3rd time
//
//   SPARKIFY_STALL_AT=begin.recovered           sleep there (up to a minute), holding
//                                               the lock: for tests of a second writer
//
// Dying is raise(SIGKILL): no destructor, no atexit handler, no flush runs,
// exactly what `kill -9` does. Without the variable a crash point costs one
// relaxed atomic load.
#pragma once

#include <string_view>

namespace sparkify::lake {

// The names a run passes, in order (docs/commit-protocol.md explains each).
inline constexpr std::string_view kCrashPoints[] = {
    "begin.locked",             // lock taken, before recovery
    "begin.recovered",          // recovery and cleanup done
    "data.closed",              // after each data file is closed (use :N)
    "commit.prepared",          // new version assembled, no manifest yet
    "commit.manifest_written",  // manifest written, CURRENT not yet moved
    "commit.current_written",   // the commit point has passed
    "publish.step",             // after each publish step (use :N)
    "commit.published",         // readers see the new state; cleanup pending
};

// Dies with SIGKILL if SPARKIFY_CRASH_AT names `point` and this is the
// requested occurrence. Thread-safe.
void CrashPoint(std::string_view point);

// Replaces the SPARKIFY_CRASH_AT setting ("" disables), for tests that fork.
void SetCrashPointForTesting(std::string_view spec);

}  // namespace sparkify::lake
