// Chunked work over several threads with the same result as one thread.
//
// The work is split into contiguous ranges of items (blocks); each range knows where it
// starts, so per-block state that depends on the position (the stochastic-rounding block
// index) is the same whatever the number of threads, and every range writes its own part of
// the output. Used by `hif4 quantize/gen/verify --threads N`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

#include "hif4/config.h"

namespace hif4 {

// The number of hardware threads (at least 1).
unsigned hardware_threads();

// Calls fn(begin, end) for contiguous ranges that cover [0, count) exactly once, on up to
// `threads` threads (the calling thread is one of them); no range is shorter than
// `min_items` unless count is. Returns when every range is done; if some fn throws, the first
// exception (by range order) is rethrown after all threads have finished. Where a thread
// cannot be started, its range runs on the calling thread (same result, less parallel).
void parallel_for(size_t count, unsigned threads, const std::function<void(size_t begin, size_t end)>& fn,
                  size_t min_items = 256);

// quantize_blocks_fast over `threads` threads: block i still gets index first_index + i.
void quantize_blocks_parallel(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                              uint8_t* out, unsigned threads);

}  // namespace hif4
