// Private interface between simd.cpp (portable: builds the tables from the model's stage
// functions, dispatches) and simd_avx2.cpp (compiled with -mavx2, model/CMakeLists.txt).
//
// simd_avx2.cpp includes only this header and format.h (constants): it must not instantiate
// any inline function of the model headers, because the linker keeps one copy of each inline
// function for the whole program, and an AVX2-compiled copy would then also run on the
// portable path of a CPU without AVX2. Everything the kernels need from the model comes in
// as plain tables and function pointers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hif4::simd_detail {

// What a block needs once its E6M2 code is known (one row per finite code 0..254).
struct CodeParams {
  uint16_t ge2;        // E1 thresholds on V's 15-bit pattern (e1_thresholds, fast_tables.h)
  uint16_t ge4;
  uint16_t rec_sig;    // REC's significand, 128..255 (lane_scale, stages.h)
  int16_t shift_base;  // 266 - REC's exponent field (lane_scale)
};

// Payload rounding as the kernels see it (the PayloadRounding enum's order).
enum PayloadMode : int { kAway = 0, kEven = 1, kTowardZero = 2, kStochastic = 3 };

struct QuantizePlan {
  const uint8_t* scale_code;        // [0x7F80]: Vmax (finite) -> E6M2 code; 0xFF = NaN block
  const CodeParams* code_params;    // [255], for the config's threshold-product
  int payload_mode;                 // PayloadMode
  bool bf16_product;                // payload-product=bf16
  bool keep_sign;                   // negative-zero=keep-sign or sign-bit
  bool sign_bit;                    // negative-zero=sign-bit: -0.0 lanes signed too
  uint64_t sr_seed;
  // The scalar model for one block (blocks holding NaN or Inf take this way).
  void (*scalar_block)(const uint16_t* in, const void* cfg, uint64_t index, uint8_t* out);
  const void* cfg;
};

void quantize_avx2(const uint16_t* in, size_t count, const QuantizePlan& plan, uint64_t first_index,
                   uint8_t* out);

// Decode: lane value = S1P2 quarters * quarter_scale[E6M2] * 2^(E1_8 + E1_16), sign or'ed in.
// quarter_scale[c] = FP32 bits of E6M2(c) / 4 (c < 255).
void decode_avx2_f32(const uint8_t* in, size_t count, const uint32_t* quarter_scale, uint32_t* out);
void decode_avx2_bf16(const uint8_t* in, size_t count, const uint32_t* quarter_scale, uint16_t* out);

}  // namespace hif4::simd_detail
