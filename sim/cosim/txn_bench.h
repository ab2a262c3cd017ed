// The transaction-level bench of `hif4 cosim --rtl`: a user's design of any latency (fixed or
// varying from block to block) and any in_ready behaviour, driven with the same blocks, bubbles
// and output stalls as the lockstep co-simulation, and checked block by block against the
// reference model: blocks come out in the order they went in, none lost, none duplicated,
// each equal to its expectation. No SystemC: one C++ loop evaluates the design twice a cycle.
//
// A cycle, as in the lockstep bench: at each rising edge the bench reads what the design's
// registers sample there (in_ready, out_valid, out_data settled since the falling edge) and
// books the handshakes; at the falling edge it drives the next inputs (in_valid held with its
// block until taken, out_ready low with probability stall_prob, no block offered with
// probability bubble_prob, all from one seeded generator). rst_n is low for the first
// kResetEdges rising edges. The run ends when every block came out, then `drain` idle cycles
// watch for outputs nobody asked for; or, failing, when no block was taken or delivered in
// CosimOptions::stuck_cycles cycles with out_ready high while a block was offered or in flight
// (a hang: cycles the bench stalls the output do not count), or when the design executes
// $finish, $stop or $fatal.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "dut_model.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

class TransactionBench {
 public:
  static constexpr uint64_t kResetEdges = 4;
  static constexpr uint64_t kRecentBlocks = 16;  // delivered / lost blocks kept for diagnoses

  TransactionBench(DutModel& dut, Stimulus& stimulus, const CosimOptions& options);
  // Runs to the end; `on_edge` is called after every rising edge (waves).
  void run(const std::function<void(uint64_t cycle)>& on_edge = {});
  const CosimResult& result() const { return result_; }
  const std::vector<std::unique_ptr<Coverage>>& coverage() const { return coverage_; }
  // For the bench's waves: the sequence numbers of the blocks taken / delivered at the last
  // edge (-1: none), the blocks in flight, and whether that edge found a mismatch.
  int64_t taken_at_edge() const { return taken_; }
  int64_t delivered_at_edge() const { return delivered_; }
  size_t in_flight() const { return in_flight_.size(); }
  bool mismatch_at_edge() const { return mismatch_now_; }

 private:
  struct InFlight {
    uint64_t seq;
    StimulusBlock block;
    uint64_t accept_cycle;
  };
  struct Recent {  // a delivered or lost block, for the duplicate / out-of-order diagnoses
    uint64_t seq, cycle;
    PackedBlock expected;
    std::string name;
  };
  void deliver(const PackedBlock& out);
  void report_mismatch(const InFlight& f, const PackedBlock& out);
  void declare_lost(size_t count, const InFlight& found);
  void hang();
  void drive_inputs();
  std::string describe(const InFlight& f) const;
  // Keeps the report while fewer than max_reports are kept; `always`: also beyond (what ended
  // the run: a hang, the design stopping itself).
  void report(const std::string& text, bool always = false);
  void remember(std::deque<Recent>& list, const InFlight& f);

  DutModel& dut_;
  Stimulus& stimulus_;
  CosimOptions options_;
  Rng rng_;
  CosimResult result_;
  std::vector<std::unique_ptr<Coverage>> coverage_;
  uint64_t cycle_ = 0, next_seq_ = 0;
  uint64_t stuck_ = 0;  // cycles with work pending and out_ready high, and no handshake
  uint32_t stall_threshold_ = 0, bubble_threshold_ = 0;
  bool offering_ = false, source_done_ = false, in_valid_ = false, out_ready_ = false, rst_n_ = false;
  StimulusBlock offered_;
  bool have_cfg_ = false;
  Config driven_cfg_;
  std::deque<InFlight> in_flight_;
  std::deque<Recent> delivered_recent_, lost_recent_;
  int64_t taken_ = -1, delivered_ = -1;
  bool mismatch_now_ = false;
  double start_seconds_ = 0, last_progress_ = 0;
};

}  // namespace hif4::sim
