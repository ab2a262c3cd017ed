// HiF4 format constants: the one place where the shape of a block is defined.
// Everything else (model, CLI, vector files, RTL parameters, CUDA golden) refers to these.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hif4 {

// A block: 64 values, one E6M2 scale, 8 E1_8 bits, 16 E1_16 bits, 64 S1P2 codes.
constexpr unsigned kBlockValues = 64;
constexpr unsigned kGroups8 = 8;         // E1_8 groups, 8 values each
constexpr unsigned kGroups16 = 16;       // E1_16 groups, 4 values each
constexpr unsigned kValuesPerGroup8 = kBlockValues / kGroups8;    // 8
constexpr unsigned kValuesPerGroup16 = kBlockValues / kGroups16;  // 4

// Packed layout, 36 bytes: byte 0 E6M2, byte 1 E1_8, bytes 2..3 E1_16 (little-endian),
// bytes 4..35 S1P2 (value 2k in the low nibble of byte 4+k). Bytes 0..3 read as a
// little-endian u32 are the CANN / PTO-ISA metadata word E6M2 | E1_8 << 8 | E1_16 << 16.
constexpr unsigned kPackedBytes = 36;
constexpr unsigned kOffsetE6M2 = 0;
constexpr unsigned kOffsetE1_8 = 1;
constexpr unsigned kOffsetE1_16 = 2;
constexpr unsigned kOffsetPayload = 4;
constexpr unsigned kPayloadBytes = kBlockValues / 2;  // 32
constexpr unsigned kInputBytes = kBlockValues * 2;    // 128 bytes of BF16 per block

// E6M2: unsigned, 6 exponent bits (bias 48), 2 mantissa bits with a hidden one, no zero,
// no subnormals, no infinity. 0x00 = 2^-48, 0xFE = 1.5 * 2^15 = 49152, 0xFF = NaN.
constexpr int kE6M2Bias = 48;
constexpr int kE6M2MinExp = -48;
constexpr int kE6M2MaxExp = 15;
constexpr uint8_t kE6M2Min = 0x00;
constexpr uint8_t kE6M2MaxFinite = 0xFE;
constexpr uint8_t kE6M2NaN = 0xFF;
// SF >= 1.625 * 2^15 = 53248, the midpoint of the largest E6M2 value (1.5 * 2^15) and the next
// step of its binade (1.75 * 2^15), is what scale-overflow=nan-unrounded calls an overflow
// before SF is rounded (the CANN goldens' test). As a BF16 pattern: exponent field 127 + 15,
// mantissa 1.10 followed by the half bit, 0x50.
constexpr uint16_t kBf16ScaleOverflowBeforeRounding =
    static_cast<uint16_t>(((127 + kE6M2MaxExp) << 7) | ((kE6M2MaxFinite & 3u) << 5) | 0x10u);

// S1P2: sign-magnitude nibble, bit 3 sign, bits 2..0 magnitude in quarters (0 .. 1.75).
constexpr uint8_t kS1P2SignBit = 0x8;
constexpr uint8_t kS1P2MaxMagnitude = 7;  // 1.75 = 7 quarters

// The largest value a lane can hold after the E6M2 scale: 1.75 * 2^2 = 7, hence SF = Vmax / 7.
// BF16(1/7) = 0x3E12 = 146 * 2^-10 = 0.142578125.
constexpr uint16_t kBf16OneSeventh = 0x3E12;

// BF16 bit-pattern constants.
constexpr uint16_t kBf16SignMask = 0x8000;
constexpr uint16_t kBf16MagnitudeMask = 0x7FFF;
constexpr uint16_t kBf16Inf = 0x7F80;
constexpr uint16_t kBf16QuietNaN = 0x7FC0;
constexpr uint32_t kF32QuietNaN = 0x7FC00000u;

// Stochastic rounding: random bits per lane (see sr_bits in stages.h).
constexpr unsigned kSrBits = 16;

}  // namespace hif4
