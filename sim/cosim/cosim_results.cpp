// `hif4 cosim`'s results (see cosim_results.h).
#include "cosim_results.h"

#include <algorithm>
#include <cstdio>

#include "hif4/summary.h"
#include "hif4/verify_results.h"
#include "hif4/version.h"
#include "sharded_sources.h"

namespace hif4::sim {

namespace {

std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string profile_name(const Config& cfg) {
  const Profile* p = matching_profile(cfg);
  return p ? p->name : "custom";
}

}  // namespace

std::unique_ptr<Stimulus> cosim_stimulus(std::vector<std::unique_ptr<Stimulus>> parts, const Args& args,
                                         const std::vector<VectorSourceInfo>& files, const Config& cfg,
                                         const CosimOptions& opt, CosimRunInfo& info) {
  const uint64_t seed = args.get_u64("seed", 1);
  // The run's identity: what makes its blocks and how they are driven, never a shard's own
  // file name, so that every shard names the same run.
  std::string sources;
  const auto add = [&](const std::string& s) { sources += (sources.empty() ? "" : " + ") + s; };
  bool part_files = false;
  for (const VectorSourceInfo& f : files) {
    add(vector_run(*f.header, f.path));
    part_files = part_files || f.header->is_part();
  }
  if (args.has("suite"))
    add("suite " + args.get("suite") + " level " + args.get("level", "1") + " seed " + std::to_string(seed));
  if (args.has("random")) add("random " + args.get("random") + " seed " + std::to_string(seed));
  if (args.has("knob-walk")) add("knob-walk " + args.get("knob-walk") + " seed " + std::to_string(seed));
  Results& r = info.results;
  r.command = "cosim";
  r.hif4_version = version_line();
  // The command line's knobs matter to blocks made in process (a vector file brings its own).
  const std::string knobs =
      args.has("suite") || args.has("random") ? "; " + describe(cfg) + " sr-seed=" + std::to_string(cfg.sr_seed) : "";
  r.run = "hif4 cosim of " + sources + knobs + "; stall-prob " + number_text(opt.stall_prob) + ", bubble-prob " +
          number_text(opt.bubble_prob) + ", seed " + std::to_string(seed) +
          (opt.reset_every ? ", reset every " + std::to_string(opt.reset_every) + " blocks" : "") +
          (opt.coverage ? "" : ", no coverage") +
          (opt.fault.active() ? ", inject " + opt.fault.text : "");
  r.max_reports = opt.max_reports;

  // The row: a file's suite and profile (as `hif4 gen` made it), a suite's or the random
  // blocks' name, or "sources" for several.
  const size_t kinds = files.size() + args.has("suite") + args.has("random") + args.has("knob-walk");
  info.profile = profile_name(files.empty() ? cfg : files[0].header->config);
  info.suite = "sources";
  if (kinds == 1 && files.size() == 1 && !files[0].header->selection.empty()) {
    info.suite = files[0].header->selection;
    info.profile = files[0].header->profile;
  } else if (kinds == 1 && args.has("suite")) {
    info.suite = args.get("suite");
  } else if (kinds == 1 && args.has("random")) {
    info.suite = "random";
  } else if (kinds == 1 && args.has("knob-walk")) {
    info.suite = "knob-walk";
    info.profile = "per-block";
  }
  if (args.has("label")) info.profile = args.get("label");

  uint64_t total = 0;
  for (const auto& p : parts) total += p->total();
  if (part_files) {
    if (args.has("shard"))
      throw Error("--shard: '" + files[0].path + "' is already shard " + shard_text(files[0].header->part.shard) +
                  " of its run (made by hif4 gen --shard): give the whole file, or drop --shard");
    if (files.size() != 1 || parts.size() != 1)
      throw Error("a shard's vector file ('" + files[0].path + "') runs on its own: give no other source with it");
    const VectorHeader& h = *files[0].header;
    r.shard = h.part.shard;
    r.shard_first = h.part.first_record;
    r.shard_blocks = h.record_count;
    r.cosim.total = h.part.whole_records;
    return chain_stimulus(std::move(parts));
  }
  r.cosim.total = total;
  if (!args.has("shard")) {
    r.shard_blocks = total;
    return chain_stimulus(std::move(parts));
  }
  r.shard = parse_shard("--shard", args.get("shard"));
  ShardRange range;
  auto stimulus = sharded_stimulus(std::move(parts), r.shard, &range);
  r.shard_first = range.first;
  r.shard_blocks = range.count;
  return stimulus;
}

std::vector<std::string> cosim_heading(const std::vector<std::string>& source_names, const CosimOptions& opt,
                                       uint64_t seed) {
  std::vector<std::string> lines = {"hif4 cosim: SystemC model + Verilated RTL (hif4_quantizer), lockstep, one clock"};
  for (const std::string& s : source_names) lines.push_back("  source      " + s);
  lines.push_back("  handshake   stall-prob " + number_text(opt.stall_prob) + ", bubble-prob " +
                  number_text(opt.bubble_prob) + ", seed " + std::to_string(seed));
  if (opt.reset_every)
    lines.push_back("  reset       every " + std::to_string(opt.reset_every) +
                    " blocks, with the pipeline full and the output stalled (blocks in flight dropped, offered again)");
  if (opt.fault.active()) lines.push_back("  inject      " + opt.fault.text + " (SystemC side)");
  return lines;
}

std::string heading_text(const CosimRunInfo& info) { return format_heading(info.results); }

Results cosim_results(const CosimRunInfo& info, const CosimResult& r,
                      const std::vector<std::unique_ptr<Coverage>>& coverage, bool transaction, double seconds,
                      double cpu_seconds) {
  Results out = info.results;
  out.seconds = seconds;
  for (const auto& c : coverage) coverage_for(out.coverage, c->config()).merge(*c);
  out.reports = r.reports;

  CosimFigures& f = out.cosim;
  f.blocks_in = r.blocks_in;
  f.blocks_out = r.blocks_out;
  f.cycles = r.cycles;
  f.port_mismatch_cycles = r.port_mismatch_cycles;
  f.output_mismatches = r.output_mismatches;
  f.lost = r.lost;
  f.unexpected = r.unexpected;
  f.design_stops = r.dut_stopped.empty() ? 0 : 1;
  f.transaction = transaction;
  f.latency_min = r.min_latency;
  f.latency_max = r.max_latency;
  f.cpu_seconds = cpu_seconds;
  // A block passes when it came out, equal to its expectation in both designs, and no cycle
  // disagreement touched it; a disagreement no block can be blamed for (an output nobody asked
  // for, the design stopping itself) still fails the run.
  const uint64_t mismatches = f.mismatches();
  f.failed = r.blocks_failed + r.lost + r.unexpected;
  if (mismatches && f.failed == 0) f.failed = 1;
  f.passed = r.blocks_out - std::min(r.blocks_out, r.blocks_failed);

  ResultRow row;
  row.suite = info.suite;
  row.profile = info.profile;
  row.blocks = r.blocks_out;
  row.failed = f.failed;
  row.mismatches = mismatches;
  row.seconds = seconds;
  // The bench's reports do not carry a block number: the position is the shard's first block
  // (shards are merged in order, so the first report found is the run's first).
  if (!r.reports.empty()) row.first = {true, out.shard_first, r.reports.front()};
  out.rows.push_back(row);
  return out;
}

bool is_result_file_option(const std::string& arg, bool* takes_value) {
  for (const char* o : {"--junit", "--json"}) {
    const std::string name = o;
    if (arg == name || arg.compare(0, name.size() + 1, name + "=") == 0) {
      *takes_value = arg == name;
      return true;
    }
  }
  return false;
}

}  // namespace hif4::sim
