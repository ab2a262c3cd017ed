// The fast quantize and decode paths: AVX2 kernels chosen at run time, the scalar reference
// model (quantize_blocks, unpack_block + decode_block_f32) as the fallback and the spec.
//
// Every function here writes exactly the bytes / bits the scalar model writes, for every
// profile and every knob value (tests/model/test_simd.cpp proves it on every vector suite and
// on 10^7 random blocks per profile). docs/simd.md explains the design and the proof.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hif4/config.h"

namespace hif4 {

enum class SimdPath : uint8_t { Scalar, Avx2 };

// "scalar" or "avx2".
const char* simd_path_name(SimdPath path);
// Whether this CPU can run the path (Scalar always can).
bool simd_path_available(SimdPath path);
// The path quantize_blocks_fast / decode_blocks_fast_* use now: the best available one,
// unless forced to the scalar model by force_scalar_path(true) or by the environment
// variable HIF4_SIMD=scalar (read once, at the first call).
SimdPath active_simd_path();
void force_scalar_path(bool force);

// hif4::quantize_blocks, faster: block i gets stochastic-rounding index first_index + i.
void quantize_blocks_fast(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                          uint8_t* out);
// The same through an explicit path (tests, benchmarks). Throws std::runtime_error when
// the path is not available on this CPU.
void quantize_blocks_on(SimdPath path, const uint16_t* in, size_t count, const Config& cfg,
                        uint64_t first_index, uint8_t* out);

// Packed 36-byte blocks -> 64 values each, as decode_block_f32 / decode_block_bf16 give them.
void decode_blocks_fast_f32(const uint8_t* in, size_t count, uint32_t* out_bits);
void decode_blocks_fast_bf16(const uint8_t* in, size_t count, uint16_t* out_bits);
void decode_blocks_on_f32(SimdPath path, const uint8_t* in, size_t count, uint32_t* out_bits);
void decode_blocks_on_bf16(SimdPath path, const uint8_t* in, size_t count, uint16_t* out_bits);

}  // namespace hif4
