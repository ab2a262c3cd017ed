// The error figures of `hif4 compare` on inputs small enough to compute by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "hif4/baselines.h"
#include "hif4/block.h"
#include "exact_bf16.h"
#include "hif4/compare.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

uint16_t bf16(double x) { return test::exact_bf16(x); }

// The worked example of reference-notes.md: [7.0, 0 x7, 0.625, 0, ...]. SF = 1.0, lane 0 is
// 1.75 * 2^2 exactly, lane 8 is 2.5 quarters: a payload tie.
std::vector<uint16_t> tie_block() {
  std::vector<uint16_t> in(kBlockValues, 0);
  in[0] = bf16(7.0);
  in[8] = bf16(0.625);
  return in;
}

const Variant& by_name(const Report& r, const std::string& name) {
  for (const Variant& v : r.variants)
    if (v.name == name) return v;
  FAIL("no variant " << name);
  return r.variants.front();
}

size_t index_of(const Report& r, const std::string& name) {
  return static_cast<size_t>(&by_name(r, name) - r.variants.data());
}

}  // namespace

TEST_CASE("ErrorStats and figures on a hand-computed list", "[compare]") {
  // x, q, lane max:   error     notes
  //  1    1.5   2     +0.5
  //  2    2     2      0
  //  0    0     2      0
  // -4   -3     3     +1        |x| = 4 > 3: saturated
  //  0.5  0     1     -0.5      flushed to zero, relative error 1
  ErrorStats s;
  s.add(1, 1.5, 2);
  s.add(2, 2, 2);
  s.add(0, 0, 2);
  s.add(-4, -3, 3);
  s.add(0.5, 0, 1);
  const Figures f = figures(s);
  CHECK(s.values == 5);
  CHECK(f.mse == 1.5 / 5);
  CHECK(f.nmse == 1.5 / 21.25);
  CHECK(f.sqnr_db == Approx(10 * std::log10(21.25 / 1.5)).epsilon(1e-15));
  CHECK(f.max_abs_error == 1.0);
  CHECK(f.max_rel_error == 1.0);
  CHECK(f.bias == 1.0 / 5);
  CHECK(f.saturated_share == 1.0 / 5);
  CHECK(f.flushed_share == 1.0 / 5);
  CHECK(f.nan_share == 0);
  CHECK(std::isnan(f.blocks_differ_share));  // no blocks compared

  // NaN outputs and non-finite inputs are counted, never summed.
  ErrorStats t = s;
  t.add(std::numeric_limits<double>::infinity(), 6.0, 6.0);
  t.add(3.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN());
  const Figures g = figures(t);
  CHECK(t.nonfinite_inputs == 1);
  CHECK(t.values == 6);
  CHECK(t.nan_outputs == 1);
  CHECK(g.mse == f.mse);
  CHECK(g.nan_share == 1.0 / 6);

  // merge() of two halves equals one pass.
  ErrorStats a, b;
  a.add(1, 1.5, 2);
  a.add(2, 2, 2);
  b.add(0, 0, 2);
  b.add(-4, -3, 3);
  b.add(0.5, 0, 1);
  a.merge(b);
  CHECK(a.sum_sq_error == s.sum_sq_error);
  CHECK(a.sum_error == s.sum_error);
  CHECK(a.max_rel_error == s.max_rel_error);
  CHECK(a.saturated == s.saturated);
  CHECK(a.flushed == s.flushed);

  // A perfect match: SQNR is +inf, not NaN.
  ErrorStats exact;
  exact.add(2, 2, 6);
  CHECK(std::isinf(figures(exact).sqnr_db));
}

TEST_CASE("HiF4 figures through the model: the payload tie of the worked example", "[compare]") {
  const std::vector<Variant> variants =
      build_variants({"seed", "nvfp4", "mxfp4"}, {"payload-rounding=nearest-away,nearest-even"},
                     "seed", 0);
  REQUIRE(variants.size() == 4);
  const Report r = run_compare({tensor_study("tie", tie_block())}, variants, "seed", 0, 2);
  REQUIRE(r.studies.size() == 1);
  const StudyResult& s = r.studies[0];
  const double input_sq = 49.0 + 0.625 * 0.625;

  // Ties away: lane 8 becomes 3 quarters = 0.75 (+0.125); lane 0 is exact (7 = 1.75 * 2^2,
  // at its lane's maximum, so not saturated); the bits equal the baseline's.
  const ErrorStats& away = s.total[index_of(r, "seed payload-rounding=nearest-away")];
  const Figures fa = figures(away);
  CHECK(away.values == 64);
  CHECK(fa.mse == 0.015625 / 64);
  CHECK(fa.nmse == 0.015625 / input_sq);
  CHECK(fa.bias == 0.125 / 64);
  CHECK(fa.max_abs_error == 0.125);
  CHECK(fa.max_rel_error == 0.2);
  CHECK(away.saturated == 0);
  CHECK(away.flushed == 0);
  CHECK(away.blocks == 1);
  CHECK(away.blocks_differ == 0);

  // Ties to even: 2 quarters = 0.5 (-0.125), and the block's bits differ from seed's.
  const ErrorStats& even = s.total[index_of(r, "seed payload-rounding=nearest-even")];
  CHECK(figures(even).mse == 0.015625 / 64);
  CHECK(figures(even).bias == -0.125 / 64);
  CHECK(even.blocks_differ == 1);

  // MXFP4: X = 2^0 for the first 32 values; 7 clamps to 6 (saturated), 0.625 -> 0.5.
  const ErrorStats& mx = s.total[index_of(r, "mxfp4")];
  CHECK(figures(mx).mse == (1.0 + 0.015625) / 64);
  CHECK(figures(mx).bias == -1.125 / 64);
  CHECK(mx.saturated == 1);
  CHECK(mx.blocks == 0);

  // NVFP4: whatever nvfp4_quantize / nvfp4_dequantize give (tested on their own), summed here.
  const std::vector<uint16_t> in = tie_block();
  const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), 7.0f);
  std::vector<double> out(in.size());
  nvfp4_dequantize(q, out.data());
  double sum_sq = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double e = out[i] - bf16_to_double(in[i]);
    sum_sq += e * e;
  }
  CHECK(figures(s.total[index_of(r, "nvfp4")]).mse == sum_sq / 64);
  CHECK(sum_sq > 0);

  // The per-matrix row of a one-tensor study is its total, and the MSE ratio is a ratio.
  CHECK(s.per_matrix[1][0].sum_sq_error == s.total[1].sum_sq_error);
  CHECK(mse_ratio_geomean(s, index_of(r, "mxfp4"), 0) == Approx((1.0 + 0.015625) / 0.015625));
}

TEST_CASE("HiF4 lane maximum used for 'saturated' matches the model's decoder", "[compare]") {
  // A block whose lane 0 exceeds 1.75 * 2^2 * E6M2: 7.875 -> SF = 1.125, seed rounds E6M2 up
  // to 1.25 (no clamp), gcc rounds it to 1.0 (ties to even) and 7.875 > 7 is clamped.
  std::vector<uint16_t> in(kBlockValues, 0);
  in[0] = bf16(7.875);
  const std::vector<Variant> variants = build_variants({"seed", "gcc"}, {}, "seed", 0);
  const Report r = run_compare({tensor_study("peak", in)}, variants, "seed", 0, 1);
  CHECK(r.studies[0].total[0].saturated == 0);
  CHECK(r.studies[0].total[1].saturated == 1);
  CHECK(r.studies[0].total[1].max_abs_error == 0.875);
  // The decoded value of a code-7 lane is the lane maximum the figures use.
  const Block b = quantize_block(in.data(), find_profile("gcc").config, 0);
  REQUIRE((b.codes[0] & kS1P2MaxMagnitude) == kS1P2MaxMagnitude);
  const Dyadic m = decode_magnitude(b, 0);
  CHECK(std::ldexp(static_cast<double>(m.sig), m.exp) == 7.0);
}

TEST_CASE("NaN blocks of finite input are counted, not summed", "[compare]") {
  // An all-zero block: cann's scale-underflow=nan makes it a NaN block; seed's stays zero.
  std::vector<uint16_t> in(2 * kBlockValues, 0);
  in[0] = bf16(1.0);
  const std::vector<Variant> variants = build_variants({"seed", "cann"}, {}, "seed", 0);
  const Report r = run_compare({tensor_study("zeros", in)}, variants, "seed", 0, 1);
  const ErrorStats& cann = r.studies[0].total[1];
  CHECK(cann.nan_outputs == 64);
  CHECK(figures(cann).nan_share == 0.5);
  CHECK(std::isfinite(figures(cann).mse));
  CHECK(r.studies[0].total[0].nan_outputs == 0);
  // Blocks differ exactly where the model's own blocks differ (block 1: 0xFF against 0x00).
  uint64_t differ = 0;
  for (unsigned b = 0; b < 2; ++b)
    differ += quantize_block(in.data() + b * kBlockValues, find_profile("cann").config, b) !=
              quantize_block(in.data() + b * kBlockValues, find_profile("seed").config, b);
  CHECK(differ >= 1);
  CHECK(cann.blocks_differ == differ);
}

TEST_CASE("An underflowed NVFP4 block scale counts as scale underflow, not saturation",
          "[compare]") {
  // A lane maximum of 0 with x != 0: scale_underflow (and flushed), never saturated.
  ErrorStats s;
  s.add(0.25, 0.0, 0.0);
  s.add(0.0, 0.0, 0.0);
  s.add(3.0, 2.0, 2.0);  // a saturated value for comparison
  CHECK(s.scale_underflow == 1);
  CHECK(s.flushed == 1);
  CHECK(s.saturated == 1);
  CHECK(figures(s).scale_underflow_share == 1.0 / 3);

  // Through run_compare: a 64-value tensor with amax 2688 (S_enc = 1) whose second NVFP4 block
  // holds 2^-12 and -2^-13: s_b underflows to 0 (baselines test), both values decode to 0.
  std::vector<uint16_t> in(kBlockValues, 0);
  in[0] = bf16(2688.0);
  in[16] = bf16(std::ldexp(1.0, -12));
  in[17] = bf16(-std::ldexp(1.0, -13));
  const std::vector<Variant> variants = build_variants({"nvfp4", "nvfp4-div6", "seed"}, {}, "seed", 0);
  const Report r = run_compare({tensor_study("underflow", in)}, variants, "seed", 0, 1);
  for (size_t v = 0; v < 2; ++v) {
    INFO(variants[v].name);
    const ErrorStats& t = r.studies[0].total[v];
    CHECK(t.scale_underflow == 2);
    CHECK(t.saturated == 0);
    CHECK(t.flushed == 2);
  }
  // HiF4's E6M2 scale never decodes to 0: the same values flush (one shared scale for 64
  // values), but not through the scale.
  CHECK(r.studies[0].total[2].scale_underflow == 0);
}
