#include "hif4/block.h"

#include "hif4/fast_tables.h"

#include <cstdint>
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
    case NanCause::ScaleOverflow: return "scale overflow (scale-overflow=nan or nan-unrounded)";
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

// E1_8[g] = V8*REC >= 4; E1_16[j] = V16*REC*2^-E1_8 >= 2, i.e. V16*REC >= 2^(1+E1_8).
// Thresholds on V's bit pattern, derived from threshold_product (fast_tables.h).
struct E1Bits {
  uint8_t e1_8 = 0;
  uint16_t e1_16 = 0;
};

inline E1Bits decide_e1(const PeakTree& peaks, uint8_t e6m2_code, ProductMode threshold_product) {
  const E1Thresholds& th = e1_thresholds(e6m2_code, threshold_product);
  E1Bits e;
  for (unsigned g = 0; g < kGroups8; ++g)
    e.e1_8 = static_cast<uint8_t>(e.e1_8 | (unsigned{peaks.v8[g] >= th.ge4} << g));
  // Both candidate decisions for every group, then E1_8 picks one per group: no branch on
  // the data (E1 bits of random blocks are unpredictable).
  unsigned ge2 = 0, ge4 = 0, e8 = 0;
  for (unsigned j = 0; j < kGroups16; ++j) {
    ge2 |= unsigned{peaks.v16[j] >= th.ge2} << j;
    ge4 |= unsigned{peaks.v16[j] >= th.ge4} << j;
    e8 |= ((e.e1_8 >> (j / 2)) & 1u) << j;
  }
  e.e1_16 = static_cast<uint16_t>((ge2 & ~e8) | (ge4 & e8));
  return e;
}

// The payload knobs are template parameters so the 64-lane loop runs one rounding rule with
// no per-lane dispatch; every other knob is read from cfg (per block, not per lane).
template <bool kTrace, Rounding kMode, ProductMode kProduct>
Block quantize_impl(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                    BlockTrace* trace) {
  const PeakTree peaks = peak_tree(in);
  const ScaleDecision sd = scale_decision(peaks, cfg);
  if (kTrace) {
    *trace = BlockTrace{};
    trace->block_index = block_index;
    std::memcpy(trace->input, in, sizeof trace->input);
    trace->peaks = peaks;
    trace->sf = sd.sf;
    trace->scale = sd.scale;
    trace->nan_cause = sd.cause;
  }
  if (sd.cause != NanCause::None) {
    Block b = nan_block();
    if (kTrace) trace->block = b;
    return b;
  }

  Block b;
  b.e6m2 = sd.scale.code;
  const uint16_t rec = sd.rec;
  if (kTrace) {
    for (unsigned g = 0; g < kGroups8; ++g)
      trace->product8[g] = threshold_product(peaks.v8[g], rec, cfg.threshold_product);
    for (unsigned j = 0; j < kGroups16; ++j)
      trace->product16[j] = threshold_product(peaks.v16[j], rec, cfg.threshold_product);
  }
  const E1Bits e1 = decide_e1(peaks, sd.scale.code, cfg.threshold_product);
  b.e1_8 = e1.e1_8;
  b.e1_16 = e1.e1_16;
  const LaneScale ls = lane_scale(rec);
  const uint32_t key = kMode == Rounding::Stochastic ? sr_block_key(cfg.sr_seed, block_index) : 0;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const uint32_t random = kMode == Rounding::Stochastic ? sr_lane_bits(key, i) : 0;
    b.codes[i] = encode_s1p2_as<kMode, kProduct>(in[i], ls, b.lane_shift(i), cfg.negative_zero,
                                                 random, kTrace ? &trace->lanes[i] : nullptr);
  }
  if (kTrace) {
    trace->rec = rec;
    trace->block = b;
  }
  return b;
}

inline void pack_header(uint8_t e6m2, E1Bits e1, uint8_t out[kPackedBytes]) {
  out[kOffsetE6M2] = e6m2;
  out[kOffsetE1_8] = e1.e1_8;
  out[kOffsetE1_16] = static_cast<uint8_t>(e1.e1_16 & 0xFF);
  out[kOffsetE1_16 + 1] = static_cast<uint8_t>(e1.e1_16 >> 8);
}

inline void pack_payload(const uint8_t codes[kBlockValues], uint8_t out[kPackedBytes]) {
  for (unsigned k = 0; k < kPayloadBytes; ++k)
    out[kOffsetPayload + k] =
        static_cast<uint8_t>((codes[2 * k] & 0xF) | ((codes[2 * k + 1] & 0xF) << 4));
}

inline void pack_into(const Block& b, uint8_t out[kPackedBytes]) {
  pack_header(b.e6m2, {b.e1_8, b.e1_16}, out);
  pack_payload(b.codes, out);
}

// quantize_impl<false> + pack for the nearest and toward-zero payload modes, through the
// payload windows of fast_tables.h (every entry is encode_s1p2's own result): one clamped
// table index per lane, no multiply, no variable shift, no data-dependent branch. The
// indices and the sign masks are computed in flat 64-lane loops that the compiler
// vectorizes; the table lookups are the only per-lane scalar work. `windows` =
// payload_window(payload rounding, payload product).
void quantize_packed_window(const uint16_t in[kBlockValues], const Config& cfg,
                            const PayloadWindow& windows, uint8_t out[kPackedBytes]) {
  const PeakTree peaks = peak_tree(in);
  const ScaleDecision sd = scale_decision(peaks, cfg);
  if (sd.cause != NanCause::None) {
    pack_into(nan_block(), out);
    return;
  }
  const uint8_t code = sd.scale.code;
  const E1Bits e1 = decide_e1(peaks, code, cfg.threshold_product);
  pack_header(code, e1, out);

  const LaneScale ls = lane_scale(sd.rec);
  // Lanes 8h..8h+7 (groups 2h, 2h+1) as one vector of 8 signed 16-bit values: |x| <= 0x7FFF
  // and 0 < start < 0x7FFF, so |x| - start fits; the clamp and the sign test are the scalar
  // payload_window_index / payload_window_sign_mask, 8 lanes at a time (test_conformance
  // checks this path against the stage functions).
  using I16x8 = int16_t __attribute__((vector_size(16)));
  alignas(16) int16_t idx[kBlockValues];
  alignas(16) int16_t sign_mask[kBlockValues];
  // negative-zero=sign-bit: -0.0 (INT16_MIN) is signed too.
  const int16_t sign_bit = cfg.negative_zero == NegativeZero::SignBit ? -1 : 0;
  for (unsigned h = 0; h < kGroups8; ++h) {
    const unsigned e8 = (e1.e1_8 >> h) & 1u;
    const auto lo = static_cast<int16_t>(payload_window_start(ls, e8 + ((e1.e1_16 >> (2 * h)) & 1u)));
    const auto hi = static_cast<int16_t>(payload_window_start(ls, e8 + ((e1.e1_16 >> (2 * h + 1)) & 1u)));
    const I16x8 start = {lo, lo, lo, lo, hi, hi, hi, hi};
    I16x8 x;
    std::memcpy(&x, in + h * kValuesPerGroup8, sizeof x);
    I16x8 d = (x & static_cast<int16_t>(kBf16MagnitudeMask)) - start;
    d &= ~(d < 0);  // below the window: entry 0
    const I16x8 top = d > static_cast<int16_t>(kPayloadWindow - 1);
    d = (d & ~top) | (static_cast<int16_t>(kPayloadWindow - 1) & top);
    const I16x8 signed_lane = (x < 0) & ((x != INT16_MIN) | sign_bit);
    const I16x8 mask = 7 | (signed_lane & 8);
    std::memcpy(idx + h * kValuesPerGroup8, &d, sizeof d);
    std::memcpy(sign_mask + h * kValuesPerGroup8, &mask, sizeof mask);
  }
  const uint8_t* window = windows.code[code & 3][static_cast<unsigned>(cfg.negative_zero)];
  for (unsigned k = 0; k < kPayloadBytes; ++k)
    out[kOffsetPayload + k] =
        static_cast<uint8_t>((window[idx[2 * k]] & sign_mask[2 * k]) |
                             ((window[idx[2 * k + 1]] & sign_mask[2 * k + 1]) << 4));
}

// Quantize and pack a run of blocks with one instantiation (the per-block work inlines).
template <Rounding kMode, ProductMode kProduct>
void quantize_run(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                  uint8_t* out) {
  constexpr bool kWindowMode = kMode != Rounding::Stochastic && kMode != Rounding::Up;
  if (kWindowMode) {
    const PayloadWindow& windows = payload_window(kMode, kProduct);
    for (size_t i = 0; i < count; ++i)
      quantize_packed_window(in + i * kBlockValues, cfg, windows, out + i * kPackedBytes);
    return;
  }
  for (size_t i = 0; i < count; ++i)
    pack_into(quantize_impl<false, kMode, kProduct>(in + i * kBlockValues, cfg, first_index + i,
                                                    nullptr),
              out + i * kPackedBytes);
}

using QuantizeFn = Block (*)(const uint16_t*, const Config&, uint64_t, BlockTrace*);
using RunFn = void (*)(const uint16_t*, size_t, const Config&, uint64_t, uint8_t*);

}  // namespace

Block quantize_block(const uint16_t in[kBlockValues], const Config& cfg, uint64_t block_index,
                     BlockTrace* trace) {
  if (trace) {
    const QuantizeFn traced = with_payload_mode(cfg, [](auto mode) -> QuantizeFn {
      return quantize_impl<true, mode.rounding, mode.product>;
    });
    return traced(in, cfg, block_index, trace);
  }
  // Untraced: the same path as quantize_blocks (the windows, where the mode has them).
  uint8_t packed[kPackedBytes];
  quantize_blocks(in, 1, cfg, block_index, packed);
  return unpack_block(packed);
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
  const RunFn run = with_payload_mode(cfg, [](auto mode) -> RunFn {
    return quantize_run<mode.rounding, mode.product>;
  });
  run(in, count, cfg, first_index, out);
}

}  // namespace hif4
