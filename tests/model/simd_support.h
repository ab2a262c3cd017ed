// Shared pieces of the SIMD tests: the byte-exact comparison of two block streams (with a
// report of the first difference) and a random block generator aimed at the corners.
#pragma once
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/format.h"

namespace hif4::simd_test {

// "" when the two streams of packed blocks are equal; otherwise where they first differ:
// the block (with its stochastic-rounding index), the byte, both values, and how many
// blocks differ in all.
inline std::string first_difference(const uint8_t* expected, const uint8_t* got, size_t blocks,
                                    uint64_t first_index = 0) {
  size_t differing = 0;
  std::string first;
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* e = expected + b * kPackedBytes;
    const uint8_t* g = got + b * kPackedBytes;
    if (std::memcmp(e, g, kPackedBytes) == 0) continue;
    if (differing++ == 0) {
      unsigned k = 0;
      while (e[k] == g[k]) ++k;
      char buf[160];
      std::snprintf(buf, sizeof buf, "block %zu (index %llu) byte %u: expected 0x%02X, got 0x%02X", b,
                    static_cast<unsigned long long>(first_index + b), k, e[k], g[k]);
      first = buf;
    }
  }
  if (differing == 0) return "";
  return first + " (" + std::to_string(differing) + " of " + std::to_string(blocks) + " blocks differ)";
}

// Random blocks aimed at the corners of every stage. A block picks a centre binade anywhere
// in BF16's range (so every E6M2 code, scale underflow and overflow all occur) and a spread;
// each lane is then, with small probabilities, +-0, a subnormal, the largest finite value,
// +-Inf or a NaN, and otherwise a value around the centre whose mantissa is often short
// (1, 2 or 3 significant bits), which puts the scaled value on payload grid points and ties.
// Peaks repeat across lanes now and then (peak ties), and some blocks scale one group up to
// move the E1 decisions.
class CornerBlocks {
 public:
  explicit CornerBlocks(uint64_t seed) : state_(seed) {}

  void fill(uint16_t* out, size_t blocks) {
    for (size_t b = 0; b < blocks; ++b) block(out + b * kBlockValues);
  }

 private:
  // splitmix64: one 64-bit draw per lane keeps 10^7 blocks (6.4 * 10^8 lanes) cheap.
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }

  uint16_t lane(int centre, unsigned spread, bool specials) {
    const uint64_t r = next();
    const uint32_t kind = r & 1023;
    const uint16_t sign = static_cast<uint16_t>(((r >> 10) & 1) << 15);
    const uint16_t low7 = static_cast<uint16_t>((r >> 11) & 0x7F);
    if (kind < 40) return sign;                                                       // +-0
    if (kind < 60) return static_cast<uint16_t>(sign | (low7 ? low7 : 1));            // subnormal
    if (kind < 64) return static_cast<uint16_t>(sign | 0x7F7F);                       // largest finite
    if (specials && kind < 66) return static_cast<uint16_t>(sign | kBf16Inf);         // +-Inf
    if (specials && kind < 67) return static_cast<uint16_t>(sign | kBf16Inf | (low7 ? low7 : 1));  // NaN
    int e = centre - static_cast<int>((r >> 18) % (spread + 1));
    e = e < 0 ? 0 : (e > 254 ? 254 : e);
    uint16_t mant;
    switch ((r >> 26) & 3) {
      case 0: mant = static_cast<uint16_t>(low7 & 0x60); break;  // 1.xx: grid points, ties
      case 1: mant = static_cast<uint16_t>(low7 & 0x78); break;  // 1.xxxx
      default: mant = low7; break;
    }
    return static_cast<uint16_t>(sign | (e << 7) | mant);
  }

  void block(uint16_t* out) {
    // Centre: mostly where E6M2 is in range (BF16 exponent ~80..142), sometimes anywhere.
    const int centre = below(4) == 0 ? static_cast<int>(below(256)) : 70 + static_cast<int>(below(80));
    const unsigned spread = below(3) == 0 ? 1 + below(3) : below(30);
    const bool specials = below(16) == 0;  // about 6% of blocks may hold Inf / NaN lanes
    for (unsigned i = 0; i < kBlockValues; ++i) out[i] = lane(centre, spread, specials);
    if (below(8) == 0) {  // the peak repeated in several lanes
      unsigned peak = 0;
      for (unsigned i = 1; i < kBlockValues; ++i)
        if ((out[i] & kBf16MagnitudeMask) > (out[peak] & kBf16MagnitudeMask)) peak = i;
      for (unsigned n = below(4); n > 0; --n)
        out[below(kBlockValues)] = static_cast<uint16_t>(out[peak] ^ (below(2) << 15));
    }
    if (below(4) == 0) {  // one group of 4 or 8 an octave or two above the rest
      const unsigned size = below(2) ? 4 : 8, g = below(kBlockValues / size), up = 1 + below(2);
      for (unsigned i = g * size; i < (g + 1) * size; ++i) {
        const unsigned e = (out[i] >> 7) & 0xFF;
        if (e >= 1 && e + up < 255) out[i] = static_cast<uint16_t>(out[i] + (up << 7));
      }
    }
    if (below(32) == 0) std::memset(out, 0, kInputBytes);  // an all-zero block
  }

  uint64_t state_;
};

// Every knob combination (sr_seed left 0): the product of every knob's value count.
inline std::vector<Config> every_knob_combination() {
  std::vector<Config> out(1);
  for (const Knob& k : knobs()) {
    std::vector<Config> next;
    for (const Config& c : out)
      for (size_t v = 0; v < k.values.size(); ++v) {
        Config n = c;
        k.set(n, static_cast<uint8_t>(v));
        next.push_back(n);
      }
    out.swap(next);
  }
  return out;
}

}  // namespace hif4::simd_test
