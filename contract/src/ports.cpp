// The cfg ports' mapping onto the knob table, and the consistency checks of ports.def.
#include "hif4/ports.h"

#include <stdexcept>

namespace hif4::contract {

namespace {

// The knob of every knob port (nullptr for the other ports), looked up by name once.
struct PortKnobs {
  const Knob* knob[kPortCount] = {};
};

const PortKnobs& port_knobs() {
  static const PortKnobs table = [] {
    PortKnobs t;
    for (size_t i = 0; i < kPortCount; ++i) {
      if (kPorts[i].carries != Carries::knob) continue;
      for (const Knob& k : knobs())
        if (std::string(k.name) == kPorts[i].knob) t.knob[i] = &k;
    }
    return t;
  }();
  return table;
}

uint64_t cfg_value(Port p, const Config& c) {
  return port_info(p).carries == Carries::seed ? c.sr_seed : port_knob(p).get(c);
}

void set_cfg_value(Port p, Config& c, uint64_t value) {
  if (port_info(p).carries == Carries::seed) c.sr_seed = value;
  else port_knob(p).set(c, static_cast<uint8_t>(value));
}

// Bits a port needs for a knob of `values` values (at least one).
unsigned bits_for(size_t values) {
  unsigned bits = 1;
  while ((size_t{1} << bits) < values) ++bits;
  return bits;
}

// The width of what a port carries, where that is fixed (0: set by the knob).
unsigned carried_width(Carries c) {
  switch (c) {
    case Carries::bit:
    case Carries::valid:
    case Carries::ready: return 1;
    case Carries::lanes: return 16 * kBlockValues;
    case Carries::block_index:
    case Carries::seed: return 64;
    case Carries::knob: return 0;
    case Carries::packed_block: return 8 * kPackedBytes;
    case Carries::vmax:
    case Carries::sf:
    case Carries::rec: return 16;
    case Carries::peak_flags: return 2;
    case Carries::e6m2: return 8;
    case Carries::e1_bits: return kGroups8 + kGroups16;
  }
  return 0;
}

}  // namespace

bool CfgPorts::operator==(const CfgPorts& o) const {
  return true
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, && name == o.name)
#include "hif4/ports.def"
      ;
}

CfgPorts cfg_ports(const Config& config) {
  CfgPorts v;
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_IF_CFG(role, v.name = static_cast<PortScalar<width>>(cfg_value(Port::name, config));)
#include "hif4/ports.def"
  return v;
}

Config config_of(const CfgPorts& ports) {
  Config c;
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_IF_CFG(role, set_cfg_value(Port::name, c, ports.name);)
#include "hif4/ports.def"
  return c;
}

const Knob& port_knob(Port p) {
  const Knob* k = port_knobs().knob[static_cast<size_t>(p)];
  if (!k)
    throw std::logic_error(std::string("port ") + port_info(p).name +
                           " carries no knob of the knob table");
  return *k;
}

const char* packing_of(Carries c) {
  switch (c) {
    case Carries::peak_flags: return "bit 0 has_nan, bit 1 has_inf";
    case Carries::e1_bits: return "bits 23:8 E1_16, bits 7:0 E1_8";
    default: return "";
  }
}

std::vector<std::string> contract_problems() {
  return contract_problems(std::vector<PortInfo>(kPorts, kPorts + kPortCount), knobs());
}

std::vector<std::string> contract_problems(const std::vector<PortInfo>& ports,
                                           const std::vector<Knob>& knob_table) {
  std::vector<std::string> problems;
  const auto problem = [&](const PortInfo& p, const std::string& what) {
    problems.push_back(std::string(p.name) + ": " + what);
  };
  const auto knob_named = [&](const std::string& name) -> const Knob* {
    for (const Knob& k : knob_table)
      if (name == k.name) return &k;
    return nullptr;
  };
  unsigned seeds = 0;
  for (const PortInfo& p : ports) {
    const unsigned fixed = carried_width(p.carries);
    if (fixed && p.width != fixed)
      problem(p, "width " + std::to_string(p.width) + ", but what it carries has " +
                     std::to_string(fixed) + " bits");
    if ((p.role == Role::cfg) != (p.carries == Carries::knob || p.carries == Carries::seed))
      problem(p, "a cfg port carries a knob or the seed, and only a cfg port does");
    if (p.role == Role::cfg && p.dir != Dir::in) problem(p, "a cfg port is an input");
    if ((p.carries == Carries::knob) != (std::string(p.knob) != ""))
      problem(p, "the knob column names a knob exactly for the knob ports");
    if (p.carries == Carries::seed) ++seeds;
    if (p.dir == Dir::in && p.stage != 0) problem(p, "an input shows no stage register");
    if (p.role == Role::probe && (p.dir != Dir::out || p.stage < 1 || p.stage > 3))
      problem(p, "a probe is an output showing S1, S2 or S3");
    if (p.dir == Dir::out && p.stage == 0 && p.carries != Carries::ready)
      problem(p, "an output shows a stage register (1..4); only in_ready is combinational");
    if (p.stage > 4) problem(p, "there are four stages");
    if (p.carries != Carries::knob) continue;
    const Knob* k = knob_named(p.knob);
    if (!k) {
      problem(p, std::string("no knob '") + p.knob + "' in the knob table (model/src/config.cpp)");
      continue;
    }
    if (p.width != bits_for(k->values.size()))
      problem(p, "width " + std::to_string(p.width) + ", but knob " + k->name + " has " +
                     std::to_string(k->values.size()) + " values (" +
                     std::to_string(bits_for(k->values.size())) + " bits)");
    std::string expected = std::string("cfg_") + k->name;
    for (char& ch : expected)
      if (ch == '-') ch = '_';
    if (expected != p.name)
      problem(p, "the port of knob " + std::string(k->name) + " is named " + expected);
  }
  if (seeds != 1) problems.push_back(std::to_string(seeds) + " seed ports, want 1 (cfg_sr_seed)");
  for (const Knob& k : knob_table) {
    unsigned count = 0;
    for (const PortInfo& p : ports)
      if (p.carries == Carries::knob && std::string(p.knob) == k.name) ++count;
    if (count != 1)
      problems.push_back(std::string("knob ") + k.name + ": " + std::to_string(count) +
                         " cfg ports in contract/include/hif4/ports.def, want 1");
  }
  return problems;
}

void check_contract() {
  const std::vector<std::string> problems = contract_problems();
  if (problems.empty()) return;
  std::string text =
      "the port description (contract/include/hif4/ports.def) and the knob table disagree:";
  for (const std::string& p : problems) text += "\n  " + p;
  throw std::logic_error(text);
}

}  // namespace hif4::contract
