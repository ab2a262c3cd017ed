// The synthetic studies: deterministic whatever the thread count, and drawn from the
// distributions they claim.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/compare.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

struct Moments {
  double mean = 0, std = 0, max_abs = 0, share_above_4std = 0;
};

Moments moments(const Matrix& m) {
  Moments r;
  double sum = 0, sum_sq = 0;
  for (uint16_t b : m.values) {
    const double x = bf16_to_double(b);
    sum += x;
    sum_sq += x * x;
    r.max_abs = std::max(r.max_abs, std::fabs(x));
  }
  const double n = static_cast<double>(m.values.size());
  r.mean = sum / n;
  r.std = std::sqrt(sum_sq / n - r.mean * r.mean);
  size_t above = 0;
  for (uint16_t b : m.values) above += std::fabs(bf16_to_double(b)) > 4 * m.sigma;
  r.share_above_4std = static_cast<double>(above) / n;
  return r;
}

}  // namespace

TEST_CASE("Studies are deterministic in the seed, whatever the thread count", "[compare]") {
  for (const StudySpec& spec : studies()) {
    INFO(spec.name);
    const StudyData a = generate_study(spec, 16, 42, 1);
    const StudyData b = generate_study(spec, 16, 42, 2);
    const StudyData c = generate_study(spec, 16, 43, 2);
    REQUIRE(a.matrices.size() == kStudyMatrices);
    for (unsigned m = 0; m < kStudyMatrices; ++m) {
      REQUIRE(a.matrices[m].values.size() == 16 * kStudyColumns);
      CHECK(a.matrices[m].values == b.matrices[m].values);
      CHECK(a.matrices[m].values != c.matrices[m].values);
      CHECK(a.matrices[m].sigma == study_sigma(m));
    }
  }
}

TEST_CASE("Reports are identical on 1 and 2 threads", "[compare]") {
  std::vector<StudyData> data = {generate_study(find_study("llm-mix"), 32, 5, 2)};
  const std::vector<Variant> variants = build_variants(
      {"seed", "cann", "nvfp4", "mxfp4"}, {"payload-rounding=nearest-away,stochastic"}, "gcc", 5);
  const Report one = run_compare(data, variants, "gcc", 5, 1);
  const Report two = run_compare(data, variants, "gcc", 5, 2);
  CHECK(format_csv(one) == format_csv(two));
  CHECK(format_markdown(one) == format_markdown(two));
  for (size_t v = 0; v < variants.size(); ++v) {
    // Bitwise: the sums are merged in a fixed chunk order.
    CHECK(one.studies[0].total[v].sum_sq_error == two.studies[0].total[v].sum_sq_error);
    CHECK(one.studies[0].total[v].sum_error == two.studies[0].total[v].sum_error);
  }
  // Stochastic rounding differs from nearest (its bits are used), and is reproducible.
  CHECK(one.studies[0].total[1].sum_error != one.studies[0].total[0].sum_error);
  const Report again = run_compare(data, variants, "gcc", 5, 2);
  CHECK(format_csv(again) == format_csv(one));
}

TEST_CASE("Studies draw the distributions they name", "[compare]") {
  const unsigned m = 5;  // sigma = 0.32
  const double sigma = study_sigma(m);
  auto draw = [&](const char* name) { return moments(generate_study(find_study(name), 64, 9, 2).matrices[m]); };
  const Moments g = draw("gaussian"), l = draw("laplace"), t = draw("student-t"),
                u = draw("uniform");
  // 65536 values: the sample std is within 2% of sigma (its own error is ~0.3%).
  CHECK(g.std == Approx(sigma).epsilon(0.02));
  CHECK(l.std == Approx(sigma).epsilon(0.02));
  CHECK(u.std == Approx(sigma).epsilon(0.02));
  CHECK(std::fabs(g.mean) < 0.02 * sigma);
  // Tails: P(|x| > 4 sigma) is 6.3e-5 for a Gaussian, 3.5e-3 for Laplace, ~6e-3 for t(3)
  // scaled to std sigma (|t| > 6.93), 0 for the uniform (which ends at sqrt(3) sigma).
  CHECK(g.share_above_4std < 5e-4);
  CHECK(l.share_above_4std > 2e-3);
  CHECK(t.share_above_4std > 3e-3);
  CHECK(u.share_above_4std == 0);
  CHECK(u.max_abs <= std::sqrt(3.0) * sigma * (1 + 1.0 / 256));
  CHECK(u.max_abs > 0.99 * std::sqrt(3.0) * sigma);

  // llm-mix: 8 of 1024 columns carry 10..100x sigma; the rest have std sigma.
  const Matrix mix = generate_study(find_study("llm-mix"), 64, 9, 2).matrices[m];
  std::vector<double> col_sq(kStudyColumns, 0);
  for (size_t i = 0; i < mix.values.size(); ++i) {
    const double x = bf16_to_double(mix.values[i]);
    col_sq[i % kStudyColumns] += x * x;
  }
  unsigned outliers = 0;
  for (double s : col_sq) {
    const double rms = std::sqrt(s / 64);
    if (rms > 5 * sigma) {
      ++outliers;
      CHECK(rms < 150 * sigma);
    } else {
      CHECK(rms < 2 * sigma);
    }
  }
  CHECK(outliers == 8);
}
