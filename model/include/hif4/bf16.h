// BF16 bit-pattern helpers and the one integer rounding core of the model.
//
// Every value in the quantize path is held as an exact dyadic number sig * 2^exp with an
// unsigned integer significand. Rounding is done by round_shift_right(), the single place
// where a rounding rule is applied (as SoftFloat's s_roundPackTo*), so the BF16 roundings,
// the E6M2 scale rounding and the S1P2 payload rounding cannot drift apart.
#pragma once
#include <cstdint>

#include "hif4/format.h"

namespace hif4 {

// An exact non-negative dyadic number: sig * 2^exp.
struct Dyadic {
  uint64_t sig = 0;
  int exp = 0;
};

// Rounding rules understood by the core. Up is toward +infinity; the core rounds magnitudes,
// so Up only makes sense for non-negative quantities (the E6M2 scale is never negative).
enum class Rounding : uint8_t { NearestAway, NearestEven, TowardZero, Up, Stochastic };

struct Rounded {
  uint64_t value = 0;    // the rounded integer (sig >> shift, possibly +1)
  bool inexact = false;  // discarded bits were not all zero
  bool tie = false;      // discarded bits were exactly one half
  bool up = false;       // the result was incremented
};

// Round sig / 2^shift to an integer under kMode. Precondition: sig < 2^32 (every caller
// rounds a product of two 8-bit significands at most); then a shift beyond 48 discards
// everything below one half and below 2^-16, so it is clamped to 48 without changing any
// result, and every form below stays inside 64 bits. Each rule is one closed form, the way a hardware rounder adds an increment before
// truncating:
//   NearestAway  (sig + half) >> shift
//   NearestEven  (sig + half - 1 + lsb) >> shift      lsb = bit `shift` of sig
//   TowardZero   sig >> shift
//   Up           (sig + 2^shift - 1) >> shift
//   Stochastic   (((sig << 16) >> shift) + random) >> 16
// Stochastic: `random` holds kSrBits uniform bits; the discarded fraction truncated to 16 bits
// plus the random bits carries into the result with probability floor(f * 2^16) / 2^16.
// The mode is a template parameter so hot loops instantiate one rule with no per-value
// switch; round_shift_right() below picks it at run time. inexact / tie / up describe the
// decision for traces and coverage.
template <Rounding kMode>
constexpr Rounded round_shift_right_as(uint64_t sig, unsigned shift, uint32_t random = 0) {
  Rounded r;
  if (shift == 0) {
    r.value = sig;
    return r;
  }
  if (shift > 48) shift = 48;
  const uint64_t one = uint64_t{1} << shift;
  const uint64_t half = one >> 1;
  const uint64_t kept = sig >> shift;
  switch (kMode) {
    case Rounding::NearestAway: r.value = (sig + half) >> shift; break;
    case Rounding::NearestEven: r.value = (sig + half - 1 + (kept & 1)) >> shift; break;
    case Rounding::TowardZero: r.value = kept; break;
    case Rounding::Up: r.value = (sig + one - 1) >> shift; break;
    case Rounding::Stochastic:
      r.value = (((sig << kSrBits) >> shift) + (random & ((1u << kSrBits) - 1))) >> kSrBits;
      break;
  }
  const uint64_t rest = sig & (one - 1);
  r.inexact = rest != 0;
  r.tie = rest == half;
  r.up = r.value != kept;
  return r;
}

constexpr Rounded round_shift_right(uint64_t sig, unsigned shift, Rounding mode,
                                    uint32_t random = 0) {
  switch (mode) {
    case Rounding::NearestAway: return round_shift_right_as<Rounding::NearestAway>(sig, shift);
    case Rounding::NearestEven: return round_shift_right_as<Rounding::NearestEven>(sig, shift);
    case Rounding::TowardZero: return round_shift_right_as<Rounding::TowardZero>(sig, shift);
    case Rounding::Up: return round_shift_right_as<Rounding::Up>(sig, shift);
    case Rounding::Stochastic:
      return round_shift_right_as<Rounding::Stochastic>(sig, shift, random);
  }
  return {};
}

// Index of the most significant set bit (sig != 0).
constexpr int msb_index(uint64_t sig) { return 63 - __builtin_clzll(sig); }

// BF16 fields.
constexpr bool bf16_is_nan(uint16_t b) { return (b & kBf16MagnitudeMask) > kBf16Inf; }
constexpr bool bf16_is_inf(uint16_t b) { return (b & kBf16MagnitudeMask) == kBf16Inf; }
constexpr bool bf16_is_finite(uint16_t b) { return (b & kBf16MagnitudeMask) < kBf16Inf; }
constexpr bool bf16_sign(uint16_t b) { return (b & kBf16SignMask) != 0; }

// The magnitude of a finite BF16 as sig * 2^exp with sig < 256:
// normal (E, M): (128 + M) * 2^(E - 134); subnormal (0, M): M * 2^-133.
constexpr Dyadic bf16_to_dyadic(uint16_t b) {
  const unsigned e = (b >> 7) & 0xFF;
  const unsigned m = b & 0x7F;
  Dyadic d;
  d.sig = e ? 128u + m : m;
  d.exp = (e ? static_cast<int>(e) : 1) - 134;
  return d;
}

// Round a non-negative dyadic number to BF16, ties to even (IEEE RNE), with BF16 subnormals
// and overflow to +Inf. The result is a positive BF16 bit pattern. Any 64-bit significand.
constexpr uint16_t round_to_bf16(Dyadic v) {
  if (v.sig == 0) return 0;
  if (v.sig >> 32) {
    // Wider than the rounding core takes: drop low bits into a sticky bit first. 24 bits
    // remain, more than the 8 kept plus the round bit, so the result is unchanged.
    const int drop = msb_index(v.sig) - 23;
    const bool sticky = (v.sig & ((uint64_t{1} << drop) - 1)) != 0;
    v.sig = (v.sig >> drop) | (sticky ? 1 : 0);
    v.exp += drop;
  }
  const int n = msb_index(v.sig);
  // Keep 8 significant bits, but never go below the subnormal quantum 2^-133.
  int shift = n - 7;
  if (v.exp + shift < -133) shift = -133 - v.exp;
  uint64_t m = 0;
  int e = 0;  // exponent of the unit of m
  if (shift <= 0) {
    m = v.sig << -shift;
    e = v.exp + shift;
  } else {
    m = round_shift_right(v.sig, static_cast<unsigned>(shift), Rounding::NearestEven).value;
    e = v.exp + shift;
  }
  // m * 2^e with m < 256 (or m == 256 after a carry). For a normal result m >= 128 and the
  // exponent field is e + 134; a subnormal result has e == -133 (field 1, minus the hidden
  // bit). (field << 7) + m - 128 covers both, and a carry to m == 256 bumps the field.
  const int64_t bits = (static_cast<int64_t>(e) + 134) * 128 + static_cast<int64_t>(m) - 128;
  if (bits >= kBf16Inf) return kBf16Inf;
  return static_cast<uint16_t>(bits);
}

// FP32 bit pattern to BF16, round to nearest even; NaN stays NaN (quieted), as torch does.
constexpr uint16_t f32_bits_to_bf16(uint32_t f) {
  if ((f & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((f >> 16) | 0x0040u);
  const uint32_t lsb = (f >> 16) & 1u;
  return static_cast<uint16_t>((f + 0x7FFFu + lsb) >> 16);
}

// An exactly representable dyadic (sig small enough) to FP32 bits; used by the decoders.
uint32_t dyadic_to_f32_bits(bool negative, Dyadic v);

}  // namespace hif4
