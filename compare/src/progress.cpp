// Progress on a terminal (compare_progress.h).
#include "hif4/compare_progress.h"

#include <algorithm>

namespace hif4::compare {

Progress::Progress(bool enabled, FILE* out, std::string prefix, double delay_s, double interval_s)
    : enabled_(enabled),
      out_(out),
      prefix_(std::move(prefix)),
      delay_s_(delay_s),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::add_total(uint64_t units) { total_ += units; }

void Progress::set_stage(const std::string& stage) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stage_ = stage;
  }
  show(false);
}

void Progress::advance(uint64_t units) {
  done_ += units;
  show(false);
}

void Progress::show(bool force) {
  if (!enabled_) return;
  // Workers that find another one printing go on with their work.
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const double now =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!force && (now < delay_s_ || (last_shown_s_ >= 0 && now - last_shown_s_ < interval_s_)))
    return;
  last_shown_s_ = now;
  const uint64_t total = total_.load(), done = std::min(done_.load(), total);
  const unsigned percent = total ? static_cast<unsigned>(100.0 * done / total) : 0;
  // \r goes back to the start of the line, ESC [K clears what a longer line left there.
  std::fprintf(out_, "\r\033[K%s: %u%%%s%s, %.0f s", prefix_.c_str(), percent,
               stage_.empty() ? "" : " (", stage_.empty() ? "" : (stage_ + ")").c_str(), now);
  std::fflush(out_);
  ++shown_;
  on_screen_ = true;
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!on_screen_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  on_screen_ = false;
}

}  // namespace hif4::compare
