// NVFP4 and MXFP4 quantize / dequantize; the recipes and their sources are in baselines.h.
#include "hif4/baselines.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "hif4/bf16.h"
#include "hif4/block.h"

namespace hif4 {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// floor(log2(|x|)) of a nonzero finite BF16, from its fields (exact, no libm).
int bf16_floor_log2(uint16_t b) {
  const unsigned e = (b >> 7) & 0xFF;
  const unsigned m = b & 0x7F;
  if (e) return static_cast<int>(e) - 127;
  return msb_index(m) - 133;  // subnormal: m * 2^-133
}

}  // namespace

// ---- Element and scale types ----------------------------------------------------------

double round_to_binary_rne(double x, int mantissa_bits, int emin) {
  if (x == 0 || !std::isfinite(x)) return x;
  int e2 = 0;
  std::frexp(x, &e2);  // x = f * 2^e2, f in [0.5, 1): floor(log2 x) = e2 - 1
  const int e = std::max(e2 - 1, emin);
  const int quantum = e - mantissa_bits;
  // x / 2^quantum is exact in double; nearbyint rounds it under the default mode,
  // round-to-nearest-even, which is the rule we want.
  const double units = std::nearbyint(std::ldexp(x, -quantum));
  return std::ldexp(units, quantum);
}

double e2m1_magnitude(uint8_t code) {
  // OCP MX v1.0 section 5.3.3: exponent field 0 is subnormal (0, 0.5); otherwise
  // (1 + m/2) * 2^(e - 1).
  static constexpr double kMagnitudes[8] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
  return kMagnitudes[code & kE2M1MaxMagnitudeCode];
}

double e2m1_value(uint8_t code) {
  const double m = e2m1_magnitude(code);
  return (code & kE2M1SignBit) ? -m : m;
}

uint8_t e2m1_encode(double x) {
  const uint8_t sign = std::signbit(x) ? kE2M1SignBit : 0;
  const double m = std::fabs(x);
  // The round-to-nearest-even decision points between neighbouring magnitudes. At a
  // midpoint the even code wins: 0.25 -> 0 (code 0), 0.75 -> 1 (code 2), 1.25 -> 1 (code 2),
  // 1.75 -> 2 (code 4), 2.5 -> 2 (code 4), 3.5 -> 4 (code 6), 5 -> 4 (code 6).
  // Above 6 it saturates. The test checks this against round_to_binary_rne.
  uint8_t code;
  if (m <= 0.25) code = 0;
  else if (m < 0.75) code = 1;
  else if (m <= 1.25) code = 2;
  else if (m < 1.75) code = 3;
  else if (m <= 2.5) code = 4;
  else if (m < 3.5) code = 5;
  else if (m <= 5.0) code = 6;
  else code = 7;
  return sign | code;
}

double e4m3_value(uint8_t code) {
  const unsigned e = (code >> 3) & 0xF;
  const unsigned m = code & 7u;
  if (e == 15 && m == 7) return kNaN;
  const double mag = e == 0 ? std::ldexp(m, -9) : std::ldexp(8 + m, static_cast<int>(e) - 10);
  return (code & 0x80) ? -mag : mag;
}

uint8_t e4m3_encode_sat(double x) {
  if (std::isnan(x)) return kE4M3NaN;
  // 3 fraction bits, minimum normal exponent 1 - bias = -6.
  double v = round_to_binary_rne(x, 3, -6);
  if (v > kE4M3Max) v = kE4M3Max;  // satfinite (also +Inf)
  if (v < std::ldexp(1.0, -6)) return static_cast<uint8_t>(std::ldexp(v, 9));  // 0..7 * 2^-9
  int e2 = 0;
  const double f = std::frexp(v, &e2);  // v = f * 2^e2, f in [0.5, 1)
  const int e = e2 - 1;
  const unsigned mantissa = static_cast<unsigned>(f * 16.0) - 8u;  // f*16 in 8..15
  return static_cast<uint8_t>(((e + 7) << 3) | mantissa);
}

double e8m0_value(uint8_t code) {
  if (code == kE8M0NaN) return kNaN;
  return std::ldexp(1.0, static_cast<int>(code) - kE8M0Bias);
}

// ---- MXFP4 ----------------------------------------------------------------------------

uint8_t mxfp4_block_scale(const uint16_t* bf16, unsigned count) {
  uint16_t amax = 0;  // magnitude bits order as the values do
  for (unsigned i = 0; i < count; ++i) {
    const uint16_t mag = bf16[i] & kBf16MagnitudeMask;
    amax = mag > amax ? mag : amax;
  }
  if (amax >= kBf16Inf) return kE8M0NaN;
  if (amax == 0) return 0;  // 2^-127: the elements are all zero whatever the scale
  int shared_exp = bf16_floor_log2(amax) - kE2M1Emax;
  shared_exp = std::min(std::max(shared_exp, kE8M0MinExp), kE8M0MaxExp);
  return static_cast<uint8_t>(shared_exp + kE8M0Bias);
}

Mxfp4Data mxfp4_quantize(const uint16_t* bf16, size_t n) {
  Mxfp4Data q;
  q.scales.resize(n / kMxfp4BlockValues);
  q.codes.resize(n);
  for (size_t b = 0; b < q.scales.size(); ++b) {
    const uint16_t* in = bf16 + b * kMxfp4BlockValues;
    const uint8_t scale = mxfp4_block_scale(in, kMxfp4BlockValues);
    q.scales[b] = scale;
    uint8_t* codes = q.codes.data() + b * kMxfp4BlockValues;
    if (scale == kE8M0NaN) {
      for (unsigned i = 0; i < kMxfp4BlockValues; ++i) codes[i] = 0;
      continue;
    }
    const int shared_exp = static_cast<int>(scale) - kE8M0Bias;
    for (unsigned i = 0; i < kMxfp4BlockValues; ++i)  // V / X: exact, X is a power of two
      codes[i] = e2m1_encode(std::ldexp(bf16_to_double(in[i]), -shared_exp));
  }
  return q;
}

void mxfp4_dequantize(const Mxfp4Data& q, double* out) {
  for (size_t b = 0; b < q.scales.size(); ++b) {
    const uint8_t scale = q.scales[b];
    for (unsigned i = 0; i < kMxfp4BlockValues; ++i) {
      const size_t k = b * kMxfp4BlockValues + i;
      out[k] = scale == kE8M0NaN
                   ? kNaN
                   : std::ldexp(e2m1_value(q.codes[k]), static_cast<int>(scale) - kE8M0Bias);
    }
  }
}

// ---- NVFP4 ----------------------------------------------------------------------------

float nvfp4_tensor_amax(const uint16_t* bf16, size_t n) {
  uint16_t amax = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint16_t mag = bf16[i] & kBf16MagnitudeMask;
    if (mag < kBf16Inf && mag > amax) amax = mag;
  }
  return static_cast<float>(bf16_to_double(amax));
}

float nvfp4_encode_scale(float tensor_amax) {
  // Every operation below is a binary32 operation, as in the CUDA recipe.
  const float fp8_max = static_cast<float>(kE4M3Max);
  const float fp4_max = static_cast<float>(kE2M1Max);
  float s = fp8_max * fp4_max / tensor_amax;
  s = std::fmin(s, FLT_MAX);
  if (tensor_amax == 0.0f || s == 0.0f) return 1.0f;
  return s;
}

uint8_t nvfp4_block_scale(float block_amax, float encode_scale, Nvfp4Formula formula) {
  const float fp4_max = static_cast<float>(kE2M1Max);
  float scaled;
  if (formula == Nvfp4Formula::Current) {
    const float fp4_max_inv = 1.0f / fp4_max;  // the binary32 constant 1.0f/6.0f
    scaled = block_amax * (encode_scale * fp4_max_inv);
  } else {
    scaled = (block_amax / fp4_max) * encode_scale;
  }
  return e4m3_encode_sat(static_cast<double>(std::fmin(scaled, FLT_MAX)));
}

float nvfp4_element_scale(uint8_t block_scale, float encode_scale, Nvfp4Formula formula) {
  const float s_b = static_cast<float>(e4m3_value(block_scale));
  if (s_b == 0.0f) return 0.0f;  // an underflowed block scale: the elements encode as +-0
  if (formula == Nvfp4Formula::Current) {
    const float decode_scale = 1.0f / encode_scale;
    return std::fmin(1.0f / (s_b * decode_scale), FLT_MAX);
  }
  return std::fmin(encode_scale / s_b, FLT_MAX);
}

Nvfp4Data nvfp4_quantize(const uint16_t* bf16, size_t n, float tensor_amax, Nvfp4Formula formula) {
  Nvfp4Data q;
  q.encode_scale = nvfp4_encode_scale(tensor_amax);
  q.decode_scale = 1.0f / q.encode_scale;
  q.scales.resize(n / kNvfp4BlockValues);
  q.codes.resize(n);
  for (size_t b = 0; b < q.scales.size(); ++b) {
    const uint16_t* in = bf16 + b * kNvfp4BlockValues;
    uint8_t* codes = q.codes.data() + b * kNvfp4BlockValues;
    uint16_t amax_bits = 0;
    for (unsigned i = 0; i < kNvfp4BlockValues; ++i) {
      const uint16_t mag = in[i] & kBf16MagnitudeMask;
      amax_bits = mag > amax_bits ? mag : amax_bits;
    }
    if (amax_bits >= kBf16Inf) {  // NaN or Inf in the block: outside the recipe (see header)
      q.scales[b] = kE4M3NaN;
      for (unsigned i = 0; i < kNvfp4BlockValues; ++i) codes[i] = 0;
      continue;
    }
    const float block_amax = static_cast<float>(bf16_to_double(amax_bits));
    const uint8_t s_b = nvfp4_block_scale(block_amax, q.encode_scale, formula);
    q.scales[b] = s_b;
    const float r_b = nvfp4_element_scale(s_b, q.encode_scale, formula);
    for (unsigned i = 0; i < kNvfp4BlockValues; ++i) {
      const float x = static_cast<float>(bf16_to_double(in[i]));
      const float scaled_x = x * r_b;
      codes[i] = e2m1_encode(static_cast<double>(scaled_x));
    }
  }
  return q;
}

void nvfp4_dequantize(const Nvfp4Data& q, double* out) {
  const double s_dec = static_cast<double>(q.decode_scale);
  for (size_t b = 0; b < q.scales.size(); ++b) {
    const double s_b = e4m3_value(q.scales[b]);  // NaN for the NaN scale
    for (unsigned i = 0; i < kNvfp4BlockValues; ++i) {
      const size_t k = b * kNvfp4BlockValues + i;
      out[k] = e2m1_value(q.codes[k]) * s_b * s_dec;
    }
  }
}

}  // namespace hif4
