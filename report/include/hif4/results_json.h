// Results as JSON (`--json FILE`): every figure of the printed summary, and what `hif4 merge`
// needs to add shards up. docs/regressions.md describes the fields; kResultsSchema names them.
#pragma once
#include <string>

#include "hif4/results.h"

namespace hif4 {

constexpr const char* kResultsSchema = "hif4-results";
constexpr int kResultsSchemaVersion = 2;  // 2: the cosim figures unexpected, design_stops, transaction
// A results file larger than this is refused unread.
constexpr uint64_t kMaxResultsFileBytes = uint64_t{64} << 20;

// The JSON text (indented, ending with a newline): one run's object, or for several runs (a
// regression) an object whose "runs" array holds them, with the totals over all.
std::string results_to_json(const std::vector<Results>& runs);
// Parses a results file's text (either form); throws Error naming `name` and what is wrong (not
// JSON, another schema or version, a missing or mistyped field, an unknown knob or bin, counts
// that cannot be).
std::vector<Results> results_from_json(const std::string& text, const std::string& name);
// Reads a results file (a regular file of at most kMaxResultsFileBytes).
std::vector<Results> read_results_file(const std::string& path);

}  // namespace hif4
