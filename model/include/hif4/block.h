// A whole block: quantize (with an optional stage trace), pack, unpack and decode.
#pragma once
#include <cstdint>
#include <string>

#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4/stages.h"

namespace hif4 {

// An unpacked block: the fields of the 36-byte layout.
struct Block {
  uint8_t e6m2 = 0;
  uint8_t e1_8 = 0;    // bit g: values 8g..8g+7
  uint16_t e1_16 = 0;  // bit j: values 4j..4j+3
  uint8_t codes[kBlockValues] = {};  // S1P2 nibbles

  bool operator==(const Block& o) const;
  bool operator!=(const Block& o) const { return !(*this == o); }
  // E1_8[i/8] + E1_16[i/4]: the micro-exponent of lane i.
  unsigned lane_shift(unsigned i) const {
    return ((e1_8 >> (i / kValuesPerGroup8)) & 1u) + ((e1_16 >> (i / kValuesPerGroup16)) & 1u);
  }
};

// NanCause (why a block is a NaN block) is the scale path's, in stages.h.
const char* nan_cause_name(NanCause c);

// Every stage of one block's conversion, for `hif4 explain`, coverage and mismatch reports.
struct BlockTrace {
  uint64_t block_index = 0;
  uint16_t input[kBlockValues] = {};
  PeakTree peaks{};
  uint16_t sf = 0;          // BF16
  E6M2Encoding scale;       // code, in-range / underflow / overflow, mantissa rounding
  NanCause nan_cause = NanCause::None;
  uint16_t rec = 0;         // BF16 (0 for a NaN block)
  ThresholdProduct product8[kGroups8];    // V8*REC as compared
  ThresholdProduct product16[kGroups16];  // V16*REC as compared (before the 2^-E1_8)
  LaneEncoding lanes[kBlockValues];
  Block block;
};

// Quantize 64 BF16 values. `block_index` feeds the stochastic rounding bits only.
Block quantize_block(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                     BlockTrace* trace = nullptr);

void pack_block(const Block& b, uint8_t out[kPackedBytes]);
Block unpack_block(const uint8_t in[kPackedBytes]);

// Quantize and pack `count` consecutive blocks; block i gets index first_index + i.
void quantize_blocks(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                     uint8_t* out);

// Decoded value of lane i as an exact dyadic magnitude and sign; NaN when e6m2 == 0xFF.
// value = E6M2 * 2^(E1_8 + E1_16) * S1P2.
Dyadic decode_magnitude(const Block& b, unsigned lane);
void decode_block_f32(const Block& b, uint32_t out_bits[kBlockValues]);
void decode_block_bf16(const Block& b, uint16_t out_bits[kBlockValues]);
float bits_to_float(uint32_t bits);
uint32_t float_to_bits(float f);
double bf16_to_double(uint16_t b);

// The value of a S1P2 code in quarters, with sign: -7..7.
inline int s1p2_quarters(uint8_t code) {
  const int q = code & kS1P2MaxMagnitude;
  return (code & kS1P2SignBit) ? -q : q;
}

}  // namespace hif4
