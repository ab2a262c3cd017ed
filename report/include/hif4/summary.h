// The printed summaries of results. Each command prints its own run through these functions,
// and `hif4 merge` prints merged shards through the same ones, so the merged summary of a
// sharded run is the text the unsharded run prints (results.h says which co-simulation figures
// are the shards' own).
#pragma once
#include <string>
#include <vector>

#include "hif4/results.h"

namespace hif4 {

// "P passed, F failed\n": the last line of every summary (scripts read it).
std::string pass_line(uint64_t passed, uint64_t failed);

// The heading lines, each with a newline; a shard's results add the shard's own line.
std::string format_heading(const Results& r);

// `hif4 regress`: heading, the suite table, the first mismatch of each failed suite, pass line.
std::string format_regress(const Results& r);

// `hif4 cosim`: the figures after the heading (blocks, cycles, speed, latency, mismatches,
// coverage) and the detailed reports; the pass line is cosim_pass_line.
std::string format_cosim_figures(const Results& r);
std::string cosim_pass_line(const Results& r);

// `hif4 coverage`: heading, then per configuration the bin table and its hit count, then a
// warning per file whose expected blocks differ from the model. only_missed: only missed rows.
std::string format_coverage(const Results& r, bool only_missed);

// Several runs (a regression's rows, each a run of its own): one table row per suite x
// profile, the totals, the first mismatch of each failed row, pass line (rows).
std::string format_rows_table(const std::vector<Results>& runs);

// Whatever `hif4 merge` prints for merged runs: one run as its command prints it, several
// runs as format_rows_table.
std::string format_merged(const std::vector<Results>& runs);

}  // namespace hif4
