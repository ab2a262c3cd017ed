#include "hif4/parallel.h"

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

#include "hif4/format.h"
#include "hif4/simd.h"

namespace hif4 {

unsigned hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

void parallel_for(size_t count, unsigned threads, const std::function<void(size_t, size_t)>& fn,
                  size_t min_items) {
  if (count == 0) return;
  const size_t by_size = std::max<size_t>(1, count / std::max<size_t>(1, min_items));
  const size_t ranges = std::min<size_t>(std::max(1u, threads), by_size);
  if (ranges == 1) {
    fn(0, count);
    return;
  }
  // The first count % ranges ranges get one item more: sizes differ by at most 1.
  const size_t base = count / ranges, extra = count % ranges;
  auto begin_of = [&](size_t k) { return k * base + std::min(k, extra); };
  std::vector<std::exception_ptr> errors(ranges);
  auto run_range = [&](size_t k) {
    try {
      fn(begin_of(k), begin_of(k + 1));
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  // A range whose thread cannot be started (thread or memory limits) runs on the calling
  // thread instead: each range writes only its own part, so the result is the same.
  std::vector<std::thread> workers;
  std::vector<size_t> inline_ranges;
  for (size_t k = 1; k < ranges; ++k) {
    try {
      workers.emplace_back(run_range, k);
    } catch (const std::system_error&) {
      inline_ranges.push_back(k);
    }
  }
  run_range(0);
  for (size_t k : inline_ranges) run_range(k);
  for (std::thread& t : workers) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

void quantize_blocks_parallel(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                              uint8_t* out, unsigned threads) {
  parallel_for(count, threads, [&](size_t begin, size_t end) {
    quantize_blocks_fast(in + begin * kBlockValues, end - begin, cfg, first_index + begin,
                         out + begin * kPackedBytes);
  });
}

}  // namespace hif4
