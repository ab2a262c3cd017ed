// The stages of Algorithm 1 (arXiv 2602.11287), each a function over integers.
//
//   peak_tree      64 BF16 -> V16[16], V8[8], Vmax (magnitudes) + NaN / Inf flags
//   scale_factor   SF = BF16_RNE(Vmax * BF16(1/7))
//   encode_e6m2    SF -> E6M2 code (scale-rounding, scale-binade, scale-overflow,
//                  scale-underflow)
//   e6m2_reciprocal  E6M2 code -> REC = BF16_RNE(1 / E6M2), a 4-entry table
//   scale_decision the whole scale path of a block: the NaN-block decision, SF, E6M2, REC
//   e1_decision    V8*REC >= 4 -> E1_8;  V16*REC*2^-E1_8 >= 2 -> E1_16 (threshold-product)
//   encode_s1p2    x*REC*2^-(E1_8+E1_16) -> S1P2 (payload-product, payload-rounding,
//                  negative-zero), stochastic bits from sr_bits()
//
// No floating-point arithmetic decides any bit: values are exact dyadics (bf16.h).
#pragma once
#include <cstdint>
#include <utility>

#include "hif4/bf16.h"
#include "hif4/config.h"
#include "hif4/format.h"

namespace hif4 {

// ---- Peak tree -------------------------------------------------------------------------

struct PeakTree {
  uint16_t v16[kGroups16];  // max |x| over values 4j..4j+3 (BF16 magnitude bits)
  uint16_t v8[kGroups8];    // max(V16[2g], V16[2g+1])
  uint16_t vmax;            // max over V8
  bool has_nan;
  bool has_inf;
};

// Magnitude bit patterns of finite and infinite BF16 values order as the values do, so the
// tree compares 15-bit integers. NaN magnitudes (> 0x7F80) order above Inf; a block with a
// NaN never uses the tree's values (it is a NaN block under every policy).
inline PeakTree peak_tree(const uint16_t in[kBlockValues]) {
  PeakTree t{};
  // Written as flat, branch-free max steps so the compiler can use SIMD max instructions.
  uint16_t mag[kBlockValues];
  for (unsigned i = 0; i < kBlockValues; ++i) mag[i] = in[i] & kBf16MagnitudeMask;
  for (unsigned j = 0; j < kGroups16; ++j) {
    const uint16_t a = mag[4 * j] > mag[4 * j + 1] ? mag[4 * j] : mag[4 * j + 1];
    const uint16_t b = mag[4 * j + 2] > mag[4 * j + 3] ? mag[4 * j + 2] : mag[4 * j + 3];
    t.v16[j] = a > b ? a : b;
  }
  for (unsigned g = 0; g < kGroups8; ++g)
    t.v8[g] = t.v16[2 * g] > t.v16[2 * g + 1] ? t.v16[2 * g] : t.v16[2 * g + 1];
  t.vmax = 0;
  for (unsigned g = 0; g < kGroups8; ++g) t.vmax = t.v8[g] > t.vmax ? t.v8[g] : t.vmax;
  t.has_inf = false;
  t.has_nan = t.vmax > kBf16Inf;
  if (t.vmax >= kBf16Inf) {
    // The peak alone cannot tell whether an Inf hides below a NaN: look at the lanes.
    for (unsigned i = 0; i < kBlockValues; ++i)
      if (mag[i] == kBf16Inf) t.has_inf = true;
  }
  return t;
}

// ---- Scale -----------------------------------------------------------------------------

// SF = BF16_RNE(Vmax * 0x3E12). Vmax and 1/7 are BF16, so the product has at most 16
// significant bits and is rounded once. +Inf stays +Inf.
inline uint16_t scale_factor(uint16_t vmax) {
  if (vmax >= kBf16Inf) return kBf16Inf;
  Dyadic v = bf16_to_dyadic(vmax);
  const Dyadic k = bf16_to_dyadic(kBf16OneSeventh);
  return round_to_bf16({v.sig * k.sig, v.exp + k.exp});
}

enum class ScaleEvent : uint8_t { InRange, Underflow, Overflow };

struct E6M2Encoding {
  uint8_t code = 0;
  ScaleEvent event = ScaleEvent::InRange;
  Rounded rounding;  // the mantissa rounding (meaningful for InRange and Overflow)
};

constexpr Rounding to_rounding(ScaleRounding r) {
  switch (r) {
    case ScaleRounding::NearestAway: return Rounding::NearestAway;
    case ScaleRounding::NearestEven: return Rounding::NearestEven;
    case ScaleRounding::TowardZero: return Rounding::TowardZero;
    case ScaleRounding::Up: return Rounding::Up;
  }
  return Rounding::NearestEven;
}

constexpr Rounding to_rounding(PayloadRounding r) {
  switch (r) {
    case PayloadRounding::NearestAway: return Rounding::NearestAway;
    case PayloadRounding::NearestEven: return Rounding::NearestEven;
    case PayloadRounding::TowardZero: return Rounding::TowardZero;
    case PayloadRounding::Stochastic: return Rounding::Stochastic;
  }
  return Rounding::NearestEven;
}

// 2^-48 as a BF16 bit pattern: the smallest E6M2 value.
constexpr uint16_t kBf16E6M2Min = static_cast<uint16_t>((127 + kE6M2MinExp) << 7);

// ---- The binade of scale-binade=log2-bf16 -----------------------------------------------
//
// Some number libraries take log2 of a BF16 value in FP32 and round the result to BF16 (8
// significant bits). For SF = 1.m * 2^e (m = the 7-bit mantissa field), log2(SF) = e + f with
// f = log2(1 + m/128) in [0, 1), and floor(BF16_RNE(e + f)) is e, or e + 1 when e + f lies
// within half a BF16 step of e + 1 (the step is 2^(p-7) for |e + f| in [2^p, 2^(p+1))). Only
// the magnitude n = e (e >= 1) or -e - 1 (e <= -2) sets p = floor(log2 n); e = -1 and e = 0
// never move. The binade moves up exactly when f > 1 - 2^(p-8), i.e. when m is at least
// kLog2Bf16BinadeUp[p], the smallest mantissa field with log2(1 + m/128) > 1 - 2^(p-8)
// (128: never). No f lies within 8 * 10^-4 of such a bound, so an FP32 log2 with any faithful
// rounding agrees; tests/model/test_stages.cpp derives the table again in long double and
// tests/goldens checks it against every BF16 SF.
constexpr uint8_t kLog2Bf16BinadeUp[7] = {128, 127, 126, 123, 118, 107, 88};

// floor(BF16_RNE(log2(SF))) for a normal SF with unbiased exponent e (-126..127) and mantissa
// field mant7.
constexpr int log2_bf16_binade(int e, unsigned mant7) {
  const int n = e >= 1 ? e : (e <= -2 ? -e - 1 : 0);
  if (n == 0) return e;
  return mant7 >= kLog2Bf16BinadeUp[msb_index(static_cast<uint64_t>(n))] ? e + 1 : e;
}

// SF (a non-negative BF16, +Inf allowed) -> E6M2 code.
inline E6M2Encoding encode_e6m2(uint16_t sf, const Config& cfg) {
  E6M2Encoding r;
  if (sf < kBf16E6M2Min) {  // zero, BF16 subnormal, or normal below 2^-48
    r.event = ScaleEvent::Underflow;
    r.code = cfg.scale_underflow == ScaleUnderflow::Min ? kE6M2Min : kE6M2NaN;
    return r;
  }
  const uint8_t overflow_code =
      cfg.scale_overflow == ScaleOverflow::Saturate ? kE6M2MaxFinite : kE6M2NaN;
  if (sf >= kBf16Inf || (cfg.scale_overflow == ScaleOverflow::NanUnrounded &&
                         sf >= kBf16ScaleOverflowBeforeRounding)) {
    r.event = ScaleEvent::Overflow;
    r.code = overflow_code;
    return r;
  }
  const int e_sf = static_cast<int>(sf >> 7) - 127;
  int e = cfg.scale_binade == ScaleBinade::Log2Bf16 ? log2_bf16_binade(e_sf, sf & 0x7Fu) : e_sf;
  // SF = 1.mmmmmmm * 2^e_sf rounded to a multiple of 2^(e - 2): in SF's own binade keep 1.mm
  // (3 of the 8 significand bits), one binade up keep 2 bits (the result is then 2, 3 or 4
  // units of 2^(e - 2)).
  r.rounding = round_shift_right(128u + (sf & 0x7Fu), static_cast<unsigned>(5 + e - e_sf),
                                 to_rounding(cfg.scale_rounding));
  uint64_t m3 = r.rounding.value;  // 4..8 in SF's binade, 2..4 one binade up
  if (m3 == 8) {                   // carry into the next binade
    m3 = 4;
    ++e;
  }
  while (m3 < 4) {  // 2 or 3 units one binade up: 1.0 or 1.5 of the binade below
    m3 <<= 1;
    --e;
  }
  const int ef = e + kE6M2Bias;
  const unsigned mant = static_cast<unsigned>(m3 - 4);
  if (ef > 63 || (ef == 63 && mant == 3)) {  // above 1.5 * 2^15; 0xFF is NaN
    r.event = ScaleEvent::Overflow;
    r.code = overflow_code;
    return r;
  }
  r.code = static_cast<uint8_t>((ef << 2) | mant);
  return r;
}

// The value of a finite E6M2 code: (4 + m) * 2^(e - 2).
constexpr Dyadic e6m2_value(uint8_t code) {
  return {4u + (code & 3u), static_cast<int>(code >> 2) - kE6M2Bias - 2};
}

// REC = BF16_RNE(1 / E6M2) for a finite code. 1/(1.mm * 2^e): mantissa 1.00 gives 2^-e
// exactly; 1/1.25, 1/1.5, 1/1.75 lie in (0.5, 1) and round (never a tie: 4/5, 2/3, 4/7 are
// not dyadic) to 1.6015625, 1.3359375, 1.140625 times 2^-1, BF16 mantissa fields 0x4D, 0x2B,
// 0x12. tests/test_stages.cpp derives the table again by long division.
inline uint16_t e6m2_reciprocal(uint8_t code) {
  static constexpr uint8_t kMantissa[4] = {0x00, 0x4D, 0x2B, 0x12};
  const int e = static_cast<int>(code >> 2) - kE6M2Bias;
  const unsigned m = code & 3u;
  const int rec_exp = m == 0 ? -e : -e - 1;
  return static_cast<uint16_t>(((rec_exp + 127) << 7) | kMantissa[m]);
}

// ---- The scale path of a block ---------------------------------------------------------

// Why a block is a NaN block (E6M2 0xFF).
enum class NanCause : uint8_t { None, NaNInput, InfInput, ScaleOverflow, ScaleUnderflow };

// What the scale path decides for one block: the second pipeline stage of the hardware.
struct ScaleDecision {
  uint16_t sf = 0;          // SF (BF16); 0 when the input alone makes a NaN block
  E6M2Encoding scale;       // code (0xFF for a NaN block), event, mantissa rounding
  NanCause cause = NanCause::None;
  uint16_t rec = 0;         // REC (BF16); 0 for a NaN block
};

// Peaks -> NaN-block decision, SF, E6M2, REC. A NaN anywhere, or an Inf under
// non-finite=nan-block, makes a NaN block before any scale is formed; otherwise the E6M2
// encoder may still give 0xFF (scale-overflow=nan, scale-underflow=nan). Every user of the
// scale path (the block quantizer, its fast path, the SystemC scale unit) calls this, so a
// knob that changes how the scale is derived changes this function and nothing around it.
// Always inlined: it runs once per block on the block quantizer's fast path, where an
// out-of-line call (and its returned struct) costs about 2% of the block's instructions.
[[gnu::always_inline]] inline ScaleDecision scale_decision(const PeakTree& peaks, const Config& cfg) {
  ScaleDecision d;
  if (peaks.has_nan) d.cause = NanCause::NaNInput;
  else if (peaks.has_inf && cfg.non_finite == NonFinite::NanBlock) d.cause = NanCause::InfInput;
  if (d.cause != NanCause::None) {
    d.scale.code = kE6M2NaN;
    return d;
  }
  d.sf = scale_factor(peaks.vmax);
  d.scale = encode_e6m2(d.sf, cfg);
  if (d.scale.code == kE6M2NaN) {
    d.cause = d.scale.event == ScaleEvent::Overflow ? NanCause::ScaleOverflow
                                                    : NanCause::ScaleUnderflow;
    return d;
  }
  d.rec = e6m2_reciprocal(d.scale.code);
  return d;
}

// ---- E1 decisions ----------------------------------------------------------------------

// V * REC as used by the E1 decisions: exact, or rounded to BF16. `infinite` when V is Inf.
struct ThresholdProduct {
  Dyadic value;
  bool infinite = false;
};

inline ThresholdProduct threshold_product(uint16_t v, uint16_t rec, ProductMode mode) {
  ThresholdProduct p;
  if (v >= kBf16Inf) {
    p.infinite = true;
    return p;
  }
  const Dyadic a = bf16_to_dyadic(v), b = bf16_to_dyadic(rec);
  p.value = {a.sig * b.sig, a.exp + b.exp};
  if (mode == ProductMode::Bf16) {
    const uint16_t r = round_to_bf16(p.value);
    if (r >= kBf16Inf) {
      p.infinite = true;
      return p;
    }
    p.value = bf16_to_dyadic(r);
  }
  return p;
}

// Compare a dyadic value (sig < 2^32) with 2^k: -1 below, 0 equal, +1 above.
// value vs 2^k  <=>  sig vs 2^(k - exp).
inline int compare_pow2(Dyadic v, int k) {
  const int t = k - v.exp;
  if (v.sig == 0) return -1;
  if (t < 0) return 1;
  if (t >= 40) return -1;
  const uint64_t bound = uint64_t{1} << t;
  return v.sig < bound ? -1 : (v.sig == bound ? 0 : 1);
}

inline int compare_pow2(const ThresholdProduct& p, int k) {
  return p.infinite ? 1 : compare_pow2(p.value, k);
}

// E1_8[g] = V8[g]*REC >= 4;  E1_16[j] = V16[j]*REC*2^-E1_8[j/2] >= 2, i.e. >= 2^(1+E1_8).
inline bool e1_8_decision(uint16_t v8, uint16_t rec, ProductMode mode) {
  return compare_pow2(threshold_product(v8, rec, mode), 2) >= 0;
}
inline bool e1_16_decision(uint16_t v16, uint16_t rec, bool e1_8, ProductMode mode) {
  return compare_pow2(threshold_product(v16, rec, mode), 1 + (e1_8 ? 1 : 0)) >= 0;
}

// ---- Stochastic rounding bits ----------------------------------------------------------
//
// The random bits of lane `lane` in block `block` are a pure function of (sr-seed, block,
// lane), built from one 32-bit integer hash so that RTL, SystemC and CUDA reproduce them:
//   mix32(x):  x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16
//   key      = mix32(seed_lo ^ mix32(seed_hi ^ mix32(block_lo ^ mix32(block_hi ^ 0x48694634))))
//   bits     = mix32(key ^ (lane + 1) * 0x9E3779B9) >> 16          (16 bits, lane 0..63)
// (all arithmetic modulo 2^32; _lo/_hi are the low and high 32-bit halves of 64-bit values).

constexpr uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

constexpr uint32_t sr_block_key(uint64_t seed, uint64_t block) {
  uint32_t h = mix32(static_cast<uint32_t>(block >> 32) ^ 0x48694634u);
  h = mix32(static_cast<uint32_t>(block) ^ h);
  h = mix32(static_cast<uint32_t>(seed >> 32) ^ h);
  return mix32(static_cast<uint32_t>(seed) ^ h);
}

constexpr uint32_t sr_lane_bits(uint32_t key, unsigned lane) {
  return mix32(key ^ ((lane + 1u) * 0x9E3779B9u)) >> (32 - kSrBits);
}

constexpr uint32_t sr_bits(uint64_t seed, uint64_t block, unsigned lane) {
  return sr_lane_bits(sr_block_key(seed, block), lane);
}

// ---- S1P2 encoder ----------------------------------------------------------------------

struct LaneEncoding {
  uint8_t code = 0;
  Dyadic scaled;           // |s| = |x| * REC * 2^-(E1_8+E1_16), exact (payload-product applied)
  bool infinite = false;   // x is +-Inf (saturate-inf)
  bool saturated = false;  // |s| > 1.75: clamped to the largest magnitude
  uint8_t quarters_truncated = 0;  // floor(4|s|), clamped to 7
  Rounded rounding;        // the rounding of 4|s| to whole quarters (before the clamp to 7)
  uint32_t random = 0;     // stochastic bits used
};

// What the S1P2 encoder needs from the block: REC split once into significand and exponent.
struct LaneScale {
  uint32_t rec_sig;  // 128..255 (REC is always a normal BF16)
  int shift_base;    // 266 - REC's exponent field; see encode_s1p2_as
};

inline LaneScale lane_scale(uint16_t rec) {
  return {128u | (rec & 0x7Fu), 266 - static_cast<int>(rec >> 7)};
}

// One lane: x (BF16 bits) -> S1P2 code, under payload rounding kMode and payload product
// kProduct. `e1_shift` = E1_8[i/8] + E1_16[i/4]; `random` is read only by Stochastic.
// With a non-null `trace` the same computation also records its intermediate values.
//
// With x = sigX * 2^(max(E,1) - 134) (E = exponent field) and REC = sigR * 2^(Er - 134):
//   4|s| = sigX * sigR * 2^(max(E,1) + Er - 266 - e1) = p / 2^sh,
//   sh = (266 - Er) + e1 - max(E,1) = shift_base + e1 - max(E,1).
// p < 2^16, so sh >= 48 means 4|s| < 2^-32: every mode gives 0 there, which lets sh be
// clamped to 48 without changing any result (and keeps the shift inside 64 bits).
template <Rounding kMode, ProductMode kProduct>
inline uint8_t encode_s1p2_as(uint16_t x, LaneScale ls, unsigned e1_shift, NegativeZero nz,
                              uint32_t random, LaneEncoding* trace = nullptr) {
  const uint16_t mag = x & kBf16MagnitudeMask;
  const bool negative = (x >> 15) & (mag != 0);
  uint64_t q;
  if (mag >= kBf16Inf) {  // +-Inf: only reached under saturate-inf (NaN blocks never get here)
    q = kS1P2MaxMagnitude;
    if (trace) {
      *trace = {};
      trace->infinite = trace->saturated = true;
      trace->quarters_truncated = kS1P2MaxMagnitude;
    }
  } else {
    const unsigned e = mag >> 7;
    const unsigned e_eff = e ? e : 1;
    uint64_t p = (e ? 128u : 0u) | (mag & 0x7Fu);
    p *= ls.rec_sig;
    int sh = ls.shift_base + static_cast<int>(e1_shift) - static_cast<int>(e_eff);
    if (kProduct == ProductMode::Bf16 && p != 0) {
      // BF16_RNE(|x| * REC): keep 8 significant bits, or fewer where the product is a BF16
      // subnormal (its quantum is 2^-133; the product's unit is 2^(e_eff + Er - 268)).
      const int unit_exp = static_cast<int>(e_eff) + (266 - ls.shift_base) - 268;
      int drop = msb_index(p) - 7;
      if (unit_exp + drop < -133) drop = -133 - unit_exp;
      if (drop > 0) {
        p = round_shift_right_as<Rounding::NearestEven>(p, static_cast<unsigned>(drop)).value;
        sh -= drop;  // p now counts units of 2^drop
      }
    }
    Rounded r;
    if (sh <= 0) {
      // 4|s| = p * 2^-sh is an integer, and a nonzero p here is at least 128 (sigR >= 128),
      // so the lane saturates. Only reached where the scale saturated (Inf, huge blocks).
      r.value = p == 0 ? 0 : kS1P2MaxMagnitude + 1;
    } else {
      r = round_shift_right_as<kMode>(p, static_cast<unsigned>(sh), random);
    }
    q = r.value < kS1P2MaxMagnitude ? r.value : kS1P2MaxMagnitude;
    if (trace) {
      *trace = {};
      trace->scaled = {p, -sh - 2};
      const uint64_t trunc = sh <= 0 ? r.value : (sh >= 64 ? 0 : p >> sh);  // floor(4|s|)
      trace->quarters_truncated =
          static_cast<uint8_t>(trunc < kS1P2MaxMagnitude ? trunc : kS1P2MaxMagnitude);
      // |s| > 1.75 exactly: 4|s| > 7.
      trace->saturated = trunc > kS1P2MaxMagnitude || (trunc == kS1P2MaxMagnitude && r.inexact);
      trace->rounding = r;
      trace->random = kMode == Rounding::Stochastic ? random : 0;
    }
  }
  // Bitwise, not branches: the sign of random data is unpredictable. A negative x keeps its
  // sign unless it rounds to 0 under plus-zero; under sign-bit -0.0 is signed too.
  const unsigned sign_bit = x >> 15;
  const unsigned sign = (static_cast<unsigned>(negative) &
                         (static_cast<unsigned>(q != 0) | static_cast<unsigned>(nz != NegativeZero::PlusZero))) |
                        (sign_bit & static_cast<unsigned>(nz == NegativeZero::SignBit));
  const uint8_t code = static_cast<uint8_t>((sign << 3) | q);
  if (trace) trace->code = code;
  return code;
}

// ---- Payload-mode dispatch -------------------------------------------------------------

// The payload knobs as compile-time values: the lane loops are instantiated once per
// (payload rounding, payload product), so no lane pays for a run-time choice.
template <Rounding kMode, ProductMode kProduct>
struct PayloadMode {
  static constexpr Rounding rounding = kMode;
  static constexpr ProductMode product = kProduct;
};

namespace detail {
template <Rounding kMode, typename Fn>
decltype(auto) with_payload_product(ProductMode product, Fn&& fn) {
  return product == ProductMode::Bf16 ? fn(PayloadMode<kMode, ProductMode::Bf16>{})
                                      : fn(PayloadMode<kMode, ProductMode::Exact>{});
}
}  // namespace detail

// The one run-time -> compile-time switch over the payload knobs: calls fn(PayloadMode<R, P>{})
// for the configured rounding R and product P and returns what it returns. fn is typically a
// generic lambda, `[&](auto mode) { ... encode_s1p2_as<mode.rounding, mode.product>(...) ... }`.
template <typename Fn>
decltype(auto) with_payload_mode(PayloadRounding rounding, ProductMode product, Fn&& fn) {
  switch (rounding) {
    case PayloadRounding::NearestAway:
      return detail::with_payload_product<Rounding::NearestAway>(product, fn);
    case PayloadRounding::NearestEven:
      return detail::with_payload_product<Rounding::NearestEven>(product, fn);
    case PayloadRounding::TowardZero:
      return detail::with_payload_product<Rounding::TowardZero>(product, fn);
    case PayloadRounding::Stochastic:
      break;
  }
  // Stochastic (every value of the knob table is handled above).
  return detail::with_payload_product<Rounding::Stochastic>(product, fn);
}

template <typename Fn>
decltype(auto) with_payload_mode(const Config& cfg, Fn&& fn) {
  return with_payload_mode(cfg.payload_rounding, cfg.payload_product, std::forward<Fn>(fn));
}

// One lane under the configured payload knobs, with its trace (tests, tools); hot loops
// dispatch once per block and call encode_s1p2_as.
inline LaneEncoding encode_s1p2(uint16_t x, uint16_t rec, unsigned e1_shift, const Config& cfg,
                                uint32_t random) {
  LaneEncoding t;
  const LaneScale ls = lane_scale(rec);
  with_payload_mode(cfg, [&](auto mode) {
    encode_s1p2_as<mode.rounding, mode.product>(x, ls, e1_shift, cfg.negative_zero, random, &t);
  });
  return t;
}

}  // namespace hif4
