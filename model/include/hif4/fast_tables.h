// Lookup tables that let the block quantizer skip per-lane arithmetic. They are DERIVED from
// the stage functions of stages.h (never written by hand): each entry is what the stage
// function itself returns, so the stage functions stay the only definition of every rule.
// tests/model/test_stages.cpp checks the tables against the stage functions for every BF16
// input, every E6M2 code, every E1 shift and every knob ("E1 decisions: ...", "payload
// windows equal encode_s1p2 ..."); tests/model/test_conformance.cpp checks the whole table
// path against the traced stage functions.
#pragma once
#include <cstdint>

#include "hif4/stages.h"

namespace hif4 {

// E1 decisions against a fixed REC are monotonic in the BF16 magnitude V (V*REC, and its BF16
// rounding, never decrease as V grows), so each is a threshold on V's 15-bit pattern:
//   V*REC >= 2  <=>  (V & 0x7FFF) >= ge2;   V*REC >= 4  <=>  (V & 0x7FFF) >= ge4.
struct E1Thresholds {
  uint16_t ge2;
  uint16_t ge4;
};
const E1Thresholds& e1_thresholds(uint8_t e6m2_code, ProductMode mode);
// All 255 entries of one mode, indexed by E6M2 code: for a caller that looks up many blocks.
const E1Thresholds* e1_threshold_table(ProductMode mode);

// Where V*REC, as the E1 decisions compare it, is exactly 2 or 4 or infinite: thresholds on
// V's 15-bit pattern as well (the product never decreases as V grows; an exact product is
// exactly 2^k for at most one V, a BF16-rounded one for a run of V):
//   V*REC == 2  <=>  ge2 <= V < gt2;   V*REC == 4  <=>  ge4 <= V < gt4;   infinite  <=>  V >= inf.
// Coverage's E1 bins (check/) read them instead of forming the products.
struct E1Bounds {
  uint16_t gt2;
  uint16_t gt4;
  uint16_t inf;
};
const E1Bounds& e1_bounds(uint8_t e6m2_code, ProductMode mode);
const E1Bounds* e1_bounds_table(ProductMode mode);

// The S1P2 code of a lane as a function of x's 15-bit magnitude, for one REC mantissa (E6M2
// code & 3), one negative-zero policy, and the code's sign bit still to be masked in.
//
// 4|s| = p / 2^d with p = sig(x) * sig(REC) < 2^16 and d = shift_base + e1 - E (E = x's
// exponent field). At d >= 19, 4|s| < 1/8 and every nearest or toward-zero rounding gives 0;
// at d <= 4, 4|s| >= 128 / 16 = 8 and the lane saturates. In between, d and the 7 mantissa
// bits are exactly the low 11 bits of (magnitude - window_start), so one 2048-entry window
// per REC mantissa covers every case:
//   index = clamp(magnitude - (shift_base + e1 - 19) * 128, 0, 2047)
//   code  = window[index] & (x > 0x8000 ? 0xF : 0x7)   (x >= 0x8000 under negative-zero=sign-bit)
// Below the window (including zero, subnormals) the entry 0 is 0; above it (including Inf)
// the entry 2047 is 7 with its sign bit. Not for stochastic rounding (which also depends on
// the random bits) nor Up. Entries are the values of encode_s1p2 itself.
constexpr int kPayloadWindowTopShift = 19;
constexpr unsigned kPayloadWindow = 2048;
constexpr unsigned kNegativeZeroValues = 3;  // the values of the negative-zero knob
struct PayloadWindow {
  uint8_t code[4][kNegativeZeroValues][kPayloadWindow];  // [REC mantissa][negative-zero][index]
};
const PayloadWindow& payload_window(Rounding mode, ProductMode product);

// Where a lane's window starts, for a block's REC and the lane's E1 shift.
inline int payload_window_start(const LaneScale& ls, unsigned e1_shift) {
  return (ls.shift_base + static_cast<int>(e1_shift) - kPayloadWindowTopShift) * 128;
}

// A lane's index into its window: x's magnitude - start, clamped to the window.
inline uint16_t payload_window_index(int start, uint16_t x) {
  int idx = static_cast<int>(x & kBf16MagnitudeMask) - start;
  idx = idx < 0 ? 0 : (idx > static_cast<int>(kPayloadWindow) - 1 ? kPayloadWindow - 1 : idx);
  return static_cast<uint16_t>(idx);
}

// What masks a window entry to the lane's code: 0xF for negative nonzero x (its sign bit
// survives), 0x7 otherwise; under negative-zero=sign-bit (`sign_bit`) 0xF for -0.0 too. Bit 16
// of x + 0x7FFF (+ 1 under sign-bit) is set exactly when x > 0x8000 (x >= 0x8000); written as
// arithmetic, not a comparison, so that no compiler turns it into a branch on the sign.
inline uint8_t payload_window_sign_mask(uint16_t x, bool sign_bit) {
  return static_cast<uint8_t>(7u | (((unsigned{x} + 0x7FFFu + unsigned{sign_bit}) >> 13) & 8u));
}

// One lane through its window: `window` = payload_window(...).code[E6M2 & 3][negative-zero].
inline uint8_t encode_s1p2_window(const uint8_t* window, int start, uint16_t x, bool sign_bit) {
  return static_cast<uint8_t>(window[payload_window_index(start, x)] &
                              payload_window_sign_mask(x, sign_bit));
}

// ---- What the payload rounding did, per window entry (coverage of the packed path) ---------
//
// The events of one lane's rounding, as bit flags: what `hif4 coverage`'s payload bins count.
enum PayloadEvent : uint8_t {
  kPayloadEventExact = 1u << 0,        // a nonzero |s| exactly on a quarter
  kPayloadEventInexactUp = 1u << 1,    // rounded up, not a tie
  kPayloadEventInexactDown = 1u << 2,  // rounded down, not a tie
  kPayloadEventTieUp = 1u << 3,        // exactly halfway, rounded up
  kPayloadEventTieDown = 1u << 4,      // exactly halfway, rounded down
  kPayloadEventSaturated = 1u << 5,    // a finite |s| above 1.75, clamped
  kPayloadEventExactly175 = 1u << 6,   // |s| exactly 1.75
  kPayloadEventProductChanged = 1u << 7,  // payload-product=bf16 gave another code than the exact product
};

// The events of one traced lane (encode_s1p2's LaneEncoding); product-changed needs a second
// encoding and is the caller's. An Inf lane (saturate-inf) and a zero product round nothing.
inline uint8_t payload_lane_events(const LaneEncoding& l) {
  if (l.infinite) return 0;
  if (l.saturated) return kPayloadEventSaturated;
  if (l.scaled.sig == 0) return 0;
  const Rounded& r = l.rounding;
  if (!r.inexact)
    return static_cast<uint8_t>(kPayloadEventExact |
                                (r.value == kS1P2MaxMagnitude ? kPayloadEventExactly175 : 0));
  if (r.tie) return r.up ? kPayloadEventTieUp : kPayloadEventTieDown;
  return r.up ? kPayloadEventInexactUp : kPayloadEventInexactDown;
}

// payload_lane_events of every payload-window entry (with product-changed: the entry's code
// differs from the code under payload-product=exact), filled from encode_s1p2 like the code
// windows, and one entry more, kPayloadNoEvents, for the lanes that round nothing. Lanes outside
// the window: a lane below it has 0 < 4|s| < 1/8, which rounds down inexactly in every mode the
// windows serve, as entry 0 (4|s| in [1/32, 1/8)) does, unless its product x*REC is zero (a
// zero lane, or a BF16-rounded product below the smallest subnormal): those round nothing. A
// finite lane above the window saturates, as entry 2047 does; an Inf lane rounds nothing. So
//   events = events[E6M2 & 3][rounds ? payload_window_index(start, x) : kPayloadNoEvents]
//   rounds = nonzero_from[E6M2] <= |x| < Inf
// tests/check/test_coverage_fast.cpp checks this against the traced stage function for every
// BF16 x every E6M2 code x every E1 shift.
constexpr unsigned kPayloadNoEvents = kPayloadWindow;
struct PayloadEventWindow {
  uint8_t events[4][kPayloadWindow + 1];  // [REC mantissa][index or kPayloadNoEvents]
  uint16_t nonzero_from[255];             // [E6M2 code]: the smallest |x| whose product is nonzero
};
const PayloadEventWindow& payload_event_window(Rounding mode, ProductMode product);

// Whether lane x rounds at all, and its events.
inline bool payload_window_rounds(const PayloadEventWindow& w, uint8_t e6m2_code, uint16_t x) {
  const uint16_t mag = x & kBf16MagnitudeMask;
  return (mag >= w.nonzero_from[e6m2_code]) & (mag < kBf16Inf);
}
inline uint8_t payload_window_events(const PayloadEventWindow& w, uint8_t e6m2_code, int start,
                                     uint16_t x) {
  return w.events[e6m2_code & 3][payload_window_rounds(w, e6m2_code, x) ? payload_window_index(start, x)
                                                                         : kPayloadNoEvents];
}

}  // namespace hif4
