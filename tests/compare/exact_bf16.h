// The BF16 bits of a value that BF16 holds exactly (the tests' hand-computed inputs); a value
// it does not hold fails the test that asked for it.
#pragma once
#include <catch2/catch.hpp>

#include <cstdint>

#include "hif4/block.h"

namespace hif4::test {

inline uint16_t exact_bf16(double x) {
  const float f = static_cast<float>(x);
  const uint32_t bits = float_to_bits(f);
  REQUIRE((bits & 0xFFFFu) == 0);
  REQUIRE(static_cast<double>(f) == x);
  return static_cast<uint16_t>(bits >> 16);
}

}  // namespace hif4::test
