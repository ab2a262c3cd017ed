// The confidence intervals of `hif4 compare` and the way differences are printed.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "hif4/compare_stats.h"
#include "hif4/compare_tables.h"

using namespace hif4::compare;

namespace {

// A study whose per-repeat MSE ratios of variant 1 to variant 0 (the reference) are `ratios`.
StudyResult with_ratios(const std::vector<double>& ratios) {
  StudyResult r;
  r.repeat_ratio = {std::vector<double>(ratios.size(), 1.0), ratios};
  return r;
}

}  // namespace

TEST_CASE("Student-t quantiles against published tables", "[compare]") {
  // Two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values.
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062047).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.30265273).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.77644511).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.26215716).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 29) == Approx(2.04522964).epsilon(1e-8));
  CHECK(student_t_quantile(0.995, 3) == Approx(5.84090931).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 1e7) == Approx(1.95996398).epsilon(1e-6));  // the normal's
  CHECK(student_t_quantile(0.025, 4) == -student_t_quantile(0.975, 4));
  CHECK(student_t_quantile(0.5, 3) == Approx(0.0).margin(1e-12));
  CHECK(std::isnan(student_t_quantile(1.0, 3)));
  CHECK(std::isnan(student_t_quantile(0.9, 0.5)));
}

TEST_CASE("t-interval of a mean", "[compare]") {
  // 1..5: mean 3, s = sqrt(2.5), s / sqrt(5) = sqrt(0.5); t(0.975, 4) = 2.77644511.
  const Interval iv = t_interval({1, 2, 3, 4, 5});
  CHECK(iv.samples == 5);
  CHECK(iv.estimate == 3.0);
  CHECK(iv.high - 3 == Approx(2.77644511 * std::sqrt(0.5)).epsilon(1e-8));
  CHECK(3 - iv.low == Approx(iv.high - 3).epsilon(1e-12));
  // Non-finite samples are skipped; one sample has no interval.
  const Interval skip = t_interval({1, std::numeric_limits<double>::quiet_NaN(), 2, 3, 4, 5});
  CHECK(skip.samples == 5);
  CHECK(skip.low == iv.low);
  const Interval one = t_interval({7});
  CHECK(one.estimate == 7);
  CHECK(std::isnan(one.low));
  CHECK(std::isnan(one.high));
}

TEST_CASE("MSE and SQNR differences to the reference, in logarithms", "[compare]") {
  // The same ratio in every repeat: the interval has no width.
  const Interval same = mse_difference(with_ratios({1.05, 1.05, 1.05}), 1);
  CHECK(same.estimate == Approx(0.05).epsilon(1e-12));
  CHECK(same.low == Approx(0.05).epsilon(1e-12));
  CHECK(same.high == Approx(0.05).epsilon(1e-12));
  CHECK(same.above_zero());
  CHECK(!same.identical());
  const Interval equal = mse_difference(with_ratios({1, 1, 1, 1}), 1);
  CHECK(equal.identical());
  CHECK(!equal.above_zero());
  CHECK(!equal.below_zero());
  // ln ratios -0.1 and +0.1: mean 0, s / sqrt(2) = 0.1, t(0.975, 1) = 12.7062047.
  const Interval wide = mse_difference(with_ratios({std::exp(-0.1), std::exp(0.1)}), 1);
  CHECK(wide.estimate == Approx(0.0).margin(1e-15));
  CHECK(wide.low == Approx(std::exp(-1.27062047) - 1).epsilon(1e-7));
  CHECK(wide.high == Approx(std::exp(1.27062047) - 1).epsilon(1e-7));
  CHECK(!wide.above_zero());
  CHECK(!wide.below_zero());
  // A ratio of 10 is 10 dB less SQNR; the interval's ends swap with the sign.
  const Interval db = sqnr_difference_db(with_ratios({10, 10}), 1);
  CHECK(db.estimate == Approx(-10.0).epsilon(1e-12));
  const Interval spread = sqnr_difference_db(with_ratios({0.5, 0.6, 0.55}), 1);
  CHECK(spread.low < spread.estimate);
  CHECK(spread.estimate < spread.high);
  CHECK(spread.above_zero());  // MSE lower: SQNR higher
  // A repeat without a ratio (no finite MSE) is skipped.
  const Interval gap = mse_difference(with_ratios({1.1, std::numeric_limits<double>::quiet_NaN(), 1.1}), 1);
  CHECK(gap.samples == 2);
}

TEST_CASE("Differences print with the digits their interval needs", "[compare]") {
  // Half-width 0.0021% -> two significant digits of it: 4 decimals.
  const Interval small{0.000132, 0.000111, 0.000153, 4};
  CHECK(decimals_for(small, 100) == 4);
  CHECK(percent_difference(small.estimate, decimals_for(small, 100)) == "+0.0132%");
  // Half-width 4.2%: 1 decimal.
  const Interval big{2.483, 2.441, 2.525, 4};
  CHECK(decimals_for(big, 100) == 1);
  CHECK(percent_difference(big.estimate, 1) == "+248.3%");
  CHECK(percent_difference(-0.503, 1) == "-50.3%");
  CHECK(percent_difference(0.0, 4) == "0");
  // No width: a fixed 4 decimals.
  CHECK(decimals_for(Interval{0.05, 0.05, 0.05, 3}, 100) == 4);
}
