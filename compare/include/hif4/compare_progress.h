// Progress of a long `hif4 compare` run: one line on a terminal, rewritten in place,
//   hif4 compare: 42% (gaussian, seed 2 of 4), 3 s
// shown only once the run has taken `delay_s` seconds (a short run prints nothing), at most
// every `interval_s` seconds, and erased when the run ends. The command enables it only when
// standard error is a terminal, so logs and pipes never see it.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace hif4::compare {

class Progress {
 public:
  Progress(bool enabled, FILE* out, std::string prefix, double delay_s = 1.0,
           double interval_s = 0.2);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Work units are arbitrary (the runner counts values times quantizations); the share done
  // is what is shown.
  void add_total(uint64_t units);
  // What is being done now ("gaussian, seed 2 of 4").
  void set_stage(const std::string& stage);
  // Called by any worker thread.
  void advance(uint64_t units);
  // Erases the line if one was shown.
  void finish();

  uint64_t done() const { return done_.load(); }
  uint64_t total() const { return total_.load(); }
  unsigned lines_shown() const { return shown_; }

 private:
  void show(bool force);

  bool enabled_;
  FILE* out_;
  std::string prefix_;
  double delay_s_, interval_s_;
  std::chrono::steady_clock::time_point start_;
  double last_shown_s_ = -1;
  std::atomic<uint64_t> total_{0}, done_{0};
  std::mutex mutex_;  // guards stage_, the times and the output
  std::string stage_;
  unsigned shown_ = 0;
  bool on_screen_ = false;
};

}  // namespace hif4::compare
