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

}  // namespace hif4
