// Quantize and decode values under one variant of `hif4 compare` (private to hif4_compare):
// HiF4 through the model itself (quantize_blocks, unpack_block, decode_block_f32), NVFP4 and
// MXFP4 through baselines.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hif4/compare.h"

namespace hif4::compare {

struct Decoded {
  std::vector<double> value;     // the decoded values (NaN in a NaN block)
  std::vector<double> lane_max;  // the largest magnitude each value's block / lane can decode
                                 // to (0 where the block scale underflowed, NaN in a NaN block)
  std::vector<uint8_t> packed;   // HiF4: the packed blocks
};

// `count` values (whole blocks of every format: a multiple of 64) of a tensor whose finite
// amax is `tensor_amax` (NVFP4's per-tensor scale), the first HiF4 block being block number
// `first_block` (the stochastic-rounding bits depend on it). HiF4 uses `config` (the variant's,
// with the stochastic-rounding seed of this result); `reuse_packed`, when not null, holds the
// packed blocks already quantized under that config. Without `want_lane_max`, out.lane_max is
// left empty.
void quantize_decode(const Variant& variant, const Config& config, const uint16_t* x, size_t count,
                     uint64_t first_block, float tensor_amax, bool want_lane_max, Decoded& out,
                     const uint8_t* reuse_packed = nullptr);

}  // namespace hif4::compare
