// The co-simulation bench: one clock, a driver, the SystemC model, optionally a second design
// (the Verilated RTL, through RtlPorts) and a scoreboard.
//
// The bench works in one SC_METHOD on the rising edge. At an edge every signal still holds the
// value it settled to during the cycle before, which is exactly what the designs' registers
// sample on that edge; so the bench (1) compares both designs' outputs and probes, (2) books
// the handshakes that happen on this edge, and (3) decides the next cycle's inputs. A second
// SC_METHOD writes them at the falling edge, woken by a timed event at the very time the clock
// falls, so the inputs change in the same delta cycle as the clock: the Verilated RTL (whose
// `--sc` wrapper evaluates on every change of the clock or an input) evaluates twice a cycle,
// at the rising edge and at the falling edge, instead of three times.
#pragma once
#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hif4/coverage.h"
#include "hif4/rng.h"
#include "hif4sim/quantizer.h"

namespace hif4::sim {

// One block offered to the designs, and what it must become.
struct StimulusBlock {
  Lanes lanes;
  uint64_t block_index = 0;  // in_block_index (stochastic rounding bits)
  Config cfg;
  PackedBlock expected;      // the reference model's (or the vector file's) output
  // "random --seed 5" / "FILE.hif4v suite grid": for reports. Points at a string that lives as
  // long as the source (one per source or suite, not one per block: blocks are copied a lot).
  std::shared_ptr<const std::string> origin;
  uint64_t origin_block = 0; // block number inside its origin
};

// Supplies blocks in order; returns false when exhausted.
class Stimulus {
 public:
  virtual ~Stimulus() = default;
  virtual bool next(StimulusBlock& b) = 0;
  virtual uint64_t total() const = 0;  // for progress; 0 when unknown
  // Passes over the next n blocks (a shard starting after them, sim/cosim/sharded_sources.h);
  // a source that can, skips without making them.
  virtual void skip(uint64_t n) {
    StimulusBlock b;
    while (n-- && next(b)) {}
  }
};

// Seeded random blocks of many kinds (peaks at every exponent, ties, zero, tiny, huge,
// NaN / Inf), the expectation from hif4::quantize_block.
std::unique_ptr<Stimulus> random_stimulus(uint64_t count, uint64_t seed, const Config& cfg);
// Seeded random corner blocks whose configuration changes from block to block, the
// expectation from hif4::quantize_block: block b takes step b/2 of a random walk over the
// knobs' values (each step moves every knob of the knob table to another of its values), a
// fresh SR seed of its own, and an in_block_index drawn over all 64 bits. Blocks 2s and 2s+1
// share their knobs: between them the SR seed alone changes.
std::unique_ptr<Stimulus> knob_walk_stimulus(uint64_t count, uint64_t seed);
// The configuration of block `block` of knob_walk_stimulus(.., seed) (walks `block` / 2 steps).
Config knob_walk_config(uint64_t seed, uint64_t block);
// A fixed list (tests, vector files read elsewhere).
std::unique_ptr<Stimulus> list_stimulus(std::vector<StimulusBlock> blocks);
// The blocks of several sources, one after another.
std::unique_ptr<Stimulus> chain_stimulus(std::vector<std::unique_ptr<Stimulus>> parts);

// What the scoreboard reads from a design at an edge: every output port (probes included),
// named as the port.
struct DutSample {
#define HIF4_PORT(name, dir, width, ...) HIF4_IF_OUT(dir, ModelValue<width> name{};)
#include "hif4/ports.def"
};

// The second design. The bench owns the narrow input signals (shared with the model); the
// wide in_data port and every output belong to the implementation, which converts them with
// whole-word accesses.
class RtlPorts {
 public:
  virtual ~RtlPorts() = default;
  virtual const char* name() const = 0;
  virtual void set_in_data(const Lanes& lanes) = 0;
  virtual void sample(DutSample& s) const = 0;
  // Waves of every signal of the design: the file's name ("rtl.fst"), then open and close.
  virtual const char* trace_file() const = 0;
  virtual void trace_open(const std::string& path) = 0;
  virtual void trace_close() = 0;
  // The design's own $finish / $stop / $fatal that ended the run, or nullptr.
  virtual const char* stopped() const { return nullptr; }
};

struct CosimOptions {
  double stall_prob = 0.0;    // probability that out_ready is low in a cycle
  double bubble_prob = 0.0;   // probability that the driver offers nothing in a cycle
  uint64_t handshake_seed = 1;
  Fault fault;                // flipped in the SystemC model (test use)
  bool progress = false;      // a progress line on stderr (only when it is a terminal)
  uint64_t stuck_cycles = 10000;  // no handshake for this long with work pending: a hang
  std::string replay;         // the command line that reproduces this run
  uint64_t max_reports = 1;   // detailed mismatch reports printed (the first one, by default)
  uint64_t stop_after_cycle = 0;  // 0: run to the end; else stop after this cycle (waves window)
  bool coverage = true;       // collect the model's coverage bins over the delivered blocks
  // 0: reset only at the start. N: after every N blocks accepted since the last reset, stall
  // the output until all four stages hold a block, then reset for one cycle with the output
  // still stalled (and a block offered): the designs must drop the blocks in flight, none of
  // them may appear after the reset, and the bench offers them again.
  uint64_t reset_every = 0;
};

struct CosimResult {
  uint64_t blocks_in = 0;       // accepted by the designs
  uint64_t blocks_out = 0;      // delivered and checked
  uint64_t blocks_failed = 0;   // a block that took part in any mismatch
  uint64_t cycles = 0;
  uint64_t port_mismatch_cycles = 0;  // cycles where the two designs disagreed on a port/probe
  uint64_t output_mismatches = 0;     // output blocks unequal to the expectation (either design)
  uint64_t lost = 0;                  // blocks never delivered
  uint64_t first_mismatch_cycle = 0;  // 0: none
  uint64_t min_latency = 0, max_latency = 0;  // accept edge -> output edge (edges counted)
  uint64_t resets = 0;                // resets with the pipeline full (CosimOptions::reset_every)
  uint64_t dropped = 0;               // blocks in flight at those resets, offered again
  uint64_t unexpected = 0;            // outputs delivered while no block was in flight
  std::vector<std::string> reports;  // the detailed reports
  bool stopped_early = false;
  bool hang = false;                 // no handshake for CosimOptions::stuck_cycles cycles
  std::string dut_stopped;           // the design's own $finish / $stop / $fatal, if it ended the run
};

// A probability as a threshold for the top 32 bits of a draw (draw < threshold: the event).
uint32_t probability_threshold(double p);
// The coverage bins of one delivered block, into the collector of its configuration (one per
// knob setting seen; blocks that differ only in the SR seed share one). `model_output`: the
// block's 36 bytes as the model makes them, where the caller holds them (the SystemC model's
// output); null: the bins make them.
void add_coverage(std::vector<std::unique_ptr<Coverage>>& collectors, const StimulusBlock& block,
                  const PackedBlock* model_output);
// "random --seed 5, block 17, in_block_index 17": where a block came from, for reports.
std::string block_origin(const StimulusBlock& block);
// The progress line on stderr ("\r  1200/5000 blocks, 3 k blocks/s, 2 s left").
void print_progress(uint64_t done, uint64_t total, double seconds, bool final_line);

SC_MODULE(CosimBench) {
  sc_core::sc_clock clk;
  // One signal per port of the SystemC model but the clock, named as the port. The second
  // design shares the inputs but in_data (RtlPorts) and has outputs of its own.
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role, Signal<ModelValue<width>> name;)
#include "hif4/ports.def"

  Hif4QuantizerModel model;

  SC_HAS_PROCESS(CosimBench);
  CosimBench(sc_core::sc_module_name name, Stimulus& stimulus, const CosimOptions& options);

  // Attach the second design before sc_start (its ports bound to the signals above).
  void attach(RtlPorts* rtl) { rtl_ = rtl; }
  // Called at every edge after the checks, before the next inputs are written (waves).
  void on_edge(std::function<void(uint64_t cycle)> fn) { edge_hook_ = std::move(fn); }
  // Runs to the end (or a stop) and returns the figures.
  const CosimResult& result() const { return result_; }
  bool finished() const { return finished_; }
  uint64_t cycle() const { return cycle_; }
  // The sequence number (0-based stream position) of the block in model stage 1..4, or -1.
  int64_t block_in_stage(unsigned stage) const { return shadow_[stage - 1]; }
  // Coverage bins over the delivered blocks, one collector per configuration seen.
  const std::vector<std::unique_ptr<Coverage>>& coverage() const { return coverage_; }

 private:
  struct InFlight {
    uint64_t seq;
    StimulusBlock block;
    uint64_t accept_cycle;
    bool failed = false;
  };
  void edge();
  void drive();  // the falling edge: writes what edge() decided
  void sample_model(DutSample& s) const;
  void compare_designs(const DutSample& m, const DutSample& r);
  void check_output(const InFlight& f, const DutSample& m, const DutSample* r);
  void drive_block(const StimulusBlock& b);
  void finish(bool lost_blocks);
  bool next_block(StimulusBlock& b);  // a block dropped by a reset first, then the stimulus
  InFlight* find(int64_t seq);
  void mark_failed(int64_t seq);
  void report(const std::string& text, bool always = false);  // always: what ended the run
  std::string describe_block(int64_t seq) const;
  void progress_line(bool final_line);

  Stimulus& stimulus_;
  CosimOptions options_;
  RtlPorts* rtl_ = nullptr;
  std::function<void(uint64_t)> edge_hook_;
  Rng rng_;
  CosimResult result_;
  uint64_t cycle_ = 0;
  bool finished_ = false;
  bool offering_ = false;  // in_valid is high with `offered_`
  bool source_done_ = false;
  StimulusBlock offered_;
  // What edge() decided for the next cycle; drive() writes it at the falling edge.
  sc_core::sc_event drive_event_;
  bool next_in_valid_ = false, next_out_ready_ = false, next_block_ = false;
  sc_core::sc_time half_period_;
  Config driven_cfg_;  // the configuration on the cfg_* signals
  bool have_cfg_ = false;
  uint64_t next_seq_ = 0;
  std::deque<InFlight> in_flight_;
  // The reset of CosimOptions::reset_every: counting blocks, then filling the pipeline with the
  // output stalled, then one cycle of reset.
  enum class ResetPhase : uint8_t { Counting, Filling, Resetting };
  ResetPhase reset_phase_ = ResetPhase::Counting;
  uint64_t accepted_since_reset_ = 0;
  bool next_reset_ = false;
  std::deque<StimulusBlock> dropped_;  // offered again before the stimulus goes on
  std::vector<std::unique_ptr<Coverage>> coverage_;
  int64_t shadow_[4] = {-1, -1, -1, -1};
  uint64_t last_output_cycle_ = 0;
  uint32_t stall_threshold_ = 0, bubble_threshold_ = 0;  // probabilities as 32-bit thresholds
  double start_seconds_ = 0, last_progress_ = 0;
};

// Seconds on a monotonic clock.
double now_seconds();
// "E6M2 0xC1 (1.25*2^0) E1_8 0x0F E1_16 0x00FF" and the lanes that differ from `other`.
std::string describe_packed(const PackedBlock& b, const PackedBlock* other = nullptr);

}  // namespace hif4::sim
