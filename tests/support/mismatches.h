// The one mismatch reporter of the C++ tests and benches: it counts checks and mismatches,
// shows the first few mismatches, and turns the counts into a verdict. A Verilated bench
// prints "MISMATCH: ..." lines and exits with finish()'s status (tests/rtl/expect_failure.sh
// looks for those lines); a Catch2 test keeps the reports and asserts summary() == "".
#pragma once
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hif4/format.h"

namespace hif4::test {

class Mismatches {
 public:
  enum class Show { Print, Keep };  // print each shown report at once, or keep it for summary()

  explicit Mismatches(unsigned max_reports = 10, Show show = Show::Print)
      : max_reports_(max_reports), show_(show) {}

  uint64_t count = 0;   // mismatches reported
  uint64_t checks = 0;  // comparisons made: the caller counts them, since it makes them

  // One mismatch, as printf would format it; only the first max_reports are shown.
  __attribute__((format(printf, 2, 3))) void report(const char* fmt, ...) {
    if (++count > max_reports_) return;
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    std::string text(static_cast<size_t>(std::vsnprintf(nullptr, 0, fmt, args)), '\0');
    std::vsnprintf(&text[0], text.size() + 1, fmt, again);
    va_end(again);
    va_end(args);
    if (show_ == Show::Print) std::printf("MISMATCH: %s\n", text.c_str());
    else kept_.push_back(text);
  }

  // The reports kept (Show::Keep), first max_reports of them.
  const std::vector<std::string>& kept() const { return kept_; }

  // "" when nothing mismatched; otherwise the first kept report and how many of the checks
  // (counted in `unit`, e.g. "blocks") differ.
  std::string summary(const char* unit) const {
    if (count == 0) return "";
    const std::string first = kept_.empty() ? std::string("(no report kept)") : kept_.front();
    return first + " (" + std::to_string(count) + " of " + std::to_string(checks) + " " + unit + " differ)";
  }

  // A test program's verdict and exit status: FAIL (1) on any mismatch or when nothing was
  // checked at all, PASS (0) otherwise.
  int finish(const std::string& what) const {
    if (count) {
      std::printf("FAIL %s: %llu mismatches in %llu checks\n", what.c_str(),
                  static_cast<unsigned long long>(count), static_cast<unsigned long long>(checks));
      return 1;
    }
    if (checks == 0) {
      std::printf("FAIL %s: nothing was checked\n", what.c_str());
      return 1;
    }
    std::printf("PASS %s: %llu checks\n", what.c_str(), static_cast<unsigned long long>(checks));
    return 0;
  }

 private:
  unsigned max_reports_;
  Show show_;
  std::vector<std::string> kept_;
};

// Two streams of packed blocks compared byte for byte: "" when equal, otherwise where they
// first differ (the block, its stochastic-rounding index, the byte, both values) and how many
// blocks differ in all.
inline std::string first_difference(const uint8_t* expected, const uint8_t* got, size_t blocks,
                                    uint64_t first_index = 0) {
  Mismatches mm(1, Mismatches::Show::Keep);
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* e = expected + b * kPackedBytes;
    const uint8_t* g = got + b * kPackedBytes;
    ++mm.checks;
    if (std::memcmp(e, g, kPackedBytes) == 0) continue;
    unsigned k = 0;
    while (e[k] == g[k]) ++k;
    mm.report("block %zu (index %llu) byte %u: expected 0x%02X, got 0x%02X", b,
              static_cast<unsigned long long>(first_index + b), k, e[k], g[k]);
  }
  return mm.summary("blocks");
}

}  // namespace hif4::test
