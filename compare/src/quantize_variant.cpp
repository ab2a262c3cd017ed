// Quantize and decode under one variant (quantize_variant.h).
#include "quantize_variant.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "hif4/baselines.h"
#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/format.h"

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void decode_hif4(const uint8_t* packed, size_t blocks, bool want_lane_max, Decoded& out) {
  uint32_t lanes[kBlockValues];
  for (size_t b = 0; b < blocks; ++b) {
    const Block blk = unpack_block(packed + b * kPackedBytes);
    decode_block_f32(blk, lanes);
    for (unsigned i = 0; i < kBlockValues; ++i)
      out.value[b * kBlockValues + i] = static_cast<double>(bits_to_float(lanes[i]));
    if (!want_lane_max) continue;
    const Dyadic scale = e6m2_value(blk.e6m2);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      // The lane's largest magnitude: S1P2 1.75 = 7 quarters, as decode_magnitude forms it.
      out.lane_max[b * kBlockValues + i] =
          blk.e6m2 == kE6M2NaN
              ? kNaN
              : std::ldexp(static_cast<double>(scale.sig * kS1P2MaxMagnitude),
                           scale.exp - 2 + static_cast<int>(blk.lane_shift(i)));
    }
  }
}

}  // namespace

void quantize_decode(const Variant& variant, const Config& config, const uint16_t* x, size_t count,
                     uint64_t first_block, float tensor_amax, bool want_lane_max, Decoded& out,
                     const uint8_t* reuse_packed) {
  out.value.resize(count);
  out.lane_max.resize(want_lane_max ? count : 0);
  switch (variant.format) {
    case Format::Hif4: {
      const size_t blocks = count / kBlockValues;
      const uint8_t* packed = reuse_packed;
      if (!packed) {
        out.packed.resize(blocks * kPackedBytes);
        quantize_blocks(x, blocks, config, first_block, out.packed.data());
        packed = out.packed.data();
      }
      decode_hif4(packed, blocks, want_lane_max, out);
      return;
    }
    case Format::Nvfp4:
    case Format::Nvfp4Div6: {
      const Nvfp4Formula formula =
          variant.format == Format::Nvfp4 ? Nvfp4Formula::Current : Nvfp4Formula::Div6;
      const Nvfp4Data q = nvfp4_quantize(x, count, tensor_amax, formula);
      nvfp4_dequantize(q, out.value.data());
      if (want_lane_max)
        for (size_t b = 0; b < q.scales.size(); ++b) {
          const double lane_max =
              kE2M1Max * e4m3_value(q.scales[b]) * static_cast<double>(q.decode_scale);
          for (unsigned i = 0; i < kNvfp4BlockValues; ++i)
            out.lane_max[b * kNvfp4BlockValues + i] = lane_max;
        }
      return;
    }
    case Format::Mxfp4: {
      const Mxfp4Data q = mxfp4_quantize(x, count);
      mxfp4_dequantize(q, out.value.data());
      if (want_lane_max)
        for (size_t b = 0; b < q.scales.size(); ++b) {
          const double lane_max = kE2M1Max * e8m0_value(q.scales[b]);
          for (unsigned i = 0; i < kMxfp4BlockValues; ++i)
            out.lane_max[b * kMxfp4BlockValues + i] = lane_max;
        }
      return;
    }
  }
}

}  // namespace hif4::compare
