#include "lake/progress.h"

#include <unistd.h>

#include <cmath>

namespace sparkify::lake {

namespace {

constexpr int kBarWidth = 30;

std::string HumanAmount(double v, Progress::Unit unit) {
  char buf[64];
  if (unit == Progress::Unit::kFiles) {
    std::snprintf(buf, sizeof(buf), "%.0f files", v);
  } else if (v >= 1e9) {
    std::snprintf(buf, sizeof(buf), "%.2f GB", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.1f MB", v / 1e6);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f kB", v / 1e3);
  }
  return buf;
}

}  // namespace

Progress::Progress(Mode mode, std::FILE* out)
    : mode_(mode), out_(out), run_start_(std::chrono::steady_clock::now()) {
  if (mode_ == Mode::kAuto) mode_ = isatty(fileno(out_)) ? Mode::kTerminal : Mode::kPlain;
  if (mode_ != Mode::kOff) thread_ = std::thread([this] { Loop(); });
}

Progress::~Progress() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Progress::StartStage(std::string stage, uint64_t total, Unit unit,
                          const std::atomic<uint64_t>* done) {
  std::lock_guard<std::mutex> lock(mu_);
  stage_ = std::move(stage);
  total_ = total;
  unit_ = unit;
  done_ = done;
  stage_start_ = std::chrono::steady_clock::now();
}

void Progress::EndStage() {
  std::lock_guard<std::mutex> lock(mu_);
  if (printed_) Print(true);
  done_ = nullptr;
}

std::string Progress::FormatLine(const std::string& stage, uint64_t done, uint64_t total, Unit unit,
                                 double seconds, bool bar) {
  double fraction = total ? std::min(1.0, static_cast<double>(done) / total) : 1.0;
  double rate = seconds > 0 ? done / seconds : 0;
  std::string line = stage;
  line.resize(std::max<size_t>(line.size(), 10), ' ');
  if (bar) {
    int filled = static_cast<int>(fraction * kBarWidth);
    line += '[' + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
  }
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%3.0f%% %s of %s, %s/s", fraction * 100,
                HumanAmount(done, unit).c_str(), HumanAmount(total, unit).c_str(),
                HumanAmount(rate, unit).c_str());
  line += buf;
  if (rate > 0 && done < total) {
    auto eta = static_cast<long>(std::ceil((total - done) / rate));
    std::snprintf(buf, sizeof(buf), ", ETA %ld:%02ld", eta / 60, eta % 60);
    line += buf;
  }
  return line;
}

void Progress::Print(bool final_line) {
  if (!done_) return;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  bool terminal = mode_ == Mode::kTerminal;
  std::string line =
      FormatLine(stage_, done_->load(std::memory_order_relaxed), total_, unit_, seconds, terminal);
  if (terminal) {
    std::fprintf(out_, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
    printed_ = !final_line;
  } else if (!final_line) {
    std::fprintf(out_, "sparkify: %s\n", line.c_str());
  }
  std::fflush(out_);
}

void Progress::Loop() {
  auto interval = mode_ == Mode::kTerminal ? kTerminalInterval : kPlainInterval;
  std::unique_lock<std::mutex> lock(mu_);
  auto next = run_start_ + std::max<std::chrono::milliseconds>(kQuietPeriod, interval);
  if (mode_ == Mode::kTerminal) next = run_start_ + kQuietPeriod;
  while (!stop_) {
    if (cv_.wait_until(lock, next, [this] { return stop_; })) break;
    Print(false);
    next += interval;
  }
}

}  // namespace sparkify::lake
