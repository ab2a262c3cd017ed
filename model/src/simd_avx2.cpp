// AVX2 kernels of the fast quantize and decode paths. Compiled with -mavx2 (model/simd.cmake)
// and only ever called after simd.cpp has checked that the CPU has AVX2.
//
// One block at a time, its 64 lanes in four registers of 16 x u16 (register r = lanes
// 16r..16r+15; each 128-bit half of a register is one E1_8 group of 8 lanes, each 64-bit
// quarter one E1_16 group of 4 lanes). The stages, as in stages.h / block.cpp:
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
//                 are 0 (docs/simd.md has the argument; the tests check it exhaustively per
//                 lane). sh <= 0 (the model saturates a nonzero p) is clamped to 1, where a
//                 nonzero p >= 128 still gives q >= 64 and saturates to 7.
// Blocks with a NaN or Inf lane (Vmax >= 0x7F80) go to the scalar model, one block.
#include <immintrin.h>

#include <cstring>

#include "hif4/format.h"
#include "simd_kernels.h"

namespace hif4::simd_detail {
namespace {

// ---- Stochastic rounding bits: sr_lane_bits (stages.h) on 8 lanes at once ----------------

inline __m256i mix32x8(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(0x7FEB352D));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0x846CA68Bu)));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  return x;
}

// (lane + 1) * 0x9E3779B9 in the order the 32-bit halves hold the lanes: unpacklo of
// register r holds lanes 16r + {0..3, 8..11}, unpackhi holds 16r + {4..7, 12..15}.
struct LaneSalts {
  alignas(32) uint32_t v[4][2][8];
};
// Built at compile time: a dynamic initializer in this TU would be AVX2 code run at start-up,
// before any CPU check.
constexpr LaneSalts make_lane_salts() {
  LaneSalts s{};
  for (unsigned r = 0; r < 4; ++r)
    for (unsigned h = 0; h < 2; ++h)
      for (unsigned k = 0; k < 8; ++k) {
        const unsigned lane = 16 * r + (k < 4 ? k : k + 4) + 4 * h;
        s.v[r][h][k] = (lane + 1u) * 0x9E3779B9u;
      }
  return s;
}
constexpr LaneSalts kLaneSalts = make_lane_salts();

// ---- Payload of 8 lanes in 32-bit lanes --------------------------------------------------

// p: sig(x) * sig(REC) (< 2^16); sh: the model's shift (signed); min_drop: where the BF16
// product would fall below the subnormal quantum (payload-product=bf16 only).
template <int kMode, bool kBf16>
inline __m256i payload_quarters(__m256i p, __m256i sh, __m256i min_drop, __m256i random) {
  const __m256i one = _mm256_set1_epi32(1);
  if (kBf16) {
    // BF16_RNE(|x| * REC): keep 8 significant bits (fewer in the subnormal range). msb(p)
    // from the FP32 exponent of p (exact: p < 2^24).
    const __m256i msb = _mm256_sub_epi32(
        _mm256_srli_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(p)), 23), _mm256_set1_epi32(127));
    const __m256i drop = _mm256_max_epi32(_mm256_sub_epi32(msb, _mm256_set1_epi32(7)), min_drop);
    const __m256i apply =
        _mm256_andnot_si256(_mm256_cmpeq_epi32(p, _mm256_setzero_si256()),
                            _mm256_cmpgt_epi32(drop, _mm256_setzero_si256()));
    const __m256i kept = _mm256_srlv_epi32(p, drop);
    const __m256i half_minus_one =
        _mm256_sub_epi32(_mm256_sllv_epi32(one, _mm256_sub_epi32(drop, one)), one);
    const __m256i rounded = _mm256_srlv_epi32(
        _mm256_add_epi32(_mm256_add_epi32(p, half_minus_one), _mm256_and_si256(kept, one)), drop);
    p = _mm256_blendv_epi8(p, rounded, apply);
    sh = _mm256_sub_epi32(sh, _mm256_and_si256(drop, apply));
  }
  sh = _mm256_max_epi32(sh, one);
  // t = floor(4|s| * 2^16); counts >= 32 give 0, as the model's 48-bit clamp does.
  const __m256i t = _mm256_srlv_epi32(_mm256_slli_epi32(p, 16), sh);
  __m256i sum;
  switch (kMode) {
    case kAway: sum = _mm256_add_epi32(t, _mm256_set1_epi32(0x8000)); break;
    case kEven:
      sum = _mm256_add_epi32(
          _mm256_add_epi32(t, _mm256_set1_epi32(0x7FFF)),
          _mm256_and_si256(_mm256_srli_epi32(t, 16), one));
      break;
    case kTowardZero: sum = t; break;
    default: sum = _mm256_add_epi32(t, random); break;
  }
  return _mm256_min_epu32(_mm256_srli_epi32(sum, 16), _mm256_set1_epi32(kS1P2MaxMagnitude));
}

inline void write_nan_block(uint8_t* out) {
  std::memset(out, 0, kPackedBytes);
  out[kOffsetE6M2] = kE6M2NaN;
}

template <int kMode, bool kBf16>
void quantize_run(const uint16_t* in, size_t count, const QuantizePlan& plan, uint64_t first_index,
                  uint8_t* out) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one16 = _mm256_set1_epi16(1);
  const __m256i mag_mask = _mm256_set1_epi16(static_cast<short>(kBf16MagnitudeMask));
  const __m256i mant_mask = _mm256_set1_epi16(0x7F);
  const __m256i hidden_bit = _mm256_set1_epi16(0x80);
  const __m256i sign_code = _mm256_set1_epi16(kS1P2SignBit);
  // vpshufb pattern swapping neighbouring u16 lanes (0<->1, 2<->3, ...).
  const __m256i swap_u16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
                                            2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  const __m256i nibble_order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);

  for (size_t b = 0; b < count; ++b) {
    const uint16_t* x = in + b * kBlockValues;
    uint8_t* o = out + b * kPackedBytes;
    __m256i raw[4], mag[4], v16[4], v8[4];
    for (unsigned r = 0; r < 4; ++r) {
      raw[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16 * r));
      mag[r] = _mm256_and_si256(raw[r], mag_mask);
      __m256i m = _mm256_max_epu16(mag[r], _mm256_shuffle_epi8(mag[r], swap_u16));
      m = _mm256_max_epu16(m, _mm256_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));
      v16[r] = m;  // max of the lane's group of 4
      v8[r] = _mm256_max_epu16(m, _mm256_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));  // of 8
    }
    const __m256i m4 = _mm256_max_epu16(_mm256_max_epu16(v8[0], v8[1]), _mm256_max_epu16(v8[2], v8[3]));
    const __m128i m2 = _mm_max_epu16(_mm256_castsi256_si128(m4), _mm256_extracti128_si256(m4, 1));
    const uint16_t vmax = static_cast<uint16_t>(_mm_extract_epi16(m2, 0));
    if (vmax >= kBf16Inf) {  // NaN or Inf somewhere: the scalar model decides the block
      plan.scalar_block(x, plan.cfg, first_index + b, o);
      continue;
    }
    const uint8_t code = plan.scale_code[vmax];
    if (code == kE6M2NaN) {  // scale overflow / underflow under the nan policies
      write_nan_block(o);
      continue;
    }
    const CodeParams cp = plan.code_params[code];
    // Every finite V is below 0x7F80 and every threshold at least 1, so signed 16-bit
    // compares against threshold - 1 give V >= threshold.
    const __m256i ge2 = _mm256_set1_epi16(static_cast<short>(cp.ge2 - 1));
    const __m256i ge4 = _mm256_set1_epi16(static_cast<short>(cp.ge4 - 1));
    const __m256i rec_sig = _mm256_set1_epi16(static_cast<short>(cp.rec_sig));
    const __m256i shift_base = _mm256_set1_epi16(cp.shift_base);
    // payload-product=bf16: the drop that reaches the BF16 subnormal quantum 2^-133 is
    // -133 - unit_exp = shift_base - 131 - E (encode_s1p2_as: unit_exp = E - shift_base - 2).
    const __m256i min_drop_base = _mm256_set1_epi16(static_cast<short>(cp.shift_base - 131));
    __m256i key = zero;
    if (kMode == kStochastic)
      key = _mm256_set1_epi32(static_cast<int>(plan.block_key(plan.sr_seed, first_index + b)));

    unsigned e1_8 = 0, e1_16 = 0;
    __m256i codes[4];
    for (unsigned r = 0; r < 4; ++r) {
      const __m256i e8 = _mm256_cmpgt_epi16(v8[r], ge4);
      const __m256i e16 = _mm256_cmpgt_epi16(v16[r], _mm256_blendv_epi8(ge2, ge4, e8));
      // The masks are constant over each group, so one bit per 64 bits is one bit per
      // E1_16 group; E1_8 groups are 128 bits (bits 0 and 2 of the 4).
      const unsigned m8 = static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(e8)));
      e1_8 |= ((m8 & 1u) | ((m8 >> 1) & 2u)) << (2 * r);
      e1_16 |= static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(e16))) << (4 * r);
      const __m256i e1 = _mm256_sub_epi16(zero, _mm256_add_epi16(e8, e16));  // 0, 1 or 2

      const __m256i e = _mm256_srli_epi16(mag[r], 7);
      const __m256i e_eff = _mm256_max_epi16(e, one16);  // subnormals: exponent 1
      const __m256i sig = _mm256_or_si256(_mm256_and_si256(mag[r], mant_mask),
                                          _mm256_and_si256(_mm256_cmpgt_epi16(e, zero), hidden_bit));
      const __m256i p = _mm256_mullo_epi16(sig, rec_sig);  // < 2^16: exact in u16
      const __m256i sh = _mm256_sub_epi16(_mm256_add_epi16(shift_base, e1), e_eff);
      const __m256i sh_sign = _mm256_srai_epi16(sh, 15);
      __m256i min_drop_lo = zero, min_drop_hi = zero;
      if (kBf16) {
        const __m256i md = _mm256_sub_epi16(min_drop_base, e_eff);
        const __m256i md_sign = _mm256_srai_epi16(md, 15);
        min_drop_lo = _mm256_unpacklo_epi16(md, md_sign);
        min_drop_hi = _mm256_unpackhi_epi16(md, md_sign);
      }
      __m256i random_lo = zero, random_hi = zero;
      if (kMode == kStochastic) {
        const auto* salt = kLaneSalts.v[r];
        random_lo = _mm256_srli_epi32(
            mix32x8(_mm256_xor_si256(key, _mm256_load_si256(reinterpret_cast<const __m256i*>(salt[0])))),
            32 - kSrBits);
        random_hi = _mm256_srli_epi32(
            mix32x8(_mm256_xor_si256(key, _mm256_load_si256(reinterpret_cast<const __m256i*>(salt[1])))),
            32 - kSrBits);
      }
      const __m256i q_lo = payload_quarters<kMode, kBf16>(
          _mm256_unpacklo_epi16(p, zero), _mm256_unpacklo_epi16(sh, sh_sign), min_drop_lo, random_lo);
      const __m256i q_hi = payload_quarters<kMode, kBf16>(
          _mm256_unpackhi_epi16(p, zero), _mm256_unpackhi_epi16(sh, sh_sign), min_drop_hi, random_hi);
      const __m256i q = _mm256_packus_epi32(q_lo, q_hi);  // back in lane order

      // Sign: x < 0 (sign bit and a nonzero magnitude); kept on a zero code only under
      // negative-zero=keep-sign.
      __m256i negative = _mm256_and_si256(_mm256_srai_epi16(raw[r], 15),
                                          _mm256_cmpgt_epi16(mag[r], zero));
      if (!plan.keep_sign) negative = _mm256_and_si256(negative, _mm256_cmpgt_epi16(q, zero));
      codes[r] = _mm256_or_si256(q, _mm256_and_si256(negative, sign_code));
    }
    // Nibbles: byte k = code[2k] | code[2k+1] << 4. Within each 32-bit lane, fold the odd
    // code down next to the even one, keep the low byte, then pack 32 -> 16 -> 8 bits and
    // undo the packs' per-128-bit interleaving with one dword permutation.
    __m256i folded[4];
    for (unsigned r = 0; r < 4; ++r)
      folded[r] = _mm256_and_si256(_mm256_or_si256(codes[r], _mm256_srli_epi32(codes[r], 12)),
                                   _mm256_set1_epi32(0xFF));
    const __m256i w01 = _mm256_packus_epi32(folded[0], folded[1]);
    const __m256i w23 = _mm256_packus_epi32(folded[2], folded[3]);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w01, w23), nibble_order);
    const uint32_t header = code | (e1_8 << 8) | (e1_16 << 16);
    std::memcpy(o + kOffsetE6M2, &header, sizeof header);  // little-endian: bytes 0..3
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + kOffsetPayload), bytes);
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
