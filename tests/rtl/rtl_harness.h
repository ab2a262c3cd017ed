// Shared helpers of the Verilated test benches: bit access to Verilator's wide ports, a
// deterministic random source, block generators, and a mismatch counter that prints the
// first few mismatches and makes the program fail.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hif4/format.h"

namespace hif4::rtl_test {

// Verilator stores a port wider than 64 bits as an array of 32-bit words, LSB word first.
inline void put_bits(uint32_t* words, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned b = 0; b < width; ++b) {
    const unsigned bit = lsb + b;
    const uint32_t mask = 1u << (bit % 32);
    if ((value >> b) & 1u) words[bit / 32] |= mask;
    else words[bit / 32] &= ~mask;
  }
}

inline uint64_t get_bits(const uint32_t* words, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned b = 0; b < width; ++b) {
    const unsigned bit = lsb + b;
    v |= static_cast<uint64_t>((words[bit / 32] >> (bit % 32)) & 1u) << b;
  }
  return v;
}

// 64 BF16 lanes, lane i in bits 16i+15:16i: two lanes per 32-bit word.
inline void put_lanes(uint32_t* words, const uint16_t lanes[kBlockValues]) {
  for (unsigned k = 0; k < kBlockValues / 2; ++k)
    words[k] = static_cast<uint32_t>(lanes[2 * k]) | (static_cast<uint32_t>(lanes[2 * k + 1]) << 16);
}

// splitmix64: small, fast, and the same sequence on every machine (tests are reproducible).
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((next() >> 32) % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
};

// One BF16 value of a random block. The classes are chosen so that every path of the
// quantizer is hit often: ordinary values around a block-wide exponent (payload rounding,
// E1 decisions), exact quarter grids (ties), zeros of both signs, subnormals, huge values,
// and rare Inf / NaN lanes.
inline uint16_t random_lane(Rng& rng, int block_exp, unsigned special_percent) {
  const uint16_t sign = rng.chance(50) ? kBf16SignMask : 0;
  const uint32_t r = rng.below(100);
  if (r < special_percent) {
    switch (rng.below(4)) {
      case 0: return sign | kBf16Inf;
      case 1: return sign | static_cast<uint16_t>(kBf16Inf + 1 + rng.below(0x7F));  // NaN
      case 2: return sign;                                                           // +-0
      default: return sign | static_cast<uint16_t>(1 + rng.below(0x7F));             // subnormal
    }
  }
  if (r < 60) {  // near the block exponent
    int e = block_exp - static_cast<int>(rng.below(6));
    if (e < 1) e = 1;
    if (e > 254) e = 254;
    return sign | static_cast<uint16_t>((e << 7) | rng.below(128));
  }
  if (r < 80) {  // a few mantissa bits only: exact ties of the payload rounding
    int e = block_exp - static_cast<int>(rng.below(4));
    if (e < 1) e = 1;
    if (e > 254) e = 254;
    return sign | static_cast<uint16_t>((e << 7) | (rng.below(8) << 4));
  }
  if (r < 90) return sign;  // zero
  return sign | static_cast<uint16_t>(rng.below(0x7F80));  // any finite magnitude
}

// A random block. Block-wide exponents span the whole BF16 range, including the scale's
// underflow (< 2^-48 * 7) and overflow (> 49152 * 7) regions.
inline void random_block(Rng& rng, uint16_t out[kBlockValues]) {
  const int block_exp = 1 + static_cast<int>(rng.below(254));
  // Most blocks are finite; one in eight may hold specials.
  const unsigned special = rng.chance(12) ? 3 : 0;
  for (unsigned i = 0; i < kBlockValues; ++i) out[i] = random_lane(rng, block_exp, special);
  if (rng.chance(2))
    for (unsigned i = 0; i < kBlockValues; ++i) out[i] &= kBf16SignMask;  // all-zero block
}

// Counts mismatches, prints the first `max_reports`, and gives the exit status.
struct Mismatches {
  uint64_t count = 0;
  uint64_t checks = 0;
  unsigned max_reports = 10;
  template <typename... Args>
  void report(const char* fmt, Args... args) {
    ++count;
    if (count <= max_reports) {
      std::printf("MISMATCH: ");
      std::printf(fmt, args...);
      std::printf("\n");
    }
  }
  int finish(const std::string& what) const {
    if (count) {
      std::printf("FAIL %s: %llu mismatches in %llu checks\n", what.c_str(),
                  static_cast<unsigned long long>(count), static_cast<unsigned long long>(checks));
      return 1;
    }
    if (checks == 0) {
      std::printf("FAIL %s: nothing was checked\n", what.c_str());
      return 1;
    }
    std::printf("PASS %s: %llu checks\n", what.c_str(), static_cast<unsigned long long>(checks));
    return 0;
  }
};

}  // namespace hif4::rtl_test
