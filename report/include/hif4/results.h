// The results of a check run as data: what `--json` writes, `--junit` turns into JUnit XML,
// `hif4 merge` adds up over shards, and the summaries (summary.h) print. `hif4 regress`,
// `hif4 cosim`, `hif4 verify` and `hif4 coverage` fill one Results each; docs/regressions.md
// lists the JSON fields.
//
// Merging: the shards of one run (same `run`, shards 0..N-1 each once) add up to the results of
// the unsharded run: rows by position (every shard lists the same rows), block and mismatch
// counts summed, the first mismatch the earliest in the run, coverage bins summed per
// configuration. The co-simulation's cycle count, latency range and times are figures of each
// shard's own simulation (each shard fills and drains the pipeline, under its own stall
// pattern): merged, they are the sum (cycles, times) and the range over the shards (latency),
// and the summary says so.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hif4/coverage.h"
#include "hif4/shard.h"

namespace hif4 {

// The first mismatch of a row: where it is in the run, to find the earliest over shards, and
// its report as the command printed it.
struct FirstMismatch {
  bool found = false;
  uint64_t position = 0;  // the run's block number of the mismatching block
  std::string report;
};

// One row of a results table: a suite, or a source, under one configuration.
struct ResultRow {
  std::string suite;
  std::string profile;      // a profile name, or the knobs where no profile matches
  uint64_t blocks = 0;      // blocks checked
  uint64_t failed = 0;      // blocks that failed (mismatching or lost)
  uint64_t mismatches = 0;  // the table's mismatch column (cosim: every mismatch it counts)
  FirstMismatch first;
  double seconds = 0;       // wall time spent on the row
  bool passed() const { return failed == 0 && mismatches == 0; }
};

// The co-simulation's own figures (command "cosim").
struct CosimFigures {
  uint64_t blocks_in = 0, blocks_out = 0;
  uint64_t total = 0;  // blocks of the whole run's stimulus (every shard)
  uint64_t cycles = 0;
  uint64_t port_mismatch_cycles = 0, output_mismatches = 0, lost = 0;
  uint64_t latency_min = 0, latency_max = 0;  // accept edge -> output edge, over delivered blocks
  uint64_t passed = 0, failed = 0;            // blocks
  double cpu_seconds = 0;
  // A user's design (`hif4 cosim --rtl`):
  uint64_t unexpected = 0;    // outputs with no block in flight, duplicates included
  uint64_t design_stops = 0;  // runs the design ended itself ($stop, $fatal, ...)
  bool transaction = false;   // the transaction-level check ran, not the lockstep
  uint64_t mismatches() const {
    return port_mismatch_cycles + output_mismatches + lost + unexpected + design_stops;
  }
};

struct Results {
  std::string command;               // "regress", "cosim", "verify" or "coverage"
  std::string run;                   // the run's identity: equal for every shard of one run
  std::vector<std::string> heading;  // the summary's first lines (the same in every shard)
  Shard shard;                       // 0/1: a whole run (or merged shards)
  uint32_t shards_merged = 1;        // how many shards these results add up
  uint64_t shard_first = 0;          // this shard's first block of the run (each row's, for
  uint64_t shard_blocks = 0;         // row-sharded commands) and its blocks, for the heading
  std::vector<ResultRow> rows;
  std::vector<Coverage> coverage;    // one collector per configuration
  std::vector<std::string> reports;  // detailed mismatch reports, in run order (cosim)
  uint64_t max_reports = 0;          // how many reports the run keeps
  CosimFigures cosim;
  bool require_all_bins = false;     // coverage --require-all: a missed bin fails the run
  double seconds = 0;                // wall time of the run (summed over shards)
  std::string hif4_version;          // version_line() of the program that wrote it

  uint64_t blocks() const;
  uint64_t failed_rows() const;
  // Whether the run passed: every row, and every applicable bin where bins are required.
  bool passed() const;
};

// Seconds on a monotonic clock (the seconds fields).
double monotonic_seconds();

// The collector for `cfg` in `coverage`, made when missing.
Coverage& coverage_for(std::vector<Coverage>& coverage, const Config& cfg);

// A results file as read: its path (for messages) and contents.
struct NamedResults {
  std::string path;
  Results results;
};

// Groups the inputs by run (in the order each run first appears) and adds up each run's
// shards. Throws Error naming the files when a run's shards are not 0..N-1 each once, or when
// two shards of one run disagree on what they are (command, N, rows).
std::vector<Results> merge_results(const std::vector<NamedResults>& inputs);

}  // namespace hif4
