// The 4-bit block formats HiF4 is compared with: NVFP4 and MXFP4, quantize + dequantize.
//
// Both use E2M1 elements (OCP MX v1.0, section 5.3.3: sign, 2 exponent bits with bias 1,
// 1 mantissa bit; magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6; no Inf, no NaN). They differ in the
// block scale:
//
// MXFP4 (OCP Microscaling Formats (MX) Specification v1.0, section 6.3): 32 elements share
//   an E8M0 scale X = 2^(floor(log2(max|V|)) - emax_elem), emax_elem = 2 for E2M1. Elements
//   are V/X rounded to E2M1 with roundTiesToEven, magnitudes above 6 clamped to 6. Choices the
//   spec leaves open, made here: the exponent is clamped to E8M0's range [-127, 127]; an
//   all-zero block gets X = 2^-127 (code 0x00; its elements are 0 anyway); a block holding a
//   NaN or an infinity gets the NaN scale 0xFF (all 32 values decode to NaN).
//
// NVFP4 (NVIDIA's recipe as Transformer Engine's CPU reference implements it,
//   tests/cpp/operator/test_cast_nvfp4_transpose.cu, quantize_nvfp4_1d /
//   compute_global_encode_scaling_factor_FP4, at commit c74e5aa37a65 of 2026-05-07, which made
//   the reference compute the block scale as TE's kernels do, cast/nvfp4/core_nvfp4.cuh):
//   16 elements share an E4M3 scale, the tensor has one FP32 scale. All arithmetic is IEEE
//   binary32 with round-to-nearest-even, in the order written:
//     S_enc   = 448 * 6 / tensor_amax   (FLT_MAX if that overflows; 1 if tensor_amax is 0)
//     S_dec   = 1 / S_enc               (the FP32 per-tensor decode scale, = amax / 2688)
//     s_b     = E4M3_RNE_SAT(block_amax * (S_enc * (1/6)))            (the stored block scale)
//     r_b     = s_b == 0 ? 0 : min(1 / (float(s_b) * (1 / S_enc)), FLT_MAX)  (element scale)
//     q_i     = E2M1_RNE_SAT(x_i * r_b)
//     value_i = q_i * float(s_b) * S_dec                               (dequantize)
//   (1/6) is the binary32 constant 1.0f/6.0f. The formula Nvfp4Formula::Div6 is the one TE's
//   reference used before that commit, and the one TE's NVFP4 documentation writes:
//     s_b     = E4M3_RNE_SAT((block_amax / 6) * S_enc)
//     r_b     = s_b == 0 ? 0 : min(S_enc / float(s_b), FLT_MAX)
//   The two differ in the last bit of the block-scale product, which moves s_b where that
//   product lies next to an E4M3 rounding boundary, and in the element scale's last bits.
//   E4M3 is OCP FP8 E4M3 ("E4M3FN"): bias 7, largest 448, subnormals down to 2^-9, 0x7F NaN;
//   the conversion saturates to 448 as CUDA's __nv_fp8_e4m3 does (__NV_SATFINITE). A block
//   scale that underflows to 0 (block_amax far below the tensor amax) gets r_b = 0, as in TE's
//   reference, so its elements encode as +-0 (TE's kernels use min(1/0, FLT_MAX) there, which
//   saturates the codes; the decoded values, 0, are the same). The min() of the Div6 formula
//   keeps r_b finite when S_enc / s_b overflows (tensor amax below about 2^-108), where TE's
//   reference would multiply by infinity. The tensor amax is taken over finite values; a block
//   holding a NaN or an infinity gets the E4M3 NaN scale 0x7F (all 16 values decode to NaN) --
//   NVIDIA's recipe does not define these cases.
//
// Inputs are BF16 bit patterns (as HiF4's), so all three formats see identical values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hif4 {

// ---- Element and scale types ----------------------------------------------------------

constexpr uint8_t kE2M1SignBit = 0x8;
constexpr uint8_t kE2M1MaxMagnitudeCode = 0x7;  // 6.0
constexpr double kE2M1Max = 6.0;
constexpr int kE2M1Emax = 2;  // emax_elem of OCP MX v1.0 Table 2 for FP4 (E2M1)

// |value| of an E2M1 magnitude code 0..7 (bit 3, the sign, is ignored).
double e2m1_magnitude(uint8_t code);
// Signed value of an E2M1 code.
double e2m1_value(uint8_t code);
// Round x to E2M1: roundTiesToEven, magnitudes beyond 6 saturate to 6 (no Inf/NaN in E2M1).
// The sign bit is kept for values that round to zero (-0 is code 0x8). x must not be NaN.
uint8_t e2m1_encode(double x);

constexpr uint8_t kE4M3NaN = 0x7F;  // S.1111.111 (either sign)
constexpr double kE4M3Max = 448.0;
// Value of an E4M3 (OCP FP8 E4M3, "FN": no Inf) code; NaN for 0x7F / 0xFF.
double e4m3_value(uint8_t code);
// Round a non-negative x to E4M3 with roundTiesToEven, saturating at 448.
uint8_t e4m3_encode_sat(double x);

constexpr uint8_t kE8M0NaN = 0xFF;
constexpr int kE8M0Bias = 127;
constexpr int kE8M0MinExp = -127;
constexpr int kE8M0MaxExp = 127;
// 2^(code - 127); NaN for 0xFF.
double e8m0_value(uint8_t code);

// Round a non-negative x to a binary float with `mantissa_bits` fraction bits, minimum normal
// exponent `emin` (gradual underflow below it) and unbounded exponent above, with
// roundTiesToEven. Exact for any finite double input: it scales by powers of two and rounds an
// integer. The element and scale conversions above are checked against it.
double round_to_binary_rne(double x, int mantissa_bits, int emin);

// ---- MXFP4 ----------------------------------------------------------------------------

constexpr unsigned kMxfp4BlockValues = 32;

// `n` BF16 values (n a multiple of 32) -> one E8M0 scale per 32 values and one E2M1 code per
// value (unpacked, one per byte).
struct Mxfp4Data {
  std::vector<uint8_t> scales;
  std::vector<uint8_t> codes;
};
// The E8M0 scale of one block of 32 BF16 values (OCP MX v1.0, section 6.3).
uint8_t mxfp4_block_scale(const uint16_t* bf16, unsigned count);
Mxfp4Data mxfp4_quantize(const uint16_t* bf16, size_t n);
// Decoded values (NaN for a NaN-scale block), as doubles: every MXFP4 value is exact there.
void mxfp4_dequantize(const Mxfp4Data& q, double* out);

// ---- NVFP4 ----------------------------------------------------------------------------

constexpr unsigned kNvfp4BlockValues = 16;

// Which block-scale formula (see the top of this file).
enum class Nvfp4Formula : uint8_t {
  Current,  // block_amax * (S_enc * (1/6)); r_b = 1 / (s_b * (1 / S_enc))
  Div6,     // (block_amax / 6) * S_enc;      r_b = S_enc / s_b
};

struct Nvfp4Data {
  float encode_scale = 1.0f;  // S_enc (FP32)
  float decode_scale = 1.0f;  // S_dec = 1 / S_enc (FP32): the per-tensor scale
  std::vector<uint8_t> scales;  // E4M3, one per 16 values
  std::vector<uint8_t> codes;   // E2M1, one per value
};
// The tensor amax: the largest finite |x| (0 when there is none).
float nvfp4_tensor_amax(const uint16_t* bf16, size_t n);
// S_enc for a tensor amax (see the recipe above).
float nvfp4_encode_scale(float tensor_amax);
// The stored E4M3 block scale s_b of a block whose largest |x| is block_amax.
uint8_t nvfp4_block_scale(float block_amax, float encode_scale, Nvfp4Formula formula);
// The element encode scale r_b for a block scale s_b.
float nvfp4_element_scale(uint8_t block_scale, float encode_scale, Nvfp4Formula formula);
// Quantize `n` values (a multiple of 16) of a tensor whose amax is `tensor_amax` (the values
// may be a slice of the tensor; every slice of one tensor must get the same amax).
Nvfp4Data nvfp4_quantize(const uint16_t* bf16, size_t n, float tensor_amax,
                         Nvfp4Formula formula = Nvfp4Formula::Current);
// Decoded values q * float(s_b) * S_dec in double (exact: a product of three short floats).
void nvfp4_dequantize(const Nvfp4Data& q, double* out);

}  // namespace hif4
