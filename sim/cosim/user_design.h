// `hif4 cosim --rtl FILELIST --top NAME`: a user's design in place of this repository's RTL.
// Its options, its build (dut_build.h), and the choice of check:
//   lockstep           the design has every probe port and its first block comes out 4 edges
//                      after it was taken: the cycle-level lockstep with the SystemC model,
//                      as for the built-in RTL (every port and probe every cycle);
//   transaction-level  otherwise (any latency, any in_ready behaviour): TransactionBench.
// --mode lockstep|transaction forces one (lockstep still needs the probes).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dut_build.h"
#include "dut_model.h"
#include "hif4/args.h"
#include "hif4/results.h"

namespace hif4::sim {

struct UserDesign {
  std::string filelist, top;
  DutBuild build;
  std::unique_ptr<DutLibrary> library;
  bool lockstep = false;
  std::string mode_reason;  // why this mode: "every probe port, latency 4", "no probe ports", ...
  uint32_t seed = 0;        // the random start of registers without a reset
  std::vector<std::string> plusargs;  // --plusarg: for the design's $value$plusargs

  // A fresh instance, reset state unknown (the bench resets it).
  std::unique_ptr<DutModel> instantiate(bool trace) const;
  // "design hif4_fifo_dut (--rtl designs/fifo.f)"
  std::string title() const;
  // The build line of the report: "built in 14.2 s: CACHE (2 Verilator warnings: LOG)".
  std::string build_line() const;
  // The run's heading and identity with the design: its title and a `mode` line in place of
  // the built-in RTL's title; the identity names the design and the check (the same for every
  // shard of the run).
  void describe_run(Results& results) const;
};

// The options of --rtl, for the option table of hif4-cosim.
std::vector<Args::Spec> user_design_specs();

// Builds (or reuses) the design named by --rtl/--top and decides the mode. Throws hif4::Error
// for bad options or a design that cannot be built or breaks the port contract.
std::unique_ptr<UserDesign> open_user_design(const Args& args, uint64_t seed);

// The first block's latency in edges with out_ready held high (0: it never came out within
// `timeout` cycles), the design reset on its first edge, as the lockstep bench does.
uint64_t first_block_latency(DutModel& dut, uint64_t timeout);

}  // namespace hif4::sim
