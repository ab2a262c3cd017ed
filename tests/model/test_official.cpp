// The `gcc` profile against the official HiFloat4 fake-quant function (To_HiFX of
// global-computing-consortium/HiFloat4, restated here from its description in
// ../shared/reference-notes.md, in doubles as the original is): quantize-then-decode must
// equal it bit for bit for finite BF16 input.
#include <catch2/catch.hpp>

#include <algorithm>

#include "hif4/block.h"
#include "test_support.h"

using namespace hif4;
using test::bf16_value;

namespace {

double to_bf16(double v) { return bf16_value(test::double_to_bf16_rne(v)); }

// One block through the official algorithm; returns the 64 fake-quantized values.
void official_fake_quant(const uint16_t in[kBlockValues], double out[kBlockValues]) {
  double a[kBlockValues];
  for (unsigned i = 0; i < kBlockValues; ++i) a[i] = std::fabs(bf16_value(in[i]));
  double v16[16], v8[8], vmax = 0;
  for (int k = 0; k < 16; ++k) v16[k] = *std::max_element(a + 4 * k, a + 4 * k + 4);
  for (int k = 0; k < 8; ++k) v8[k] = std::max(v16[2 * k], v16[2 * k + 1]);
  for (double v : v8) vmax = std::max(vmax, v);
  const double const_rec = to_bf16(1.0 / 7.0);
  const double sf = to_bf16(vmax * const_rec);
  // BF16_to_E6MX: clamp to [2^-48, 49152] first, then round half to even on 2 mantissa bits.
  double x = std::min(sf, 49152.0);
  x = std::max(x, 0x1p-48);
  const double e = std::floor(std::log2(x));
  const double e6m2 = std::nearbyint(x * std::pow(2.0, -e + 2)) * std::pow(2.0, e - 2);
  const double rec = to_bf16(1.0 / e6m2);
  int e1_8[8], e1_16[16];
  for (int k = 0; k < 8; ++k) e1_8[k] = v8[k] * rec >= 4;
  for (int k = 0; k < 16; ++k) e1_16[k] = v16[k] * rec * std::pow(2.0, -e1_8[k / 2]) >= 2;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const double de = e1_16[i / 4] + e1_8[i / 8];
    double g = std::floor(a[i] * rec * std::pow(2.0, -de + 2) + 0.5) / 4;  // ties away
    if (g >= 2) g = 1.75;
    const double s = bf16_value(in[i]) < 0 ? -1.0 : 1.0;  // -0.0 counts as positive
    out[i] = s * e6m2 * std::pow(2.0, de) * g;
  }
}

}  // namespace

TEST_CASE("gcc profile: decode(quantize(x)) equals the official fake-quant, bit for bit", "[official]") {
  const Config gcc = find_profile("gcc").config;
  test::TestRng rng(7);
  uint16_t in[kBlockValues];
  size_t blocks = 0;
  for (int n = 0; n < 60000; ++n) {
    // Magnitudes across the whole BF16 range, including subnormal and clamped scales.
    const int center = -140 + static_cast<int>(rng.below(270));
    rng.block(in, center, static_cast<int>(rng.below(24)));
    if (n % 7 == 0) {
      // Exact payload ties: small integers times a power of two (the `grid` pattern).
      const int p = -20 + static_cast<int>(rng.below(40));
      for (auto& v : in)
        v = f32_bits_to_bf16(float_to_bits(std::ldexp(static_cast<float>(rng.below(64)) - 32.0f, p)));
    }
    double want[kBlockValues];
    official_fake_quant(in, want);
    uint32_t got[kBlockValues];
    decode_block_f32(quantize_block(in, gcc, 0), got);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const uint32_t w = float_to_bits(static_cast<float>(want[i]));
      if (w != got[i])
        FAIL("block " << n << " lane " << i << " x 0x" << std::hex << in[i] << ": official "
                      << want[i] << " model " << bits_to_float(got[i]));
    }
    ++blocks;
  }
  CHECK(blocks == 60000);
}
