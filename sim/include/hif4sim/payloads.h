// What travels on the SystemC model's signals: plain C++ structs (no sc_bv), so that a
// pipeline register is one sc_signal write of a few hundred bytes and no bit ever goes
// through SystemC's arbitrary-width types on the hot path.
//
// Each struct has the three things sc_signal<T> needs: operator==, operator<< and sc_trace.
// sc_trace of a struct traces its small scalar fields (the 64 lanes are not traced: waves of
// the lanes come from the Verilated RTL's FST, the testbench's FST writer records the rest).
#pragma once
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>

#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4/stages.h"

namespace sc_core {
class sc_trace_file;
}

namespace hif4::sim {

// 64 BF16 lanes of one block (the contract's in_data, lane i = bits 16i+15:16i).
struct Lanes {
  uint16_t v[kBlockValues] = {};
  bool operator==(const Lanes& o) const { return std::memcmp(v, o.v, sizeof v) == 0; }
};

// The packed 36-byte block (the contract's out_data, byte k = bits 8k+7:8k).
struct PackedBlock {
  uint8_t bytes[kPackedBytes] = {};
  bool operator==(const PackedBlock& o) const {
    return std::memcmp(bytes, o.bytes, sizeof bytes) == 0;
  }
};

// The configuration sampled with a block, as the cfg_* ports carry it: knob k's value index
// (knob-table order, the order of the contract's cfg_* ports) and the SR seed.
struct CfgWord {
  uint8_t knob[8] = {};
  uint64_t sr_seed = 0;
  bool operator==(const CfgWord& o) const {
    return std::memcmp(knob, o.knob, sizeof knob) == 0 && sr_seed == o.sr_seed;
  }
};
Config to_config(const CfgWord& w);
CfgWord to_cfg_word(const Config& c);

// S1: after the peak tree.
// What every stage S1..S3 carries along with its own results: the block as sampled.
struct StageCarry {
  bool valid = false;
  Lanes lanes;
  uint64_t block_index = 0;
  CfgWord cfg;
  Config config;  // cfg decoded once when the block is sampled (equality is cfg's)
  bool operator==(const StageCarry& o) const {
    return valid == o.valid && lanes == o.lanes && block_index == o.block_index && cfg == o.cfg;
  }
};

struct S1Reg : StageCarry {
  PeakTree peaks{};
  bool operator==(const S1Reg& o) const;
};

// S2: after the scale, E6M2 and reciprocal unit. V16/V8 travel on for the E1 unit.
struct S2Reg : StageCarry {
  uint16_t v16[kGroups16] = {};
  uint16_t v8[kGroups8] = {};
  uint16_t sf = 0;          // BF16
  uint8_t e6m2 = 0;         // 0xFF for a NaN block
  uint16_t rec = 0;         // BF16, 0 for a NaN block
  uint32_t sr_key = 0;      // sr_block_key(seed, block index); 0 unless stochastic
  bool operator==(const S2Reg& o) const;
};

// S3: after the E1 decisions. E6M2 and REC travel on for the encoder.
struct S3Reg : StageCarry {
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint32_t sr_key = 0;
  uint8_t e1_8 = 0;    // 0 for a NaN block
  uint16_t e1_16 = 0;  // 0 for a NaN block
  bool operator==(const S3Reg& o) const;
};

// S4: the output register.
struct S4Reg {
  bool valid = false;
  uint64_t block_index = 0;
  PackedBlock data;
  bool operator==(const S4Reg& o) const {
    return valid == o.valid && block_index == o.block_index && data == o.data;
  }
};

// What each combinational unit computes (the D side of the next register, less what merely
// travels through).
struct PeakResult {
  PeakTree peaks{};
  bool operator==(const PeakResult& o) const;
};
struct ScaleResult {
  uint16_t sf = 0;
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint32_t sr_key = 0;
  bool operator==(const ScaleResult& o) const {
    return sf == o.sf && e6m2 == o.e6m2 && rec == o.rec && sr_key == o.sr_key;
  }
};
struct E1Result {
  uint8_t e1_8 = 0;
  uint16_t e1_16 = 0;
  bool operator==(const E1Result& o) const { return e1_8 == o.e1_8 && e1_16 == o.e1_16; }
};

std::ostream& operator<<(std::ostream& os, const Lanes& v);
std::ostream& operator<<(std::ostream& os, const PackedBlock& v);
std::ostream& operator<<(std::ostream& os, const CfgWord& v);
std::ostream& operator<<(std::ostream& os, const S1Reg& v);
std::ostream& operator<<(std::ostream& os, const S2Reg& v);
std::ostream& operator<<(std::ostream& os, const S3Reg& v);
std::ostream& operator<<(std::ostream& os, const S4Reg& v);
std::ostream& operator<<(std::ostream& os, const PeakResult& v);
std::ostream& operator<<(std::ostream& os, const ScaleResult& v);
std::ostream& operator<<(std::ostream& os, const E1Result& v);

void sc_trace(sc_core::sc_trace_file* tf, const Lanes& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const PackedBlock& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const CfgWord& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const S1Reg& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const S2Reg& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const S3Reg& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const S4Reg& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const PeakResult& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const ScaleResult& v, const std::string& name);
void sc_trace(sc_core::sc_trace_file* tf, const E1Result& v, const std::string& name);

}  // namespace hif4::sim
