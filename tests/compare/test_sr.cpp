// Bias and variance of stochastic rounding over several seeds: the sums by hand, then the
// model's stochastic rounding measured unbiased where the paper's rule says it is.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "hif4/block.h"
#include "exact_bf16.h"
#include "hif4/compare.h"
#include "hif4/compare_matmul.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

uint16_t bf16(double x) { return test::exact_bf16(x); }

// Blocks [7.0, 0 x 7, 0.3125 x 56]: SF rounds to E6M2 1.0; lane 0 is 1.75 * 2^2 (exact); the
// lanes of groups 1..7 have E1 = 0 and hold 1.25 quarters. Nearest rounding gives 1 quarter
// (error -0.0625); stochastic rounding goes up with probability floor(0.25 * 2^16) / 2^16 =
// 1/4, so its mean is exactly 0.3125.
std::vector<uint16_t> quarter_blocks(size_t blocks) {
  std::vector<uint16_t> in(blocks * kBlockValues, 0);
  for (size_t b = 0; b < blocks; ++b) {
    in[b * kBlockValues] = bf16(7.0);
    for (unsigned i = 8; i < kBlockValues; ++i) in[b * kBlockValues + i] = bf16(0.3125);
  }
  return in;
}

Report run_sr(const std::vector<StudyPlan>& plans, const std::vector<Variant>& variants,
              unsigned sr_seeds, unsigned repeats, unsigned threads) {
  RunOptions o;
  o.settings.seed = 11;
  o.settings.repeats = repeats;
  o.settings.sr_seeds = sr_seeds;
  o.settings.rows = 4;
  o.settings.tokens = 2;
  o.baseline_profile = "seed";
  o.threads = threads;
  return run_studies(plans, variants, o);
}

}  // namespace

TEST_CASE("SrStats: the decomposition on hand-computed values", "[compare]") {
  // x = 1, four results {1, 1, 2, 2}: mean 1.5, squared deviations 4 * 0.25 = 1, s^2 = 1/3.
  // MSE of one result (0 + 0 + 1 + 1) / 4 = 0.5 = (mean - x)^2 + ssd / K = 0.25 + 0.25;
  // bias^2 = 0.25 - s^2 / 4 = 1/6; variance s^2 = 1/3; bias^2 + variance = 0.5.
  SrStats s;
  s.add(1.0, 1.5, 1.0, 4);
  CHECK(s.values == 1);
  CHECK(s.sum_mse_one == 0.5);
  CHECK(s.sum_bias_sq == Approx(1.0 / 6).epsilon(1e-15));
  CHECK(s.sum_variance == Approx(1.0 / 3).epsilon(1e-15));
  CHECK(s.sum_mse_mean == 0.25);
  CHECK(s.sum_magnitude_error == 0.5);
  // A negative x whose mean result is further from 0 grows in magnitude too.
  s.add(-2.0, -2.5, 0.0, 4);
  CHECK(s.sum_magnitude_error == 1.0);
  CHECK(s.sum_abs_input == 3.0);
  const SrFigures f = sr_figures(s);
  CHECK(f.mse_one == Approx(0.75 / 2).epsilon(1e-15));
  CHECK(f.bias_sq_share + f.variance_share == Approx(1.0).epsilon(1e-15));
  CHECK(f.variance_share == Approx((1.0 / 3) / 0.75).epsilon(1e-15));
  CHECK(f.mean_mse_ratio == Approx(0.5 / 0.75).epsilon(1e-15));
  CHECK(f.magnitude_bias == Approx(1.0 / 3).epsilon(1e-15));
  SrStats a, b;
  a.add(1.0, 1.5, 1.0, 4);
  b.add(-2.0, -2.5, 0.0, 4);
  a.merge(b);
  CHECK(a.sum_bias_sq == s.sum_bias_sq);
  CHECK(a.seeds == 4);
}

TEST_CASE("SR seeds: the first is the run's seed, the others distinct", "[compare]") {
  CHECK(sr_seed_of(42, 0) == 42);
  std::set<uint64_t> seen;
  for (unsigned k = 0; k < 64; ++k) seen.insert(sr_seed_of(42, k));
  for (unsigned k = 1; k < 64; ++k) seen.insert(sr_seed_of(43, k));
  CHECK(seen.size() == 64 + 63);
}

TEST_CASE("Stochastic rounding is unbiased on quarter fractions; nearest is all bias", "[compare]") {
  StudyPlan plan;
  plan.kind = StudyKind::Tensor;
  plan.tensor = tensor_study("quarters", quarter_blocks(64));
  const std::vector<Variant> variants =
      build_variants({}, {"payload-rounding=nearest-away,stochastic"}, "seed", 0);
  const Report r = run_sr({plan}, variants, 64, 1, 2);
  const SrFigures nearest = sr_figures(r.studies[0].sr[0]);
  const SrFigures sr = sr_figures(r.studies[0].sr[1]);
  // Nearest: 56 values per block lose 0.0625 each, every result the same.
  CHECK(nearest.bias_sq_share == 1.0);
  CHECK(nearest.variance_share == 0.0);
  CHECK(nearest.mean_mse_ratio == 1.0);
  CHECK(nearest.magnitude_bias == Approx(-56 * 0.0625 / (7 + 56 * 0.3125)).epsilon(1e-12));
  CHECK(nearest.mse_one == Approx(56 * 0.0625 * 0.0625 / 64).epsilon(1e-12));
  // Stochastic: variance p (1 - p) 0.25^2 per value, no bias. Over 64 seeds x 3584 values the
  // bias estimates are within a few standard errors of 0 (their standard errors: about
  // 0.0004 of the MSE and 0.0005 of the magnitude).
  CHECK(std::fabs(sr.bias_sq_share) < 0.005);
  CHECK(std::fabs(sr.magnitude_bias) < 0.003);
  CHECK(sr.mse_one == Approx(56 * 0.1875 * 0.0625 / 64).epsilon(0.03));
  // Averaging K = 64 results divides the variance by 64.
  CHECK(sr.mean_mse_ratio == Approx(1.0 / 64).epsilon(0.1));
  // The main table keeps the first seed's result alone.
  CHECK(r.studies[0].total[1].values == 64 * kBlockValues);
}

TEST_CASE("Runs with repeats and SR seeds are the same on 1 and 2 threads", "[compare]") {
  std::vector<StudyPlan> plans(3);
  plans[0].spec = &find_study("laplace");
  plans[1].kind = StudyKind::Tensor;
  plans[1].tensor = tensor_study("quarters", quarter_blocks(4));
  plans[2].kind = StudyKind::Matmul;
  plans[2].matmul = &matmul_cases()[1];
  const std::vector<Variant> variants =
      build_variants({"seed", "nvfp4", "mxfp4"}, {"payload-rounding=nearest-even,stochastic"}, "seed", 0);
  const Report one = run_sr(plans, variants, 3, 2, 1);
  const Report two = run_sr(plans, variants, 3, 2, 2);
  CHECK(format_csv(one) == format_csv(two));
  CHECK(format_markdown(one) == format_markdown(two));
  REQUIRE(one.studies.size() == 4);  // laplace, quarters, matmul -w and -wx
  for (const StudyResult& s : one.studies) {
    INFO(s.name);
    CHECK(sr_figures(s.sr[1]).variance_share > 0);   // the stochastic variant varies
    CHECK(sr_figures(s.sr[0]).variance_share == 0);  // nearest-even does not
    CHECK(s.repeat_ratio[1].size() == 2);
  }
  // The second repeat draws new data: its figures differ from the first's.
  CHECK(one.studies[0].per_repeat[0][0].sum_sq_error != one.studies[0].per_repeat[0][1].sum_sq_error);
}
