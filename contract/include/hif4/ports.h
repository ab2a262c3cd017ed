// The ports of hif4_quantizer (ports.def) as C++: the port table, filters that let one
// expansion of ports.def declare or visit a subset of the ports, the cfg ports' mapping onto
// the knob table, and what each output shows of its stage register (the probes' packing).
//
// Everything port-shaped on the C++ side is an expansion of ports.def: the SystemC model's
// ports and write_ports (sim/include/hif4sim/quantizer.h, sim/src/quantizer.cpp), the
// co-simulation bench's signals, binding, sampling, comparison and cfg driving
// (sim/include/hif4sim/cosim.h, sim/src/cosim.cpp), the Verilated RTL's binding, sampling and
// waves (sim/cosim/rtl_side.cpp) and the cfg driving and probe checks of the Verilated test
// bench (tests/rtl/test_top.cpp). hif4-contract (contract/gen) writes the RTL's port list, the
// cfg encodings (rtl/hif4_cfg_pkg.sv) and the port tables of docs/microarchitecture.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "hif4/config.h"
#include "hif4/format.h"

namespace hif4::contract {

enum class Dir : uint8_t { in, out };
enum class Role : uint8_t { clock, reset, handshake, data, cfg, probe };
enum class Carries : uint8_t {
  bit, valid, ready, lanes, block_index, seed, knob, packed_block,
  vmax, peak_flags, sf, e6m2, rec, e1_bits
};

struct PortInfo {
  const char* name;
  Dir dir;
  unsigned width;
  Role role;
  unsigned stage;  // outputs: the stage register shown (1..4), 0 for in_ready; inputs: 0
  Carries carries;
  const char* knob;  // carries == knob: the knob-table name; "" otherwise
  const char* meaning;
};

enum class Port : uint8_t {
#define HIF4_PORT(name, ...) name,
#include "hif4/ports.def"
};

inline constexpr PortInfo kPorts[] = {
#define HIF4_PORT(name, dir, width, role, stage, carries, knob, meaning) \
  {#name, Dir::dir, width, Role::role, stage, Carries::carries, knob, meaning},
#include "hif4/ports.def"
};
inline constexpr size_t kPortCount = sizeof kPorts / sizeof kPorts[0];

constexpr const PortInfo& port_info(Port p) { return kPorts[static_cast<size_t>(p)]; }

// ---- Filters --------------------------------------------------------------------------------
//
// Inside a definition of HIF4_PORT, each keeps its trailing arguments for some ports only:
//   HIF4_IF_IN(dir, ...)      inputs              HIF4_IF_OUT(dir, ...)         outputs
//   HIF4_IF_CFG(role, ...)    cfg ports           HIF4_IF_PROBE(role, ...)      probes
//   HIF4_UNLESS_CLOCK(role, ...)  every port but the clock
//   HIF4_IF_REGISTERED(stage, ...)  outputs that show a stage register (all but in_ready)
// e.g. `#define HIF4_PORT(name, dir, width, ...) HIF4_IF_OUT(dir, bool name;)` declares a
// member per output.
#define HIF4_IF_IN(dir, ...) HIF4_IF_IN_##dir(__VA_ARGS__)
#define HIF4_IF_IN_in(...) __VA_ARGS__
#define HIF4_IF_IN_out(...)
#define HIF4_IF_OUT(dir, ...) HIF4_IF_OUT_##dir(__VA_ARGS__)
#define HIF4_IF_OUT_in(...)
#define HIF4_IF_OUT_out(...) __VA_ARGS__

#define HIF4_IF_CFG(role, ...) HIF4_IF_CFG_##role(__VA_ARGS__)
#define HIF4_IF_CFG_clock(...)
#define HIF4_IF_CFG_reset(...)
#define HIF4_IF_CFG_handshake(...)
#define HIF4_IF_CFG_data(...)
#define HIF4_IF_CFG_cfg(...) __VA_ARGS__
#define HIF4_IF_CFG_probe(...)

#define HIF4_IF_PROBE(role, ...) HIF4_IF_PROBE_##role(__VA_ARGS__)
#define HIF4_IF_PROBE_clock(...)
#define HIF4_IF_PROBE_reset(...)
#define HIF4_IF_PROBE_handshake(...)
#define HIF4_IF_PROBE_data(...)
#define HIF4_IF_PROBE_cfg(...)
#define HIF4_IF_PROBE_probe(...) __VA_ARGS__

#define HIF4_UNLESS_CLOCK(role, ...) HIF4_UNLESS_CLOCK_##role(__VA_ARGS__)
#define HIF4_UNLESS_CLOCK_clock(...)
#define HIF4_UNLESS_CLOCK_reset(...) __VA_ARGS__
#define HIF4_UNLESS_CLOCK_handshake(...) __VA_ARGS__
#define HIF4_UNLESS_CLOCK_data(...) __VA_ARGS__
#define HIF4_UNLESS_CLOCK_cfg(...) __VA_ARGS__
#define HIF4_UNLESS_CLOCK_probe(...) __VA_ARGS__

#define HIF4_IF_REGISTERED(stage, ...) HIF4_IF_REGISTERED_##stage(__VA_ARGS__)
#define HIF4_IF_REGISTERED_0(...)
#define HIF4_IF_REGISTERED_1(...) __VA_ARGS__
#define HIF4_IF_REGISTERED_2(...) __VA_ARGS__
#define HIF4_IF_REGISTERED_3(...) __VA_ARGS__
#define HIF4_IF_REGISTERED_4(...) __VA_ARGS__

// ---- Types ----------------------------------------------------------------------------------

// The C++ type of a port of up to 64 bits, as `verilator --sc` declares it. The two wide data
// ports (in_data, out_data) have a type of each side's own (sc_bv, the SystemC model's structs).
template <unsigned kWidth>
struct PortScalarOf {
  static_assert(kWidth >= 1 && kWidth <= 64, "a port wider than 64 bits has no scalar type");
  using type =
      std::conditional_t<kWidth == 1, bool, std::conditional_t<kWidth <= 32, uint32_t, uint64_t>>;
};
template <unsigned kWidth>
using PortScalar = typename PortScalarOf<kWidth>::type;

// ---- The cfg ports --------------------------------------------------------------------------

// The configuration as the cfg ports carry it: one member per cfg port, named as the port
// (a knob port holds the knob's value index, cfg_sr_seed the seed).
struct CfgPorts {
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, PortScalar<width> name = 0;)
#include "hif4/ports.def"
  bool operator==(const CfgPorts& o) const;
  bool operator!=(const CfgPorts& o) const { return !(*this == o); }
};

CfgPorts cfg_ports(const Config& config);
Config config_of(const CfgPorts& ports);

// The knob a knob port carries (std::logic_error for any other port, or a knob name the knob
// table lacks).
const Knob& port_knob(Port p);

// Where ports.def and the knob table disagree: a knob with no port or two, a port naming an
// unknown knob, a port too narrow or too wide for its knob's values or not named cfg_<knob>,
// a width that does not fit what the port carries, a probe that shows no stage. Empty when
// they agree. The overload with arguments checks any port list against any knob list (tests).
std::vector<std::string> contract_problems();
std::vector<std::string> contract_problems(const std::vector<PortInfo>& ports,
                                           const std::vector<Knob>& knob_table);
// Throws std::logic_error listing contract_problems(), if any.
void check_contract();

// ---- What an output shows -------------------------------------------------------------------
//
// The value an output port shows of the stage register it comes from (its stage column),
// for any register type with the model's field names: valid, peaks (hif4::PeakTree), sf,
// e6m2, rec, e1_8, e1_16, data. show_<carries> is the packing of the probes.

constexpr uint32_t pack_peak_flags(bool has_nan, bool has_inf) {
  return (has_inf ? 2u : 0u) | (has_nan ? 1u : 0u);
}
constexpr uint32_t pack_e1_bits(uint8_t e1_8, uint16_t e1_16) {
  return static_cast<uint32_t>(e1_16) << 8 | e1_8;
}
// "bit 0 has_nan, bit 1 has_inf" for a packed probe; "" for one that shows a single value.
const char* packing_of(Carries c);

template <class Reg> constexpr bool show_valid(const Reg& r) { return r.valid; }
template <class Reg> constexpr uint32_t show_vmax(const Reg& r) { return r.peaks.vmax; }
template <class Reg> constexpr uint32_t show_peak_flags(const Reg& r) {
  return pack_peak_flags(r.peaks.has_nan, r.peaks.has_inf);
}
template <class Reg> constexpr uint32_t show_sf(const Reg& r) { return r.sf; }
template <class Reg> constexpr uint32_t show_e6m2(const Reg& r) { return r.e6m2; }
template <class Reg> constexpr uint32_t show_rec(const Reg& r) { return r.rec; }
template <class Reg> constexpr uint32_t show_e1_bits(const Reg& r) {
  return pack_e1_bits(r.e1_8, r.e1_16);
}
template <class Reg> constexpr const auto& show_packed_block(const Reg& r) { return r.data; }

}  // namespace hif4::contract
