// Human-readable rendering of a stage trace (`hif4 explain`, mismatch reports).
#pragma once
#include <cstdint>
#include <string>

#include "hif4/block.h"

namespace hif4 {

// "0x" and `digits` upper-case hexadecimal digits (more when v needs them): 0x0FC1.
std::string hex(uint64_t v, int digits);
// The exact decimal expansion of a dyadic number (every digit; no rounding).
std::string exact_decimal(Dyadic v, bool negative = false);
// A BF16 value as "decimal (0xBITS)".
std::string bf16_text(uint16_t bits);
// 4|s| as a binary fixed-point number: integer part, up to 20 fraction bits, "..." if more.
std::string quarters_binary(Dyadic scaled);
// An E6M2 code as "0xC1 = 1.25 * 2^0" (or NaN).
std::string e6m2_text(uint8_t code);
// A S1P2 code as "0x6 (+1.5)".
std::string s1p2_text(uint8_t code);
// One lane's rounding decision in words ("tie, rounded up", "saturated", "exact", ...).
std::string lane_decision_text(const LaneEncoding& lane);
// The whole trace of one block under a config.
std::string format_trace(const BlockTrace& trace, const Config& cfg);

}  // namespace hif4
