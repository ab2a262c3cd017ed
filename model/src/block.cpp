#include "hif4/block.h"

#include <cstring>

namespace hif4 {

bool Block::operator==(const Block& o) const {
  return e6m2 == o.e6m2 && e1_8 == o.e1_8 && e1_16 == o.e1_16 &&
         std::memcmp(codes, o.codes, sizeof codes) == 0;
}

const char* nan_cause_name(NanCause c) {
  switch (c) {
    case NanCause::None: return "none";
    case NanCause::NaNInput: return "NaN in block";
    case NanCause::InfInput: return "Inf in block (non-finite=nan-block)";
    case NanCause::ScaleOverflow: return "scale overflow (scale-overflow=nan)";
    case NanCause::ScaleUnderflow: return "scale underflow (scale-underflow=nan)";
  }
  return "?";
}

namespace {

// The NaN block: E6M2 0xFF, every E1 bit and payload nibble 0 (the Block default).
Block nan_block() {
  Block b;
  b.e6m2 = kE6M2NaN;
  return b;
}

template <bool kTrace>
Block quantize_impl(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                    BlockTrace* trace) {
  const PeakTree peaks = peak_tree(in);
  NanCause cause = NanCause::None;
  if (peaks.has_nan) cause = NanCause::NaNInput;
  else if (peaks.has_inf && cfg.non_finite == NonFinite::NanBlock) cause = NanCause::InfInput;

  uint16_t sf = 0;
  E6M2Encoding scale;
  if (cause == NanCause::None) {
    sf = scale_factor(peaks.vmax);
    scale = encode_e6m2(sf, cfg);
    if (scale.code == kE6M2NaN)
      cause = scale.event == ScaleEvent::Overflow ? NanCause::ScaleOverflow
                                                  : NanCause::ScaleUnderflow;
  } else {
    scale.code = kE6M2NaN;
  }
  if (kTrace) {
    trace->block_index = block_index;
    std::memcpy(trace->input, in, sizeof trace->input);
    trace->peaks = peaks;
    trace->sf = sf;
    trace->scale = scale;
    trace->nan_cause = cause;
    trace->rec = 0;
  }
  if (cause != NanCause::None) {
    Block b = nan_block();
    if (kTrace) {
      for (auto& p : trace->product8) p = {};
      for (auto& p : trace->product16) p = {};
      for (auto& l : trace->lanes) l = {};
      trace->block = b;
    }
    return b;
  }

  Block b;
  b.e6m2 = scale.code;
  const uint16_t rec = e6m2_reciprocal(scale.code);
  for (unsigned g = 0; g < kGroups8; ++g) {
    const ThresholdProduct p = threshold_product(peaks.v8[g], rec, cfg.threshold_product);
    if (compare_pow2(p, 2) >= 0) b.e1_8 |= static_cast<uint8_t>(1u << g);
    if (kTrace) trace->product8[g] = p;
  }
  for (unsigned j = 0; j < kGroups16; ++j) {
    const unsigned e8 = (b.e1_8 >> (j / 2)) & 1u;
    const ThresholdProduct p = threshold_product(peaks.v16[j], rec, cfg.threshold_product);
    if (compare_pow2(p, 1 + static_cast<int>(e8)) >= 0) b.e1_16 |= static_cast<uint16_t>(1u << j);
    if (kTrace) trace->product16[j] = p;
  }
  const bool stochastic = cfg.payload_rounding == PayloadRounding::Stochastic;
  const uint32_t key = stochastic ? sr_block_key(cfg.sr_seed, block_index) : 0;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const uint32_t random = stochastic ? sr_lane_bits(key, i) : 0;
    const LaneEncoding lane = encode_s1p2(in[i], rec, b.lane_shift(i), cfg, random);
    b.codes[i] = lane.code;
    if (kTrace) trace->lanes[i] = lane;
  }
  if (kTrace) {
    trace->rec = rec;
    trace->block = b;
  }
  return b;
}

}  // namespace

Block quantize_block(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                     BlockTrace* trace) {
  return trace ? quantize_impl<true>(in, cfg, block_index, trace)
               : quantize_impl<false>(in, cfg, block_index, nullptr);
}

void pack_block(const Block& b, uint8_t out[kPackedBytes]) {
  out[kOffsetE6M2] = b.e6m2;
  out[kOffsetE1_8] = b.e1_8;
  out[kOffsetE1_16] = static_cast<uint8_t>(b.e1_16 & 0xFF);
  out[kOffsetE1_16 + 1] = static_cast<uint8_t>(b.e1_16 >> 8);
  for (unsigned k = 0; k < kPayloadBytes; ++k)
    out[kOffsetPayload + k] =
        static_cast<uint8_t>((b.codes[2 * k] & 0xF) | ((b.codes[2 * k + 1] & 0xF) << 4));
}

Block unpack_block(const uint8_t in[kPackedBytes]) {
  Block b;
  b.e6m2 = in[kOffsetE6M2];
  b.e1_8 = in[kOffsetE1_8];
  b.e1_16 = static_cast<uint16_t>(in[kOffsetE1_16] | (in[kOffsetE1_16 + 1] << 8));
  for (unsigned k = 0; k < kPayloadBytes; ++k) {
    b.codes[2 * k] = in[kOffsetPayload + k] & 0xF;
    b.codes[2 * k + 1] = in[kOffsetPayload + k] >> 4;
  }
  return b;
}

void quantize_blocks(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                     uint8_t* out) {
  for (size_t i = 0; i < count; ++i)
    pack_block(quantize_impl<false>(in + i * kBlockValues, cfg, first_index + i, nullptr),
               out + i * kPackedBytes);
}

}  // namespace hif4
