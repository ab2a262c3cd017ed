// Cycle-level SystemC model of `hif4_quantizer` (docs/microarchitecture.md is the contract):
// four combinational units, each its own SC_MODULE computing from the register in front of
// it with the reference model's stage functions (model/include/hif4/stages.h, block.h), and
// a top holding the four pipeline registers (one clocked SC_METHOD that evaluates the units
// at the edge), the global-enable valid/ready handshake and the contract's ports and probe
// ports.
//
//   in_data ─► PeakTreeUnit ─► S1 ─► ScaleUnit ─► S2 ─► E1Unit ─► S3 ─► S1P2Encoder ─► S4
//
// The ports are those of contract/include/hif4/ports.def, of the types `verilator --sc` gives
// the RTL's ports (ModelValue: bool for 1 bit, uint32_t up to 32 bits, uint64_t up to 64), so
// one signal can drive both, except the two wide data ports, which are plain structs here
// (Lanes, PackedBlock) instead of sc_bv.
#pragma once
#include <systemc>

#include <cstdint>
#include <string>

#include "hif4sim/payloads.h"

namespace hif4::sim {

// The signals of the model, the bench and the RTL side. Each has exactly one writer process by
// construction, so SystemC's check of the writer on every write (SC_ONE_WRITER: a look-up of
// the current process per write, about 2% of a co-simulation cycle) is left out.
template <typename T>
using Signal = sc_core::sc_signal<T, sc_core::SC_UNCHECKED_WRITERS>;

// ---- Fault injection (tests prove the co-simulation scoreboard reports a flipped bit) ------

// A named register bit: "s1.vmax.bit3", "s1.flags.bit0", "s2.sf.bit7", "s2.e6m2.bit0",
// "s2.rec.bit2", "s3.e1.bit9", "s3.e1_8.bit3", "s3.e1_16.bit15", "out.byte5.bit2", optionally
// "@N" to flip it only in block N (otherwise in every valid block). Or a control fault of the
// whole run: "reset.keep-s3-valid" (a reset leaves the S3 valid bit set) or "cfg.stale-seed"
// (the configuration is decoded again only when a knob changes, so a change of cfg_sr_seed
// alone is missed): what the knob-walk and reset stimulus of the co-simulation must catch.
struct Fault {
  enum class Site : uint8_t {
    None, S1Vmax, S1Flags, S2Sf, S2E6m2, S2Rec, S3E1, S3E1_8, S3E1_16, OutByte, ResetKeepsS3Valid,
    StaleSeed
  };
  Site site = Site::None;
  unsigned byte = 0;  // OutByte only
  unsigned bit = 0;
  bool one_block = false;
  uint64_t block_index = 0;
  std::string text;
  bool active() const { return site != Site::None; }
  bool applies_to(uint64_t index) const { return active() && (!one_block || block_index == index); }
  bool is(Site s) const { return site == s; }
  // The stage whose probe shows the flipped bit first: 1..3, or 4 for the output register.
  unsigned stage() const;
};
// Throws std::invalid_argument naming what is wrong and listing the valid names.
Fault parse_fault(const std::string& text);
// One line listing the accepted fault names (for --help).
const char* fault_syntax();

// ---- Units ---------------------------------------------------------------------------------
//
// Each unit is the combinational logic in front of one pipeline register. The top evaluates it
// at the rising edge, when (and only when) that register loads under the global enable, and
// the result goes straight into the register: no signal between a unit and its register, no
// process of its own, so a cycle costs one process activation for the whole datapath. What a
// unit computes from the register before it is exactly what the register after it holds from
// that edge on, as with a D input sampled by a flip-flop.

// 64 lanes -> V16, V8, Vmax, NaN / Inf flags (hif4::peak_tree): in_data -> S1.
SC_MODULE(PeakTreeUnit) {
  SC_CTOR(PeakTreeUnit) {}
  PeakResult compute(const Lanes& in_data) const;
};

// S1 -> SF, E6M2, REC, the NaN-block decision, the stochastic-rounding block key: S1 -> S2.
SC_MODULE(ScaleUnit) {
  SC_CTOR(ScaleUnit) {}
  ScaleResult compute(const S1Reg& s1) const;
};

// S2 -> E1_8, E1_16 (hif4::e1_8_decision / e1_16_decision): S2 -> S3.
SC_MODULE(E1Unit) {
  SC_CTOR(E1Unit) {}
  E1Result compute(const S2Reg& s2) const;
};

// S3 -> 64 S1P2 codes, packed into the 36-byte block (hif4::encode_s1p2, hif4::pack_block):
// S3 -> S4.
SC_MODULE(S1P2Encoder) {
  SC_CTOR(S1P2Encoder) {}
  PackedBlock compute(const S3Reg& s3) const;
};

// ---- Top -----------------------------------------------------------------------------------

SC_MODULE(Hif4QuantizerModel) {
  // The contract's ports, as the RTL names them: sc_in / sc_out<ModelValue<width>>.
#define HIF4_PORT(name, dir, width, ...) sc_core::sc_##dir<ModelValue<width>> name;
#include "hif4/ports.def"

  // Flip one named register bit on the way in (test use only; see Fault).
  void inject(const Fault& f) { fault_ = f; }

  // The registers, for tests and waves. S1..S3 are the clocked process's own state: read them
  // only between edges (after the rising edge's processes ran). S4 is a signal: at an edge it
  // still shows what the register held before it, like every port.
  const S1Reg& s1() const { return s1_; }
  const S2Reg& s2() const { return s2_; }
  const S3Reg& s3() const { return s3_; }
  const S4Reg& s4() const { return s4_.read(); }

  SC_HAS_PROCESS(Hif4QuantizerModel);
  explicit Hif4QuantizerModel(sc_core::sc_module_name name);

 private:
  void tick();         // rising edge: reset, or advance every register under the global enable
  void drive_ready();  // in_ready = !out_valid || out_ready (combinational, as in the RTL)
  // Every output but in_ready, from the stage register it shows (ports.def).
  void write_ports(const S1Reg& s1, const S2Reg& s2, const S3Reg& s3, const S4Reg& s4);

  PeakTreeUnit peak_tree_;
  ScaleUnit scale_;
  E1Unit e1_;
  S1P2Encoder encoder_;

  S1Reg s1_;
  S2Reg s2_;
  S3Reg s3_;
  Signal<S4Reg> s4_;
  Fault fault_;
  contract::CfgPorts sampled_cfg_;
  Config sampled_config_ = contract::config_of(contract::CfgPorts{});
};

}  // namespace hif4::sim
