// The integer rounding core and the BF16 conversions against independent formulations.
#include <catch2/catch.hpp>

#include "hif4/bf16.h"
#include "test_support.h"

using namespace hif4;

TEST_CASE("round_shift_right: every rule against exact rational arithmetic", "[bf16]") {
  test::TestRng rng(1);
  for (int n = 0; n < 200000; ++n) {
    const uint64_t sig = rng.next() >> (32 + rng.below(32));  // < 2^32
    const unsigned shift = rng.below(70);
    const uint32_t random = rng.below(1u << 16);
    // floor and the exact remainder, as a pair of integers (shift may exceed 63).
    const uint64_t fl = shift >= 64 ? 0 : sig >> shift;
    const bool rem_nonzero = shift >= 64 ? sig != 0 : (sig & ((uint64_t{1} << shift) - 1)) != 0;
    // compare the remainder with one half: 2*rem vs 2^shift
    int vs_half = -1;
    if (shift >= 1 && shift <= 63) {
      const uint64_t rem = sig & ((uint64_t{1} << shift) - 1);
      const uint64_t half = uint64_t{1} << (shift - 1);
      vs_half = rem < half ? -1 : (rem == half ? 0 : 1);
    }
    CHECK(round_shift_right(sig, shift, Rounding::TowardZero).value == fl);
    CHECK(round_shift_right(sig, shift, Rounding::Up).value == fl + (rem_nonzero ? 1 : 0));
    CHECK(round_shift_right(sig, shift, Rounding::NearestAway).value == fl + (vs_half >= 0 ? 1 : 0));
    CHECK(round_shift_right(sig, shift, Rounding::NearestEven).value ==
          fl + ((vs_half > 0 || (vs_half == 0 && (fl & 1))) ? 1 : 0));
    // Stochastic: the remainder's leading 16 bits plus the random bits carry out.
    uint64_t frac16 = 0;
    if (shift > 0 && shift < 64) {
      const uint64_t rem = sig & ((uint64_t{1} << shift) - 1);
      frac16 = shift >= 16 ? rem >> (shift - 16) : rem << (16 - shift);
    } else if (shift >= 64) {
      frac16 = 0;  // sig < 2^32 and shift >= 64: below 2^-32
    }
    CHECK(round_shift_right(sig, shift, Rounding::Stochastic, random).value ==
          fl + (frac16 + random >= 65536 ? 1 : 0));
    if (shift >= 1 && shift <= 63) {
      const Rounded r = round_shift_right(sig, shift, Rounding::NearestEven);
      CHECK(r.tie == (vs_half == 0));
      CHECK(r.inexact == rem_nonzero);
    }
  }
}

TEST_CASE("round_to_bf16 against a double-precision RNE for products", "[bf16]") {
  test::TestRng rng(2);
  for (int n = 0; n < 300000; ++n) {
    // Significands of every width up to 64 bits (the model's own products stay below 2^17).
    const Dyadic v{rng.next() >> rng.below(64), -230 + static_cast<int>(rng.below(330))};
    // A double holds 53 bits: compare only where the significand fits, or where the bits it
    // would lose cannot matter (they sit far below the BF16 rounding point, kept as sticky).
    uint64_t sig = v.sig;
    int exp = v.exp;
    if (sig >> 53) {
      const int drop = msb_index(sig) - 40;
      const bool sticky = (sig & ((uint64_t{1} << drop) - 1)) != 0;
      sig = (sig >> drop) | (sticky ? 1 : 0);
      exp += drop;
    }
    const double d = std::ldexp(static_cast<double>(sig), exp);
    INFO("sig " << v.sig << " exp " << v.exp);
    CHECK(round_to_bf16(v) == test::double_to_bf16_rne(d));
  }
}

TEST_CASE("round_to_bf16: wide significands (the helper's pitfall)", "[bf16]") {
  CHECK(round_to_bf16({uint64_t{1} << 52, -185}) == 0x0001);  // 2^-133, the smallest subnormal
  CHECK(round_to_bf16({(uint64_t{1} << 63) | 1, -63}) == 0x3F80);  // just above 1.0
  CHECK(round_to_bf16({0x8080000000000001ull, -63}) == 0x3F81);  // just above a tie: up
  CHECK(round_to_bf16({0x8080000000000000ull, -63}) == 0x3F80);  // the tie: to even
}

TEST_CASE("f32_bits_to_bf16: RNE on a wide sample, NaN kept", "[bf16]") {
  test::TestRng rng(3);
  for (int n = 0; n < 500000; ++n) {
    const uint32_t f = static_cast<uint32_t>(rng.next());
    const float x = bits_to_float(f);
    if (std::isnan(x)) {
      CHECK(bf16_is_nan(f32_bits_to_bf16(f)));
      CHECK(bf16_sign(f32_bits_to_bf16(f)) == ((f >> 31) != 0));
      continue;
    }
    CHECK(f32_bits_to_bf16(f) == test::double_to_bf16_rne(static_cast<double>(x)));
  }
  // Exact ties: 1 + 2^-8 rounds down to 1 (even), 1 + 3*2^-8 up to 1 + 2^-6.
  CHECK(f32_bits_to_bf16(float_to_bits(1.00390625f)) == 0x3F80);
  CHECK(f32_bits_to_bf16(float_to_bits(1.01171875f)) == 0x3F82);
  CHECK(f32_bits_to_bf16(0x7F7FFFFFu) == kBf16Inf);  // FLT_MAX rounds to Inf
}

TEST_CASE("bf16_to_dyadic covers every finite pattern exactly", "[bf16]") {
  for (uint32_t b = 0; b < 0x7F80; ++b) {
    const Dyadic d = bf16_to_dyadic(static_cast<uint16_t>(b));
    REQUIRE(std::ldexp(static_cast<double>(d.sig), d.exp) == test::bf16_value(static_cast<uint16_t>(b)));
    REQUIRE(round_to_bf16(d) == b);
  }
}
