// The random suite's lane maker: its definition, pool_lanes in suites.cpp, and its AVX2 form
// (pool_lanes_avx2.cpp).
//
// A block's 64 lanes come from the next 8 words of the record's RNG, a 32-bit field per group
// of 4 lanes (rng.h: pool_window_start, lane_sign, lane_extra). The AVX2 kernel computes the
// same lanes; tests/vectors proves the two equal on every shape and both magnitude ranges.
#pragma once
#include <cstdint>

namespace hif4::suite_detail {

// How each lane's exponent offset (0 or negative) is chosen.
enum class LaneShift : uint8_t {
  None,    // every lane at 2^k
  Groups,  // lane i at 2^(k - ((group_bits >> 3 * (i / 4)) & 7)): each group of 4 its own
  Lanes,   // lane 4g + j at 2^(k - 2 * lane_extra(field of group g, j)): each lane its own
};

// What lane 4g + j (extra: its 3 extra bits) subtracts from the block's power of two, and the
// most any lane subtracts under a kind of shift.
constexpr int lane_shift_of(LaneShift shift, uint64_t group_bits, unsigned group, unsigned extra) {
  return shift == LaneShift::Groups ? static_cast<int>((group_bits >> (3 * group)) & 7)
                                    : (shift == LaneShift::Lanes ? 2 * static_cast<int>(extra) : 0);
}
constexpr int max_lane_shift(LaneShift shift) {
  return shift == LaneShift::Groups ? 7 : (shift == LaneShift::Lanes ? 14 : 0);
}

struct PoolLanesJob {
  const uint16_t* magnitudes;  // the pool, with its 3 padding entries after the last
  // The record's xoshiro256** state: the kernel draws the 8 words from a copy and leaves this
  // state as it was (writing it back costs a failed store-to-load forward per block), so the
  // caller must draw nothing after the lanes.
  const uint64_t* rng_state;
  int k;
  LaneShift shift;
  uint64_t group_bits;  // LaneShift::Groups
  bool sparse;          // lanes whose extra bits are below 4 keep only their sign (+0 or -0)
  bool all_normal;      // every lane stays normal after scaling: the scaling is an exponent add
};

// out[4g + j] = (scale_pool_value(window_g[j], k - shift) | sign) & keep, as pool_lanes in
// suites.cpp. Call only where AVX2 is available.
void pool_lanes_avx2(const PoolLanesJob& job, uint16_t out[64]);

}  // namespace hif4::suite_detail
