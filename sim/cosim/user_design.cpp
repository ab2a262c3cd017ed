// A user's design for `hif4 cosim --rtl` (see user_design.h).
#include "user_design.h"

#include <cstdio>

namespace hif4::sim {

std::vector<Args::Spec> user_design_specs() {
  return {
      {"rtl", true, false, "FILELIST: co-simulate your own design, a Verilator -f file (sources, +incdir+, -D)"},
      {"top", true, false, "with --rtl: the top module (the ports of docs/cosim.md)"},
      {"build-dir", true, false,
       "with --rtl: cache folder of the built design (default $XDG_CACHE_HOME/hif4/cosim-rtl or ~/.cache/hif4/cosim-rtl)"},
      {"rtl-opt", true, false, "with --rtl: C++ optimisation of the Verilated design, 0..3 (default 2)"},
      {"verilator-arg", true, true, "with --rtl: one more Verilator option (repeatable), e.g. -Wno-WIDTH"},
      {"plusarg", true, true, "with --rtl: +NAME[=VALUE] for the design's $test$plusargs / $value$plusargs (repeatable)"},
      {"mode", true, false,
       "with --rtl: auto (default), lockstep (needs the probe ports and latency 4) or transaction"},
  };
}

std::unique_ptr<DutModel> UserDesign::instantiate(bool trace) const {
  return std::make_unique<DutModel>(*library, true, seed, trace, plusargs);
}

std::string UserDesign::title() const { return "design " + top + " (--rtl " + filelist + ")"; }

std::string UserDesign::build_line() const {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", build.seconds);
  std::string s = build.reused ? "up to date in " + build.folder + " (checked in " + seconds + ")"
                               : "verilated and compiled in " + std::string(seconds) + " into " + build.folder;
  if (build.warnings) s += "; " + std::to_string(build.warnings) + " Verilator warning(s): " + build.log;
  return s;
}

void UserDesign::describe_run(Results& results) const {
  const std::string mode = lockstep ? "cycle-level lockstep" : "transaction-level";
  std::vector<std::string>& h = results.heading;
  const std::string first = lockstep ? "hif4 cosim: SystemC model + " + title() + ", lockstep, one clock"
                                     : "hif4 cosim: " + title() + " against the reference model, transaction-level";
  if (h.empty()) h.push_back(first);
  else h[0] = first;
  h.insert(h.begin() + 1, "  mode        " + mode + ": " + mode_reason);
  results.run += "; design " + top + " (--rtl " + filelist + "), " + mode;
}

uint64_t first_block_latency(DutModel& dut, uint64_t timeout) {
  using contract::Port;
  dut.set(Port::clk, 0);
  dut.set(Port::rst_n, 0);
  dut.set(Port::in_valid, 0);
  dut.set(Port::out_ready, 1);
  dut.set_lanes(Lanes{});
  dut.set(Port::in_block_index, 0);
  const contract::CfgPorts cfg = contract::cfg_ports(Config{});
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, dut.set(Port::name, cfg.name);)
#include "hif4/ports.def"
  dut.eval(0);
  bool in_valid = false, taken = false;
  uint64_t taken_at = 0;
  for (uint64_t cycle = 1; cycle <= timeout && !dut.event(); ++cycle) {
    if (in_valid && dut.get(Port::in_ready)) {
      taken = true;
      taken_at = cycle;
    } else if (taken && dut.get(Port::out_valid)) {
      return cycle - taken_at;
    }
    dut.set(Port::clk, 1);
    dut.eval(cycle * 10000);
    in_valid = !taken;
    dut.set(Port::clk, 0);
    dut.set(Port::rst_n, 1);  // reset on the first edge only
    dut.set(Port::in_valid, in_valid);
    dut.eval(cycle * 10000 + 5000);
  }
  return 0;
}

std::unique_ptr<UserDesign> open_user_design(const Args& args, uint64_t seed) {
  if (!args.has("top")) throw Error("--rtl needs --top NAME, the design's top module");
  const std::string mode = args.get("mode", "auto");
  if (mode != "auto" && mode != "lockstep" && mode != "transaction")
    throw Error("--mode: unknown mode '" + printable(mode) + "' (modes: auto, lockstep, transaction)");
  auto d = std::make_unique<UserDesign>();
  d->filelist = args.get("rtl");
  d->top = args.get("top");
  d->seed = static_cast<uint32_t>(seed ^ (seed >> 32));
  d->plusargs = args.all("plusarg");
  for (const std::string& p : d->plusargs)
    if (p.size() < 2 || p[0] != '+') throw Error("--plusarg: '" + printable(p) + "' does not start with '+'");
  DutBuildRequest request;
  request.filelist = d->filelist;
  request.top = d->top;
  request.cache_root = args.get("build-dir");
  request.verilator_args = args.all("verilator-arg");
  request.opt_level = static_cast<unsigned>(args.get_u64("rtl-opt", 2));
  if (request.opt_level > 3) throw Error("--rtl-opt must be 0, 1, 2 or 3");
  d->build = build_dut(request);
  d->library = std::make_unique<DutLibrary>(d->build.library, d->build.ports);

  const DutPorts& ports = d->build.ports;
  if (!ports.all_probes) {
    if (mode == "lockstep")
      throw Error("--mode lockstep needs every probe port; design '" + d->top + "' has " + describe_probes(ports));
    d->mode_reason = describe_probes(ports);
    return d;
  }
  if (mode == "transaction") {
    d->mode_reason = "--mode transaction";
    return d;
  }
  // Probes alone do not make the lockstep: the SystemC model's registers are only comparable
  // with a design of the contract's latency.
  constexpr uint64_t kContractLatency = 4, kProbeCycles = 1000;
  const uint64_t latency = first_block_latency(*d->instantiate(false), kProbeCycles);
  d->lockstep = latency == kContractLatency || mode == "lockstep";
  d->mode_reason = describe_probes(ports) + ", first block out after " +
                   (latency ? std::to_string(latency) + " edges" : "more than " + std::to_string(kProbeCycles) + " cycles") +
                   (d->lockstep ? "" : " (the lockstep needs 4)");
  return d;
}

}  // namespace hif4::sim
