// The SystemC model's units and top. Every bit is decided by the reference model's stage
// functions; this file only places them in the contract's four register stages.
#include "hif4sim/quantizer.h"

#include <cstdlib>
#include <stdexcept>

#include "hif4/block.h"

namespace hif4::sim {

// ---- Fault --------------------------------------------------------------------------------

namespace {

struct FaultField {
  const char* name;
  Fault::Site site;
  unsigned width;
  unsigned stage;
};

// One row per injectable register field: its name, width, and the stage register it sits in.
constexpr FaultField kFaultFields[] = {
    {"s1.vmax", Fault::Site::S1Vmax, 16, 1},   {"s1.flags", Fault::Site::S1Flags, 2, 1},
    {"s2.sf", Fault::Site::S2Sf, 16, 2},       {"s2.e6m2", Fault::Site::S2E6m2, 8, 2},
    {"s2.rec", Fault::Site::S2Rec, 16, 2},     {"s3.e1", Fault::Site::S3E1, 24, 3},
    {"s3.e1_8", Fault::Site::S3E1_8, 8, 3},    {"s3.e1_16", Fault::Site::S3E1_16, 16, 3},
};

bool parse_uint(const std::string& s, uint64_t& v) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
    return false;
  v = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

template <typename T>
void flip(T& field, unsigned bit) {
  field = static_cast<T>(field ^ (T{1} << bit));
}

// The control faults: a name and the stage whose probe shows them first.
struct ControlFault {
  const char* name;
  Fault::Site site;
  unsigned stage;
};
constexpr ControlFault kControlFaults[] = {
    {"reset.keep-s3-valid", Fault::Site::ResetKeepsS3Valid, 3},
    {"cfg.stale-seed", Fault::Site::StaleSeed, 4},
};

// The knob ports equal, whatever the seeds (the cfg.stale-seed fault compares only these).
bool knobs_equal(contract::CfgPorts a, contract::CfgPorts b) {
  a.cfg_sr_seed = b.cfg_sr_seed = 0;
  return a == b;
}

}  // namespace

const char* fault_syntax() {
  return "s1.vmax.bitN (N<16), s1.flags.bitN (N<2), s2.sf.bitN, s2.e6m2.bitN, s2.rec.bitN, "
         "s3.e1.bitN (N<24), s3.e1_8.bitN, s3.e1_16.bitN, out.byteK.bitN (K<36, N<8); "
         "append @B to flip it in block B only; or reset.keep-s3-valid, cfg.stale-seed";
}

unsigned Fault::stage() const {
  for (const FaultField& f : kFaultFields)
    if (f.site == site) return f.stage;
  for (const ControlFault& f : kControlFaults)
    if (f.site == site) return f.stage;
  return 4;
}

Fault parse_fault(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("bad fault '" + text + "': " + why + "; valid: " + fault_syntax());
  };
  Fault f;
  f.text = text;
  for (const ControlFault& c : kControlFaults)
    if (text == c.name) {
      f.site = c.site;
      return f;
    }
  std::string spec = text;
  const size_t at = spec.find('@');
  if (at != std::string::npos) {
    if (!parse_uint(spec.substr(at + 1), f.block_index)) throw bad("block after '@' is not a number");
    f.one_block = true;
    spec = spec.substr(0, at);
  }
  const size_t dot = spec.rfind(".bit");
  if (dot == std::string::npos) throw bad("no '.bitN'");
  uint64_t bit = 0;
  if (!parse_uint(spec.substr(dot + 4), bit)) throw bad("bit number is not a number");
  const std::string field = spec.substr(0, dot);
  unsigned width = 0;
  if (field.compare(0, 8, "out.byte") == 0) {
    uint64_t byte = 0;
    if (!parse_uint(field.substr(8), byte) || byte >= kPackedBytes)
      throw bad("byte must be 0.." + std::to_string(kPackedBytes - 1));
    f.site = Fault::Site::OutByte;
    f.byte = static_cast<unsigned>(byte);
    width = 8;
  } else {
    for (const FaultField& ff : kFaultFields)
      if (field == ff.name) {
        f.site = ff.site;
        width = ff.width;
      }
    if (f.site == Fault::Site::None) throw bad("unknown field '" + field + "'");
  }
  if (bit >= width) throw bad(field + " has " + std::to_string(width) + " bits");
  f.bit = static_cast<unsigned>(bit);
  return f;
}

// ---- Units --------------------------------------------------------------------------------

PeakResult PeakTreeUnit::compute(const Lanes& in_data) const { return PeakResult{peak_tree(in_data.v)}; }

ScaleResult ScaleUnit::compute(const S1Reg& r) const {
  // hif4::scale_decision, as hif4::quantize_block takes it: SF reads 0 when the input alone
  // makes a NaN block, REC is 0 for every NaN block.
  const ScaleDecision d = scale_decision(r.peaks, r.config);
  ScaleResult s;
  s.sf = d.sf;
  s.e6m2 = d.scale.code;
  s.rec = d.rec;
  if (r.config.payload_rounding == PayloadRounding::Stochastic)
    s.sr_key = sr_block_key(r.config.sr_seed, r.block_index);
  return s;
}

E1Result E1Unit::compute(const S2Reg& r) const {
  E1Result e;
  if (r.e6m2 != kE6M2NaN) {
    const ProductMode mode = r.config.threshold_product;
    for (unsigned g = 0; g < kGroups8; ++g)
      if (e1_8_decision(r.v8[g], r.rec, mode)) e.e1_8 = static_cast<uint8_t>(e.e1_8 | (1u << g));
    for (unsigned j = 0; j < kGroups16; ++j) {
      const bool e8 = (e.e1_8 >> (j / (kGroups16 / kGroups8))) & 1u;
      if (e1_16_decision(r.v16[j], r.rec, e8, mode))
        e.e1_16 = static_cast<uint16_t>(e.e1_16 | (1u << j));
    }
  }
  return e;
}

PackedBlock S1P2Encoder::compute(const S3Reg& r) const {
  Block b;
  b.e6m2 = r.e6m2;
  if (r.e6m2 != kE6M2NaN) {  // a NaN block keeps every E1 bit and payload nibble 0
    b.e1_8 = r.e1_8;
    b.e1_16 = r.e1_16;
    // The 64 lanes under one payload rounding and product mode, chosen once per block.
    const LaneScale ls = lane_scale(r.rec);
    const NegativeZero nz = r.config.negative_zero;
    with_payload_mode(r.config, [&](auto mode) {
      for (unsigned i = 0; i < kBlockValues; ++i) {
        const uint32_t random = mode.rounding == Rounding::Stochastic ? sr_lane_bits(r.sr_key, i) : 0;
        b.codes[i] = encode_s1p2_as<mode.rounding, mode.product>(r.lanes.v[i], ls, b.lane_shift(i), nz,
                                                                 random);
      }
    });
  }
  PackedBlock p;
  pack_block(b, p.bytes);
  return p;
}

// ---- Top ----------------------------------------------------------------------------------

Hif4QuantizerModel::Hif4QuantizerModel(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      peak_tree_("peak_tree"),
      scale_("scale"),
      e1_("e1"),
      encoder_("encoder"),
      s4_("s4") {
  // The cfg ports are decoded through the knob table: a knob added to or missing from either
  // side must make the model refuse to start, not mis-wire it.
  contract::check_contract();

  SC_METHOD(tick);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(drive_ready);
  sensitive << out_ready << out_valid;
}

void Hif4QuantizerModel::drive_ready() { in_ready.write(!out_valid.read() || out_ready.read()); }

void Hif4QuantizerModel::write_ports(const S1Reg& s1, const S2Reg& s2, const S3Reg& s3,
                                     const S4Reg& s4) {
#define HIF4_PORT(name, dir, width, role, stage, carries, ...) \
  HIF4_IF_REGISTERED(stage, name.write(contract::show_##carries(s##stage));)
#include "hif4/ports.def"
}

void Hif4QuantizerModel::tick() {
  // S1..S3 are this process's own state (nothing else reads them), updated in place from the
  // back of the pipeline to the front, so each stage reads its predecessor before it moves on;
  // S4 is also a signal (tests read the output register at the edge).
  if (!rst_n.read()) {  // synchronous reset clears every valid bit; data needs no reset
    S4Reg n4 = s4_.read();
    s1_.valid = s2_.valid = n4.valid = false;
    if (!fault_.is(Fault::Site::ResetKeepsS3Valid)) s3_.valid = false;
    s4_.write(n4);
    write_ports(s1_, s2_, s3_, n4);
    return;
  }
  // One global enable: everything moves, or nothing does.
  if (s4_.read().valid && !out_ready.read()) return;

  S1Reg& n1 = s1_;
  S2Reg& n2 = s2_;
  S3Reg& n3 = s3_;

  S4Reg n4;
  n4.valid = n3.valid;
  n4.block_index = n3.block_index;
  n4.data = encoder_.compute(n3);

  const E1Result e1 = e1_.compute(n2);
  static_cast<StageCarry&>(n3) = n2;
  n3.e6m2 = n2.e6m2;
  n3.rec = n2.rec;
  n3.sr_key = n2.sr_key;
  n3.e1_8 = e1.e1_8;
  n3.e1_16 = e1.e1_16;

  const ScaleResult sc = scale_.compute(n1);
  static_cast<StageCarry&>(n2) = n1;
  std::memcpy(n2.v16, n1.peaks.v16, sizeof n2.v16);
  std::memcpy(n2.v8, n1.peaks.v8, sizeof n2.v8);
  n2.sf = sc.sf;
  n2.e6m2 = sc.e6m2;
  n2.rec = sc.rec;
  n2.sr_key = sc.sr_key;

  n1.valid = in_valid.read();
  n1.lanes = in_data.read();
  n1.peaks = peak_tree_.compute(n1.lanes).peaks;
  n1.block_index = in_block_index.read();
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, n1.cfg.name = name.read();)
#include "hif4/ports.def"
  // Decode through the knob table only when a cfg port changes (the SR seed alone too).
  const bool changed = fault_.is(Fault::Site::StaleSeed) ? !knobs_equal(n1.cfg, sampled_cfg_)
                                                          : n1.cfg != sampled_cfg_;
  if (changed) {
    sampled_cfg_ = n1.cfg;
    sampled_config_ = contract::config_of(n1.cfg);
  }
  n1.config = sampled_config_;

  if (fault_.active()) {
    using S = Fault::Site;
    const unsigned b = fault_.bit;
    switch (fault_.site) {
      case S::S1Vmax:
        if (n1.valid && fault_.applies_to(n1.block_index)) flip(n1.peaks.vmax, b);
        break;
      case S::S1Flags:
        if (n1.valid && fault_.applies_to(n1.block_index)) {
          if (b == 0) n1.peaks.has_nan = !n1.peaks.has_nan;
          else n1.peaks.has_inf = !n1.peaks.has_inf;
        }
        break;
      case S::S2Sf:
      case S::S2E6m2:
      case S::S2Rec:
        if (n2.valid && fault_.applies_to(n2.block_index)) {
          if (fault_.site == S::S2Sf) flip(n2.sf, b);
          else if (fault_.site == S::S2E6m2) flip(n2.e6m2, b);
          else flip(n2.rec, b);
        }
        break;
      case S::S3E1:
      case S::S3E1_8:
      case S::S3E1_16:
        if (n3.valid && fault_.applies_to(n3.block_index)) {
          const unsigned e1_bit = fault_.site == S::S3E1_16 ? b + 8 : b;
          if (e1_bit < 8) flip(n3.e1_8, e1_bit);
          else flip(n3.e1_16, e1_bit - 8);
        }
        break;
      case S::OutByte:
        if (n4.valid && fault_.applies_to(n4.block_index)) flip(n4.data.bytes[fault_.byte], b);
        break;
      case S::ResetKeepsS3Valid:
      case S::StaleSeed:
      case S::None: break;
    }
  }

  s4_.write(n4);
  write_ports(n1, n2, n3, n4);
}

}  // namespace hif4::sim
