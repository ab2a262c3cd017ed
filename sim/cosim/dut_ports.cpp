// A user's design's ports against the contract (see dut_ports.h).
#include "dut_ports.h"

#include <regex>

#include "hif4/error.h"

namespace hif4::sim {

std::vector<VerilatedPort> parse_verilated_ports(const std::string& header_text) {
  // VL_IN8(&clk,0,0);  VL_OUTW(&out_data,287,0,9);  VL_OUT(&probe_s3_e1,23,0);  VL_INOUT16(...)
  static const std::regex decl(R"(VL_(INOUT|IN|OUT)(8|16|64|W)?\(\s*&\s*(\w+)\s*,\s*(\d+)\s*,\s*(\d+))");
  std::vector<VerilatedPort> ports;
  for (auto it = std::sregex_iterator(header_text.begin(), header_text.end(), decl);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    VerilatedPort p;
    p.name = m[3];
    p.inout = m[1] == "INOUT";
    p.dir = m[1] == "OUT" ? contract::Dir::out : contract::Dir::in;
    const unsigned msb = static_cast<unsigned>(std::stoul(m[4]));
    const unsigned lsb = static_cast<unsigned>(std::stoul(m[5]));
    p.width = (msb >= lsb ? msb - lsb : lsb - msb) + 1;
    ports.push_back(p);
  }
  return ports;
}

namespace {
// "input [287:0]", or "input" for one bit.
std::string declared(contract::Dir d, unsigned width) {
  return std::string(d == contract::Dir::in ? "input" : "output") +
         (width == 1 ? "" : " [" + std::to_string(width - 1) + ":0]");
}
}  // namespace

DutPorts check_dut_ports(const std::vector<VerilatedPort>& ports, const std::string& top) {
  DutPorts d;
  std::vector<std::string> problems;
  const VerilatedPort* found[contract::kPortCount] = {};
  for (const VerilatedPort& p : ports) {
    size_t i = 0;
    while (i < contract::kPortCount && p.name != contract::kPorts[i].name) ++i;
    if (i == contract::kPortCount) {
      d.extra.push_back(p);
      continue;
    }
    found[i] = &p;
  }
  for (size_t i = 0; i < contract::kPortCount; ++i) {
    const contract::PortInfo& c = contract::kPorts[i];
    const VerilatedPort* p = found[i];
    const std::string want = declared(c.dir, c.width);
    if (!p) {
      if (c.role == contract::Role::probe) d.missing_probes.push_back(c.name);
      else problems.push_back("no port " + std::string(c.name) + " (the contract: " + want + ")");
      continue;
    }
    if (p->inout) {
      problems.push_back("port " + p->name + " is an inout; the contract has " + want);
      continue;
    }
    if (p->dir != c.dir || p->width != c.width) {
      problems.push_back("port " + p->name + " is " + declared(p->dir, p->width) + "; the contract has " + want);
      continue;
    }
    d.has[i] = true;
  }
  if (!problems.empty()) {
    std::string text = "design '" + top + "' does not have the ports of the contract (docs/cosim.md, the port contract):";
    for (const std::string& p : problems) text += "\n  " + p;
    throw Error(text);
  }
  d.all_probes = d.missing_probes.empty();
  return d;
}

std::string adaptor_port_list(const DutPorts& ports, const std::string& top) {
  std::string s = "// The contract ports of design '" + top +
                  "' (written by hif4-cosim from its Verilated header):\n"
                  "// HIF4_DUT_PORT(name, dir, width, contract index)\n";
  for (size_t i = 0; i < contract::kPortCount; ++i) {
    if (!ports.has[i]) continue;
    const contract::PortInfo& c = contract::kPorts[i];
    s += "HIF4_DUT_PORT(" + std::string(c.name) + ", " + (c.dir == contract::Dir::in ? "in" : "out") + ", " +
         std::to_string(c.width) + ", " + std::to_string(i) + ")\n";
  }
  return s;
}

std::string describe_probes(const DutPorts& ports) {
  size_t probes = 0;
  for (const contract::PortInfo& c : contract::kPorts) probes += c.role == contract::Role::probe;
  if (ports.all_probes) return "all " + std::to_string(probes) + " probe ports";
  if (ports.missing_probes.size() == probes) return "no probe ports";
  std::string s = std::to_string(probes - ports.missing_probes.size()) + " of " + std::to_string(probes) +
                  " probe ports (missing";
  for (const std::string& m : ports.missing_probes) s += " " + m;
  return s + ")";
}

}  // namespace hif4::sim
