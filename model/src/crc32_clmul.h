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

// Folds n bytes (n >= 64, a multiple of 16) into the running CRC-32 state `state` (the
// bit-inverted CRC, as inside the table loop) and returns the new state. Needs PCLMULQDQ
// and SSE4.1 (the caller checks the CPU).
uint32_t crc32_clmul_fold(uint32_t state, const uint8_t* p, size_t n);

}  // namespace hif4::detail
