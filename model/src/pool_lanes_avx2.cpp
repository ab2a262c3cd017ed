// AVX2 form of the random suite's lane maker (pool_lanes.h): the common case, every lane
// normal after scaling. Compiled with -mavx2 (model/simd.cmake); suites.cpp calls it only when
// active_simd_path() is AVX2, so HIF4_SIMD=scalar runs the definition in suites.cpp instead.
//
// Register v holds lanes 16v..16v+15, groups 4v..4v+3 (64-bit element e = group 4v + e, its u16
// lane j = lane j of that group), whose 32-bit fields are the halves of words 2v and 2v+1. The
// words are drawn here and moved into the register from general registers: written to memory
// and loaded back as 256 bits they would wait on a failed store-to-load forward every block.
// The magnitudes are one unaligned 64-bit load per group (its window of 4 pool entries,
// already in lane order).
#include <immintrin.h>

#include <cstring>

#include "hif4/rng.h"
#include "pool_lanes.h"

namespace hif4::suite_detail {

namespace {

inline __m256i u64x4(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  return _mm256_set_epi64x(static_cast<long long>(d), static_cast<long long>(c), static_cast<long long>(b),
                           static_cast<long long>(a));
}

inline uint64_t window_of(const uint16_t* magnitudes, uint32_t g) {
  uint64_t m;
  std::memcpy(&m, magnitudes + pool_window_start(g), sizeof m);  // little-endian: entry s in bits 0-15
  return m;
}

// Every u16 lane of a 64-bit element gets bits 16-31 of its group field: the 4 sign bits (bits
// 0-3) and the 12 extra bits (bits 4-15, 3 per lane).
inline __m256i spread_bits16_31(__m256i words) {
  const __m256i pick = _mm256_setr_epi8(2, 3, 2, 3, 2, 3, 2, 3, 10, 11, 10, 11, 10, 11, 10, 11,
                                        2, 3, 2, 3, 2, 3, 2, 3, 10, 11, 10, 11, 10, 11, 10, 11);
  return _mm256_shuffle_epi8(words, pick);
}

// Lane j of each group of 4 takes 3 bits starting at bit 3j of x (x < 2^12 in every lane):
// a multiply by 2^(9 - 3j) moves them to bits 9-11 (what moves past bit 15 is dropped), the
// caller shifts them down. Returns x * 2^(9 - 3j) modulo 2^16.
inline __m256i place_lane_bits(__m256i x) {
  const __m256i place = _mm256_setr_epi16(512, 64, 8, 1, 512, 64, 8, 1, 512, 64, 8, 1, 512, 64, 8, 1);
  return _mm256_mullo_epi16(x, place);
}

}  // namespace

void pool_lanes_normal_avx2(const PoolLanesJob& job, uint16_t out[64]) {
  const __m256i k128 = _mm256_set1_epi16(static_cast<short>(job.k * 128));
  const __m256i sign_bit = _mm256_set1_epi16(static_cast<short>(0x8000));
  const __m256i three_bits = _mm256_set1_epi16(7);
  // Lane j's sign is bit j of its bits 16-31: shift it to bit 15 by multiplying by 2^(15 - j).
  const __m256i sign_place = _mm256_setr_epi16(static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000);
  uint64_t state[4] = {job.rng_state[0], job.rng_state[1], job.rng_state[2], job.rng_state[3]};  // a copy
  for (unsigned v = 0; v < 4; ++v) {
    const uint64_t a = Rng::step(state), b = Rng::step(state);
    const uint32_t g0 = static_cast<uint32_t>(a), g1 = static_cast<uint32_t>(a >> 32);
    const uint32_t g2 = static_cast<uint32_t>(b), g3 = static_cast<uint32_t>(b >> 32);
    const __m256i mag = u64x4(window_of(job.magnitudes, g0), window_of(job.magnitudes, g1),
                              window_of(job.magnitudes, g2), window_of(job.magnitudes, g3));
    // Fields g0..g3 zero-extended to the four 64-bit elements.
    const __m256i fields = _mm256_cvtepu32_epi64(_mm_set_epi64x(static_cast<long long>(b), static_cast<long long>(a)));
    const __m256i bits = spread_bits16_31(fields);
    const __m256i sign = _mm256_and_si256(_mm256_mullo_epi16(bits, sign_place), sign_bit);
    const __m256i extra_placed = place_lane_bits(_mm256_srli_epi16(bits, 4));  // extra at bits 9-11
    __m256i exponent_add = k128;  // (k + shift) * 128, as u16 arithmetic modulo 2^16
    if (job.shift == LaneShift::Groups) {
      // Register v holds groups 4v..4v+3: their 12 bits of group_bits go to every lane.
      const __m256i groups = _mm256_set1_epi16(static_cast<short>((job.group_bits >> (12 * v)) & 0xFFF));
      const __m256i group_of_lane = _mm256_setr_epi16(512, 512, 512, 512, 64, 64, 64, 64, 8, 8, 8, 8, 1, 1, 1, 1);
      const __m256i shift = _mm256_and_si256(_mm256_srli_epi16(_mm256_mullo_epi16(groups, group_of_lane), 9), three_bits);
      exponent_add = _mm256_sub_epi16(k128, _mm256_slli_epi16(shift, 7));
    } else if (job.shift == LaneShift::Lanes) {  // 2 * extra * 128 = extra << 8
      const __m256i extra = _mm256_and_si256(_mm256_srli_epi16(extra_placed, 9), three_bits);
      exponent_add = _mm256_sub_epi16(k128, _mm256_slli_epi16(extra, 8));
    }
    __m256i lanes = _mm256_or_si256(_mm256_add_epi16(mag, exponent_add), sign);
    if (job.sparse) {  // extra >= 4 (bit 11 of extra_placed) keeps the lane, else only its sign
      const __m256i keep = _mm256_or_si256(sign_bit, _mm256_srai_epi16(_mm256_slli_epi16(extra_placed, 4), 15));
      lanes = _mm256_and_si256(lanes, keep);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * v), lanes);
  }
}

}  // namespace hif4::suite_detail
