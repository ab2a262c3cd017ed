// The CUDA golden quantizer: Algorithm 1 of arXiv 2602.11287 in FP32/BF16 arithmetic, as the
// official HiFloat4 kernels and TransformerEngine's NVFP4 cast compute it, for every knob of
// hif4::Config. It shares no code with the model's integer stages (model/include/hif4/stages.h);
// only the format constants (format.h) and the knob enums (config.h) are common. Every
// floating-point expression below is exact, or rounds exactly once in a stated mode; the
// comments say why, and scripts/gpu_check.sh proves it against the model bit for bit.
//
// Build requirements (golden/CMakeLists.txt): -ftz=false (BF16 subnormal inputs are FP32
// subnormals and must not be flushed), -prec-div=true, -fmad=false (no contraction of a
// product into a following add: every product below is meant to be formed on its own).
//
// Work layout: 8 threads per HiF4 block. Thread g of a block (g = lane & 7) loads the 16 bytes
// of values 8g..8g+7 with one aligned 128-bit load, so a warp reads 512 contiguous bytes (4
// blocks) per load instruction. Those 8 values are exactly E1_8 group g and E1_16 groups 2g,
// 2g+1, so each thread decides its own micro-exponents; Vmax is a 3-step shuffle reduction
// over the 8 threads. Thread g writes payload bytes 4+4g..7+4g (one 32-bit store) and thread 0
// the metadata word, so a warp's stores cover 144 contiguous bytes. Two kernels share this
// layout: the simple one (one block per 8 threads) and the batched default (8 blocks per 8
// threads, one scale computation per thread); see the comment above quantize_batched_kernel.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4_cuda.h"

// The batched kernel uses BF16x2 arithmetic and comparisons, native from sm_90 (H100, H200).
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900
#error "the CUDA golden needs sm_90 or newer (CMAKE_CUDA_ARCHITECTURES)"
#endif

namespace hif4::cuda {
namespace {

constexpr unsigned kThreadsPerBlock16B = kInputBytes / 16;  // 8 threads per HiF4 block
static_assert(kThreadsPerBlock16B == kGroups8, "one thread per E1_8 group");
static_assert(kValuesPerGroup8 == 8 && kValuesPerGroup16 == 4, "thread holds 2 E1_16 groups");
constexpr int kCtaThreads = 256;
constexpr unsigned kFullWarp = 0xFFFFFFFFu;

// The knobs as the kernel reads them: uniform across the launch, so the branches on them are
// uniform and cost no divergence. Payload rounding and payload product are template
// parameters instead, since they sit in the per-value loop.
struct Knobs {
  uint8_t scale_rounding;  // ScaleRounding
  bool binade_log2_bf16;   // scale-binade=log2-bf16
  bool threshold_bf16;
  bool keep_sign;          // negative-zero=keep-sign or sign-bit
  bool sign_bit;           // negative-zero=sign-bit
  bool overflow_nan;       // scale-overflow=nan or nan-unrounded
  bool overflow_unrounded; // scale-overflow=nan-unrounded
  bool underflow_nan;
  bool saturate_inf;
  uint64_t sr_seed;
};

Knobs knobs_of(const Config& c) {
  Knobs k;
  k.scale_rounding = static_cast<uint8_t>(c.scale_rounding);
  k.binade_log2_bf16 = c.scale_binade == ScaleBinade::Log2Bf16;
  k.threshold_bf16 = c.threshold_product == ProductMode::Bf16;
  k.keep_sign = c.negative_zero != NegativeZero::PlusZero;
  k.sign_bit = c.negative_zero == NegativeZero::SignBit;
  k.overflow_nan = c.scale_overflow != ScaleOverflow::Saturate;
  k.overflow_unrounded = c.scale_overflow == ScaleOverflow::NanUnrounded;
  k.underflow_nan = c.scale_underflow == ScaleUnderflow::Nan;
  k.saturate_inf = c.non_finite == NonFinite::SaturateInf;
  k.sr_seed = c.sr_seed;
  return k;
}

// ---- floating-point helpers ------------------------------------------------------------

// A BF16 bit pattern is the top half of the FP32 with the same value (subnormals included,
// since FP32 has 16 more fraction bits), so widening is exact.
__device__ __forceinline__ float bf16_lo(uint32_t w) { return __uint_as_float(w << 16); }
__device__ __forceinline__ float bf16_hi(uint32_t w) { return __uint_as_float(w & 0xFFFF0000u); }

// Round an FP32 value to BF16, ties to even (cvt.rn.bf16.f32, subnormals kept, overflow to
// Inf), and widen it back exactly. This is the only BF16 rounding in the kernel.
__device__ __forceinline__ float round_bf16(float x) {
  return __bfloat162float(__float2bfloat16_rn(x));
}

// max that propagates NaN (max.NaN.f32, sm_80+): the peak tree then reports a NaN anywhere in
// the block as a NaN Vmax, with no separate NaN test per value. fmaxf would drop it.
__device__ __forceinline__ float max_nan(float a, float b) {
  float r;
  asm("max.NaN.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}

// 2^k as an FP32, for -126 <= k <= 127 (built from the exponent field: exact).
__device__ __forceinline__ float pow2(int k) { return __uint_as_float(static_cast<uint32_t>(k + 127) << 23); }

// ---- stochastic rounding bits: sr_bits() of stages.h, recomputed on the GPU ------------
//
// The documented hash (32-bit unsigned arithmetic wraps modulo 2^32 in CUDA as in C++):
//   mix32(x): x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16
//   key  = mix32(seed_lo ^ mix32(seed_hi ^ mix32(block_lo ^ mix32(block_hi ^ 0x48694634))))
//   bits = mix32(key ^ (lane + 1) * 0x9E3779B9) >> 16
__device__ __forceinline__ uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}
__device__ __forceinline__ uint32_t sr_key(uint64_t seed, uint64_t block) {
  uint32_t h = mix32(static_cast<uint32_t>(block >> 32) ^ 0x48694634u);
  h = mix32(static_cast<uint32_t>(block) ^ h);
  h = mix32(static_cast<uint32_t>(seed >> 32) ^ h);
  return mix32(static_cast<uint32_t>(seed) ^ h);
}
__device__ __forceinline__ uint32_t sr_lane(uint32_t key, unsigned lane) {
  return mix32(key ^ ((lane + 1u) * 0x9E3779B9u)) >> (32 - kSrBits);
}

// The same bits with the first step of mix32 split between the block and the lane: for
// x = key ^ c, x ^ (x >> 16) = (key ^ (key >> 16)) ^ (c ^ (c >> 16)), since a logical shift
// distributes over XOR. The batched kernel computes the key's half once per block and the
// lane's half once per thread, so a lane costs one XOR instead of three instructions.
__device__ __forceinline__ uint32_t sr_key_folded(uint32_t key) { return key ^ (key >> 16); }
__device__ __forceinline__ uint32_t sr_lane_folded(unsigned lane) {
  const uint32_t c = (lane + 1u) * 0x9E3779B9u;
  return c ^ (c >> 16);
}
__device__ __forceinline__ uint32_t sr_lane_from_folded(uint32_t key_folded, uint32_t lane_folded) {
  uint32_t x = key_folded ^ lane_folded;  // x ^= x >> 16 of mix32, done
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  return (x ^ (x >> 16)) >> (32 - kSrBits);
}

// ---- the scale: SF, E6M2, REC -------------------------------------------------------------

struct Scale {
  uint32_t code;  // E6M2 code; 0xFF = NaN block
  float rec;      // BF16(1 / E6M2), as an FP32 (valid when code != 0xFF)
};

// vmax: the block's peak magnitude (NaN if any value is NaN, +Inf if any is infinite).
__device__ __forceinline__ Scale block_scale(float vmax, const Knobs& k) {
  Scale s{kE6M2NaN, 0.0f};
  if (vmax != vmax) return s;                        // a NaN: NaN block under every policy
  if (vmax == INFINITY && !k.saturate_inf) return s;  // non-finite=nan-block
  // SF = BF16_RNE(Vmax * BF16(1/7)). 1/7 in BF16 is 146 * 2^-10 (0x3E12); Vmax is a BF16 with
  // at most 8 significant bits, so the product has at most 16 and its lowest bit is at least
  // 2^-133 * 2^-10 > 2^-149: it is exact in FP32 (subnormal or not) and cannot overflow
  // (2^128 * 0.15 < FLT_MAX). round_bf16 then rounds once, as the model does. Inf * c = Inf.
  const float one_seventh = __uint_as_float(static_cast<uint32_t>(kBf16OneSeventh) << 16);
  const float sf = round_bf16(vmax * one_seventh);
  uint32_t code;
  if (sf < pow2(kE6M2MinExp)) {  // zero, BF16 subnormal or below 2^-48: before rounding
    code = k.underflow_nan ? kE6M2NaN : kE6M2Min;
  } else if (sf == INFINITY) {   // only an Inf peak under saturate-inf gets here
    code = k.overflow_nan ? kE6M2NaN : kE6M2MaxFinite;
  } else if (k.overflow_unrounded &&
             sf >= __uint_as_float(static_cast<uint32_t>(kBf16ScaleOverflowBeforeRounding) << 16)) {
    code = kE6M2NaN;             // nan-unrounded: SF >= 53248 before rounding
  } else {
    // SF is a normal FP32 here (>= 2^-48). Its binade e = floor(log2 SF) is the exponent field;
    // under scale-binade=log2-bf16 it is floor(BF16(log2f(SF))), the CANN goldens' way. log2f
    // (at most 1 ulp from log2, below 2^-16 here) cannot move that rounding: for every BF16 SF
    // log2(SF) lies at least 8e-4 from a BF16 half-way point (stages.h, kLog2Bf16BinadeUp).
    int e = static_cast<int>(__float_as_uint(sf) >> 23) - 127;
    if (k.binade_log2_bf16) e = static_cast<int>(floorf(round_bf16(log2f(sf))));
    // q = SF / 2^(e-2) lies in [4, 8) (in [2, 4) one binade up) and has at most 6 fraction bits
    // (SF has 8 significant bits); dividing by a power of two is exact. E6M2 keeps the integer
    // part (1.mm = q/4).
    const float q = sf * pow2(2 - e);
    float r;
    switch (static_cast<ScaleRounding>(k.scale_rounding)) {
      // q + 0.5 has at most 8 significant bits in [2.5, 8.5): exact, so floor() of it rounds
      // half away from zero (q > 0).
      case ScaleRounding::NearestAway: r = floorf(q + 0.5f); break;
      case ScaleRounding::NearestEven: r = rintf(q); break;  // IEEE round-to-integral, ties even
      case ScaleRounding::TowardZero: r = truncf(q); break;
      default: r = ceilf(q); break;                           // Up (toward +infinity)
    }
    int units = static_cast<int>(r);  // 4..8, or 2..4 one binade up: exact small integers
    if (units == 8) {                 // rounded up to 8: carry into the next binade, 1.00
      units = 4;
      ++e;
    }
    while (units < 4) {               // 2 or 3 units of 2^(e-2): 1.0 or 1.5 a binade lower
      units *= 2;
      --e;
    }
    const int m = units - 4;
    const int ef = e - kE6M2MinExp;   // biased exponent field
    if (ef > 63 || (ef == 63 && m == 3))  // above 1.5 * 2^15; 0xFF is NaN
      code = k.overflow_nan ? kE6M2NaN : kE6M2MaxFinite;
    else
      code = static_cast<uint32_t>(ef << 2 | m);
  }
  if (code == kE6M2NaN) return s;
  // The E6M2 value (4 + m) * 2^(e - 2), exact (e - 2 >= -50). REC = BF16_RNE(1 / value):
  // __frcp_rn is the correctly rounded FP32 reciprocal, then round_bf16. Rounding twice equals
  // rounding once unless the FP32 result sits exactly on a BF16 half-way point; 1/1.25, 1/1.5
  // and 1/1.75 have periodic binary expansions (0.1100..., 0.1010..., 0.100100...), never the
  // 1000...0 run after bit 8 that would need, and mantissa 0 is a power of two (exact). The
  // result lies in [2^-16, 2^48]: a normal BF16.
  const float value = static_cast<float>(4 + (code & 3u)) *
                      pow2(static_cast<int>(code >> 2) + kE6M2MinExp - 2);
  s.code = code;
  s.rec = round_bf16(__frcp_rn(value));
  return s;
}

// ---- one lane's S1P2 code -------------------------------------------------------------------
//
// `mult` = REC * 2^(2 - E1_8 - E1_16 + 16): REC times a power of two (exact, REC <= 2^48).
// Then q16 = |x| * mult = 4|s| * 2^16, where s = x * REC * 2^-(E1_8+E1_16) is the value the
// payload encodes in quarters. |x| and REC have at most 8 significant bits each, so q16 has at
// most 16 and is exact whenever it is a normal FP32; when it is below 2^-126, 4|s| < 2^-142 and
// every rounding mode gives 0 (the stochastic fraction, truncated to 16 bits, is 0), whatever
// the FP32 rounding did. Overflow to Inf (|x| near 2^128 under a saturated scale) and Inf
// lanes are caught by the clamp.
template <PayloadRounding kRounding, bool kProductBf16>
__device__ __forceinline__ uint32_t lane_code(float x, float mult, uint32_t random, bool keep_sign,
                                              bool sign_bit) {
  float q16 = fabsf(x) * mult;
  // payload-product=bf16: BF16(|x| * REC), then the exact 2^-E1 shift. RNE to 8 significant
  // bits commutes with scaling by a power of two in the normal range, so rounding the scaled
  // product is the same; below the normal range the code is 0 either way (see above), above
  // BF16's range it becomes Inf and clamps to 7 as the model's huge product does.
  if (kProductBf16) q16 = round_bf16(q16);
  // Everything at or above 8 quarters codes to the largest magnitude 7 in every mode; clamping
  // first keeps the integer tricks below in range (and turns Inf into 2^19).
  q16 = fminf(q16, 0x1p19f);
  uint32_t n;
  if (kRounding == PayloadRounding::NearestEven) {
    // In [2^39, 2^40) the FP32 spacing is 2^16, so q16 + 2^39, rounded to nearest-even by the
    // add itself, is 2^39 + RNE(4|s|) * 2^16; the low fraction bits are RNE(4|s|). The "even"
    // is the parity of that integer (2^39 is even in it).
    n = __float_as_uint(__fadd_rn(q16, 0x1p39f)) - __float_as_uint(0x1p39f);
  } else {
    // In [2^23, 2^24) the spacing is 1: adding 2^23 rounding toward zero keeps floor(q16) =
    // floor(4|s| * 2^16), an integer whose top bits are floor(4|s|) and low 16 bits the
    // fraction truncated to 16 bits, exactly the model's frac16.
    const uint32_t t16 = __float_as_uint(__fadd_rz(q16, 0x1p23f)) - __float_as_uint(0x1p23f);
    uint32_t bias;
    if (kRounding == PayloadRounding::NearestAway) bias = 0x8000u;  // floor(4|s| + 1/2)
    else if (kRounding == PayloadRounding::TowardZero) bias = 0;     // floor(4|s|)
    else bias = random;  // stochastic: up when frac16 + random >= 2^16 (the carry)
    n = (t16 + bias) >> 16;
  }
  n = min(n, static_cast<uint32_t>(kS1P2MaxMagnitude));
  // x < 0 is false for -0.0 and for NaN (never here): "negative" as the model means it.
  // negative-zero=sign-bit signs every x whose sign bit is set, -0.0 included.
  const bool sign = (x < 0.0f && (n != 0 || keep_sign)) || (sign_bit && signbit(x));
  return n | (sign ? kS1P2SignBit : 0u);
}

// Interleave: bit i of a -> bit 2i, for 8 bits (E1_16 bits 2g and 2g+1 come from thread g).
__device__ __forceinline__ uint32_t spread8(uint32_t a) {
  a = (a | (a << 4)) & 0x0F0Fu;
  a = (a | (a << 2)) & 0x3333u;
  a = (a | (a << 1)) & 0x5555u;
  return a;
}

// kItems: 16-byte chunks per thread, all loaded before any is used (memory-level
// parallelism). Chunk c (global) is values 8(c%8)..+7 of block c/8.
template <PayloadRounding kRounding, bool kProductBf16, int kItems>
__global__ void __launch_bounds__(kCtaThreads)
quantize_kernel(const uint4* __restrict__ in, size_t chunks, uint8_t* __restrict__ out,
                uint64_t first_index, Knobs k) {
  const unsigned lane = threadIdx.x & 31u;
  const unsigned part = lane & 7u;         // E1_8 group of this thread
  const unsigned seg_shift = lane & 24u;   // this block's 8 bits within a warp ballot
  const size_t base = (static_cast<size_t>(blockIdx.x) * kItems) * kCtaThreads + threadIdx.x;

  uint4 w[kItems];
#pragma unroll
  for (int it = 0; it < kItems; ++it) {
    const size_t c = base + static_cast<size_t>(it) * kCtaThreads;
    // Threads past the end load zeros but still take part in the shuffles and ballots below
    // (whole 8-thread groups are past the end together, so no real block sees them).
    w[it] = c < chunks ? __ldcs(in + c) : make_uint4(0, 0, 0, 0);
  }

#pragma unroll
  for (int it = 0; it < kItems; ++it) {
    const size_t c = base + static_cast<size_t>(it) * kCtaThreads;
    const size_t block = c / kThreadsPerBlock16B;
    float x[8];
    x[0] = bf16_lo(w[it].x); x[1] = bf16_hi(w[it].x);
    x[2] = bf16_lo(w[it].y); x[3] = bf16_hi(w[it].y);
    x[4] = bf16_lo(w[it].z); x[5] = bf16_hi(w[it].z);
    x[6] = bf16_lo(w[it].w); x[7] = bf16_hi(w[it].w);

    // Peak tree on magnitudes: V16[2g], V16[2g+1], V8[g] here, Vmax over the 8 threads.
    // Max is exact (it selects), so the peaks are the BF16 values themselves.
    const float v16a = max_nan(max_nan(fabsf(x[0]), fabsf(x[1])), max_nan(fabsf(x[2]), fabsf(x[3])));
    const float v16b = max_nan(max_nan(fabsf(x[4]), fabsf(x[5])), max_nan(fabsf(x[6]), fabsf(x[7])));
    const float v8 = max_nan(v16a, v16b);
    float vmax = v8;
    vmax = max_nan(vmax, __shfl_xor_sync(kFullWarp, vmax, 4));
    vmax = max_nan(vmax, __shfl_xor_sync(kFullWarp, vmax, 2));
    vmax = max_nan(vmax, __shfl_xor_sync(kFullWarp, vmax, 1));

    const Scale s = block_scale(vmax, k);
    const bool nan_block = s.code == kE6M2NaN;

    // E1 decisions. V * REC: two BF16 values, at most 16 significant bits, exact in FP32 when
    // normal; when it is below 2^-126 it is far below the thresholds 2 and 4, and FP32 rounding
    // is monotonic with 2 and 4 representable, so the comparison is exact either way.
    // threshold-product=bf16 rounds the exact product once (RNE). V Inf gives Inf >= 4.
    float p8 = v8 * s.rec, p16a = v16a * s.rec, p16b = v16b * s.rec;
    if (k.threshold_bf16) {
      p8 = round_bf16(p8);
      p16a = round_bf16(p16a);
      p16b = round_bf16(p16b);
    }
    const bool e1_8 = p8 >= 4.0f;
    // V16 * REC * 2^-E1_8 >= 2  <=>  V16 * REC >= 2^(1 + E1_8) (a power-of-two scaling).
    const float t16 = e1_8 ? 4.0f : 2.0f;
    const bool e1_16a = p16a >= t16, e1_16b = p16b >= t16;

    // Per E1_16 group: REC * 2^(18 - E1_8 - E1_16) (see lane_code).
    const int shift_a = (e1_8 ? 1 : 0) + (e1_16a ? 1 : 0);
    const int shift_b = (e1_8 ? 1 : 0) + (e1_16b ? 1 : 0);
    const float mult_a = s.rec * pow2(18 - shift_a);
    const float mult_b = s.rec * pow2(18 - shift_b);

    uint32_t key = 0;
    if (kRounding == PayloadRounding::Stochastic) key = sr_key(k.sr_seed, first_index + block);
    uint32_t payload = 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      const uint32_t random =
          kRounding == PayloadRounding::Stochastic ? sr_lane(key, part * 8 + i) : 0u;
      payload |= lane_code<kRounding, kProductBf16>(x[i], i < 4 ? mult_a : mult_b, random,
                                                    k.keep_sign, k.sign_bit)
                 << (4 * i);  // value 8g+i: byte 4+4g+i/2, low nibble for even i
    }

    // Gather the block's E1 bits from its 8 threads (every thread of the warp takes part).
    const uint32_t bits8 = (__ballot_sync(kFullWarp, e1_8) >> seg_shift) & 0xFFu;
    const uint32_t bits16a = (__ballot_sync(kFullWarp, e1_16a) >> seg_shift) & 0xFFu;
    const uint32_t bits16b = (__ballot_sync(kFullWarp, e1_16b) >> seg_shift) & 0xFFu;

    if (c < chunks) {
      uint8_t* dst = out + block * kPackedBytes;
      // A NaN block: E6M2 0xFF, E1 bits and payload 0 (the same for all 8 threads).
      __stcs(reinterpret_cast<unsigned int*>(dst + kOffsetPayload + 4 * part),
             nan_block ? 0u : payload);
      if (part == 0) {
        const uint32_t e1_16 = spread8(bits16a) | (spread8(bits16b) << 1);
        const uint32_t meta = nan_block ? kE6M2NaN
                                        : (s.code << (8 * kOffsetE6M2)) | (bits8 << (8 * kOffsetE1_8)) |
                                              (e1_16 << (8 * kOffsetE1_16));
        __stcs(reinterpret_cast<unsigned int*>(dst), meta);
      }
    }
  }
}

// ---- the batched kernel (the default) ------------------------------------------------------
//
// The simple kernel above spends most of its instructions on the per-block scale (SF, E6M2,
// REC), which all 8 threads of a block compute redundantly, and on per-lane sign logic; it
// is instruction-bound at about 2/3 of copy bandwidth on an H100. Here each thread holds 8
// slices, one from each of 8 blocks (slice it of thread g: chunk base + it * 256), so:
//  - Vmax of the 8 blocks is an 8-way transposed reduction (7 shuffles, not 24), after which
//    thread g holds Vmax of block `it = g`, computes that block's scale alone, and the 8
//    threads exchange the results (REC and the E6M2 code packed in one word, 8 shuffles);
//  - each lane's code comes from one fused multiply-add, a clamp and one add whose rounding
//    mode does the payload rounding (lane_magnitude); nearest-even payloads of BF16 products
//    take two lanes an instruction in BF16x2 arithmetic (pair_magnitudes_rne_bf16);
//  - the codes and sign bits reach the payload word through byte permutes;
//  - the knobs that sit in the per-slice work (payload rounding, both products, the sign of
//    -0.0) are template parameters, since a predicated-off instruction still takes an issue
//    slot; every CTA but the last skips the bounds tests, and addresses are one pointer plus
//    constants.
// The kernel is bound by instruction issue, not by memory, on an H200: each of these cut the
// instructions a slice executes (docs/cuda.md has the figures). It computes exactly the same
// function as the simple kernel; hif4_gpu_check checks both against the model.

constexpr int kBatch = 8;  // slices per thread = threads per block

// The magnitude code 0..7 of one lane in the low byte of the result, whose bits 3..7 are 0
// (the bytes above are garbage: the exponent field of a magic-number sum). q16 = |x| * mult =
// 4|s| * 2^16 exactly
// (see lane_code). Clamping at 7 quarters (7 * 2^16) gives 7 in every mode, as the model's
// saturation does, and keeps every result below 8.
template <PayloadRounding kRounding, bool kProductBf16>
__device__ __forceinline__ uint32_t lane_magnitude(float x, float mult, uint32_t random) {
  constexpr float kSeven = 7.0f * 65536.0f;
  if (kRounding == PayloadRounding::NearestAway && !kProductBf16) {
    // floor(4|s| + 1/2): fma forms |x| * mult + 2^15 exactly and rounds once (RN). Where the
    // floor can change (sum = k * 2^16, i.e. |x| * mult >= 2^15) the product has granularity
    // >= 1 (16 significant bits) and the sum is exact; elsewhere RN is monotonic and cannot
    // cross a multiple of 2^16 (representable). So floor(sum / 2^16) = floor(4|s| + 1/2).
    // The clamp (7.5 * 2^16) keeps 7; then adding 2^39 rounding toward zero leaves, in the
    // low bits (FP32 spacing 2^16 in [2^39, 2^40)), floor(sum / 2^16).
    const float q = fminf(__fmaf_rn(fabsf(x), mult, 32768.0f), kSeven + 32768.0f);
    return __float_as_uint(__fadd_rz(q, 0x1p39f));
  }
  float q = fabsf(x) * mult;            // exact (see lane_code)
  if (kProductBf16) q = round_bf16(q);  // BF16(|x| * REC) scaled by a power of two
  q = fminf(q, kSeven);                 // also turns Inf into 7 quarters
  if (kRounding == PayloadRounding::NearestAway)  // q + 2^15: exact where it matters, as above
    return __float_as_uint(__fadd_rz(q + 32768.0f, 0x1p39f));
  if (kRounding == PayloadRounding::NearestEven)  // RNE(q / 2^16) by the add's own rounding
    return __float_as_uint(__fadd_rn(q, 0x1p39f));
  if (kRounding == PayloadRounding::TowardZero)
    return __float_as_uint(__fadd_rz(q, 0x1p39f));
  // Stochastic: floor(q) (integer part and 16-bit fraction, as lane_code's t16) plus the
  // random bits; the carry into bit 16 is the round-up. The sum is taken on the bits of
  // 2^23 + floor(q) without removing 2^23 first: 0x4B000000 has zeros in bits 16..23 and
  // floor(q) + random < 2^19, so bits 16..23 of the sum are the code, as the packing needs.
  return (__float_as_uint(__fadd_rz(q, 0x1p23f)) + random) >> 16;
}

// Sign bits of the two BF16 values of a word, at bits 15 and 31, kept only for values that
// are negative and nonzero (the model's "negative": -0.0 is not): adding +0.0 to both halves
// (add.rn.bf16x2, exact) leaves every value as it is except -0.0, which becomes +0.0, the
// IEEE sum of opposite zeros in round-to-nearest; subnormals are kept. (A NaN half stays NaN,
// but a NaN anywhere makes the block a NaN block.) The bits other than 15 and 31 are not used.
__device__ __forceinline__ uint32_t negative_nonzero(uint32_t w) {
  uint32_t r;
  asm("add.rn.bf16x2 %0, %1, %2;" : "=r"(r) : "r"(w), "r"(0u));
  return r;
}

// The codes of a word's two values under payload-rounding=nearest-even with
// payload-product=bf16, two lanes per instruction in BF16x2 arithmetic (sm_90 has it natively):
// `mult2` holds REC * 2^(2 - E1_8 - E1_16) as a BF16 in both halves. mul.rn.bf16x2 forms
// BF16(|x| * REC) * 2^-E1 * 4, the model's BF16 product (scaling by a power of two commutes
// with the rounding in the normal range; below it the code is 0 either way, above it the
// product is Inf and the code 7, as lane_magnitude argues). Adding 128 rounds it to an integer
// ties to even: in [128, 256) the BF16 spacing is 1, and the sum of two BF16 values is rounded
// once. min(., 135) saturates at 7 (Inf included). 128 + n is 0x4300 + n: each half's low byte
// is its code, so value 2j's code is byte 0 and value 2j+1's byte 2 of the result.
__device__ __forceinline__ uint32_t pair_magnitudes_rne_bf16(uint32_t word, uint32_t mult2) {
  uint32_t r;
  asm("{\n\t"
      ".reg .b32 p;\n\t"
      "mul.rn.bf16x2 p, %1, %2;\n\t"
      "add.rn.bf16x2 p, p, %3;\n\t"
      "min.bf16x2 %0, p, %4;\n\t"
      "}"
      : "=r"(r)
      : "r"(word & 0x7FFF7FFFu), "r"(mult2), "r"(0x43004300u), "r"(0x43074307u));
  return r;
}

// The negative-zero knob as the batched kernel's template parameter (its values' order).
enum SignMode : int { kPlusZero = 0, kKeepSign = 1, kSignBit = 2 };

// One batch: the kBatch * kCtaThreads chunks from `cta_first` (kBatch * kCtaThreads / 8 HiF4
// blocks), of which this thread holds slices w[it] = chunk cta_first + it * kCtaThreads +
// threadIdx.x (zeros at and past chunk `cta_first + left`).
//
// Addresses: slice `it` of a segment is HiF4 block cta_first / 8 + it * 32 + threadIdx.x / 8,
// so every output address is one pointer computed once plus a constant (it * 32 * 36 bytes),
// and the bounds test is a 32-bit compare against `left`, the chunks of this CTA that exist.
// 64-bit index arithmetic per slice would take about a sixth of the kernel's instructions.
template <PayloadRounding kRounding, bool kProductBf16, bool kThresholdBf16, int kSign, bool kFull>
__device__ __forceinline__ void quantize_batch(const uint4 (&w)[kBatch], size_t cta_first, unsigned left,
                                               uint8_t* __restrict__ out, uint64_t first_index,
                                               const Knobs& k) {
  const unsigned lane = threadIdx.x & 31u;
  const unsigned part = lane & 7u;
  const unsigned seg = lane & 24u;  // first lane of this block's 8 threads in the warp
  constexpr unsigned kSliceBlocks = kCtaThreads / kThreadsPerBlock16B;  // blocks between slices
  const size_t first_block = cta_first / kThreadsPerBlock16B + threadIdx.x / kThreadsPerBlock16B;
  uint8_t* const out_block = out + first_block * kPackedBytes;  // block of slice 0
  // HiF4 block of slice `it` (the same for the 8 threads of a segment).
  auto block_of = [&](int it) { return first_block + static_cast<size_t>(it) * kSliceBlocks; };
  // Whether slice `it` of this thread's segment exists (whole segments exist together).
  auto slice_exists = [&](int it) {
    return kFull || static_cast<unsigned>(it) * kCtaThreads + (threadIdx.x & ~7u) < left;
  };
  // nearest-even payloads of BF16 products: two lanes an instruction (pair_magnitudes_rne_bf16).
  constexpr bool kPairedBf16 = kRounding == PayloadRounding::NearestEven && kProductBf16;

  // Peaks of every slice (exact: max selects).
  float v16a[kBatch], v16b[kBatch], v8[kBatch];
#pragma unroll
  for (int it = 0; it < kBatch; ++it) {
    v16a[it] = max_nan(max_nan(fabsf(bf16_lo(w[it].x)), fabsf(bf16_hi(w[it].x))),
                       max_nan(fabsf(bf16_lo(w[it].y)), fabsf(bf16_hi(w[it].y))));
    v16b[it] = max_nan(max_nan(fabsf(bf16_lo(w[it].z)), fabsf(bf16_hi(w[it].z))),
                       max_nan(fabsf(bf16_lo(w[it].w)), fabsf(bf16_hi(w[it].w))));
    v8[it] = max_nan(v16a[it], v16b[it]);
  }

  // Transposed reduction: at step `m` (4, 2, 1) a thread keeps the half of its slots whose
  // block has bit m equal to its own part's bit m, sends the other half to its partner
  // part ^ m, and takes the max with what the partner sent. After three steps slot 0 holds
  // Vmax over all 8 threads of block `part`.
  float r[kBatch];
#pragma unroll
  for (int it = 0; it < kBatch; ++it) r[it] = v8[it];
#pragma unroll
  for (int m = 4; m >= 1; m >>= 1) {
    const bool upper = (part & m) != 0;
#pragma unroll
    for (int j = 0; j < m; ++j) {
      const float keep = upper ? r[j + m] : r[j];
      const float send = upper ? r[j] : r[j + m];
      r[j] = max_nan(keep, __shfl_xor_sync(kFullWarp, send, m));
    }
  }
  const Scale mine = block_scale(r[0], k);  // the scale of block `part`
  // REC is a BF16 (its low 16 bits are 0): carry the E6M2 code in them.
  const uint32_t mine_packed = __float_as_uint(mine.rec) | mine.code;
  uint32_t mine_key = 0;
  if (kRounding == PayloadRounding::Stochastic)
    mine_key = sr_key_folded(sr_key(k.sr_seed, first_index + block_of(static_cast<int>(part))));
  // This thread's eight lanes' halves of the first mixing step (sr_lane_folded).
  uint32_t lane_folded[8] = {};
  if (kRounding == PayloadRounding::Stochastic) {
#pragma unroll
    for (int i = 0; i < 8; ++i) lane_folded[i] = sr_lane_folded(part * 8 + i);
  }

  uint32_t my_e1_8 = 0, my_e1_16a = 0, my_e1_16b = 0;  // ballots of block `part`
#pragma unroll
  for (int it = 0; it < kBatch; ++it) {
    const uint32_t packed = __shfl_sync(kFullWarp, mine_packed, seg | it);
    const uint32_t code = packed & 0xFFu;
    const float rec = __uint_as_float(packed & 0xFFFF0000u);
    uint32_t key = 0;
    if (kRounding == PayloadRounding::Stochastic) key = __shfl_sync(kFullWarp, mine_key, seg | it);

    // E1 decisions, exactly as in the simple kernel.
    const float p8 = v8[it] * rec, p16a = v16a[it] * rec, p16b = v16b[it] * rec;
    bool e1_8, e1_16a, e1_16b;
    if (kThresholdBf16) {
      // BF16(p) >= t compared on the BF16 bit patterns: the products are positive (or +Inf;
      // a NaN only in a NaN block), where the order of the patterns is the order of the values,
      // and the widening back to FP32 is saved. 0x4080 is 4.0 and 0x4000 is 2.0 in BF16.
      const uint32_t b8 = __bfloat16_as_ushort(__float2bfloat16_rn(p8));
      const uint32_t b16a = __bfloat16_as_ushort(__float2bfloat16_rn(p16a));
      const uint32_t b16b = __bfloat16_as_ushort(__float2bfloat16_rn(p16b));
      e1_8 = b8 >= 0x4080u;
      const uint32_t t16 = e1_8 ? 0x4080u : 0x4000u;
      e1_16a = b16a >= t16;
      e1_16b = b16b >= t16;
    } else {
      e1_8 = p8 >= 4.0f;
      const float t16 = e1_8 ? 4.0f : 2.0f;
      e1_16a = p16a >= t16;
      e1_16b = p16b >= t16;
    }

    const uint32_t words[4] = {w[it].x, w[it].y, w[it].z, w[it].w};
    // The codes of the even values [c0 c2 c4 c6] and of the odd ones [c1 c3 c5 c7], one a
    // byte with zeros above the code, gathered with byte permutes.
    uint32_t evens, odds;
    if constexpr (kPairedBf16) {
      // REC * 2^(2 - E1_8 - E1_16) in BF16 (an exponent-field add to REC: exact), in both halves.
      const uint32_t rec_bits = packed & 0xFFFF0000u;
      const uint32_t step8 = e1_8 ? 1u << 23 : 0u;
      const uint32_t mult_a = __byte_perm(rec_bits + (2u << 23) - step8 - (e1_16a ? 1u << 23 : 0u), 0, 0x3232);
      const uint32_t mult_b = __byte_perm(rec_bits + (2u << 23) - step8 - (e1_16b ? 1u << 23 : 0u), 0, 0x3232);
      uint32_t mw[4];  // value 2j's code in byte 0 of mw[j], value 2j+1's in byte 2
#pragma unroll
      for (int j = 0; j < 4; ++j) mw[j] = pair_magnitudes_rne_bf16(words[j], j < 2 ? mult_a : mult_b);
      evens = __byte_perm(__byte_perm(mw[0], mw[1], 0x0040), __byte_perm(mw[2], mw[3], 0x0040), 0x5410);
      odds = __byte_perm(__byte_perm(mw[0], mw[1], 0x0062), __byte_perm(mw[2], mw[3], 0x0062), 0x5410);
    } else {
      // REC * 2^(18 - E1_8 - E1_16): rec * 2^16 * {4, 2, 1}, exact.
      const float rec16 = rec * 65536.0f;
      const float half_or_one = e1_8 ? 2.0f : 4.0f;
      const float mult_a = rec16 * (e1_16a ? half_or_one * 0.5f : half_or_one);
      const float mult_b = rec16 * (e1_16b ? half_or_one * 0.5f : half_or_one);
      uint32_t m[8];  // value i's code in byte 0 of m[i]
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const float mult = j < 2 ? mult_a : mult_b;
        const uint32_t r0 = kRounding == PayloadRounding::Stochastic ? sr_lane_from_folded(key, lane_folded[2 * j]) : 0u;
        const uint32_t r1 = kRounding == PayloadRounding::Stochastic ? sr_lane_from_folded(key, lane_folded[2 * j + 1]) : 0u;
        m[2 * j] = lane_magnitude<kRounding, kProductBf16>(bf16_lo(words[j]), mult, r0);
        m[2 * j + 1] = lane_magnitude<kRounding, kProductBf16>(bf16_hi(words[j]), mult, r1);
      }
      evens = __byte_perm(__byte_perm(m[0], m[2], 0x0040), __byte_perm(m[4], m[6], 0x0040), 0x5410);
      odds = __byte_perm(__byte_perm(m[1], m[3], 0x0040), __byte_perm(m[5], m[7], 0x0040), 0x5410);
    }
    // The payload word: evens | odds << 4, and the sign bits gathered likewise from byte 1
    // (bit 15: even values) and byte 3 (bit 31: odd values) of each word. keep-sign: the sign
    // of negative nonzero values; plus-zero (masked below) and sign-bit: every sign bit.
    uint32_t sgn[4];
#pragma unroll
    for (int j = 0; j < 4; ++j) sgn[j] = kSign == kKeepSign ? negative_nonzero(words[j]) : words[j];
    const uint32_t sign_even = __byte_perm(__byte_perm(sgn[0], sgn[1], 0x0051), __byte_perm(sgn[2], sgn[3], 0x0051), 0x5410);
    const uint32_t sign_odd = __byte_perm(__byte_perm(sgn[0], sgn[1], 0x0073), __byte_perm(sgn[2], sgn[3], 0x0073), 0x5410);
    uint32_t payload = evens | (odds << 4) | ((sign_even >> 4) & 0x08080808u) | (sign_odd & 0x80808080u);
    if (kSign == kPlusZero) {
      // negative-zero=plus-zero: a sign only where the magnitude is nonzero. Per nibble,
      // magnitude + 7 sets bit 3 exactly when the magnitude is nonzero (no carry: 7 + 7 < 16).
      const uint32_t magnitude = payload & 0x77777777u;
      payload = magnitude | (payload & (magnitude + 0x77777777u) & 0x88888888u);
    }
    const bool nan_block = code == kE6M2NaN;

    const uint32_t b8 = (__ballot_sync(kFullWarp, e1_8) >> seg) & 0xFFu;
    const uint32_t b16a = (__ballot_sync(kFullWarp, e1_16a) >> seg) & 0xFFu;
    const uint32_t b16b = (__ballot_sync(kFullWarp, e1_16b) >> seg) & 0xFFu;
    if (part == static_cast<unsigned>(it)) {
      my_e1_8 = b8;
      my_e1_16a = b16a;
      my_e1_16b = b16b;
    }
    if (slice_exists(it))
      __stcs(reinterpret_cast<unsigned int*>(out_block + it * (kSliceBlocks * kPackedBytes) +
                                             kOffsetPayload + 4 * part),
             nan_block ? 0u : payload);
  }
  // Thread g writes the metadata word of block `g`.
  if (slice_exists(static_cast<int>(part))) {
    const uint32_t e1_16 = spread8(my_e1_16a) | (spread8(my_e1_16b) << 1);
    const uint32_t meta = mine.code == kE6M2NaN
                              ? kE6M2NaN
                              : (mine.code << (8 * kOffsetE6M2)) | (my_e1_8 << (8 * kOffsetE1_8)) |
                                    (e1_16 << (8 * kOffsetE1_16));
    __stcs(reinterpret_cast<unsigned int*>(out_block + part * (kSliceBlocks * kPackedBytes)), meta);
  }
}

template <PayloadRounding kRounding, bool kProductBf16, bool kThresholdBf16, int kSign>
__global__ void __launch_bounds__(kCtaThreads)
quantize_batched_kernel(const uint4* __restrict__ in, size_t chunks, uint8_t* __restrict__ out,
                        uint64_t first_index, Knobs k) {
  constexpr unsigned kCtaChunks = kBatch * kCtaThreads;
  const size_t cta_first = static_cast<size_t>(blockIdx.x) * kCtaChunks;
  const unsigned left = static_cast<unsigned>(min(chunks - cta_first, static_cast<size_t>(kCtaChunks)));
  const uint4* const src = in + cta_first + threadIdx.x;
  uint4 w[kBatch];
  // Every CTA but the last is full: its loads and stores need no bounds test.
  if (left == kCtaChunks) {
#pragma unroll
    for (int it = 0; it < kBatch; ++it) w[it] = __ldcs(src + it * kCtaThreads);
    quantize_batch<kRounding, kProductBf16, kThresholdBf16, kSign, true>(w, cta_first, left, out, first_index, k);
  } else {
#pragma unroll
    for (int it = 0; it < kBatch; ++it)
      w[it] = it * kCtaThreads + threadIdx.x < left ? __ldcs(src + it * kCtaThreads) : make_uint4(0, 0, 0, 0);
    quantize_batch<kRounding, kProductBf16, kThresholdBf16, kSign, false>(w, cta_first, left, out, first_index, k);
  }
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw Error(std::string("CUDA ") + what + ": " + cudaGetErrorString(e), false);
}

dim3 grid_for(size_t chunks, size_t chunks_per_cta) {
  const size_t ctas = (chunks + chunks_per_cta - 1) / chunks_per_cta;
  if (ctas > 0x7FFFFFFFu) throw Error("quantize: too many blocks for one launch", false);
  return dim3(static_cast<unsigned>(ctas));
}

template <PayloadRounding kRounding, bool kProductBf16, bool kThresholdBf16>
void launch_batched_sign(const uint4* in, size_t chunks, uint8_t* out, uint64_t first, const Knobs& k,
                         cudaStream_t stream) {
  const dim3 grid = grid_for(chunks, static_cast<size_t>(kCtaThreads) * kBatch);
  if (k.sign_bit)
    quantize_batched_kernel<kRounding, kProductBf16, kThresholdBf16, kSignBit><<<grid, kCtaThreads, 0, stream>>>(in, chunks, out, first, k);
  else if (k.keep_sign)
    quantize_batched_kernel<kRounding, kProductBf16, kThresholdBf16, kKeepSign><<<grid, kCtaThreads, 0, stream>>>(in, chunks, out, first, k);
  else
    quantize_batched_kernel<kRounding, kProductBf16, kThresholdBf16, kPlusZero><<<grid, kCtaThreads, 0, stream>>>(in, chunks, out, first, k);
}

// The threshold product is a template parameter too: a predicated-off BF16 rounding of the
// three E1 products per slice still takes issue slots.
template <PayloadRounding kRounding, bool kProductBf16>
void launch_batched(const uint4* in, size_t chunks, uint8_t* out, uint64_t first, const Knobs& k,
                    cudaStream_t stream) {
  if (k.threshold_bf16)
    launch_batched_sign<kRounding, kProductBf16, true>(in, chunks, out, first, k, stream);
  else
    launch_batched_sign<kRounding, kProductBf16, false>(in, chunks, out, first, k, stream);
}

template <PayloadRounding kRounding, bool kProductBf16>
void launch_variant(int variant, const uint4* in, size_t chunks, uint8_t* out, uint64_t first,
                    const Knobs& k, cudaStream_t stream) {
  if (variant == kVariantSimple) {
    quantize_kernel<kRounding, kProductBf16, 1>
        <<<grid_for(chunks, kCtaThreads), kCtaThreads, 0, stream>>>(in, chunks, out, first, k);
  } else if (variant == kVariantBatched) {
    launch_batched<kRounding, kProductBf16>(in, chunks, out, first, k, stream);
  } else {
    throw Error("quantize: unknown kernel variant " + std::to_string(variant), false);
  }
}

template <PayloadRounding kRounding>
void launch_product(int variant, const uint4* in, size_t chunks, uint8_t* out, uint64_t first,
                    const Knobs& k, bool product_bf16, cudaStream_t stream) {
  if (product_bf16) launch_variant<kRounding, true>(variant, in, chunks, out, first, k, stream);
  else launch_variant<kRounding, false>(variant, in, chunks, out, first, k, stream);
}

}  // namespace

void require_device() {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    (void)cudaGetLastError();  // clear the sticky-free error state for later calls
    throw Error(std::string("no CUDA device (") +
                    (e != cudaSuccess ? cudaGetErrorString(e) : "the driver reports 0 devices") +
                    ")",
                true);
  }
}

std::string device_description() {
  require_device();
  int dev = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  cudaDeviceProp p{};
  check(cudaGetDeviceProperties(&p, dev), "cudaGetDeviceProperties");
  char buf[96];
  std::snprintf(buf, sizeof buf, ", sm_%d%d, %d SMs, %.1f GiB", p.major, p.minor,
                p.multiProcessorCount, p.totalGlobalMem / 1073741824.0);
  return std::string(p.name) + buf;
}

void quantize_device_variant(int variant, const uint16_t* d_in, size_t count, const Config& cfg,
                             uint64_t first_index, uint8_t* d_out, void* stream_ptr) {
  if (count == 0) return;
  if (reinterpret_cast<uintptr_t>(d_in) % 16 != 0)
    throw Error("quantize: the device input must be 16-byte aligned", false);
  if (reinterpret_cast<uintptr_t>(d_out) % 4 != 0)
    throw Error("quantize: the device output must be 4-byte aligned", false);
  const Knobs k = knobs_of(cfg);
  const auto* in = reinterpret_cast<const uint4*>(d_in);
  const size_t chunks = count * kThreadsPerBlock16B;
  auto stream = static_cast<cudaStream_t>(stream_ptr);
  const bool bf16 = cfg.payload_product == ProductMode::Bf16;
  switch (cfg.payload_rounding) {
    case PayloadRounding::NearestAway:
      launch_product<PayloadRounding::NearestAway>(variant, in, chunks, d_out, first_index, k, bf16, stream);
      break;
    case PayloadRounding::NearestEven:
      launch_product<PayloadRounding::NearestEven>(variant, in, chunks, d_out, first_index, k, bf16, stream);
      break;
    case PayloadRounding::TowardZero:
      launch_product<PayloadRounding::TowardZero>(variant, in, chunks, d_out, first_index, k, bf16, stream);
      break;
    case PayloadRounding::Stochastic:
      launch_product<PayloadRounding::Stochastic>(variant, in, chunks, d_out, first_index, k, bf16, stream);
      break;
  }
  check(cudaGetLastError(), "quantize kernel launch");
}

const char* variant_name(int variant) {
  switch (variant) {
    case kVariantSimple: return "simple";
    case kVariantBatched: return "batched";
  }
  return "?";
}

// The fastest variant measured on the cards of docs/measurements.md (the CUDA golden).
int default_variant() { return kVariantBatched; }

void quantize_device(const uint16_t* d_in, size_t count, const Config& cfg, uint64_t first_index,
                     uint8_t* d_out, void* stream) {
  quantize_device_variant(default_variant(), d_in, count, cfg, first_index, d_out, stream);
}

void quantize_host(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                   uint8_t* out) {
  if (count == 0) return;
  require_device();
  // Two streams, each with device buffers for up to 2^18 blocks (32 MiB in, 9 MiB out), kept
  // between calls. Chunk i runs on stream i % 2: its copy in, kernel and copy out queue behind
  // chunk i - 2 there, so one stream's transfers overlap the other's kernel. From pageable
  // memory the copies are staged by the driver and overlap less; the bytes are the same.
  constexpr size_t kStreams = 2;
  constexpr size_t kChunk = size_t{1} << 18;
  struct Lane {
    cudaStream_t stream = nullptr;
    uint16_t* d_in = nullptr;
    uint8_t* d_out = nullptr;
  };
  static std::mutex mutex;
  static Lane lanes[kStreams];
  std::lock_guard<std::mutex> lock(mutex);
  for (Lane& l : lanes) {
    if (l.stream) continue;
    check(cudaStreamCreateWithFlags(&l.stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cudaMalloc(&l.d_in, kChunk * kInputBytes), "cudaMalloc (input)");
    check(cudaMalloc(&l.d_out, kChunk * kPackedBytes), "cudaMalloc (output)");
  }
  size_t i = 0;
  for (size_t done = 0; done < count; done += kChunk, ++i) {
    const size_t n = std::min(kChunk, count - done);
    Lane& l = lanes[i % kStreams];
    check(cudaMemcpyAsync(l.d_in, in + done * kBlockValues, n * kInputBytes, cudaMemcpyHostToDevice,
                          l.stream),
          "cudaMemcpyAsync to the device");
    quantize_device(l.d_in, n, cfg, first_index + done, l.d_out, l.stream);
    check(cudaMemcpyAsync(out + done * kPackedBytes, l.d_out, n * kPackedBytes, cudaMemcpyDeviceToHost,
                          l.stream),
          "cudaMemcpyAsync to the host");
  }
  // Waits for both streams and reports the kernels' errors.
  for (Lane& l : lanes) check(cudaStreamSynchronize(l.stream), "quantize kernel / copies");
}

void* alloc_pinned(size_t bytes) {
  require_device();
  void* p = nullptr;
  check(cudaHostAlloc(&p, bytes, cudaHostAllocDefault), "cudaHostAlloc");
  return p;
}

void free_pinned(void* p) { cudaFreeHost(p); }

}  // namespace hif4::cuda
