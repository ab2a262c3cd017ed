// Builds the derived tables of fast_tables.h from the stage functions (once, on first use).
#include "hif4/fast_tables.h"

#include <array>

namespace hif4 {

namespace {

// Smallest 15-bit magnitude V in [0, 0x7F80] with V*REC >= 2^k; 0x7F80 (Inf) always passes.
uint16_t first_reaching(uint16_t rec, int k, ProductMode mode) {
  unsigned lo = 0, hi = kBf16Inf;
  while (lo < hi) {
    const unsigned mid = (lo + hi) / 2;
    if (compare_pow2(threshold_product(static_cast<uint16_t>(mid), rec, mode), k) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return static_cast<uint16_t>(lo);
}

using ThresholdTable = std::array<E1Thresholds, 255>;

ThresholdTable build_thresholds(ProductMode mode) {
  ThresholdTable t{};
  for (unsigned code = 0; code < 255; ++code) {
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
    t[code] = {first_reaching(rec, 1, mode), first_reaching(rec, 2, mode)};
  }
  return t;
}

PayloadWindow* build_window(Rounding mode, ProductMode product) {
  auto* t = new PayloadWindow{};
  Config cfg;
  cfg.payload_product = product;
  switch (mode) {
    case Rounding::NearestAway: cfg.payload_rounding = PayloadRounding::NearestAway; break;
    case Rounding::NearestEven: cfg.payload_rounding = PayloadRounding::NearestEven; break;
    default: cfg.payload_rounding = PayloadRounding::TowardZero; break;
  }
  for (unsigned m = 0; m < 4; ++m) {
    // A REC with this mantissa (E6M2 exponent 0, code 48 << 2 | m); with e1 = 0 the window
    // starts at exponent field shift_base - 19, which is a normal exponent (120 or 121).
    const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>((kE6M2Bias << 2) | m));
    const int start = (lane_scale(rec).shift_base - kPayloadWindowTopShift) * 128;
    for (unsigned nz = 0; nz < kNegativeZeroValues; ++nz) {
      cfg.negative_zero = static_cast<NegativeZero>(nz);
      for (unsigned i = 0; i < kPayloadWindow; ++i) {
        // The code of the negative value: its sign bit is what `x > 0x8000` lets through.
        const uint16_t x = static_cast<uint16_t>(kBf16SignMask | (start + i));
        t->code[m][nz][i] = encode_s1p2(x, rec, 0, cfg, 0).code;
      }
    }
  }
  return t;
}

}  // namespace

const E1Thresholds& e1_thresholds(uint8_t e6m2_code, ProductMode mode) {
  static const ThresholdTable exact = build_thresholds(ProductMode::Exact);
  static const ThresholdTable bf16 = build_thresholds(ProductMode::Bf16);
  return (mode == ProductMode::Exact ? exact : bf16)[e6m2_code];
}

const PayloadWindow& payload_window(Rounding mode, ProductMode product) {
  static const PayloadWindow* tables[3][2] = {
      {build_window(Rounding::NearestAway, ProductMode::Exact),
       build_window(Rounding::NearestAway, ProductMode::Bf16)},
      {build_window(Rounding::NearestEven, ProductMode::Exact),
       build_window(Rounding::NearestEven, ProductMode::Bf16)},
      {build_window(Rounding::TowardZero, ProductMode::Exact),
       build_window(Rounding::TowardZero, ProductMode::Bf16)},
  };
  const int row = mode == Rounding::NearestAway ? 0 : mode == Rounding::NearestEven ? 1 : 2;
  return *tables[row][product == ProductMode::Bf16 ? 1 : 0];
}

}  // namespace hif4
