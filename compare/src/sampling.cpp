// The samplers of the studies (sampling.h).
#include "sampling.h"

#include <algorithm>

namespace hif4::compare {

namespace {

// 8 outlier channels per 1024 columns (at least one).
size_t outlier_channels(size_t columns) { return std::max<size_t>(1, columns * 8 / 1024); }

}  // namespace

uint64_t stream_key(uint64_t seed, Distribution d, uint64_t matrix, uint64_t chunk) {
  const uint64_t id = (uint64_t{static_cast<uint8_t>(d)} << 56) ^ (matrix << 32) ^ chunk;
  return splitmix64_mix(seed ^ splitmix64_mix(id + 0x6869663443ull));
}

std::vector<double> outlier_gains(uint64_t seed, uint64_t matrix, size_t columns) {
  std::vector<double> gain(columns, 1.0);
  CompareRng rng(stream_key(seed, Distribution::LlmMix, matrix, 0xFFFFFFFFull));
  const size_t wanted = std::min(outlier_channels(columns), columns);
  size_t placed = 0;
  while (placed < wanted) {
    const size_t c = static_cast<size_t>(rng.next() % columns);
    if (gain[c] != 1.0) continue;
    gain[c] = std::pow(10.0, 1.0 + rng.uniform());
    ++placed;
  }
  return gain;
}

double draw(Distribution d, CompareRng& rng, double sigma, double gain) {
  switch (d) {
    case Distribution::Gaussian: return sigma * rng.normal();
    case Distribution::Laplace: {
      // Inverse CDF; scale b = sigma / sqrt(2) gives standard deviation sigma.
      const double u = rng.uniform_open() - 0.5;
      const double b = sigma / std::sqrt(2.0);
      return -b * std::copysign(1.0, u) * std::log(1.0 - 2.0 * std::fabs(u));
    }
    case Distribution::StudentT3: {
      // t = Z / sqrt(chi2_3 / 3); its variance is 3, so sigma / sqrt(3) gives std sigma.
      const double z = rng.normal();
      double chi2 = 0;
      for (int k = 0; k < 3; ++k) {
        const double n = rng.normal();
        chi2 += n * n;
      }
      return sigma / std::sqrt(3.0) * z / std::sqrt(chi2 / 3.0);
    }
    case Distribution::Uniform:
      // U(-sqrt(3) sigma, sqrt(3) sigma) has standard deviation sigma.
      return sigma * std::sqrt(3.0) * (2.0 * rng.uniform() - 1.0);
    case Distribution::LlmMix:
      if (gain != 1.0) return sigma * gain * rng.normal();
      return draw(Distribution::Laplace, rng, sigma, 1.0);
  }
  return 0;
}

}  // namespace hif4::compare
