// The ports of a user's design (`hif4 cosim --rtl`), read from the header Verilator generates
// for it, checked against the port contract (contract/include/hif4/ports.def).
//
// A design must have every contract port but the probes, with the contract's direction and
// width. It may have all the probe ports too (then the cycle-level lockstep with the SystemC
// model can run); ports the contract does not name are allowed: their inputs are held at 0.
#pragma once
#include <string>
#include <vector>

#include "hif4/ports.h"

namespace hif4::sim {

// One port as the Verilated header declares it (VL_IN8(&name,msb,lsb), VL_OUTW(...), ...).
struct VerilatedPort {
  std::string name;
  contract::Dir dir = contract::Dir::in;
  bool inout = false;
  unsigned width = 0;
};

// Every VL_IN*/VL_OUT*/VL_INOUT* declaration of a Verilated top's header, in order.
std::vector<VerilatedPort> parse_verilated_ports(const std::string& header_text);

struct DutPorts {
  bool has[contract::kPortCount] = {};  // indexed by contract::Port
  bool all_probes = false;              // every probe port is there
  std::vector<std::string> missing_probes;
  std::vector<VerilatedPort> extra;     // ports the contract does not name
  bool has_port(contract::Port p) const { return has[static_cast<size_t>(p)]; }
};

// Checks the ports against the contract; throws hif4::Error listing every problem (a missing
// port, a wrong direction or width, an inout) and what the contract wants, naming `top`.
DutPorts check_dut_ports(const std::vector<VerilatedPort>& ports, const std::string& top);

// The port list the harness adaptor is compiled with: one
// HIF4_DUT_PORT(name, dir, width, contract index) line per contract port the design has.
std::string adaptor_port_list(const DutPorts& ports, const std::string& top);

// "probes: all 9" / "probes: none" / "probes: 7 of 9 (missing probe_s3_e1, ...)".
std::string describe_probes(const DutPorts& ports);

}  // namespace hif4::sim
