// AVX2 kernels of the fast quantize and decode paths. Compiled with -mavx2 (model/CMakeLists.txt)
// and only ever called after simd.cpp has checked that the CPU has AVX2.
//
// A block's 64 lanes sit in four registers of 16 x u16 (register r = lanes 16r..16r+15; each
// 128-bit half of a register is one E1_8 group of 8 lanes, each 64-bit quarter one E1_16
// group of 4 lanes). Blocks go in batches: pass 1 finds every block's peaks and E6M2 code,
// pass 2 does the rest, so the per-block chain peak -> table -> REC of one block overlaps
// with the work of the others. The stages, as in stages.h / block.cpp:
//   peak tree     max over 2, 4 and 8 neighbours by shuffles: every lane then holds the V16
//                 and V8 of its own group, so the E1 decisions are per-lane compares
//   scale         Vmax -> E6M2 code through a table built from scale_factor + encode_e6m2
//   E1 decisions  V >= threshold (e1_thresholds, derived from threshold_product)
//   payload       4|s| = p / 2^sh with p = sig(x) * sig(REC), sh = shift_base + e1 - E,
//                 as encode_s1p2_as, in 32-bit lanes with a per-lane shift (vpsrlvd). The
//                 rounding works on t = floor(p * 2^(16 - sh)), i.e. 4|s| with its fraction
//                 cut to 16 bits (the model's stochastic form), then q = (t + inc) >> 16:
//                   nearest-away inc = 2^15; toward-zero inc = 0; stochastic inc = random;
//                   nearest-even inc = 2^15 - 1 + (bit 16 of t).
//                 These equal the model's (p + half) >> sh etc. for every sh >= 1: for
//                 sh <= 16 t is exact, and for sh > 16 4|s| < 1/2, t < 2^15 and both sides
//                 are 0 (docs/simd.md has the argument; tests/model/test_simd.cpp checks the
//                 kernel against the model for every lane value under every E6M2 code and
//                 shift, on every suite, and on 10^7 random blocks per profile). sh <= 0 (the
//                 model saturates a nonzero p) is clamped to 1, where a nonzero p >= 2^14
//                 still gives q >= 2^13 and saturates to 7.
// Blocks with a NaN or Inf lane (Vmax >= 0x7F80) go to the scalar model, one block.
#include <immintrin.h>

#include <cstring>

#include "hif4/format.h"
#include "simd_kernels.h"

namespace hif4::simd_detail {

// ---- Constants ------------------------------------------------------------------------------
//
// The quantize kernel's vector constants live in a global that is not const: the compiler
// must then read them from memory (external linkage: this TU cannot prove that no
// other TU writes them), as instruction operands. With _mm256_set1 constants GCC
// rebuilds each one from an immediate inside the loop once registers run short, which
// costs more instructions than the whole payload step.
struct alignas(32) KernelConstants {
  uint32_t mag_mask[8], sig_mask[8], hidden_bit[8], sign_code[8], one16[8], seven16[8];
  uint32_t low16[8], high16[8], half[8], half_minus_one[8], one32[8], low_byte[8];
  uint32_t bf16_round7[8], bf16_low7[8], mix_mul1[8], mix_mul2[8];
  uint8_t swap_u16[32];
  uint32_t nibble_order[8];
};

#define HIF4_SPLAT16(x) {(x) * 0x10001u, (x) * 0x10001u, (x) * 0x10001u, (x) * 0x10001u, \
                         (x) * 0x10001u, (x) * 0x10001u, (x) * 0x10001u, (x) * 0x10001u}
#define HIF4_SPLAT32(x) {(x), (x), (x), (x), (x), (x), (x), (x)}
KernelConstants g_kernel_constants = {
    HIF4_SPLAT16(kBf16MagnitudeMask), HIF4_SPLAT16(0xFFu), HIF4_SPLAT16(0x80u),
    HIF4_SPLAT16(kS1P2SignBit), HIF4_SPLAT16(1u), HIF4_SPLAT16(kS1P2MaxMagnitude),
    HIF4_SPLAT32(0xFFFFu), HIF4_SPLAT32(0xFFFF0000u), HIF4_SPLAT32(0x8000u), HIF4_SPLAT32(0x7FFFu),
    HIF4_SPLAT32(1u), HIF4_SPLAT32(0xFFu), HIF4_SPLAT16(63u), HIF4_SPLAT16(0x7Fu),
    HIF4_SPLAT32(0x7FEB352Du), HIF4_SPLAT32(0x846CA68Bu),
    // vpshufb pattern swapping neighbouring u16 lanes (0<->1, 2<->3, ...).
    {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13},
    {0, 4, 1, 5, 2, 6, 3, 7},
};
#undef HIF4_SPLAT16
#undef HIF4_SPLAT32

namespace {

#define HIF4_K(name) _mm256_load_si256(reinterpret_cast<const __m256i*>(g_kernel_constants.name))

// ---- Stochastic rounding bits: sr_lane_bits (stages.h) on 8 lanes at once ----------------

inline __m256i mix32x8(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, HIF4_K(mix_mul1));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
  x = _mm256_mullo_epi32(x, HIF4_K(mix_mul2));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  return x;
}

// (lane + 1) * 0x9E3779B9 in the order the payload step holds the lanes: register r viewed
// as 8 x u32 has lane 16r + 2j in the low and 16r + 2j + 1 in the high half of u32 lane j.
struct LaneSalts {
  alignas(32) uint32_t v[4][2][8];  // [register][even, odd][j]
};
// Built at compile time: a dynamic initializer in this TU would be AVX2 code run at start-up,
// before any CPU check.
constexpr LaneSalts make_lane_salts() {
  LaneSalts s{};
  for (unsigned r = 0; r < 4; ++r)
    for (unsigned odd = 0; odd < 2; ++odd)
      for (unsigned j = 0; j < 8; ++j) s.v[r][odd][j] = (16 * r + 2 * j + odd + 1u) * 0x9E3779B9u;
  return s;
}
constexpr LaneSalts kLaneSalts = make_lane_salts();

// ---- Payload of 16 lanes -----------------------------------------------------------------

// S1P2 magnitudes (0..7) of 16 lanes from p = sig(x) * sig(REC) and the model's shift sh
// (both u16 lanes; sh signed). The shift needs 32 bits (t = (p << 16) >> sh), so the
// register is worked on as 8 x u32 twice: the even u16 lanes (low halves) and the odd ones
// (high halves), which also leaves the results in place without any repacking.
template <int kMode>
inline __m256i payload_quarters(__m256i p, __m256i sh, __m256i random_even, __m256i random_odd) {
  const __m256i low16 = HIF4_K(low16);
  const __m256i high16 = HIF4_K(high16);
  sh = _mm256_max_epi16(sh, HIF4_K(one16));
  // t = floor(4|s| * 2^16); shift counts >= 32 give 0, as the model's 48-bit clamp does.
  const __m256i t_even = _mm256_srlv_epi32(_mm256_slli_epi32(p, 16), _mm256_and_si256(sh, low16));
  const __m256i t_odd = _mm256_srlv_epi32(_mm256_and_si256(p, high16), _mm256_srli_epi32(sh, 16));
  __m256i inc_even, inc_odd;
  switch (kMode) {
    case kAway: inc_even = inc_odd = HIF4_K(half); break;
    case kEven: {
      const __m256i half_minus_one = HIF4_K(half_minus_one), one = HIF4_K(one32);
      inc_even = _mm256_add_epi32(half_minus_one, _mm256_and_si256(_mm256_srli_epi32(t_even, 16), one));
      inc_odd = _mm256_add_epi32(half_minus_one, _mm256_and_si256(_mm256_srli_epi32(t_odd, 16), one));
      break;
    }
    case kTowardZero: inc_even = inc_odd = _mm256_setzero_si256(); break;
    default: inc_even = random_even; inc_odd = random_odd; break;
  }
  // q = (t + inc) >> 16: the even results land in the low halves, the odd ones are kept in
  // the high halves; t < 2^31 and inc < 2^16, so nothing wraps.
  const __m256i q = _mm256_or_si256(_mm256_srli_epi32(_mm256_add_epi32(t_even, inc_even), 16),
                                    _mm256_and_si256(_mm256_add_epi32(t_odd, inc_odd), high16));
  return _mm256_min_epu16(q, HIF4_K(seven16));
}

// payload-product=bf16: p (from a normal x, so 2^14 <= p < 2^16) rounded to 8 significant
// bits, ties to even, as encode_s1p2_as does, but kept in place: the 7 or 8 dropped bits are
// cleared instead of shifted out, so p keeps its unit and sh is unchanged. The model's
// further clamp to the BF16 subnormal quantum only matters where |x| * REC < 2^-126, and
// there 4|s| < 2^-120 gives code 0 either way (likewise every subnormal x, see below).
inline __m256i round_product_to_bf16(__m256i p) {
  const __m256i big = _mm256_srai_epi16(p, 15);                  // p >= 2^15: drop 8 bits, else 7
  const __m256i bit7 = _mm256_and_si256(big, HIF4_K(hidden_bit));  // 0x80 where 8 bits drop
  const __m256i half_minus_one = _mm256_add_epi16(HIF4_K(bf16_round7), _mm256_srli_epi16(bit7, 1));  // 63 | 127
  const __m256i kept_lsb = _mm256_min_epu16(
      _mm256_and_si256(p, _mm256_add_epi16(HIF4_K(hidden_bit), bit7)), HIF4_K(one16));  // bit 7 | bit 8
  const __m256i dropped = _mm256_or_si256(HIF4_K(bf16_low7), bit7);  // 0x7F | 0xFF
  // p + 127 + 1 <= 65153: no 16-bit wrap; a carry to 2^16 / 2^15 stays representable.
  return _mm256_andnot_si256(dropped, _mm256_add_epi16(_mm256_add_epi16(p, half_minus_one), kept_lsb));
}

inline void write_nan_block(uint8_t* out) {
  std::memset(out, 0, kPackedBytes);
  out[kOffsetE6M2] = kE6M2NaN;
}

template <int kMode, bool kBf16>
void quantize_run(const uint16_t* in, size_t count, const QuantizePlan& plan, uint64_t first_index,
                  uint8_t* out) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i mag_mask = HIF4_K(mag_mask);
  const __m256i sig_mask = HIF4_K(sig_mask);
  const __m256i hidden_bit = HIF4_K(hidden_bit);
  const __m256i sign_code = HIF4_K(sign_code);
  const __m256i swap_u16 = HIF4_K(swap_u16);
  const __m256i keep_sign = plan.keep_sign ? _mm256_cmpeq_epi16(zero, zero) : zero;
  const __m256i sign_bit = plan.sign_bit ? _mm256_cmpeq_epi16(zero, zero) : zero;
  const __m256i nibble_order = HIF4_K(nibble_order);

  // Two passes over batches of kBatch blocks. Pass 1 finds each block's peaks and E6M2 code;
  // pass 2 does the rest. Within one block everything waits on the peak -> table -> REC
  // chain; splitting the passes lets the CPU overlap the chains of many blocks.
  constexpr size_t kBatch = 16;
  constexpr uint16_t kScalarBlock = 0x100;  // status of a block with a NaN or Inf lane
  alignas(32) uint16_t peaks[kBatch][2][4][16];  // [block][V16, V8][register][lane]
  uint16_t status[kBatch];                       // E6M2 code (0xFF: NaN block) or kScalarBlock
  alignas(32) uint32_t keys[kBatch];             // stochastic-rounding block keys

  for (size_t batch = 0; batch < count; batch += kBatch) {
    const size_t n = count - batch < kBatch ? count - batch : kBatch;
    for (size_t i = 0; i < n; ++i) {
      const uint16_t* x = in + (batch + i) * kBlockValues;
      // Streaming input: ask for the block one batch ahead.
      if (batch + i + kBatch < count) {
        _mm_prefetch(reinterpret_cast<const char*>(x + kBatch * kBlockValues), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + kBatch * kBlockValues + 32), _MM_HINT_T0);
      }
      __m256i v8_all = _mm256_setzero_si256();
      for (unsigned r = 0; r < 4; ++r) {
        const __m256i mag =
            _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16 * r)), mag_mask);
        __m256i m = _mm256_max_epu16(mag, _mm256_shuffle_epi8(mag, swap_u16));
        m = _mm256_max_epu16(m, _mm256_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));  // max of 4
        const __m256i m8 = _mm256_max_epu16(m, _mm256_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));  // of 8
        _mm256_store_si256(reinterpret_cast<__m256i*>(peaks[i][0][r]), m);
        _mm256_store_si256(reinterpret_cast<__m256i*>(peaks[i][1][r]), m8);
        v8_all = _mm256_max_epu16(v8_all, m8);
      }
      const __m128i m2 = _mm_max_epu16(_mm256_castsi256_si128(v8_all), _mm256_extracti128_si256(v8_all, 1));
      const uint16_t vmax = static_cast<uint16_t>(_mm_extract_epi16(m2, 0));
      // NaN or Inf somewhere: the scalar model decides the block.
      status[i] = vmax >= kBf16Inf ? kScalarBlock : plan.scale_code[vmax];
    }
    if (kMode == kStochastic) {
      // sr_block_key (stages.h) of 8 blocks at once; lanes past n compute unused keys.
      for (size_t j = 0; j < n; j += 8) {
        alignas(32) uint32_t lo[8], hi[8];
        for (unsigned k = 0; k < 8; ++k) {
          const uint64_t block = first_index + batch + j + k;
          lo[k] = static_cast<uint32_t>(block);
          hi[k] = static_cast<uint32_t>(block >> 32);
        }
        __m256i h = mix32x8(_mm256_xor_si256(_mm256_load_si256(reinterpret_cast<const __m256i*>(hi)),
                                             _mm256_set1_epi32(0x48694634)));
        h = mix32x8(_mm256_xor_si256(_mm256_load_si256(reinterpret_cast<const __m256i*>(lo)), h));
        h = mix32x8(_mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(plan.sr_seed >> 32)), h));
        h = mix32x8(_mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(plan.sr_seed)), h));
        _mm256_store_si256(reinterpret_cast<__m256i*>(keys + j), h);
      }
    }
    for (size_t i = 0; i < n; ++i) {
    const size_t b = batch + i;
    const uint16_t* x = in + b * kBlockValues;
    uint8_t* o = out + b * kPackedBytes;
    if (status[i] == kScalarBlock) {
      plan.scalar_block(x, plan.cfg, first_index + b, o);
      continue;
    }
    const uint8_t code = static_cast<uint8_t>(status[i]);
    if (code == kE6M2NaN) {  // scale overflow / underflow under the nan policies
      write_nan_block(o);
      continue;
    }
    __m256i raw[4], mag[4], v16[4], v8[4];
    for (unsigned r = 0; r < 4; ++r) {
      raw[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16 * r));
      mag[r] = _mm256_and_si256(raw[r], mag_mask);
      v16[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(peaks[i][0][r]));
      v8[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(peaks[i][1][r]));
    }
    const CodeParams cp = plan.code_params[code];
    // Every finite V is below 0x7F80 and every threshold at least 1, so signed 16-bit
    // compares against threshold - 1 give V >= threshold.
    const __m256i ge2 = _mm256_set1_epi16(static_cast<short>(cp.ge2 - 1));
    const __m256i ge4 = _mm256_set1_epi16(static_cast<short>(cp.ge4 - 1));
    const __m256i rec_sig = _mm256_set1_epi16(static_cast<short>(cp.rec_sig));
    const __m256i shift_base = _mm256_set1_epi16(cp.shift_base);
    __m256i key = zero;
    if (kMode == kStochastic) key = _mm256_set1_epi32(static_cast<int>(keys[i]));

    unsigned e1_8 = 0, e1_16 = 0;
    __m256i folded[4];
    for (unsigned r = 0; r < 4; ++r) {
      const __m256i e8 = _mm256_cmpgt_epi16(v8[r], ge4);
      const __m256i e16 = _mm256_cmpgt_epi16(v16[r], _mm256_blendv_epi8(ge2, ge4, e8));
      // The masks are constant over each group, so one bit per 64 bits is one bit per
      // E1_16 group; E1_8 groups are 128 bits (bits 0 and 2 of the 4).
      const unsigned m8 = static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(e8)));
      e1_8 |= ((m8 & 1u) | ((m8 >> 1) & 2u)) << (2 * r);
      e1_16 |= static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(e16))) << (4 * r);

      // sig(x) = 1.mmmmmmm for a normal x. A subnormal x (|x| < 2^-126, REC <= 2^48) has
      // 4|s| < 2^-76: code 0 under every rounding, stochastic included (t = 0), so its p
      // is set to 0 and its shift does not matter.
      const __m256i e = _mm256_srli_epi16(mag[r], 7);
      const __m256i sig = _mm256_and_si256(_mm256_cmpgt_epi16(e, zero),
                                           _mm256_and_si256(_mm256_or_si256(mag[r], hidden_bit), sig_mask));
      __m256i p = _mm256_mullo_epi16(sig, rec_sig);  // < 2^16: exact in u16
      // sh = shift_base + E1 - E, with E1 = -(e8 + e16) from the all-ones masks.
      __m256i sh = _mm256_sub_epi16(_mm256_sub_epi16(shift_base, _mm256_add_epi16(e8, e16)), e);
      if (kBf16) p = round_product_to_bf16(p);
      __m256i random_even = zero, random_odd = zero;
      if (kMode == kStochastic) {
        const auto& salt = kLaneSalts.v[r];
        random_even = _mm256_srli_epi32(
            mix32x8(_mm256_xor_si256(key, _mm256_load_si256(reinterpret_cast<const __m256i*>(salt[0])))),
            32 - kSrBits);
        random_odd = _mm256_srli_epi32(
            mix32x8(_mm256_xor_si256(key, _mm256_load_si256(reinterpret_cast<const __m256i*>(salt[1])))),
            32 - kSrBits);
      }
      const __m256i q = payload_quarters<kMode>(p, sh, random_even, random_odd);

      // Sign: x < 0 (sign bit and a nonzero magnitude); kept on a zero code only under
      // negative-zero=keep-sign or sign-bit; under sign-bit the sign bit alone (-0.0 too).
      const __m256i sign = _mm256_srai_epi16(raw[r], 15);
      __m256i negative = _mm256_and_si256(sign, _mm256_cmpgt_epi16(mag[r], zero));
      negative = _mm256_and_si256(negative, _mm256_or_si256(_mm256_cmpgt_epi16(q, zero), keep_sign));
      negative = _mm256_or_si256(negative, _mm256_and_si256(sign, sign_bit));
      const __m256i codes = _mm256_or_si256(q, _mm256_and_si256(negative, sign_code));
      // Nibbles: byte k = code[2k] | code[2k+1] << 4. Fold the odd code of each u32 lane
      // down next to the even one and keep the low byte.
      folded[r] = _mm256_and_si256(_mm256_or_si256(codes, _mm256_srli_epi32(codes, 12)),
                                   HIF4_K(low_byte));
    }
    // Pack 32 -> 16 -> 8 bits; one dword permutation undoes the packs' per-128-bit
    // interleaving.
    const __m256i w01 = _mm256_packus_epi32(folded[0], folded[1]);
    const __m256i w23 = _mm256_packus_epi32(folded[2], folded[3]);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w01, w23), nibble_order);
    const uint32_t header = code | (e1_8 << 8) | (e1_16 << 16);
    std::memcpy(o + kOffsetE6M2, &header, sizeof header);  // little-endian: bytes 0..3
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + kOffsetPayload), bytes);
    }
  }
}

using RunFn = void (*)(const uint16_t*, size_t, const QuantizePlan&, uint64_t, uint8_t*);

template <bool kBf16>
RunFn pick_mode(int mode) {
  switch (mode) {
    case kAway: return quantize_run<kAway, kBf16>;
    case kEven: return quantize_run<kEven, kBf16>;
    case kTowardZero: return quantize_run<kTowardZero, kBf16>;
    default: return quantize_run<kStochastic, kBf16>;
  }
}

// ---- Decode --------------------------------------------------------------------------------

// FP32 bits of the 64 lanes of one block, 8 registers. Every decoded value is a small
// integer times a power of two inside FP32's normal range, so the products are exact.
inline void decode_block(const uint8_t* blk, const uint32_t* quarter_scale, __m256i lanes[8]) {
  const uint8_t code = blk[kOffsetE6M2];
  if (code == kE6M2NaN) {
    for (unsigned k = 0; k < 8; ++k) lanes[k] = _mm256_set1_epi32(static_cast<int>(kF32QuietNaN));
    return;
  }
  const unsigned e1_8 = blk[kOffsetE1_8];
  const unsigned e1_16 = blk[kOffsetE1_16] | (blk[kOffsetE1_16 + 1] << 8);
  const __m256 scale = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(quarter_scale[code])));
  const __m256i nibble_shift = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
  const __m256i mag_mask = _mm256_set1_epi32(kS1P2MaxMagnitude);
  for (unsigned k = 0; k < 8; ++k) {  // lanes 8k..8k+7: payload bytes 4k..4k+3
    uint32_t word;
    std::memcpy(&word, blk + kOffsetPayload + 4 * k, sizeof word);
    const __m256i nib = _mm256_and_si256(
        _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(word)), nibble_shift), _mm256_set1_epi32(0xF));
    // 2^(E1_8 + E1_16) for the two groups of 4, as FP32 exponent increments.
    const unsigned e8 = (e1_8 >> k) & 1u;
    const int ea = static_cast<int>(e8 + ((e1_16 >> (2 * k)) & 1u)) << 23;
    const int eb = static_cast<int>(e8 + ((e1_16 >> (2 * k + 1)) & 1u)) << 23;
    const __m256i mag_bits = _mm256_castps_si256(
        _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(nib, mag_mask)), scale));
    const __m256i nonzero = _mm256_cmpgt_epi32(mag_bits, _mm256_setzero_si256());
    const __m256i scaled = _mm256_add_epi32(
        mag_bits, _mm256_and_si256(nonzero, _mm256_setr_epi32(ea, ea, ea, ea, eb, eb, eb, eb)));
    const __m256i sign = _mm256_slli_epi32(_mm256_srli_epi32(nib, 3), 31);
    lanes[k] = _mm256_or_si256(scaled, sign);
  }
}

}  // namespace

void quantize_avx2(const uint16_t* in, size_t count, const QuantizePlan& plan, uint64_t first_index,
                   uint8_t* out) {
  const RunFn fn = plan.bf16_product ? pick_mode<true>(plan.payload_mode) : pick_mode<false>(plan.payload_mode);
  fn(in, count, plan, first_index, out);
}

void decode_avx2_f32(const uint8_t* in, size_t count, const uint32_t* quarter_scale, uint32_t* out) {
  __m256i lanes[8];
  for (size_t b = 0; b < count; ++b) {
    decode_block(in + b * kPackedBytes, quarter_scale, lanes);
    for (unsigned k = 0; k < 8; ++k)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + b * kBlockValues + 8 * k), lanes[k]);
  }
}

void decode_avx2_bf16(const uint8_t* in, size_t count, const uint32_t* quarter_scale, uint16_t* out) {
  __m256i lanes[8];
  for (size_t b = 0; b < count; ++b) {
    decode_block(in + b * kPackedBytes, quarter_scale, lanes);
    for (unsigned k = 0; k < 8; k += 2) {
      // The low 16 bits of every decoded FP32 are zero (BF16-exact values): keep the high
      // halves; packus interleaves per 128 bits, the permutation restores lane order.
      const __m256i packed = _mm256_packus_epi32(_mm256_srli_epi32(lanes[k], 16),
                                                 _mm256_srli_epi32(lanes[k + 1], 16));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + b * kBlockValues + 8 * k),
                          _mm256_permute4x64_epi64(packed, _MM_SHUFFLE(3, 1, 2, 0)));
    }
  }
}

}  // namespace hif4::simd_detail
