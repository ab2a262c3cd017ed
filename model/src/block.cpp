#include "hif4/block.h"

#include "hif4/fast_tables.h"

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

// The payload knobs are template parameters so the 64-lane loop runs one rounding rule with
// no per-lane dispatch; every other knob is read from cfg (per block, not per lane).
template <bool kTrace, Rounding kMode, ProductMode kProduct>
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
    *trace = BlockTrace{};
    trace->block_index = block_index;
    std::memcpy(trace->input, in, sizeof trace->input);
    trace->peaks = peaks;
    trace->sf = sf;
    trace->scale = scale;
    trace->nan_cause = cause;
  }
  if (cause != NanCause::None) {
    Block b = nan_block();
    if (kTrace) trace->block = b;
    return b;
  }

  Block b;
  b.e6m2 = scale.code;
  const uint16_t rec = e6m2_reciprocal(scale.code);
  if (kTrace) {
    for (unsigned g = 0; g < kGroups8; ++g)
      trace->product8[g] = threshold_product(peaks.v8[g], rec, cfg.threshold_product);
    for (unsigned j = 0; j < kGroups16; ++j)
      trace->product16[j] = threshold_product(peaks.v16[j], rec, cfg.threshold_product);
  }
  // E1_8[g] = V8*REC >= 4; E1_16[j] = V16*REC*2^-E1_8 >= 2, i.e. V16*REC >= 2^(1+E1_8).
  // Thresholds on V's bit pattern, derived from threshold_product (fast_tables.h).
  const E1Thresholds& th = e1_thresholds(scale.code, cfg.threshold_product);
  for (unsigned g = 0; g < kGroups8; ++g)
    b.e1_8 = static_cast<uint8_t>(b.e1_8 | (unsigned{peaks.v8[g] >= th.ge4} << g));
  for (unsigned j = 0; j < kGroups16; ++j) {
    const bool e8 = (b.e1_8 >> (j / 2)) & 1u;
    b.e1_16 = static_cast<uint16_t>(b.e1_16 | (unsigned{peaks.v16[j] >= (e8 ? th.ge4 : th.ge2)} << j));
  }
  const LaneScale ls = lane_scale(rec);
  constexpr bool kTableMode = kMode != Rounding::Stochastic && kMode != Rounding::Up;
  if (!kTrace && kTableMode) {
    // Window path (fast_tables.h): one clamped table index per lane, no multiply, no
    // variable shift, no data-dependent branch.
    const auto& window = payload_window(kMode, kProduct)
                             .code[scale.code & 3][cfg.negative_zero == NegativeZero::KeepSign];
    for (unsigned j = 0; j < kGroups16; ++j) {
      const int start = payload_window_start(ls, b.lane_shift(j * kValuesPerGroup16));
      for (unsigned k = 0; k < kValuesPerGroup16; ++k) {
        const unsigned i = j * kValuesPerGroup16 + k;
        b.codes[i] = encode_s1p2_window(window, start, in[i]);
      }
    }
  } else {
    const uint32_t key = kMode == Rounding::Stochastic ? sr_block_key(cfg.sr_seed, block_index) : 0;
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const uint32_t random = kMode == Rounding::Stochastic ? sr_lane_bits(key, i) : 0;
      b.codes[i] = encode_s1p2_as<kMode, kProduct>(in[i], ls, b.lane_shift(i), cfg.negative_zero,
                                                   random, kTrace ? &trace->lanes[i] : nullptr);
    }
  }
  if (kTrace) {
    trace->rec = rec;
    trace->block = b;
  }
  return b;
}

inline void pack_into(const Block& b, uint8_t out[kPackedBytes]) {
  out[kOffsetE6M2] = b.e6m2;
  out[kOffsetE1_8] = b.e1_8;
  out[kOffsetE1_16] = static_cast<uint8_t>(b.e1_16 & 0xFF);
  out[kOffsetE1_16 + 1] = static_cast<uint8_t>(b.e1_16 >> 8);
  for (unsigned k = 0; k < kPayloadBytes; ++k)
    out[kOffsetPayload + k] =
        static_cast<uint8_t>((b.codes[2 * k] & 0xF) | ((b.codes[2 * k + 1] & 0xF) << 4));
}

// Quantize and pack a run of blocks with one instantiation (the per-block work inlines).
template <Rounding kMode, ProductMode kProduct>
void quantize_run(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                  uint8_t* out) {
  for (size_t i = 0; i < count; ++i)
    pack_into(quantize_impl<false, kMode, kProduct>(in + i * kBlockValues, cfg, first_index + i,
                                                    nullptr),
              out + i * kPackedBytes);
}

// Run-time knob values -> the matching template instantiation.
template <typename Fn, typename Visitor>
Fn pick(const Config& cfg, Visitor v) {
  const bool bf16 = cfg.payload_product == ProductMode::Bf16;
  switch (cfg.payload_rounding) {
    case PayloadRounding::NearestAway:
      return bf16 ? v.template get<Rounding::NearestAway, ProductMode::Bf16>()
                  : v.template get<Rounding::NearestAway, ProductMode::Exact>();
    case PayloadRounding::NearestEven:
      return bf16 ? v.template get<Rounding::NearestEven, ProductMode::Bf16>()
                  : v.template get<Rounding::NearestEven, ProductMode::Exact>();
    case PayloadRounding::TowardZero:
      return bf16 ? v.template get<Rounding::TowardZero, ProductMode::Bf16>()
                  : v.template get<Rounding::TowardZero, ProductMode::Exact>();
    case PayloadRounding::Stochastic:
      return bf16 ? v.template get<Rounding::Stochastic, ProductMode::Bf16>()
                  : v.template get<Rounding::Stochastic, ProductMode::Exact>();
  }
  return nullptr;
}

using QuantizeFn = Block (*)(const uint16_t*, const Config&, uint64_t, BlockTrace*);
using RunFn = void (*)(const uint16_t*, size_t, const Config&, uint64_t, uint8_t*);

template <bool kTrace>
struct BlockFn {
  template <Rounding kMode, ProductMode kProduct>
  QuantizeFn get() const { return quantize_impl<kTrace, kMode, kProduct>; }
};
struct RunFnPick {
  template <Rounding kMode, ProductMode kProduct>
  RunFn get() const { return quantize_run<kMode, kProduct>; }
};

}  // namespace

Block quantize_block(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                     BlockTrace* trace) {
  return trace ? pick<QuantizeFn>(cfg, BlockFn<true>{})(in, cfg, block_index, trace)
               : pick<QuantizeFn>(cfg, BlockFn<false>{})(in, cfg, block_index, nullptr);
}

void pack_block(const Block& b, uint8_t out[kPackedBytes]) { pack_into(b, out); }


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
  pick<RunFn>(cfg, RunFnPick{})(in, count, cfg, first_index, out);
}

}  // namespace hif4
