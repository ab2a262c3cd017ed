// A user's design (`hif4 cosim --rtl`) as the lockstep co-simulation's second design, in place
// of the built-in Verilated RTL: a SystemC process evaluates the loaded design whenever the
// clock or one of the bench's input signals changes (as the `verilator --sc` wrapper does) and
// writes its outputs to signals of its own, so the bench reads at a rising edge what the
// design's registers sample there. Needs every contract port, probes included.
#pragma once
#include <memory>

#include "dut_model.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

std::unique_ptr<RtlPorts> make_dut_lockstep(CosimBench& bench, DutModel& dut);

}  // namespace hif4::sim
