// The project's own random number generator, for making test vectors.
//
// Vector files must be byte-identical on every machine for the same arguments, so nothing
// here uses libc's rand() or the <random> distributions (whose algorithms differ between
// standard libraries). Everything is specified below and in docs/vectors.md:
//
//   splitmix64   state += 0x9E3779B97F4A7C15; z = state;
//                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//                return z ^ (z >> 31)                        (all modulo 2^64)
//   xoshiro256** (Blackman and Vigna) seeded with four successive splitmix64 outputs of the seed.
//
// Integer sampling (below, range) is exact. The continuous distributions (normal, Laplace,
// Student-t, log-normal) are computed in IEEE-754 double precision using ONLY the correctly
// rounded operations + - * / and sqrt, plus this file's own log2/exp2 built from them, so
// every IEEE-754 machine gets the same bits (rng.cpp is compiled with -ffp-contract=off and
// refuses to build where FLT_EVAL_METHOD != 0). Floating point is used only to make inputs;
// no bit of an expected output depends on it.
#pragma once
#include <cstdint>

namespace hif4 {

// SplitMix64's output function (Steele, Lea, Flood): a bijective mix of 64 bits.
constexpr uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One step of SplitMix64: advances `state` by the Weyl step and returns its mix.
constexpr uint64_t splitmix64_next(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  return splitmix64_mix(state);
}

// A stateless 64-bit mix (the SplitMix64 output function applied to x): derives independent
// stream seeds from (seed, suite, record) tuples.
constexpr uint64_t mix64(uint64_t x) {
  uint64_t s = x;
  return splitmix64_next(s);
}

// FNV-1a over a C string: turns a suite name into a stream tag (stable across machines).
constexpr uint64_t fnv1a64(const char* s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (; *s; ++s) h = (h ^ static_cast<uint8_t>(*s)) * 0x100000001B3ull;
  return h;
}

// xoshiro256**: 256 bits of state, period 2^256 - 1.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (uint64_t& w : s_) w = splitmix64_next(s);
  }
  uint64_t next() { return step(s_); }
  // One xoshiro256** step on a state held elsewhere (the AVX2 lane maker keeps a copy in
  // registers). Always inlined: it is also compiled into -mavx2 files, whose out-of-line copy
  // must never be the one a scalar caller links to.
  __attribute__((always_inline)) static inline uint64_t step(uint64_t s[4]) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  const uint64_t* state() const { return s_; }
  // Uniform in [0, n) for n >= 1, without bias: Lemire's multiply-and-reject method.
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi], both inclusive.
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool coin() { return (next() >> 63) != 0; }
  // Uniform in [0, 1): the top 53 bits times 2^-53 (exact).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  __attribute__((always_inline)) static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Continuous distributions at unit scale (see the header comment for how they stay portable).
enum class Distribution : uint8_t { Normal, Laplace, StudentT3, Uniform, LogNormal };
constexpr unsigned kDistributionCount = 5;
const char* distribution_name(Distribution d);
double sample(Rng& rng, Distribution d);

// Portable log2 and exp2 from + - * / sqrt only (used by the samplers; exposed for tests).
double portable_log2(double x);  // x > 0, finite
double portable_exp2(double x);  // |x| < 1000

// A double to BF16, round to nearest even (one rounding, from the exact binary value), with
// BF16 subnormals, and +-Inf on overflow. Exact integer work on the double's bits.
uint16_t double_to_bf16(double d);

// x * 2^k for a BF16 bit pattern, rounded to nearest even once (subnormals, overflow to Inf).
// NaN, Inf and zeros are returned unchanged.
uint16_t bf16_scale_pow2(uint16_t x, int k);

// A pool of kPoolSize BF16 magnitudes |sample| of a distribution at unit scale, all normal
// (no zeros or subnormals, so scaling is an exponent add), made once from a fixed seed. The
// generator draws a group of 4 lanes from 32 random bits (below): a window of 4 consecutive
// pool entries at a random start, each with its own random sign. The entries are independent
// samples, so the 4 lanes are too; what the window gives up is variety, kPoolSize different
// magnitude quadruples per group (before scaling and signs) instead of kPoolSize^4, for one
// 64-bit load per group instead of four look-ups. 8192 entries (16 KB) per pool keep all five
// in the L2 cache and take ~20 ms to make at start-up.
constexpr unsigned kPoolBits = 13;
constexpr unsigned kPoolSize = 1u << kPoolBits;
struct SamplePool {
  uint16_t magnitudes[kPoolSize];
  uint16_t window_padding[3];  // zero: a window starting at the last entries stays inside
  int min_exponent_field;  // smallest and largest BF16 exponent field in the pool
  int max_exponent_field;
};
// A group of 4 lanes from a 32-bit random field g (two groups per 64-bit random word: the low
// half first): bits 0-12 the window start, bit 16 + j the sign of lane j (0..3), bits
// 20 + 3j .. 22 + 3j its 3 extra bits; bits 13-15 are unused.
constexpr unsigned pool_window_start(uint32_t g) { return g & (kPoolSize - 1); }
constexpr uint16_t lane_sign(uint32_t g, unsigned j) { return static_cast<uint16_t>(((g >> (16 + j)) & 1) << 15); }
constexpr unsigned lane_extra(uint32_t g, unsigned j) { return (g >> (20 + 3 * j)) & 7; }
const SamplePool& sample_pool(Distribution d);

}  // namespace hif4
