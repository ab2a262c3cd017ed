// Internal: the carry-less-multiply CRC-32 kernel behind hif4::crc32_update.
#pragma once
#include <cstddef>
#include <cstdint>

// x86-64 only; elsewhere crc32_update keeps to its tables.
#if defined(__x86_64__)
#define HIF4_CRC32_CLMUL 1
#else
#define HIF4_CRC32_CLMUL 0
#endif

namespace hif4::detail {

// The folding constants of Gopal et al. for the bit-reflected polynomial 0x104C11DB7: k = the
// bit-reflected x^e mod P, shifted left by 1; a 128-bit lane moves d bits ahead with the pair
// (x^(d+32), x^(d-32)). In the low / high 64 bits of a 128-bit constant:
constexpr long long kFold1024Lo = 0x1e88ef372, kFold1024Hi = 0x14a7fe880;  // 128 bytes ahead
constexpr long long kFold512Lo = 0x154442bd4, kFold512Hi = 0x1c6e41596;    // 64 bytes ahead
constexpr long long kFold128Lo = 0x1751997d0, kFold128Hi = 0x0ccaa009e;    // 16 bytes ahead
constexpr long long kFold96To64 = 0x163cd6124;                              // 96 -> 64 bits
constexpr long long kPoly = 0x1db710641, kBarrettMu = 0x1f7011641;          // P, floor(x^64 / P)

// A 128-bit fold accumulator passed between the kernels (its two 64-bit halves).
struct Fold128 {
  uint64_t lo, hi;
};

// Folds n bytes (n >= 64, a multiple of 16) into the running CRC-32 state `state` (the
// bit-inverted CRC, as inside the table loop) and returns the new state. Needs PCLMULQDQ
// and SSE4.1 (the caller checks the CPU).
uint32_t crc32_clmul_fold(uint32_t state, const uint8_t* p, size_t n);
// Continues from `count` >= 1 accumulators of consecutive 16-byte lanes that together hold
// the fold of everything before p: folds them into one, 16 bytes at a time, then n more bytes
// (a multiple of 16), then reduces to the CRC state. PCLMULQDQ + SSE4.1.
uint32_t crc32_clmul_finish(const Fold128* lanes, size_t count, const uint8_t* p, size_t n);
// As crc32_clmul_fold for n >= 128, with 256-bit carry-less multiplies: the leading multiple
// of 128 bytes in eight 128-bit lanes, then crc32_clmul_finish (twice the speed on AMD Zen 3).
// Needs VPCLMULQDQ and AVX2 besides (crc32_vpclmul.cpp).
uint32_t crc32_vpclmul_fold(uint32_t state, const uint8_t* p, size_t n);

}  // namespace hif4::detail
