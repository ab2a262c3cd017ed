// Each stage of Algorithm 1, exhaustively where the space allows, against independent
// double-precision formulations (test_support.h).
#include <catch2/catch.hpp>

#include <cmath>

#include "hif4/fast_tables.h"
#include "hif4/stages.h"
#include "test_support.h"

using namespace hif4;
using test::bf16_value;

namespace {

const ScaleRounding kScaleModes[] = {ScaleRounding::NearestAway, ScaleRounding::NearestEven,
                                     ScaleRounding::TowardZero, ScaleRounding::Up};
const PayloadRounding kPayloadModes[] = {PayloadRounding::NearestAway, PayloadRounding::NearestEven,
                                         PayloadRounding::TowardZero, PayloadRounding::Stochastic};

// Round a value in [1, 2) * 4 = [4, 8) to an integer under a scale rounding mode, in doubles.
double round_mode(double v, ScaleRounding m) {
  switch (m) {
    case ScaleRounding::NearestAway: return std::floor(v + 0.5);
    case ScaleRounding::NearestEven: return std::nearbyint(v);
    case ScaleRounding::TowardZero: return std::floor(v);
    case ScaleRounding::Up: return std::ceil(v);
  }
  return 0;
}

// The E6M2 code of SF by the definition: underflow below 2^-48 (before rounding), round the
// significand to 2 fraction bits, carry, overflow above 1.5 * 2^15.
uint8_t reference_e6m2(double sf, const Config& c) {
  const uint8_t under = c.scale_underflow == ScaleUnderflow::Min ? 0x00 : 0xFF;
  const uint8_t over = c.scale_overflow == ScaleOverflow::Saturate ? 0xFE : 0xFF;
  if (std::isinf(sf)) return over;
  if (sf < 0x1p-48) return under;
  int e;
  const double m = std::frexp(sf, &e) * 2;  // [1, 2)
  --e;
  double q = round_mode(m * 4, c.scale_rounding);  // 4..8
  if (q == 8) {
    q = 4;
    ++e;
  }
  const double value = std::ldexp(q / 4, e);
  if (value > 49152) return over;
  return static_cast<uint8_t>(((e + 48) << 2) | (static_cast<int>(q) - 4));
}

}  // namespace

TEST_CASE("scale_factor: BF16(Vmax * BF16(1/7)) for every BF16 peak", "[stages][exhaustive]") {
  REQUIRE(bf16_value(kBf16OneSeventh) == 0.142578125);
  for (uint32_t v = 0; v <= kBf16Inf; ++v) {
    const uint16_t sf = scale_factor(static_cast<uint16_t>(v));
    if (v == kBf16Inf) {
      CHECK(sf == kBf16Inf);
      continue;
    }
    REQUIRE(sf == test::double_to_bf16_rne(bf16_value(static_cast<uint16_t>(v)) * 0.142578125));
  }
}

TEST_CASE("encode_e6m2: every non-negative BF16 SF, every mode and range policy", "[stages][exhaustive]") {
  for (ScaleRounding mode : kScaleModes) {
    for (int over = 0; over < 2; ++over) {
      for (int under = 0; under < 2; ++under) {
        Config c;
        c.scale_rounding = mode;
        c.scale_overflow = static_cast<ScaleOverflow>(over);
        c.scale_underflow = static_cast<ScaleUnderflow>(under);
        for (uint32_t sf = 0; sf <= kBf16Inf; ++sf) {
          const double v = bf16_value(static_cast<uint16_t>(sf));
          INFO("SF 0x" << std::hex << sf << " mode " << int(mode));
          REQUIRE(encode_e6m2(static_cast<uint16_t>(sf), c).code == reference_e6m2(v, c));
        }
      }
    }
  }
}

TEST_CASE("encode_e6m2: the documented corners", "[stages]") {
  Config away = find_profile("seed").config, even = find_profile("gcc").config;
  // 1.125 is a tie between 1.0 and 1.25: away -> 0xC1, even -> 0xC0 (reference notes).
  CHECK(encode_e6m2(0x3F90, away).code == 0xC1);
  CHECK(encode_e6m2(0x3F90, even).code == 0xC0);
  CHECK(encode_e6m2(0x3F90, even).rounding.tie);
  // 1.875 ties into the next binade under both nearest rules: 2.0 = 0xC4.
  CHECK(encode_e6m2(0x3FF0, away).code == 0xC4);
  CHECK(encode_e6m2(0x3FF0, even).code == 0xC4);
  // 53248 = 1.625 * 2^15: away -> 1.75 * 2^15 > 49152 -> overflow; even -> 1.5 * 2^15 = 0xFE.
  CHECK(encode_e6m2(0x4750, away).event == ScaleEvent::Overflow);
  CHECK(encode_e6m2(0x4750, even).event == ScaleEvent::InRange);
  CHECK(encode_e6m2(0x4750, even).code == 0xFE);
  // 2^-48 is the smallest code; anything below is underflow, whatever the rounding.
  CHECK(encode_e6m2(0x2780, away).code == 0x00);
  CHECK(encode_e6m2(0x2780, away).event == ScaleEvent::InRange);
  CHECK(encode_e6m2(0x277F, away).event == ScaleEvent::Underflow);
  Config cann = find_profile("cann").config;
  CHECK(encode_e6m2(0x277F, cann).code == 0xFF);
  CHECK(encode_e6m2(0, cann).code == 0xFF);
  CHECK(encode_e6m2(kBf16Inf, cann).code == 0xFF);
  CHECK(encode_e6m2(kBf16Inf, even).code == 0xFE);
}

TEST_CASE("e6m2_reciprocal: all 255 finite codes by long division", "[stages][exhaustive]") {
  // The reference notes' table: mantissa fields 0x00, 0x4D, 0x2B, 0x12.
  CHECK((e6m2_reciprocal(0xC1) & 0x7F) == 0x4D);
  CHECK((e6m2_reciprocal(0xC2) & 0x7F) == 0x2B);
  CHECK((e6m2_reciprocal(0xC3) & 0x7F) == 0x12);
  for (unsigned code = 0; code < 0xFF; ++code) {
    // 1 / ((4+m)/4 * 2^e) = 2^(2-e) / (4+m): the quotient of 2^40 by (4+m), its remainder as a
    // sticky bit, rounded to 8 significant bits by the shared core -- and by doubles.
    const unsigned m = code & 3;
    const int e = static_cast<int>(code >> 2) - kE6M2Bias;
    const uint64_t num = uint64_t{1} << 40;
    const uint64_t q = num / (4 + m), rem = num % (4 + m);
    const Dyadic v{(q << 1) | (rem != 0), 2 - e - 40 - 1};
    INFO("code 0x" << std::hex << code);
    CHECK(e6m2_reciprocal(static_cast<uint8_t>(code)) == round_to_bf16(v));
    CHECK(e6m2_reciprocal(static_cast<uint8_t>(code)) == test::double_to_bf16_rne(1.0 / test::e6m2_double(static_cast<uint8_t>(code))));
    // Never a tie, always normal.
    CHECK((e6m2_reciprocal(static_cast<uint8_t>(code)) >> 7) > 0);
  }
}

TEST_CASE("E1 decisions: every BF16 group peak x every finite E6M2 code, both products", "[stages][exhaustive]") {
  for (int mode = 0; mode < 2; ++mode) {
    const ProductMode pm = static_cast<ProductMode>(mode);
    for (unsigned code = 0; code < 0xFF; ++code) {
      const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
      const double r = bf16_value(rec);
      const E1Thresholds& th = e1_thresholds(static_cast<uint8_t>(code), pm);
      for (uint32_t v = 0; v <= kBf16Inf; v += (v < 0x7F00 ? 1 : 1)) {
        const double prod_exact = bf16_value(static_cast<uint16_t>(v)) * r;  // exact in double
        const double prod =
            pm == ProductMode::Exact ? prod_exact : bf16_value(test::double_to_bf16_rne(prod_exact));
        const bool ge4 = v == kBf16Inf || prod >= 4, ge2 = v == kBf16Inf || prod >= 2;
        const uint16_t vb = static_cast<uint16_t>(v);
        if (e1_8_decision(vb, rec, pm) != ge4 || e1_16_decision(vb, rec, false, pm) != ge2 ||
            e1_16_decision(vb, rec, true, pm) != ge4 || (vb >= th.ge4) != ge4 || (vb >= th.ge2) != ge2) {
          FAIL("code 0x" << std::hex << code << " V 0x" << v << " mode " << mode);
        }
      }
    }
  }
  SUCCEED("all decisions agree");
}

TEST_CASE("E1 decisions: the reference notes' BF16-rounded example", "[stages]") {
  // REC = 0.5703125 (E6M2 1.75): 7 * REC = 3.9921875, below 4 exactly, 4.0 once rounded.
  const uint16_t rec = e6m2_reciprocal(0xC3);
  CHECK(bf16_value(rec) == 0.5703125);
  CHECK_FALSE(e1_8_decision(0x40E0, rec, ProductMode::Exact));
  CHECK(e1_8_decision(0x40E0, rec, ProductMode::Bf16));
}

namespace {

// The S1P2 code by the definition, in doubles.
uint8_t reference_s1p2(uint16_t x, uint16_t rec, unsigned e1, const Config& c, uint32_t random) {
  const bool neg = bf16_sign(x) && (x & kBf16MagnitudeMask);
  double s;
  if (bf16_is_inf(x)) {
    s = INFINITY;
  } else {
    double p = std::fabs(bf16_value(x)) * bf16_value(rec);  // exact
    if (c.payload_product == ProductMode::Bf16) p = bf16_value(test::double_to_bf16_rne(p));
    s = std::ldexp(p, -static_cast<int>(e1));
  }
  double q = 0;
  const double v = 4 * s;  // quarters
  if (v >= 7) {
    q = 7;
  } else {
    switch (c.payload_rounding) {
      case PayloadRounding::NearestAway: q = std::floor(v + 0.5); break;
      case PayloadRounding::NearestEven: q = std::nearbyint(v); break;
      case PayloadRounding::TowardZero: q = std::floor(v); break;
      case PayloadRounding::Stochastic: {
        const double fl = std::floor(v);
        const double frac16 = std::floor((v - fl) * 65536);  // exact: v has few significant bits
        q = fl + ((frac16 + random >= 65536) ? 1 : 0);
        break;
      }
    }
    if (q > 7) q = 7;
  }
  const bool sign = neg && (q != 0 || c.negative_zero == NegativeZero::KeepSign);
  return static_cast<uint8_t>((sign ? 8 : 0) | static_cast<int>(q));
}

}  // namespace

TEST_CASE("encode_s1p2: every BF16 input at several scales, every payload knob", "[stages][exhaustive]") {
  // Scales: the smallest and largest codes, 1.0 and every mantissa near it, and a few more.
  const uint8_t codes[] = {0x00, 0x01, 0x3B, 0x7E, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xD5, 0xFE};
  for (PayloadRounding mode : kPayloadModes) {
    for (int prod = 0; prod < 2; ++prod) {
      Config c;
      c.payload_rounding = mode;
      c.payload_product = static_cast<ProductMode>(prod);
      for (uint8_t code : codes) {
        const uint16_t rec = e6m2_reciprocal(code);
        for (unsigned e1 = 0; e1 <= 2; ++e1) {
          c.negative_zero = static_cast<NegativeZero>((code + e1) & 1);
          for (uint32_t x = 0; x < 0x10000; ++x) {
            if (bf16_is_nan(static_cast<uint16_t>(x))) continue;
            const uint32_t random = sr_bits(0x1234, x, e1);
            const uint8_t got = encode_s1p2(static_cast<uint16_t>(x), rec, e1, c, random).code;
            const uint8_t want = reference_s1p2(static_cast<uint16_t>(x), rec, e1, c, random);
            if (got != want)
              FAIL("x 0x" << std::hex << x << " code 0x" << int(code) << " e1 " << e1 << " mode "
                          << int(mode) << " prod " << prod << ": got 0x" << int(got) << " want 0x"
                          << int(want));
          }
        }
      }
    }
  }
  SUCCEED();
}

TEST_CASE("payload windows equal encode_s1p2 for every BF16 x every E6M2 code x every E1 shift", "[stages][exhaustive]") {
  // The block quantizer's fast path (fast_tables.h) must be the stage function, bit for bit.
  const PayloadRounding modes[] = {PayloadRounding::NearestAway, PayloadRounding::NearestEven,
                                   PayloadRounding::TowardZero};
  for (int mi = 0; mi < 3; ++mi) {
    for (int prod = 0; prod < 2; ++prod) {
      Config c;
      c.payload_rounding = modes[mi];
      c.payload_product = static_cast<ProductMode>(prod);
      // The windows of the instantiation the block quantizer runs for these knobs.
      const PayloadWindow& w = with_payload_mode(c, [](auto mode) -> const PayloadWindow& {
        return payload_window(mode.rounding, mode.product);
      });
      for (unsigned code = 0; code < 0xFF; ++code) {
        const unsigned nz = code % kNegativeZeroValues;
        c.negative_zero = static_cast<NegativeZero>(nz);
        const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
        const LaneScale ls = lane_scale(rec);
        const uint8_t* window = w.code[code & 3][nz];
        const bool sign_bit = c.negative_zero == NegativeZero::SignBit;
        for (unsigned e1 = 0; e1 <= 2; ++e1) {
          const int start = payload_window_start(ls, e1);
          for (uint32_t x = 0; x < 0x10000; ++x) {
            if (bf16_is_nan(static_cast<uint16_t>(x))) continue;
            const uint8_t fast = encode_s1p2_window(window, start, static_cast<uint16_t>(x), sign_bit);
            const uint8_t spec = encode_s1p2(static_cast<uint16_t>(x), rec, e1, c, 0).code;
            if (fast != spec)
              FAIL("x 0x" << std::hex << x << " code 0x" << code << " e1 " << e1 << " mode " << mi
                          << " prod " << prod << ": window 0x" << int(fast) << " spec 0x" << int(spec));
          }
        }
      }
    }
  }
  SUCCEED();
}

TEST_CASE("sr_bits: the documented hash, pinned values, 16 bits", "[stages]") {
  // Pinned so that the RTL, SystemC and CUDA implementations have fixed points to meet.
  CHECK(mix32(0) == 0u);
  CHECK(mix32(1) == 0x688990C0u);
  CHECK(sr_block_key(1, 2) == 0x940E18F4u);
  CHECK(sr_bits(0, 0, 0) == 0x80D4u);
  CHECK(sr_bits(0, 0, 63) == 0xC4D2u);
  CHECK(sr_bits(0x0123456789ABCDEFull, 7, 5) == 0xE06Eu);
  CHECK(sr_bits(~0ull, ~0ull, 31) == 0x8498u);
  const uint32_t a = sr_bits(0, 0, 0), b = sr_bits(0, 0, 1), c = sr_bits(1, 0, 0), d = sr_bits(0, 1, 0);
  CHECK(a < 65536u);
  CHECK(a != b);
  CHECK(a != c);
  CHECK(a != d);
  // Every lane's bits over many blocks are close to uniform: mean of 16-bit values ~ 32767.5.
  double sum = 0;
  for (uint64_t blk = 0; blk < 4096; ++blk)
    for (unsigned lane = 0; lane < 64; ++lane) sum += sr_bits(42, blk, lane);
  const double mean = sum / (4096.0 * 64);
  CHECK(mean > 32767.5 - 200);
  CHECK(mean < 32767.5 + 200);
}

TEST_CASE("the log2-bf16 scale binade: its threshold table derived again in long double", "[stages]") {
  // kLog2Bf16BinadeUp[p]: the smallest mantissa field m with log2(1 + m/128) > 1 - 2^(p-8)
  // (128: none). No m lies within 10^-4 of a bound, far beyond long double's error.
  for (int p = 0; p < 7; ++p) {
    const long double bound = 1.0L - std::ldexp(1.0L, p - 8);
    unsigned first = 128;
    for (unsigned m = 0; m < 128; ++m) {
      const long double f = std::log2(1.0L + m / 128.0L);
      REQUIRE(std::fabs(f - bound) > 1e-4L);
      if (f > bound && first == 128) first = m;
    }
    INFO("p = " << p);
    CHECK(kLog2Bf16BinadeUp[p] == first);
  }
  // The binade moves for e = -48..-33 from m = 107 on, never for e = -1, 0, 1.
  CHECK(log2_bf16_binade(-40, 106) == -40);
  CHECK(log2_bf16_binade(-40, 107) == -39);
  CHECK(log2_bf16_binade(-48, 127) == -47);
  for (int e : {-1, 0, 1}) CHECK(log2_bf16_binade(e, 127) == e);
  // The examples: SF = 1.8359375 * 2^-40 (0x2BEB) -> 2^-39 (0x24) under log2-bf16,
  // 1.75 * 2^-40 (0x23) in its own binade; SF = 53248 (0x4750) is an overflow before rounding
  // under nan-unrounded, 52992 (0x474F) is 0xFE.
  Config c = find_profile("cann").config;
  CHECK(encode_e6m2(0x2BEB, c).code == 0x24);
  CHECK(encode_e6m2(0x4750, c).code == kE6M2NaN);
  CHECK(encode_e6m2(0x474F, c).code == kE6M2MaxFinite);
  c.scale_binade = ScaleBinade::Exact;
  c.scale_overflow = ScaleOverflow::Nan;
  CHECK(encode_e6m2(0x2BEB, c).code == 0x23);
  CHECK(encode_e6m2(0x4750, c).code == kE6M2MaxFinite);  // ties to even: 49152
  // One binade up under toward-zero: 1.9921875 * 2^10 keeps 1.1 -> 1.5 * 2^10 (not 1.75).
  c.scale_rounding = ScaleRounding::TowardZero;
  c.scale_binade = ScaleBinade::Log2Bf16;
  CHECK(encode_e6m2(static_cast<uint16_t>(((10 + 127) << 7) | 127), c).code == (((10 + 48) << 2) | 2));
}
