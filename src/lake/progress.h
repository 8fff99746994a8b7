// Progress display for long runs, on stderr: a bar with rate and ETA on a
// terminal, a plain line every few seconds otherwise (CI logs, pipes). Nothing
// is shown for runs that finish before kQuietPeriod, so short runs stay quiet.
//
// How to use:
//   Progress progress(Progress::Mode::kAuto);
//   std::atomic<uint64_t> done{0};
//   progress.StartStage("parse", total_bytes, Progress::Unit::kBytes, &done);
//   ... workers add to `done` ...
//   progress.EndStage();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace sparkify::lake {

class Progress {
 public:
  enum class Mode { kOff, kAuto, kTerminal, kPlain };
  enum class Unit { kBytes, kFiles };

  // Nothing is printed before the run is this old.
  static constexpr std::chrono::milliseconds kQuietPeriod{1000};
  static constexpr std::chrono::milliseconds kTerminalInterval{200};
  static constexpr std::chrono::milliseconds kPlainInterval{5000};

  // kAuto: kTerminal when stderr is a terminal, else kPlain.
  explicit Progress(Mode mode, std::FILE* out = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Shows `stage` advancing as *done grows towards total. `done` must outlive the stage.
  void StartStage(std::string stage, uint64_t total, Unit unit, const std::atomic<uint64_t>* done);
  void EndStage();

  // The text of one update, for tests: "parse  45% 12.0 MB/s ETA 0:03".
  static std::string FormatLine(const std::string& stage, uint64_t done, uint64_t total, Unit unit,
                                double seconds, bool bar);

 private:
  void Loop();
  void Print(bool final_line);

  Mode mode_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point run_start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string stage_;
  uint64_t total_ = 0;
  Unit unit_ = Unit::kBytes;
  const std::atomic<uint64_t>* done_ = nullptr;
  std::chrono::steady_clock::time_point stage_start_;
  bool printed_ = false;  // a terminal line is open and must be ended
  std::thread thread_;
};

}  // namespace sparkify::lake
