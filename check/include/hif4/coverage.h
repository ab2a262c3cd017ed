// Named coverage bins over the model's stage trace (`hif4 coverage`, the co-simulation).
//
// A bin counts the BLOCKS in which its event happened at least once (a block with three tied
// lanes counts once in payload.tie-up). Each bin also says whether it can happen under a
// configuration: a bin that cannot (payload.stochastic-up without stochastic rounding, code
// 0x8 under negative-zero=plus-zero, ...) is reported "n/a" instead of a misleading 0, and the
// level-1 vectors must hit every applicable bin (tests/vectors proves it for every profile).
// Applicability of the rounding bins is derived from the model's rounding core
// (round_shift_right), not restated here.
//
// Two ways to count a block, with the same result bin for bin: add() reads the stage trace of
// quantize_block; add_block() reads what the packed path makes (the 36 bytes of
// quantize_blocks) and tables derived from the stage functions (fast_tables.h: the E1
// thresholds and bounds, the payload windows' rounding events), 4.5 to 8 times faster than a
// traced run (bench/bench_check.cpp). Stochastic payload rounding, whose rounding depends on
// random bits the tables do not hold, is counted from the trace by both.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/config.h"
#include "hif4/fast_tables.h"

namespace hif4 {

struct CoverageBin {
  std::string name;  // "scale.tie-up", "peak.lane-17", ...
  std::string doc;   // what the event is, in words
  bool (*applicable)(const Config& cfg);
};

// Every bin, in a fixed order (docs/vectors.md lists them).
const std::vector<CoverageBin>& coverage_bins();

class Coverage {
 public:
  explicit Coverage(const Config& cfg);
  // Count the events of one block. The trace must come from quantize_block under this config.
  void add(const BlockTrace& trace);
  // Count the events of the block `in` (stochastic rounding's block index `block_index`): the
  // same counts as add() of quantize_block(in, config(), block_index)'s trace.
  void add_block(const uint16_t in[kBlockValues], uint64_t block_index);
  // The same for a block whose 36 bytes quantize_blocks() already made under this config.
  void add_block(const uint16_t in[kBlockValues], uint64_t block_index,
                 const uint8_t packed[kPackedBytes]);
  // Add another collector's counts (same config), e.g. from another thread.
  void merge(const Coverage& other);
  // Add counts kept elsewhere (a shard's results file): `blocks` blocks and one count per bin of
  // coverage_bins(), in its order. Throws std::invalid_argument when the sizes differ or a count
  // exceeds `blocks` (a bin counts blocks).
  void add_counts(uint64_t blocks, const std::vector<uint64_t>& counts);
  uint64_t blocks() const { return blocks_; }
  uint64_t count(size_t bin) const { return counts_[bin]; }
  bool applicable(size_t bin) const { return applicable_[bin]; }
  // Applicable bins that no block hit.
  std::vector<size_t> missed() const;
  const Config& config() const { return cfg_; }

 private:
  void add_packed(const uint16_t in[kBlockValues], const uint8_t packed[kPackedBytes]);
  Config cfg_;
  Config exact_payload_cfg_;  // cfg_ with payload-product=exact (for the "changed" bins)
  // The rounding events of the payload windows for cfg_'s payload knobs; null under
  // stochastic rounding (counted from the trace).
  const PayloadEventWindow* payload_events_ = nullptr;
  // The E1 thresholds and bounds by E6M2 code: cfg_'s threshold product, and the exact one.
  const E1Thresholds* threshold_tables_ = nullptr;
  const E1Bounds* bounds_ = nullptr;
  const E1Thresholds* exact_thresholds_ = nullptr;
  std::vector<uint64_t> counts_;
  std::vector<bool> applicable_;
  uint64_t blocks_ = 0;
};

// The table `hif4 coverage` prints: bin, blocks (or n/a), and the bin's description; missed
// applicable bins are marked "MISSED". With only_missed, only those rows.
std::string format_coverage(const Coverage& c, bool only_missed = false);

}  // namespace hif4
