// Student-t intervals over repeats (compare_stats.h).
#include "hif4/compare_stats.h"

#include <cmath>
#include <limits>

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The continued fraction of the regularized incomplete beta function I_x(a, b), evaluated by
// the modified Lentz method (Abramowitz and Stegun 26.5.8); converges fast for
// x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return h;
}

// I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
  return 1 - front * beta_fraction(b, a, 1 - x) / b;  // I_x(a, b) = 1 - I_{1-x}(b, a)
}

// P(T <= t) for Student's t with `dof` degrees of freedom.
double student_t_cdf(double t, double dof) {
  const double tail = 0.5 * incomplete_beta(dof / 2, 0.5, dof / (dof + t * t));
  return t >= 0 ? 1 - tail : tail;
}

// Solves the 3x3 system m z = v by Gaussian elimination with partial pivoting; false when
// singular.
bool solve3(double m[3][3], double v[3], double z[3]) {
  for (int c = 0; c < 3; ++c) {
    int pivot = c;
    for (int r = c + 1; r < 3; ++r)
      if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
    if (std::fabs(m[pivot][c]) < 1e-300) return false;
    std::swap(m[c], m[pivot]);
    std::swap(v[c], v[pivot]);
    for (int r = c + 1; r < 3; ++r) {
      const double f = m[r][c] / m[c][c];
      for (int k = c; k < 3; ++k) m[r][k] -= f * m[c][k];
      v[r] -= f * v[c];
    }
  }
  for (int c = 2; c >= 0; --c) {
    double sum = v[c];
    for (int k = c + 1; k < 3; ++k) sum -= m[c][k] * z[k];
    z[c] = sum / m[c][c];
  }
  return true;
}

Interval log_ratio_interval(const StudyResult& r, size_t variant) {
  std::vector<double> logs;
  for (double ratio : r.repeat_ratio[variant])
    logs.push_back(ratio > 0 && std::isfinite(ratio) ? std::log(ratio) : kNaN);
  return t_interval(logs);
}

}  // namespace

double student_t_quantile(double p, double dof) {
  if (!(p > 0 && p < 1) || !(dof >= 1)) return kNaN;
  if (p < 0.5) return -student_t_quantile(1 - p, dof);
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, dof) < p) hi *= 2;  // the CDF is increasing
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double quadratic_trend_p_value(const std::vector<double>& x_in, const std::vector<double>& y_in,
                               double* range) {
  std::vector<double> x, y;
  for (size_t i = 0; i < x_in.size() && i < y_in.size(); ++i)
    if (std::isfinite(x_in[i]) && std::isfinite(y_in[i])) {
      x.push_back(x_in[i]);
      y.push_back(y_in[i]);
    }
  if (range) *range = 0;
  const size_t n = x.size();
  if (n < 5) return 1;
  // Centre x for a well-conditioned fit; normal equations of the least-squares quadratic.
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_x += x[i] / n;
    mean_y += y[i] / n;
  }
  double m[3][3] = {}, v[3] = {}, z[3] = {};
  for (size_t i = 0; i < n; ++i) {
    const double t = x[i] - mean_x, basis[3] = {1, t, t * t};
    for (int r = 0; r < 3; ++r) {
      v[r] += basis[r] * y[i];
      for (int c = 0; c < 3; ++c) m[r][c] += basis[r] * basis[c];
    }
  }
  if (!solve3(m, v, z)) return 1;
  double rss = 0, tss = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    const double t = x[i] - mean_x, fit = z[0] + z[1] * t + z[2] * t * t;
    rss += (y[i] - fit) * (y[i] - fit);
    tss += (y[i] - mean_y) * (y[i] - mean_y);
    lo = std::min(lo, fit);
    hi = std::max(hi, fit);
  }
  if (range) *range = hi - lo;
  if (!(tss > 0)) return 1;  // constant: no trend
  const double d1 = 2, d2 = static_cast<double>(n) - 3;
  if (!(rss > 0)) return 0;  // an exact quadratic
  const double f = ((tss - rss) / d1) / (rss / d2);
  // P(F > f) = I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2).
  return incomplete_beta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

Interval t_interval(const std::vector<double>& samples, double confidence) {
  double sum = 0;
  unsigned n = 0;
  for (double s : samples)
    if (std::isfinite(s)) {
      sum += s;
      ++n;
    }
  Interval iv{n ? sum / n : kNaN, kNaN, kNaN, n};
  if (n < 2) return iv;
  double sq = 0;
  for (double s : samples)
    if (std::isfinite(s)) sq += (s - iv.estimate) * (s - iv.estimate);
  const double half =
      student_t_quantile((1 + confidence) / 2, n - 1.0) * std::sqrt(sq / (n - 1) / n);
  iv.low = iv.estimate - half;
  iv.high = iv.estimate + half;
  return iv;
}

Interval mse_difference(const StudyResult& r, size_t variant) {
  const Interval l = log_ratio_interval(r, variant);
  return {std::expm1(l.estimate), std::expm1(l.low), std::expm1(l.high), l.samples};
}

Interval sqnr_difference_db(const StudyResult& r, size_t variant) {
  const Interval l = log_ratio_interval(r, variant);
  const double db = -10 / std::log(10.0);  // dB per unit of ln(ratio), sign flipped
  return {db * l.estimate, db * l.high, db * l.low, l.samples};
}

Interval magnitude_bias_interval(const StudyResult& r, size_t variant) {
  std::vector<double> samples;
  for (const SrStats& s : r.sr_per_repeat[variant]) samples.push_back(sr_figures(s).magnitude_bias);
  return t_interval(samples);
}

}  // namespace hif4::compare
