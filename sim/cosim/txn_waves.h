// Waves of a transaction-level run (`hif4 cosim --rtl`, a design without the lockstep):
// DIR/dut.fst, every signal of the design (Verilator's FST tracer, inside the design's
// library), and DIR/bench.fst, what the bench saw at each rising edge: `cycle`, `taken` and
// `delivered` (the sequence number of the block taken or delivered at that edge, all ones for
// none), `in_flight` and `mismatch` (high at an edge that found a failure). Same time axis as
// the lockstep waves: edge n at (n - 1) * 10 ns, 1 ps units.
#pragma once
#include <cstdint>
#include <string>

#include "dut_model.h"
#include "txn_bench.h"

namespace hif4::sim {

class TransactionWaves {
 public:
  // Throws hif4::Error when DIR cannot be made or a file cannot be opened.
  TransactionWaves(const TransactionBench& bench, DutModel& dut, const std::string& dir);
  ~TransactionWaves();
  TransactionWaves(const TransactionWaves&) = delete;
  TransactionWaves& operator=(const TransactionWaves&) = delete;
  // Start writing (before the edge of the window's first cycle), one call per edge, stop.
  void open();
  void on_edge(uint64_t cycle);
  void close();
  std::string files() const;

 private:
  const TransactionBench& bench_;
  DutModel& dut_;
  std::string dir_;
  void* fst_ = nullptr;
  bool dut_open_ = false;
  uint32_t clk_ = 0, cycle_ = 0, taken_ = 0, delivered_ = 0, in_flight_ = 0, mismatch_ = 0;
};

}  // namespace hif4::sim
