// The project's RNG and input distributions (see rng.h for why each choice keeps the output
// identical on every machine).
#include "hif4/rng.h"

#include <array>
#include <cfloat>
#include <cstring>

#include "hif4/bf16.h"

// Double arithmetic must round every operation to double (no x87 extended precision): the
// samplers below rely on it to be portable. This file is also built with -ffp-contract=off so
// that no a*b+c becomes a fused multiply-add (vectors/CMakeLists.txt).
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "hif4 vector generation needs FLT_EVAL_METHOD == 0 (SSE2 / AArch64 double arithmetic)"
#endif

namespace hif4 {

__extension__ typedef unsigned __int128 u128;  // GCC/Clang; the product of two 64-bit values

uint64_t Rng::below(uint64_t n) {
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high half of a 64x64
  // product, rejecting the few low halves that would bias the result.
  u128 m = static_cast<u128>(next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<u128>(next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::Normal: return "normal";
    case Distribution::Laplace: return "laplace";
    case Distribution::StudentT3: return "student-t3";
    case Distribution::Uniform: return "uniform";
    case Distribution::LogNormal: return "log-normal";
  }
  return "?";
}

namespace {

// x = m * 2^e with m in [1, 2), from the bits (x positive, finite, normal or subnormal).
void split_double(double x, double& m, int& e) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int field = static_cast<int>((bits >> 52) & 0x7FF);
  if (field == 0) {  // subnormal: scale up by 2^64 exactly, then split
    x *= 0x1.0p64;
    std::memcpy(&bits, &x, sizeof bits);
    field = static_cast<int>((bits >> 52) & 0x7FF) - 64;
  }
  e = field - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | (uint64_t{1023} << 52);
  std::memcpy(&m, &bits, sizeof m);
}

// 2^k for an integer k in the normal double range, from the bits.
double pow2i(int k) {
  const uint64_t bits = static_cast<uint64_t>(k + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace

double portable_log2(double x) {
  double m;
  int e;
  split_double(x, m, e);
  // log2(m) for m in [1, 2), one fraction bit per squaring: if m^2 >= 2, the next bit is 1.
  // (m * 0.5) * m equals (m * m) * 0.5 exactly (halving is exact here), so both candidates
  // come from m in parallel and the choice is a select on the bit patterns (a mask from the
  // comparison), not a branch, which mispredicted on every other bit (compilers turn a select
  // of doubles back into one). The same rounded values as squaring then halving; the sample
  // pools, built at every `hif4 gen` start, take about 20% less time.
  uint64_t frac_bits = 0;  // the 52 fraction bits of log2(m), most significant first
  for (int i = 0; i < 52; ++i) {
    const double square = m * m, half_square = (m * 0.5) * m;
    const uint64_t take_half = 0 - static_cast<uint64_t>(square >= 2.0);
    uint64_t sq, half;
    std::memcpy(&sq, &square, sizeof sq);
    std::memcpy(&half, &half_square, sizeof half);
    const uint64_t next = (sq & ~take_half) | (half & take_half);
    std::memcpy(&m, &next, sizeof m);
    frac_bits = (frac_bits << 1) | (take_half & 1);
  }
  // frac = sum of the set bits' 2^-(i+1): an integer below 2^52 times 2^-52, exact.
  const double frac = static_cast<double>(frac_bits) * 0x1.0p-52;
  return static_cast<double>(e) + frac;
}

double portable_exp2(double x) {
  // 2^x = 2^n * 2^f with n = floor(x), f in [0, 1); 2^f is the product of 2^(2^-i) over the
  // set bits of f, and 2^(2^-i) comes from i square roots of 2 (each correctly rounded).
  double n = 0.0;
  while (n > x) n = n - 1.0;
  while (n + 1.0 <= x) n = n + 1.0;
  double f = x - n;  // exact: x and n are close in magnitude (Sterbenz) or n is 0
  // roots[i] = 2^(2^-i) by i successive square roots of 2, computed once (the same values
  // every call would compute again).
  static const auto roots = [] {
    std::array<double, 53> r{};
    double root = 2.0;
    for (int i = 1; i <= 52; ++i) r[i] = root = __builtin_sqrt(root);
    return r;
  }();
  double result = 1.0;
  for (int i = 1; i <= 52; ++i) {
    f = f * 2.0;
    if (f >= 1.0) {
      f = f - 1.0;
      result = result * roots[i];
    }
  }
  return result * pow2i(static_cast<int>(n));
}

namespace {

constexpr double kLn2 = 0.6931471805599453;     // ln(2), the double nearest to it
constexpr double kLog2E = 1.4426950408889634;   // log2(e), the double nearest to it

// Standard normal by Marsaglia's polar method.
double sample_normal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.unit() - 1.0, v = 2.0 * rng.unit() - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const double ln_s = portable_log2(s) * kLn2;
    return u * __builtin_sqrt(-2.0 * ln_s / s);
  }
}

// Exp(1) by inversion: -ln(U), U in (0, 1].
double sample_exponential(Rng& rng) {
  const double u = 1.0 - rng.unit();
  return -(portable_log2(u) * kLn2);
}

}  // namespace

double sample(Rng& rng, Distribution d) {
  switch (d) {
    case Distribution::Normal: return sample_normal(rng);
    case Distribution::Laplace: {
      const double e = sample_exponential(rng);
      return rng.coin() ? -e : e;
    }
    case Distribution::StudentT3: {
      // t(3) = Z / sqrt(chi2(3) / 3), chi2(3) the sum of three squared normals.
      const double z = sample_normal(rng);
      const double a = sample_normal(rng), b = sample_normal(rng), c = sample_normal(rng);
      return z / __builtin_sqrt((a * a + b * b + c * c) / 3.0);
    }
    case Distribution::Uniform: return 2.0 * rng.unit() - 1.0;
    case Distribution::LogNormal: {
      const double z = sample_normal(rng);
      const double m = portable_exp2(z * kLog2E);
      return rng.coin() ? -m : m;
    }
  }
  return 0.0;
}

uint16_t double_to_bf16(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  const uint16_t sign = (bits >> 63) ? kBf16SignMask : 0;
  const unsigned field = static_cast<unsigned>((bits >> 52) & 0x7FF);
  const uint64_t mant = bits & 0x000FFFFFFFFFFFFFull;
  if (field == 0x7FF) return sign | (mant ? kBf16QuietNaN : kBf16Inf);
  Dyadic v;
  if (field == 0) {
    v = {mant, -1074};
  } else {
    v = {mant | (uint64_t{1} << 52), static_cast<int>(field) - 1075};
  }
  // round_to_bf16 takes significands below 2^32 (bf16.h). Keep the top 31 bits and fold the
  // rest into a sticky lowest bit: BF16 keeps 8 bits, so the rounding point stays far above
  // the sticky bit and the single rounding is unchanged.
  if (v.sig >> 31) {
    const int drop = msb_index(v.sig) - 30;
    const bool sticky = (v.sig & ((uint64_t{1} << drop) - 1)) != 0;
    v.sig = (v.sig >> drop) | (sticky ? 1u : 0u);
    v.exp += drop;
  }
  return static_cast<uint16_t>(sign | round_to_bf16(v));
}

uint16_t bf16_scale_pow2(uint16_t x, int k) {
  const uint16_t mag = x & kBf16MagnitudeMask;
  if (mag == 0 || mag >= kBf16Inf) return x;
  Dyadic v = bf16_to_dyadic(mag);
  v.exp += k;
  return static_cast<uint16_t>((x & kBf16SignMask) | round_to_bf16(v));
}

namespace {

SamplePool make_pool(Distribution d) {
  SamplePool p{};
  Rng rng(0x48694634506F6F6Cull ^ static_cast<uint64_t>(d));  // "HiF4Pool" ^ distribution
  p.min_exponent_field = 255;
  p.max_exponent_field = 0;
  for (uint16_t& v : p.magnitudes) {
    uint16_t mag = 0;
    do {
      mag = static_cast<uint16_t>(double_to_bf16(sample(rng, d)) & kBf16MagnitudeMask);
    } while (mag < 0x0080);  // normal values only: they scale by exponent
    v = mag;
    const int field = mag >> 7;
    if (field < p.min_exponent_field) p.min_exponent_field = field;
    if (field > p.max_exponent_field) p.max_exponent_field = field;
  }
  return p;
}

}  // namespace

namespace {

// Made once, out of line: the caller's fast path is then a guard check and a load (with the
// construction inlined, every call paid for saving the registers it needs).
__attribute__((noinline)) const SamplePool* const* make_pools() {
  static const SamplePool* const pools[kDistributionCount] = {
      new SamplePool(make_pool(Distribution::Normal)),
      new SamplePool(make_pool(Distribution::Laplace)),
      new SamplePool(make_pool(Distribution::StudentT3)),
      new SamplePool(make_pool(Distribution::Uniform)),
      new SamplePool(make_pool(Distribution::LogNormal)),
  };
  return pools;
}

}  // namespace

const SamplePool& sample_pool(Distribution d) {
  static const SamplePool* const* const pools = make_pools();
  return *pools[static_cast<unsigned>(d)];
}

}  // namespace hif4
