// AVX2 form of the random suite's lane maker (pool_lanes.h). Compiled with -mavx2
// (vectors/CMakeLists.txt); suites.cpp calls it only when active_simd_path() is AVX2, so
// HIF4_SIMD=scalar runs the definition in suites.cpp instead.
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

// scale_pool_value (suites.cpp) on 16 lanes: mag (a positive normal BF16) times 2^e, e a signed
// 16-bit lane, rounded to nearest even into the subnormal range and clamped to 0x7F7F above.
// The subnormal significand shift (1..10 bits) varies by lane, so that part is done in 32-bit
// lanes (AVX2 shifts 16-bit lanes only by one count for all).
inline __m256i scale_any(__m256i mag, __m256i e) {
  const __m256i field = _mm256_add_epi16(_mm256_srli_epi16(mag, 7), e);  // the result's exponent field
  const __m256i normal = _mm256_add_epi16(mag, _mm256_slli_epi16(e, 7));
  const __m256i overflows = _mm256_cmpgt_epi16(field, _mm256_set1_epi16(254));
  const __m256i stays_normal = _mm256_cmpgt_epi16(field, _mm256_setzero_si256());
  const __m256i shift = _mm256_min_epi16(_mm256_max_epi16(_mm256_sub_epi16(_mm256_set1_epi16(1), field), _mm256_set1_epi16(1)),
                                         _mm256_set1_epi16(10));
  const __m256i sig = _mm256_or_si256(_mm256_and_si256(mag, _mm256_set1_epi16(0x7F)), _mm256_set1_epi16(0x80));
  auto round_half = [](__m128i sig16, __m128i shift16) {  // (sig + 2^(sh-1) - 1 + lsb) >> sh, 8 lanes
    const __m256i s = _mm256_cvtepu16_epi32(sig16), sh = _mm256_cvtepu16_epi32(shift16);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i lsb = _mm256_and_si256(_mm256_srlv_epi32(s, sh), one);
    const __m256i half_minus_one = _mm256_sub_epi32(_mm256_sllv_epi32(one, _mm256_sub_epi32(sh, one)), one);
    return _mm256_srlv_epi32(_mm256_add_epi32(_mm256_add_epi32(s, half_minus_one), lsb), sh);
  };
  const __m256i lo = round_half(_mm256_castsi256_si128(sig), _mm256_castsi256_si128(shift));
  const __m256i hi = round_half(_mm256_extracti128_si256(sig, 1), _mm256_extracti128_si256(shift, 1));
  const __m256i subnormal = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xD8);  // back to lane order
  const __m256i below_overflow = _mm256_blendv_epi8(subnormal, normal, stays_normal);
  return _mm256_blendv_epi8(below_overflow, _mm256_set1_epi16(0x7F7F), overflows);
}

}  // namespace

void pool_lanes_avx2(const PoolLanesJob& job, uint16_t out[64]) {
  const __m256i k16 = _mm256_set1_epi16(static_cast<short>(job.k));
  const __m256i sign_bit = _mm256_set1_epi16(static_cast<short>(0x8000));
  const __m256i three_bits = _mm256_set1_epi16(7);
  // Lane j's sign is bit j of its bits 16-31: shift it to bit 15 by multiplying by 2^(15 - j).
  const __m256i sign_place = _mm256_setr_epi16(static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000,
                                               static_cast<short>(0x8000), 0x4000, 0x2000, 0x1000);
  const __m256i group_of_lane = _mm256_setr_epi16(512, 512, 512, 512, 64, 64, 64, 64, 8, 8, 8, 8, 1, 1, 1, 1);
  const __m256i use_groups = _mm256_set1_epi16(static_cast<short>(job.shift == LaneShift::Groups ? -1 : 0));
  const __m256i use_lanes = _mm256_set1_epi16(static_cast<short>(job.shift == LaneShift::Lanes ? -1 : 0));
  const __m256i not_sparse = _mm256_set1_epi16(static_cast<short>(job.sparse ? 0 : 0x8000));
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
    // Both kinds of shift are computed and the job's masks pick one (or none): the kind
    // changes from block to block at random, and a branch on it would mispredict.
    const __m256i groups = _mm256_set1_epi16(static_cast<short>((job.group_bits >> (12 * v)) & 0xFFF));
    const __m256i group_shift = _mm256_and_si256(_mm256_srli_epi16(_mm256_mullo_epi16(groups, group_of_lane), 9), three_bits);
    const __m256i lane_shift = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(extra_placed, 9), three_bits), 1);
    const __m256i shift = _mm256_or_si256(_mm256_and_si256(group_shift, use_groups), _mm256_and_si256(lane_shift, use_lanes));
    const __m256i e = _mm256_sub_epi16(k16, shift);  // the lane's power of two, k - shift
    const __m256i scaled = job.all_normal ? _mm256_add_epi16(mag, _mm256_slli_epi16(e, 7)) : scale_any(mag, e);
    // keep = 0x8000 | (0x7FFF where the lane stays: not sparse, or extra >= 4, bit 11 of
    // extra_placed), by an arithmetic shift of that bit from bit 15.
    const __m256i stays = _mm256_or_si256(_mm256_slli_epi16(extra_placed, 4), not_sparse);
    const __m256i keep = _mm256_or_si256(sign_bit, _mm256_srai_epi16(stays, 15));
    const __m256i lanes = _mm256_and_si256(_mm256_or_si256(scaled, sign), keep);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * v), lanes);
  }
}

}  // namespace hif4::suite_detail
