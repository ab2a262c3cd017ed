// CRC-32/ISO-HDLC (the .hif4v frame checksum) by carry-less multiplication: the folding
// method of Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ
// Instruction" (Intel, 2009), for the bit-reflected polynomial 0x104C11DB7. Only this file is
// compiled with -mpclmul -msse4.1 (vectors/CMakeLists.txt); vector_file.cpp calls it only on a
// CPU that has both, and tests/vectors checks it against boost::crc_32_type and the
// slicing-by-16 tables on every length 0..1024 at every alignment and on large buffers.
#include "crc32_clmul.h"

#if HIF4_CRC32_CLMUL
#include <immintrin.h>

namespace hif4::detail {

namespace {

// a.lo * k.lo ^ a.hi * k.hi ^ next: one 128-bit lane moved 'k' bits ahead and added in.
inline __m128i fold(__m128i a, __m128i k, __m128i next) {
  return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00), _mm_clmulepi64_si128(a, k, 0x11)),
                       next);
}

inline __m128i load(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

// 16 bytes at a time into x, then 128 -> 32 bits.
uint32_t fold_rest_and_reduce(__m128i x1, const uint8_t* p, size_t n) {
  const __m128i k34 = _mm_set_epi64x(kFold128Hi, kFold128Lo);
  for (; n >= 16; p += 16, n -= 16) x1 = fold(x1, k34, load(p));
  // 128 -> 64 bits: the low half times k4, added to the high half.
  const __m128i mask32 = _mm_setr_epi32(-1, 0, -1, 0);
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k34, 0x10), _mm_srli_si128(x1, 8));
  // 96 -> 64 bits: the low 32 bits times k5, added to the rest.
  const __m128i k5 = _mm_set_epi64x(0, kFold96To64);
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00), _mm_srli_si128(x1, 4));
  // Barrett: q = floor(low32 * mu / x^32), crc = low64 ^ q * P, taken from bits 32..63.
  const __m128i poly = _mm_set_epi64x(kBarrettMu, kPoly);
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), poly, 0x00);
  return static_cast<uint32_t>(_mm_extract_epi32(_mm_xor_si128(x1, t), 1));
}

}  // namespace

uint32_t crc32_clmul_fold(uint32_t state, const uint8_t* p, size_t n) {
  // Four independent 128-bit accumulators hide the multiply latency.
  __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(state)));
  __m128i x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
  p += 64;
  n -= 64;
  const __m128i k12 = _mm_set_epi64x(kFold512Hi, kFold512Lo);
  while (n >= 64) {
    x1 = fold(x1, k12, load(p));
    x2 = fold(x2, k12, load(p + 16));
    x3 = fold(x3, k12, load(p + 32));
    x4 = fold(x4, k12, load(p + 48));
    p += 64;
    n -= 64;
  }
  const __m128i k34 = _mm_set_epi64x(kFold128Hi, kFold128Lo);
  x1 = fold(x1, k34, x2);
  x1 = fold(x1, k34, x3);
  x1 = fold(x1, k34, x4);
  return fold_rest_and_reduce(x1, p, n);
}

uint32_t crc32_clmul_finish(const Fold128* lanes, size_t count, const uint8_t* p, size_t n) {
  auto lane = [&](size_t i) {
    return _mm_set_epi64x(static_cast<long long>(lanes[i].hi), static_cast<long long>(lanes[i].lo));
  };
  const __m128i k34 = _mm_set_epi64x(kFold128Hi, kFold128Lo);
  __m128i x = lane(0);
  for (size_t i = 1; i < count; ++i) x = fold(x, k34, lane(i));
  return fold_rest_and_reduce(x, p, n);
}

}  // namespace hif4::detail
#endif  // HIF4_CRC32_CLMUL
