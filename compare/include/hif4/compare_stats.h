// Confidence intervals of `hif4 compare`: Student-t intervals over repeated seeds.
//
// Each repeat (--repeats N) draws the synthetic data and the stochastic-rounding bits anew
// from seed + r, so the per-repeat figures are N independent samples. The interval of their
// mean is the t-interval mean +- t_{(1+c)/2, N-1} * s / sqrt(N), s the sample standard
// deviation. A ratio (an MSE relative to the reference variant) is handled in logarithms:
// the interval of mean(ln ratio) is mapped back, so it is an interval for the geometric mean
// of the ratio and never crosses 0.
#pragma once
#include <vector>

#include "hif4/compare.h"

namespace hif4::compare {

struct Interval {
  double estimate;
  double low;   // NaN with fewer than two samples
  double high;
  unsigned samples;
  // The interval excludes 0: the difference is resolved at this confidence.
  bool above_zero() const { return low > 0; }
  bool below_zero() const { return high < 0; }
  // Both ends 0: the same value in every repeat (ties to even and ties away give the same
  // squared error, for instance).
  bool identical() const { return low == 0 && high == 0; }
};

constexpr double kConfidence = 0.95;

// The p-quantile of Student's t distribution with `dof` degrees of freedom (0 < p < 1,
// dof >= 1), to about 1e-10.
double student_t_quantile(double p, double dof);

// The p-value of an F test that y depends on x through a quadratic y = a + b x + c x^2, against
// a constant, with the scatter around the fit as the noise (so matrices that differ at random
// do not pass for a trend); *range gets the spread of the fitted curve over the x values.
// Non-finite points are skipped; 1 with fewer than 5 points.
double quadratic_trend_p_value(const std::vector<double>& x, const std::vector<double>& y,
                               double* range);

// The t-interval of the mean of `samples` (non-finite samples are skipped).
Interval t_interval(const std::vector<double>& samples, double confidence = kConfidence);

// MSE(variant) / MSE(reference) - 1 of a study, over its repeats: the per-repeat geometric
// means over matrices, through their logarithms. NaN estimate when no repeat has both MSEs.
Interval mse_difference(const StudyResult& r, size_t variant);
// The same as an SQNR difference in dB: -10 log10(ratio) (> 0: the variant is better).
Interval sqnr_difference_db(const StudyResult& r, size_t variant);
// The stochastic-rounding magnitude bias of a variant, over its repeats.
Interval magnitude_bias_interval(const StudyResult& r, size_t variant);

}  // namespace hif4::compare
