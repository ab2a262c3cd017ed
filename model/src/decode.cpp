// Decoding: every HiF4 value is (4+m) * q * 2^(e-4+E1) with (4+m)*q <= 49, so it is exact in
// BF16 and FP32. The bits are assembled from integers; no rounding happens here.
#include <cstring>

#include "hif4/block.h"

namespace hif4 {

uint32_t dyadic_to_f32_bits(bool negative, Dyadic v) {
  const uint32_t sign = negative ? 0x80000000u : 0u;
  if (v.sig == 0) return sign;
  const int n = msb_index(v.sig);
  const int e = n + v.exp;  // unbiased exponent; HiF4 values stay in FP32's normal range
  const uint64_t frac = (v.sig << (63 - n)) << 1;  // bits below the leading one, left-aligned
  return sign | (static_cast<uint32_t>(e + 127) << 23) | static_cast<uint32_t>(frac >> 41);
}

Dyadic decode_magnitude(const Block& b, unsigned lane) {
  const Dyadic scale = e6m2_value(b.e6m2);
  const unsigned q = b.codes[lane] & kS1P2MaxMagnitude;
  return {scale.sig * q, scale.exp - 2 + static_cast<int>(b.lane_shift(lane))};
}

void decode_block_f32(const Block& b, uint32_t out_bits[kBlockValues]) {
  for (unsigned i = 0; i < kBlockValues; ++i) {
    if (b.e6m2 == kE6M2NaN) {
      out_bits[i] = kF32QuietNaN;
      continue;
    }
    out_bits[i] = dyadic_to_f32_bits((b.codes[i] & kS1P2SignBit) != 0, decode_magnitude(b, i));
  }
}

void decode_block_bf16(const Block& b, uint16_t out_bits[kBlockValues]) {
  uint32_t f[kBlockValues];
  decode_block_f32(b, f);
  for (unsigned i = 0; i < kBlockValues; ++i)
    out_bits[i] = static_cast<uint16_t>(f[i] >> 16);  // exact: the low 16 bits are zero
}

float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint32_t float_to_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

double bf16_to_double(uint16_t b) { return static_cast<double>(bits_to_float(uint32_t{b} << 16)); }

}  // namespace hif4
