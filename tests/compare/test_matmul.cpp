// The matrix-product study: its data, and its output error recomputed here from the model and
// the baselines directly, so the plumbing (axes, blocks, per-tensor scales) cannot go astray.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "hif4/baselines.h"
#include "hif4/block.h"
#include "hif4/compare.h"
#include "hif4/compare_matmul.h"
#include "hif4/format.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

// Decoded HiF4 values of `in` (whole blocks) under `cfg`, written without compare's code.
std::vector<double> hif4_fake_quant(const std::vector<uint16_t>& in, const Config& cfg) {
  std::vector<double> out(in.size());
  for (size_t b = 0; b < in.size() / kBlockValues; ++b) {
    const Block blk = quantize_block(in.data() + b * kBlockValues, cfg, b);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const Dyadic m = decode_magnitude(blk, i);
      const double mag = std::ldexp(static_cast<double>(m.sig), m.exp);
      out[b * kBlockValues + i] = (blk.codes[i] & kS1P2SignBit) ? -mag : mag;
    }
  }
  return out;
}

std::vector<double> nvfp4_fake_quant(const std::vector<uint16_t>& in) {
  const Nvfp4Data q = nvfp4_quantize(in.data(), in.size(), nvfp4_tensor_amax(in.data(), in.size()));
  std::vector<double> out(in.size());
  nvfp4_dequantize(q, out.data());
  return out;
}

std::vector<double> values(const std::vector<uint16_t>& in) {
  std::vector<double> out;
  for (uint16_t b : in) out.push_back(bf16_to_double(b));
  return out;
}

// NMSE of X' W'^T against X W^T, in long double.
double product_nmse(const MatmulData& d, const std::vector<double>& x, const std::vector<double>& w,
                    const std::vector<double>& xq, const std::vector<double>& wq) {
  long double err = 0, ref = 0;
  for (size_t t = 0; t < d.tokens; ++t)
    for (size_t o = 0; o < d.outputs; ++o) {
      long double y = 0, yq = 0;
      for (size_t i = 0; i < d.k; ++i) {
        y += static_cast<long double>(x[t * d.k + i]) * w[o * d.k + i];
        yq += static_cast<long double>(xq[t * d.k + i]) * wq[o * d.k + i];
      }
      err += (yq - y) * (yq - y);
      ref += y * y;
    }
  return static_cast<double>(err / ref);
}

}  // namespace

TEST_CASE("Matrix-product cases have LLaMA-7B-like reductions", "[compare]") {
  REQUIRE(matmul_cases().size() == 4);
  for (const MatmulCase& c : matmul_cases()) {
    INFO(c.name);
    CHECK(c.k % kBlockValues == 0);
    CHECK((c.k == 4096 || c.k == 11008));
  }
  CHECK(matmul_cases()[2].k == 11008);  // the MLP down projection
}

TEST_CASE("dot sums in a fixed order, exactly for small integers", "[compare]") {
  std::vector<double> a(11), b(11);
  double want = 0;
  for (int i = 0; i < 11; ++i) {
    a[i] = i + 1;
    b[i] = 2 * i - 7;
    want += a[i] * b[i];
  }
  CHECK(dot(a.data(), b.data(), 11) == want);
  CHECK(dot(a.data(), b.data(), 0) == 0);
}

TEST_CASE("Matrix-product data: deterministic, seeded, drawn as the case says", "[compare]") {
  const MatmulData a = generate_matmul(1, 8, 5, 1), b = generate_matmul(1, 8, 5, 2),
                   c = generate_matmul(1, 8, 6, 2);
  CHECK(a.x == b.x);
  CHECK(a.w == b.w);
  CHECK(a.x != c.x);
  REQUIRE(a.x.size() == 8 * 4096);
  REQUIRE(a.w.size() == kMatmulOutputs * 4096);
  // Case 1 (qkv-outliers): 32 of the 4096 activation channels carry 10..100x the bulk.
  unsigned outliers = 0;
  for (size_t i = 0; i < a.k; ++i) {
    double sq = 0;
    for (size_t t = 0; t < a.tokens; ++t) sq += std::pow(bf16_to_double(a.x[t * a.k + i]), 2);
    outliers += std::sqrt(sq / a.tokens) > 5;
  }
  CHECK(outliers >= 28);  // 32 drawn; a Gaussian column of 8 tokens may come out small
  CHECK(outliers <= 32);
  // The weights: Gaussian, std 0.02.
  double sq = 0;
  for (uint16_t v : a.w) sq += std::pow(bf16_to_double(v), 2);
  CHECK(std::sqrt(sq / a.w.size()) == Approx(0.02).epsilon(0.02));
}

TEST_CASE("Matrix-product output error equals a product recomputed from the model", "[compare]") {
  const size_t tokens = 3;
  RunOptions o;
  o.settings.seed = 9;
  o.settings.tokens = tokens;
  o.baseline_profile = "seed";
  o.threads = 2;
  StudyPlan plan;
  plan.kind = StudyKind::Matmul;
  plan.matmul = &matmul_cases()[3];  // weight-outliers: NVFP4's per-tensor scale matters
  const std::vector<Variant> variants = build_variants({"gcc", "nvfp4"}, {}, "seed", 9);
  const Report r = run_studies({plan}, variants, o);
  REQUIRE(r.studies.size() == 2);
  CHECK(r.studies[0].name == "matmul-weight-outliers-w");
  CHECK(r.studies[1].name == "matmul-weight-outliers-wx");

  const MatmulData d = generate_matmul(3, tokens, 9, 1);
  const std::vector<double> x = values(d.x), w = values(d.w);
  const std::vector<double> wq = hif4_fake_quant(d.w, find_profile("gcc").config);
  const std::vector<double> xq = hif4_fake_quant(d.x, find_profile("gcc").config);
  CHECK(figures(r.studies[0].total[0]).nmse == Approx(product_nmse(d, x, w, x, wq)).epsilon(1e-9));
  CHECK(figures(r.studies[1].total[0]).nmse == Approx(product_nmse(d, x, w, xq, wq)).epsilon(1e-9));
  const std::vector<double> wn = nvfp4_fake_quant(d.w), xn = nvfp4_fake_quant(d.x);
  CHECK(figures(r.studies[0].total[1]).nmse == Approx(product_nmse(d, x, w, x, wn)).epsilon(1e-9));
  CHECK(figures(r.studies[1].total[1]).nmse == Approx(product_nmse(d, x, w, xn, wn)).epsilon(1e-9));
  CHECK(r.studies[0].total[0].values == tokens * kMatmulOutputs);
  // The ratio column: relative to the reference variant (the first).
  CHECK(mse_ratio_geomean(r.studies[0], 0, 0) == 1.0);
  CHECK(mse_ratio_geomean(r.studies[0], 1, 0) ==
        Approx(figures(r.studies[0].total[1]).mse / figures(r.studies[0].total[0]).mse));
}
