// `hif4 cosim`'s run as Results (report/results.h): the heading it prints before the run, the
// identity every shard of the run shares, its shard, and after the run the bench's figures,
// coverage and reports. main.cpp prints the summary from these Results, so `hif4 merge` of the
// shards' --json files prints the same text.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "hif4/args.h"
#include "hif4/results.h"
#include "hif4/vector_file.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

// A --vectors source: its path and header.
struct VectorSourceInfo {
  std::string path;
  const VectorHeader* header;
};

// What the run is, known before it starts: the Results' command, identity, heading, shard
// fields, max_reports and the whole run's block count (cosim.total), and the row's names.
struct CosimRunInfo {
  Results results;
  std::string suite, profile;
};

// The stimulus: the sources one after another; with --shard K/N the shard's part of them; a
// single --vectors file that is itself a shard's file (`hif4 gen --shard`) is that shard of
// its whole run. Fills info's shard fields, its row and its identity (with `opt`, which must
// hold the run's options). Throws Error for --shard given on a shard's file, or shard files
// mixed with other sources.
std::unique_ptr<Stimulus> cosim_stimulus(std::vector<std::unique_ptr<Stimulus>> parts, const Args& args,
                                         const std::vector<VectorSourceInfo>& files, const Config& cfg,
                                         const CosimOptions& opt, CosimRunInfo& info);
// The heading lines: the title, each source, the handshake, an injected fault.
std::vector<std::string> cosim_heading(const std::vector<std::string>& source_names, const CosimOptions& opt,
                                       uint64_t seed);
// The heading as printed before the run (with the shard's own line).
std::string heading_text(const CosimRunInfo& info);
// The results after the run; `transaction`: the transaction-level bench ran (a user's design,
// `hif4 cosim --rtl`), not the lockstep.
Results cosim_results(const CosimRunInfo& info, const CosimResult& r,
                      const std::vector<std::unique_ptr<Coverage>>& coverage, bool transaction, double seconds,
                      double cpu_seconds);
// Whether argv[i] is an option that names a results file (left out of the replay command, which
// must not overwrite them); *takes_value when its value is the next argument.
bool is_result_file_option(const std::string& arg, bool* takes_value);

}  // namespace hif4::sim
