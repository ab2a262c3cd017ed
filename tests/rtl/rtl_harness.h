// What the Verilated test benches share: bit access to Verilator's wide ports; random blocks
// from hif4::CornerBlocks and draws from hif4::Rng (vectors/); and the tests' mismatch
// reporter (tests/support/mismatches.h), which prints the first few mismatches and makes the
// program fail.
#pragma once
#include <cstdint>

#include "hif4/corner_blocks.h"
#include "hif4/format.h"
#include "hif4/rng.h"
#include "mismatches.h"

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

using test::Mismatches;

}  // namespace hif4::rtl_test
