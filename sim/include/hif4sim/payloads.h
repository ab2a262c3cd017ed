// What travels on the SystemC model's signals and sits in its stage registers: plain C++
// structs (no sc_bv), so that a register is one plain copy and no bit ever goes through
// SystemC's arbitrary-width types on the hot path.
//
// Three of them travel on signals (Lanes on in_data, PackedBlock on out_data, S4Reg on the
// output register): sc_signal<T> needs operator== and operator<< (its print and dump) of its T,
// and the ports sc_in<T> / sc_out<T> (Lanes, PackedBlock) also sc_trace. The SystemC side's
// waves are not sc_trace files but the FST that sim/cosim/rtl_side.cpp writes, so sc_trace of
// these types records nothing.
#pragma once
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>

#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4/ports.h"
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

// The type of a contract port on the SystemC side: the scalar that `verilator --sc` gives a
// port of up to 64 bits (so that one signal drives the model and the Verilated RTL alike),
// and the structs above for the two wide data ports.
template <unsigned kWidth>
struct ModelValueOf {
  using type = contract::PortScalar<kWidth>;
};
template <>
struct ModelValueOf<16 * kBlockValues> {
  using type = Lanes;
};
template <>
struct ModelValueOf<8 * kPackedBytes> {
  using type = PackedBlock;
};
template <unsigned kWidth>
using ModelValue = typename ModelValueOf<kWidth>::type;

// What every stage S1..S3 carries along with its own results: the block as sampled.
struct StageCarry {
  bool valid = false;
  Lanes lanes;
  uint64_t block_index = 0;
  contract::CfgPorts cfg;  // the cfg ports as sampled
  Config config;           // cfg decoded once when the block is sampled
};

// S1: after the peak tree.
struct S1Reg : StageCarry {
  PeakTree peaks{};
};

// S2: after the scale, E6M2 and reciprocal unit. V16/V8 travel on for the E1 unit.
struct S2Reg : StageCarry {
  uint16_t v16[kGroups16] = {};
  uint16_t v8[kGroups8] = {};
  uint16_t sf = 0;          // BF16
  uint8_t e6m2 = 0;         // 0xFF for a NaN block
  uint16_t rec = 0;         // BF16, 0 for a NaN block
  uint32_t sr_key = 0;      // sr_block_key(seed, block index); 0 unless stochastic
};

// S3: after the E1 decisions. E6M2 and REC travel on for the encoder.
struct S3Reg : StageCarry {
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint32_t sr_key = 0;
  uint8_t e1_8 = 0;    // 0 for a NaN block
  uint16_t e1_16 = 0;  // 0 for a NaN block
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
};
struct ScaleResult {
  uint16_t sf = 0;
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint32_t sr_key = 0;
};
struct E1Result {
  uint8_t e1_8 = 0;
  uint16_t e1_16 = 0;
};

std::ostream& operator<<(std::ostream& os, const Lanes& v);
std::ostream& operator<<(std::ostream& os, const PackedBlock& v);
std::ostream& operator<<(std::ostream& os, const S4Reg& v);

inline void sc_trace(sc_core::sc_trace_file*, const Lanes&, const std::string&) {}
inline void sc_trace(sc_core::sc_trace_file*, const PackedBlock&, const std::string&) {}

}  // namespace hif4::sim
