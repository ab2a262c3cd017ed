// Bias and variance of stochastic rounding over several seeds (compare.h).
#include <cmath>
#include <limits>

#include "hif4/compare.h"
#include "hif4/rng.h"

namespace hif4::compare {

void SrStats::add(double x, double mean, double sum_sq_dev, unsigned k) {
  ++values;
  seeds = k;
  sum_sq_input += x * x;
  sum_abs_input += std::fabs(x);
  const double e = mean - x;
  const double variance = k >= 2 ? sum_sq_dev / (k - 1) : 0.0;
  sum_mse_one += e * e + sum_sq_dev / k;
  sum_bias_sq += e * e - variance / k;
  sum_variance += variance;
  sum_mse_mean += e * e;
  sum_magnitude_error += x > 0 ? e : x < 0 ? -e : 0.0;
}

void SrStats::merge(const SrStats& o) {
  values += o.values;
  seeds = std::max(seeds, o.seeds);
  sum_sq_input += o.sum_sq_input;
  sum_abs_input += o.sum_abs_input;
  sum_mse_one += o.sum_mse_one;
  sum_bias_sq += o.sum_bias_sq;
  sum_variance += o.sum_variance;
  sum_mse_mean += o.sum_mse_mean;
  sum_magnitude_error += o.sum_magnitude_error;
}

SrFigures sr_figures(const SrStats& s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  SrFigures f;
  f.mse_one = s.values ? s.sum_mse_one / static_cast<double>(s.values) : kNaN;
  const bool error = s.sum_mse_one > 0;
  f.bias_sq_share = error ? s.sum_bias_sq / s.sum_mse_one : kNaN;
  f.variance_share = error ? s.sum_variance / s.sum_mse_one : kNaN;
  f.mean_mse_ratio = error ? s.sum_mse_mean / s.sum_mse_one : kNaN;
  f.magnitude_bias = s.sum_abs_input > 0 ? s.sum_magnitude_error / s.sum_abs_input : kNaN;
  return f;
}

uint64_t sr_seed_of(uint64_t run_seed, unsigned k) {
  if (k == 0) return run_seed;
  return splitmix64_mix(run_seed ^ splitmix64_mix(0x53525F53454544ull + k));  // "SR_SEED" + k
}

}  // namespace hif4::compare
