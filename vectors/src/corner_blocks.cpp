// The corner-block source (see corner_blocks.h).
#include "hif4/corner_blocks.h"

namespace hif4 {

namespace {

// r % d for every 32-bit r, without a division (Lemire, Kaser, Kurz: "Faster remainder by direct
// computation", 2019): the same values as %, for a divisor fixed per block.
__extension__ typedef unsigned __int128 U128;  // GCC/Clang: the high half of a 64x64 product

class FastMod {
 public:
  explicit FastMod(uint32_t d) : m_(~uint64_t{0} / d + 1), d_(d) {}
  uint32_t operator()(uint32_t r) const {
    return static_cast<uint32_t>((static_cast<U128>(m_ * r) * d_) >> 64);
  }

 private:
  uint64_t m_;
  uint32_t d_;
};

// A BF16 from one draw r: sign bit 8, mantissa bits 0..6 under `mant_mask` (the top
// `mant_bits` of 7: few bits make exact quarters, hence rounding ties).
uint16_t value(uint64_t r, unsigned exp_field, unsigned mant_mask) {
  const uint16_t sign = (r >> 8) & 1 ? kBf16SignMask : 0;
  return static_cast<uint16_t>(sign | (exp_field << 7) | (r & mant_mask));
}

}  // namespace

void CornerBlocks::fill(uint16_t* out, size_t blocks) {
  for (size_t b = 0; b < blocks; ++b) next(out + b * kBlockValues);
}

void CornerBlocks::next(uint16_t v[kBlockValues]) {
  Rng rng(mix64(seed_ ^ mix64(position_++)));  // this block's own stream
  const uint64_t k = rng.next();
  const unsigned kind = k & 15;
  const unsigned centre = 1 + static_cast<unsigned>((k >> 4) % 253);  // peak exponent field
  const unsigned spread = kind < 8 ? static_cast<unsigned>((k >> 12) % 12) : 2;
  const unsigned mant_bits = ((k >> 16) & 3) == 0 ? static_cast<unsigned>((k >> 18) % 3) : 7;
  const unsigned mant_mask = (0x7Fu << (7 - mant_bits)) & 0x7Fu;
  if (kind == 8) {  // raw bit patterns: NaN, Inf, subnormals, anything
    for (unsigned i = 0; i < kBlockValues; ++i) v[i] = static_cast<uint16_t>(rng.next() >> 16);
  } else if (kind == 9) {  // zeros of both signs
    for (unsigned i = 0; i < kBlockValues; ++i) v[i] = (rng.next() >> 32) & 1 ? kBf16SignMask : 0;
  } else if (kind == 10) {  // subnormal and tiny: the scale-underflow side
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const uint64_t r = rng.next();
      const unsigned r_hi = static_cast<unsigned>(r >> 32);
      uint16_t x = value(r, r_hi % 4, 0x7F);
      if ((r_hi >> 4) & 1) x &= kBf16SignMask | 0x7F;
      v[i] = x;
    }
  } else if (kind == 11) {  // huge: the scale-overflow side
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const uint64_t r = rng.next();
      v[i] = value(r, 236 + static_cast<unsigned>(r >> 32) % 19, mant_mask);
    }
  } else {  // peaks around `centre`, `spread` exponents below it, one lane in 8 a zero
    const FastMod mod_spread(spread + 1);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const uint64_t r = rng.next();
      const unsigned r_hi = static_cast<unsigned>(r >> 32);
      const int e = static_cast<int>(centre) - static_cast<int>(mod_spread(r_hi));
      v[i] = ((r_hi >> 8) & 7) == 0 ? static_cast<uint16_t>((r_hi >> 11) & 1 ? kBf16SignMask : 0)
                                    : value(r, static_cast<unsigned>(e < 0 ? 0 : e), mant_mask);
    }
  }
  // Specials in some ordinary blocks: one Inf (non-finite policy), one NaN, a 1.75 * 2^k peak.
  const uint64_t s = rng.next();
  const unsigned lane = static_cast<unsigned>(s % kBlockValues);
  if (kind == 12) v[lane] = static_cast<uint16_t>(kBf16Inf | ((s >> 8) & 1 ? kBf16SignMask : 0));
  if (kind == 13 && ((s >> 8) & 3) == 0) v[lane] = kBf16QuietNaN;
  if (kind == 14) v[lane] = static_cast<uint16_t>(((3 + (s >> 8) % 240) << 7) | 0x60);
}

}  // namespace hif4
