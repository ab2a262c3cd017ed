// Reading, working and writing at the same time: a ring of buffer slots passed through three
// stages. The reader fills slot k on its own thread while the caller's thread works on slot
// k-1 and a writer thread writes slot k-2, so a quantizer that streams a file waits only for
// the slowest of the three, not for their sum. Slots go through every stage in order, so the
// output is exactly what a loop of read, work, write would give.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

namespace hif4 {

struct PipelineStages {
  // Fills `slot`; returns the number of items read, fewer than the slot holds only at the end.
  std::function<size_t(unsigned slot)> read;
  // Works on `count` items of `slot`; `first` counts the items of every earlier slot.
  std::function<void(unsigned slot, size_t count, uint64_t first)> work;
  // Writes the worked `count` items of `slot`.
  std::function<void(unsigned slot, size_t count)> write;
};

// Runs the stages over `slots` slots (at least 3 for full overlap; 1 runs them one after
// another) until read returns a short count. The first exception of any stage stops the
// others and is rethrown here after every thread has finished.
void run_pipeline(unsigned slots, size_t slot_items, const PipelineStages& stages);

}  // namespace hif4
