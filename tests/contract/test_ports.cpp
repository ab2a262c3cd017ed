// The port description against the knob table: they agree, every configuration survives the
// trip through the cfg ports, and the consistency check reports each kind of disagreement.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "hif4/ports.h"
#include "hif4/stages.h"

using namespace hif4;
using namespace hif4::contract;

namespace {

std::vector<PortInfo> port_list() { return std::vector<PortInfo>(kPorts, kPorts + kPortCount); }

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

PortInfo& port_named(std::vector<PortInfo>& ports, const std::string& name) {
  for (PortInfo& p : ports)
    if (name == p.name) return p;
  FAIL("no port " << name);
  return ports.front();
}

}  // namespace

TEST_CASE("contract: ports.def agrees with the knob table", "[contract]") {
  const std::vector<std::string> problems = contract_problems();
  for (const std::string& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  CHECK_NOTHROW(check_contract());
  std::set<std::string> names;
  for (const PortInfo& p : kPorts) CHECK(names.insert(p.name).second);
}

TEST_CASE("contract: every knob value and the seed survive the cfg ports", "[contract]") {
  for (const Knob& k : knobs())
    for (size_t v = 0; v < k.values.size(); ++v) {
      Config c = profiles().back().config;
      k.set(c, static_cast<uint8_t>(v));
      c.sr_seed = 0xFEDCBA9876543210ull ^ v;
      CAPTURE(k.name, k.values[v].name);
      const CfgPorts ports = cfg_ports(c);
      CHECK(config_of(ports) == c);
      CHECK(cfg_ports(config_of(ports)) == ports);
    }
  // The knob ports hold value indices: scale-rounding=up is 3 on cfg_scale_rounding.
  Config c;
  apply_setting(c, "scale-rounding=up");
  apply_setting(c, "non-finite=saturate-inf");
  CHECK(cfg_ports(c).cfg_scale_rounding == 3u);
  CHECK(cfg_ports(c).cfg_non_finite);
  CHECK(std::string(port_knob(Port::cfg_payload_product).name) == "payload-product");
  CHECK_THROWS(port_knob(Port::cfg_sr_seed));
}

TEST_CASE("contract: the probes' packing", "[contract]") {
  struct {
    bool valid = true;
    PeakTree peaks{};
    uint8_t e1_8 = 0xA5;
    uint16_t e1_16 = 0x1234;
  } reg;
  reg.peaks.has_inf = true;
  CHECK(show_peak_flags(reg) == 2u);
  CHECK(show_e1_bits(reg) == 0x1234A5u);
  CHECK(show_valid(reg));
}

TEST_CASE("contract: the consistency check reports each disagreement", "[contract]") {
  SECTION("a knob port too narrow for its knob") {
    std::vector<PortInfo> ports = port_list();
    port_named(ports, "cfg_scale_rounding").width = 1;
    CHECK(mentions(contract_problems(ports, knobs()),
                   "cfg_scale_rounding: width 1, but knob scale-rounding has 4 values"));
  }
  SECTION("a knob without a port") {
    std::vector<PortInfo> ports = port_list();
    std::vector<PortInfo> fewer;
    for (const PortInfo& p : ports)
      if (std::string(p.name) != "cfg_non_finite") fewer.push_back(p);
    CHECK(mentions(contract_problems(fewer, knobs()), "knob non-finite: 0 cfg ports"));
  }
  SECTION("a knob added to the table but not to ports.def") {
    std::vector<Knob> table = knobs();
    Knob extra = table.front();
    extra.name = "sf-rounding";
    table.push_back(extra);
    CHECK(mentions(contract_problems(port_list(), table), "knob sf-rounding: 0 cfg ports"));
  }
  SECTION("a port naming an unknown knob, or misnamed") {
    std::vector<PortInfo> ports = port_list();
    port_named(ports, "cfg_negative_zero").knob = "negative-zeros";
    port_named(ports, "cfg_scale_overflow").knob = "scale-underflow";
    const auto problems = contract_problems(ports, knobs());
    CHECK(mentions(problems, "no knob 'negative-zeros'"));
    CHECK(mentions(problems, "the port of knob scale-underflow is named cfg_scale_underflow"));
    CHECK(mentions(problems, "knob scale-underflow: 2 cfg ports"));
  }
  SECTION("a probe of the wrong width or stage") {
    std::vector<PortInfo> ports = port_list();
    port_named(ports, "probe_s3_e1").width = 23;
    port_named(ports, "probe_s2_sf").stage = 4;
    const auto problems = contract_problems(ports, knobs());
    CHECK(mentions(problems, "probe_s3_e1: width 23"));
    CHECK(mentions(problems, "probe_s2_sf: a probe is an output showing S1, S2 or S3"));
  }
}
