// Independent formulations used by the model tests. They are written in double precision, the
// way the official HiF4 code is, and share nothing with the integer model beyond the format's
// definition: every BF16 x BF16 product, every power-of-two scaling and every value involved
// is exact in a double, so a double formulation is an exact and independent oracle. Also the
// tests' random source, TestRng.
#pragma once
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "hif4/block.h"
#include "hif4/rng.h"

namespace hif4::test {

inline double bf16_value(uint16_t b) { return bf16_to_double(b); }

// Round a double to the nearest BF16 (ties to even), subnormals and overflow included,
// via the C library's round-to-nearest-even on a scaled copy.
inline uint16_t double_to_bf16_rne(double v) {
  const bool neg = std::signbit(v);
  v = std::fabs(v);
  if (std::isnan(v)) return kBf16QuietNaN;
  if (v == 0) return neg ? kBf16SignMask : 0;
  int e;
  std::frexp(v, &e);  // v in [2^(e-1), 2^e)
  int q = e - 1 - 7;  // quantum of an 8-bit significand
  if (q < -133) q = -133;
  const double m = std::nearbyint(std::ldexp(v, -q));  // FE_TONEAREST: ties to even
  const double r = std::ldexp(m, q);
  uint16_t bits;
  if (r >= 0x1p128) {
    bits = kBf16Inf;
  } else {
    const float f = static_cast<float>(r);  // exact: r has at most 8 significant bits
    uint32_t u;
    std::memcpy(&u, &f, 4);
    bits = static_cast<uint16_t>(u >> 16);
  }
  return static_cast<uint16_t>(bits | (neg ? kBf16SignMask : 0));
}

// E6M2 value of a finite code, as a double.
inline double e6m2_double(uint8_t code) {
  return std::ldexp(1.0 + (code & 3) / 4.0, static_cast<int>(code >> 2) - kE6M2Bias);
}

// The tests' random source: the project's Rng (rng.h: the same sequence on every machine) and
// the tests' one targeted block maker. Random corner blocks come from hif4::CornerBlocks
// (vectors/); this one is for the tests whose assertions hold only inside a range of
// magnitudes (a given centre exponent and spread: no scale overflow or underflow).
class TestRng {
 public:
  explicit TestRng(uint64_t seed) : rng_(seed) {}
  uint64_t next() { return rng_.next(); }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_.below(n)); }
  // A block of finite values around 2^center, `spread` binades below it, one lane in 16 a
  // zero of either sign.
  void block(uint16_t out[kBlockValues], int center, int spread) {
    for (unsigned i = 0; i < kBlockValues; ++i) {
      if (below(16) == 0) {
        out[i] = static_cast<uint16_t>(below(2) << 15);
        continue;
      }
      int e = 127 + center - static_cast<int>(below(static_cast<uint32_t>(spread) + 1));
      e = e < 0 ? 0 : (e > 254 ? 254 : e);
      out[i] = static_cast<uint16_t>((below(2) << 15) | (static_cast<unsigned>(e) << 7) | below(128));
    }
  }

 private:
  Rng rng_;
};

}  // namespace hif4::test
