// Coverage bins over BlockTrace (see coverage.h).
#include "hif4/coverage.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "hif4/stages.h"

namespace hif4 {
namespace {

// The fixed bins; 64 peak-lane bins and 16 payload-code bins follow them.
enum Bin : unsigned {
  kScaleExact,
  kScaleInexactUp,
  kScaleInexactDown,
  kScaleTieUp,
  kScaleTieDown,
  kScaleCarry,
  kScaleMaxCode,
  kScaleMinCode,
  kScaleSaturated,
  kScaleOverflowNan,
  kScaleInfOverflow,
  kScaleUnderflowMin,
  kScaleUnderflowNan,
  kScaleAllZero,
  kScaleSfSubnormal,
  kRecMantissa0,
  kRecMantissa1,
  kRecMantissa2,
  kRecMantissa3,
  kE1_8Set,
  kE1_8Clear,
  kE1_8ExactlyAt4,
  kE1_16ExactlyAt2,
  kE1_16ExactlyAt4,
  kE1_8Bf16Changed,
  kE1_16Bf16Changed,
  kShift0,
  kShift1ByE1_8,
  kShift1ByE1_16,
  kShift2,
  kE1InfGroup,
  kPayloadExact,
  kPayloadInexactUp,
  kPayloadInexactDown,
  kPayloadTieUp,
  kPayloadTieDown,
  kPayloadStochasticUp,
  kPayloadStochasticDown,
  kPayloadSaturated,
  kPayloadExactly175,
  kPayloadNegativeToZero,
  kPayloadMinusZeroInput,
  kPayloadSubnormalInput,
  kPayloadBf16Changed,
  kBlockNanInput,
  kBlockInfNan,
  kLaneInf,
  kPeakTieLanes,
  kPeakTieGroups8,
  kScaleBinadeChanged,
  kScaleOverflowUnrounded,
  kPayloadMinusZeroSigned,
  kFixedBins,
  kPeakLane0 = kFixedBins,
  kPayloadCode0 = kPeakLane0 + kBlockValues,
  kBinCount = kPayloadCode0 + 16,
};

// Whether rounding under `mode` can go `up` (or down) for a discarded fraction below one
// half (kind 1), exactly one half (2) or above (3), asked of the model's rounding core with
// both parities of the kept part and extreme stochastic bits.
bool can_round(Rounding mode, uint64_t kind, bool up) {
  for (uint64_t kept = 0; kept < 2; ++kept)
    for (uint32_t random : {0u, 0xFFFFu})
      if (round_shift_right((kept << 2) | kind, 2, mode, random).up == up) return true;
  return false;
}

bool always(const Config&) { return true; }

// Whether the rounded scale alone overflows at SF = 53248 (nearest-away and up round it to
// 1.75 * 2^15), asked of the model: then nan-unrounded decides nothing the rounding does not.
bool rounding_overflows_at_53248(const Config& c) {
  Config rounded = c;
  rounded.scale_overflow = ScaleOverflow::Nan;
  return encode_e6m2(kBf16ScaleOverflowBeforeRounding, rounded).event == ScaleEvent::Overflow;
}

// The code SF would get in its own binade (scale-binade=exact), all else equal.
uint8_t exact_binade_code(uint16_t sf, const Config& c) {
  Config exact = c;
  exact.scale_binade = ScaleBinade::Exact;
  return encode_e6m2(sf, exact).code;
}

// The code SF would get were only the rounded scale tested for overflow.
uint8_t rounded_overflow_code(uint16_t sf, const Config& c) {
  Config rounded = c;
  rounded.scale_overflow = ScaleOverflow::Nan;
  return encode_e6m2(sf, rounded).code;
}

// An Inf makes SF infinite, so Inf lanes reach the E1 and payload stages only when Inf is
// ordered above the finite values AND the overflowing scale saturates instead of making a
// NaN block.
bool inf_lanes_possible(const Config& c) {
  return c.non_finite == NonFinite::SaturateInf && c.scale_overflow == ScaleOverflow::Saturate;
}

std::vector<CoverageBin> make_bins() {
  std::vector<CoverageBin> b(kBinCount);
  auto set = [&](Bin i, const char* name, const char* doc, bool (*app)(const Config&)) {
    b[i] = {name, doc, app};
  };
  using C = const Config&;
  set(kScaleExact, "scale.exact", "SF is an E6M2 value: no rounding", always);
  set(kScaleInexactUp, "scale.inexact-up", "SF rounded up to E6M2, not a tie",
      [](C c) { return can_round(to_rounding(c.scale_rounding), 1, true) || can_round(to_rounding(c.scale_rounding), 3, true); });
  set(kScaleInexactDown, "scale.inexact-down", "SF rounded down to E6M2, not a tie",
      [](C c) { return can_round(to_rounding(c.scale_rounding), 1, false) || can_round(to_rounding(c.scale_rounding), 3, false); });
  set(kScaleTieUp, "scale.tie-up", "SF exactly halfway between E6M2 values, rounded up",
      [](C c) { return can_round(to_rounding(c.scale_rounding), 2, true); });
  set(kScaleTieDown, "scale.tie-down", "SF exactly halfway between E6M2 values, rounded down",
      [](C c) { return can_round(to_rounding(c.scale_rounding), 2, false); });
  set(kScaleCarry, "scale.carry", "the E6M2 mantissa rounded up into the next binade",
      [](C c) { return can_round(to_rounding(c.scale_rounding), 3, true); });
  set(kScaleMaxCode, "scale.max", "E6M2 0xFE (49152) reached in range, not by overflow", always);
  set(kScaleMinCode, "scale.min", "E6M2 0x00 (2^-48) reached in range, not by underflow", always);
  set(kScaleSaturated, "scale.saturated", "the scale overflowed and saturated to 0xFE",
      [](C c) { return c.scale_overflow == ScaleOverflow::Saturate; });
  set(kScaleOverflowNan, "scale.overflow-nan", "the scale overflowed: NaN block (0xFF)",
      [](C c) { return c.scale_overflow != ScaleOverflow::Saturate; });
  set(kScaleOverflowUnrounded, "scale.overflow-unrounded",
      "SF >= 53248 before rounding made a NaN block where the rounded scale fits (SF = 53248 "
      "under ties to even)",
      [](C c) { return c.scale_overflow == ScaleOverflow::NanUnrounded && !rounding_overflows_at_53248(c); });
  set(kScaleBinadeChanged, "scale.binade-changed",
      "the BF16-rounded log2 put SF in the binade above and changed its code (SF = 1.8359..1.8672 "
      "* 2^k, k = -48..-33, under nearest rounding)",
      [](C c) { return c.scale_binade == ScaleBinade::Log2Bf16; });
  set(kScaleInfOverflow, "scale.inf-overflow", "an Inf lane made SF infinite (saturate-inf)",
      [](C c) { return c.non_finite == NonFinite::SaturateInf; });
  set(kScaleUnderflowMin, "scale.underflow-min", "SF below 2^-48 (or zero): code 0x00",
      [](C c) { return c.scale_underflow == ScaleUnderflow::Min; });
  set(kScaleUnderflowNan, "scale.underflow-nan", "SF below 2^-48 (or zero): NaN block (0xFF)",
      [](C c) { return c.scale_underflow == ScaleUnderflow::Nan; });
  set(kScaleAllZero, "scale.all-zero", "every lane +0 or -0", always);
  set(kScaleSfSubnormal, "scale.sf-subnormal", "SF is a nonzero BF16 subnormal", always);
  set(kRecMantissa0, "rec.mantissa-0", "E6M2 mantissa 0: REC = 2^-e exactly", always);
  set(kRecMantissa1, "rec.mantissa-1", "E6M2 mantissa 1: REC mantissa 0x4D", always);
  set(kRecMantissa2, "rec.mantissa-2", "E6M2 mantissa 2: REC mantissa 0x2B", always);
  set(kRecMantissa3, "rec.mantissa-3", "E6M2 mantissa 3: REC mantissa 0x12", always);
  set(kE1_8Set, "e1_8.set", "an E1_8 bit is 1", always);
  set(kE1_8Clear, "e1_8.clear", "an E1_8 bit is 0 (finite scale)", always);
  set(kE1_8ExactlyAt4, "e1_8.exactly-4", "V8*REC (as compared) is exactly 4: E1_8 = 1 at the threshold", always);
  set(kE1_16ExactlyAt2, "e1_16.exactly-2", "E1_8 = 0 and V16*REC is exactly 2: E1_16 = 1 at the threshold", always);
  set(kE1_16ExactlyAt4, "e1_16.exactly-4", "E1_8 = 1 and V16*REC is exactly 4: E1_16 = 1 at the threshold", always);
  set(kE1_8Bf16Changed, "e1_8.bf16-changed", "rounding V8*REC to BF16 changed an E1_8 bit (vs the exact product)",
      [](C c) { return c.threshold_product == ProductMode::Bf16; });
  set(kE1_16Bf16Changed, "e1_16.bf16-changed", "rounding V16*REC to BF16 changed an E1_16 bit",
      [](C c) { return c.threshold_product == ProductMode::Bf16; });
  set(kShift0, "e1.shift-0", "a lane with E1_8 = E1_16 = 0", always);
  set(kShift1ByE1_8, "e1.shift-1-e1_8", "a lane with E1_8 = 1, E1_16 = 0", always);
  set(kShift1ByE1_16, "e1.shift-1-e1_16", "a lane with E1_8 = 0, E1_16 = 1", always);
  set(kShift2, "e1.shift-2", "a lane with E1_8 = E1_16 = 1", always);
  set(kE1InfGroup, "e1.inf-group", "a group peak is Inf (saturate-inf): E1 bits set by an infinity",
      inf_lanes_possible);
  set(kPayloadExact, "payload.exact", "a nonzero lane exactly on a quarter (no rounding)", always);
  set(kPayloadInexactUp, "payload.inexact-up", "a lane rounded up, not a tie",
      [](C c) { return can_round(to_rounding(c.payload_rounding), 1, true) || can_round(to_rounding(c.payload_rounding), 3, true); });
  set(kPayloadInexactDown, "payload.inexact-down", "a lane rounded down, not a tie",
      [](C c) { return can_round(to_rounding(c.payload_rounding), 1, false) || can_round(to_rounding(c.payload_rounding), 3, false); });
  set(kPayloadTieUp, "payload.tie-up", "a lane exactly halfway between quarters, rounded up",
      [](C c) { return can_round(to_rounding(c.payload_rounding), 2, true); });
  set(kPayloadTieDown, "payload.tie-down", "a lane exactly halfway between quarters, rounded down",
      [](C c) { return can_round(to_rounding(c.payload_rounding), 2, false); });
  set(kPayloadStochasticUp, "payload.stochastic-up", "stochastic rounding rounded an inexact lane up",
      [](C c) { return c.payload_rounding == PayloadRounding::Stochastic; });
  set(kPayloadStochasticDown, "payload.stochastic-down", "stochastic rounding rounded an inexact lane down",
      [](C c) { return c.payload_rounding == PayloadRounding::Stochastic; });
  set(kPayloadSaturated, "payload.saturated", "a finite lane above 1.75 after the scale, clamped to 1.75", always);
  set(kPayloadExactly175, "payload.exactly-1.75", "a lane exactly 1.75 after the scale", always);
  set(kPayloadNegativeToZero, "payload.negative-to-zero", "a negative lane whose magnitude rounded to 0", always);
  set(kPayloadMinusZeroInput, "payload.minus-zero-input", "a -0.0 input lane (not negative: code 0x0)", always);
  set(kPayloadSubnormalInput, "payload.subnormal-input", "a BF16 subnormal input lane in a finite block", always);
  set(kPayloadBf16Changed, "payload.bf16-changed", "rounding x*REC to BF16 changed a lane's code (vs the exact product)",
      [](C c) { return c.payload_product == ProductMode::Bf16; });
  set(kBlockNanInput, "block.nan-input", "a NaN input: NaN block", always);
  set(kBlockInfNan, "block.inf-nan", "an Inf input made a NaN block (non-finite=nan-block)",
      [](C c) { return c.non_finite == NonFinite::NanBlock; });
  set(kLaneInf, "lane.inf", "an Inf lane encoded as +-1.75 (saturate-inf)", inf_lanes_possible);
  set(kPayloadMinusZeroSigned, "payload.minus-zero-signed", "a -0.0 lane encoded as 0x8 (sign-bit)",
      [](C c) { return c.negative_zero == NegativeZero::SignBit; });
  set(kPeakTieLanes, "peak.tie-lanes", "two or more lanes hold the (nonzero) peak magnitude", always);
  set(kPeakTieGroups8, "peak.tie-groups", "lanes of different groups of 8 hold the peak magnitude", always);
  for (unsigned i = 0; i < kBlockValues; ++i)
    b[kPeakLane0 + i] = {"peak.lane-" + std::to_string(i),
                         "lane " + std::to_string(i) + " holds the nonzero peak magnitude", always};
  for (unsigned code = 0; code < 16; ++code) {
    char name[32], doc[64];
    std::snprintf(name, sizeof name, "payload.code-0x%X", code);
    std::snprintf(doc, sizeof doc, "a lane encoded as S1P2 0x%X (%s%.2f)", code, code & 8 ? "-" : "+",
                  (code & 7) * 0.25);
    b[kPayloadCode0 + code] = {name, doc, always};
  }
  // -0 (0x8) is only written when negative-zero keeps the sign (keep-sign or sign-bit).
  b[kPayloadCode0 + 8].applicable = [](C c) { return c.negative_zero != NegativeZero::PlusZero; };
  return b;
}

// The bins one block hit, one bit per bin.
class Hits {
 public:
  void set(unsigned bin) { words_[bin / 64] |= uint64_t{1} << (bin % 64); }
  // Bins first, first + 1, ... from the bits of `mask`, lowest first.
  void set_run(unsigned first, uint64_t mask) {
    words_[first / 64] |= mask << (first % 64);
    if (first % 64) words_[first / 64 + 1] |= mask >> (64 - first % 64);
  }
  // Adds one to counts[bin] for every bin hit.
  void count(std::vector<uint64_t>& counts) const {
    for (unsigned w = 0; w < kWords; ++w)
      for (uint64_t bits = words_[w]; bits; bits &= bits - 1)
        ++counts[w * 64 + static_cast<unsigned>(__builtin_ctzll(bits))];
  }

 private:
  static constexpr unsigned kWords = (kBinCount + 63) / 64;
  std::array<uint64_t, kWords + 1> words_{};  // one spare word for set_run's spill
};

// The bins of a payload-rounding event (fast_tables.h), in bit order.
constexpr Bin kPayloadEventBins[8] = {kPayloadExact,  kPayloadInexactUp,   kPayloadInexactDown,
                                      kPayloadTieUp,  kPayloadTieDown,     kPayloadSaturated,
                                      kPayloadExactly175, kPayloadBf16Changed};

void add_payload_events(uint8_t events, Hits& h) {
  for (unsigned e = 0; e < 8; ++e)
    if ((events >> e) & 1u) h.set(kPayloadEventBins[e]);
}

// Eight lanes as one vector of signed 16-bit values (a BF16 pattern, a code, an index):
// the lane loops below run eight lanes a step, with no branch on the data.
using I16x8 = int16_t __attribute__((vector_size(16)));
using U8x8 = uint8_t __attribute__((vector_size(8)));
constexpr unsigned kLanesPerStep = 8;
constexpr int16_t kMinusZero = static_cast<int16_t>(kBf16SignMask);

I16x8 load_lanes(const uint16_t* p) {
  I16x8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
I16x8 load_codes(const uint8_t* p) {
  U8x8 c;
  std::memcpy(&c, p, sizeof c);
  return __builtin_convertvector(c, I16x8);
}
bool any(I16x8 v) {
  uint64_t w[2];
  std::memcpy(w, &v, sizeof w);
  return (w[0] | w[1]) != 0;
}
// I16x8 of one value in every lane.
I16x8 splat(int v) { return I16x8{} + static_cast<int16_t>(v); }
// Lane k's flag (all ones or zero) as bit k.
unsigned lane_bits(I16x8 flags) {
  const I16x8 bits = flags & I16x8{1, 2, 4, 8, 16, 32, 64, 128};
  uint64_t w[2];
  std::memcpy(w, &bits, sizeof w);
  uint64_t v = w[0] | w[1];
  v |= v >> 32;
  v |= v >> 16;
  return static_cast<unsigned>(v & 0xFF);
}

// The S1P2 codes present among a block's 64 codes, one bit per code.
uint32_t codes_present(const uint8_t codes[kBlockValues]) {
  uint32_t present = 0;
  for (unsigned i = 0; i < kBlockValues; ++i) present |= 1u << codes[i];
  return present;
}

// The same from the packed payload bytes (two codes a byte), one table read a byte.
uint32_t codes_present_packed(const uint8_t packed[kPackedBytes]) {
  static const std::array<uint16_t, 256> of_byte = [] {
    std::array<uint16_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b) {
      uint8_t pair[kPackedBytes] = {};
      pair[kOffsetPayload] = static_cast<uint8_t>(b);
      const Block codes = unpack_block(pair);
      t[b] = static_cast<uint16_t>((1u << codes.codes[0]) | (1u << codes.codes[1]));
    }
    return t;
  }();
  uint32_t present = 0;
  for (unsigned k = 0; k < kPayloadBytes; ++k) present |= of_byte[packed[kOffsetPayload + k]];
  return present;
}

// The lane bins that a block's inputs and codes tell, rounding aside: the codes present
// (`present`, one bit per code), a -0.0 input (and its code), a subnormal input, a negative
// lane rounded to zero, an Inf lane (in a finite block, the lanes encode_s1p2 calls infinite).
void add_lane_bins(const uint16_t in[kBlockValues], const uint8_t codes[kBlockValues], uint32_t present,
                   Hits& h) {
  I16x8 minus_zero{}, minus_zero_signed{}, subnormal{}, negative_to_zero{}, inf{};
  for (unsigned i = 0; i < kBlockValues; i += kLanesPerStep) {
    const I16x8 x = load_lanes(in + i), c = load_codes(codes + i);
    const I16x8 mag = x & static_cast<int16_t>(kBf16MagnitudeMask);
    const I16x8 is_minus_zero = x == kMinusZero;
    minus_zero |= is_minus_zero;
    minus_zero_signed |= is_minus_zero & (c == kS1P2SignBit);
    subnormal |= (mag != 0) & (mag < 0x0080);
    negative_to_zero |= (x < 0) & (mag != 0) & ((c & kS1P2MaxMagnitude) == 0);
    inf |= mag == static_cast<int16_t>(kBf16Inf);
  }
  h.set_run(kPayloadCode0, present);
  if (any(minus_zero)) h.set(kPayloadMinusZeroInput);
  if (any(minus_zero_signed)) h.set(kPayloadMinusZeroSigned);
  if (any(subnormal)) h.set(kPayloadSubnormalInput);
  if (any(negative_to_zero)) h.set(kPayloadNegativeToZero);
  if (any(inf)) h.set(kLaneInf);
}

// The rounding events of a finite block's lanes from the payload windows: each lane's
// payload_window_events (fast_tables.h) eight lanes a step (the index clamp of
// payload_window_index, the lanes that round nothing sent to kPayloadNoEvents), then one table
// read per lane.
uint8_t payload_events(const PayloadEventWindow& w, const Block& b, uint16_t rec, const uint16_t in[kBlockValues]) {
  const LaneScale ls = lane_scale(rec);
  const I16x8 nonzero_from = I16x8{} + static_cast<int16_t>(w.nonzero_from[b.e6m2]);
  const I16x8 last_index = I16x8{} + static_cast<int16_t>(kPayloadWindow - 1);
  const I16x8 no_events = I16x8{} + static_cast<int16_t>(kPayloadNoEvents);
  alignas(16) int16_t index[kBlockValues];
  for (unsigned i = 0; i < kBlockValues; i += kLanesPerStep) {
    // Lanes i..i+3 and i+4..i+7 are groups of 4: one E1 shift each.
    const auto lo = static_cast<int16_t>(payload_window_start(ls, b.lane_shift(i)));
    const auto hi = static_cast<int16_t>(payload_window_start(ls, b.lane_shift(i + kValuesPerGroup16)));
    const I16x8 x = load_lanes(in + i);
    const I16x8 mag = x & static_cast<int16_t>(kBf16MagnitudeMask);
    // A window starts at 0..0x7FFF for every E6M2 code and E1 shift (test_coverage_fast.cpp
    // checks it), so the difference fits 16 bits.
    I16x8 d = mag - I16x8{lo, lo, lo, lo, hi, hi, hi, hi};
    d = d < 0 ? I16x8{} : d;
    d = d > last_index ? last_index : d;
    const I16x8 rounds = (mag >= nonzero_from) & (mag != static_cast<int16_t>(kBf16Inf));
    d = rounds ? d : no_events;
    std::memcpy(index + i, &d, sizeof d);
  }
  const uint8_t* events_of = w.events[b.e6m2 & 3u];
  // Four independent ORs a step (the loads need not wait on one another).
  uint8_t e[4] = {};
  for (unsigned i = 0; i < kBlockValues; i += 4)
    for (unsigned k = 0; k < 4; ++k) e[k] |= events_of[index[i + k]];
  return static_cast<uint8_t>(e[0] | e[1] | e[2] | e[3]);
}

// The scale path's bins: NaN causes, peaks, SF and the E6M2 encoding. Both ways of counting
// have these values at hand (the trace, or the scale decision of the peak tree).
void add_scale_events(const Config& cfg, NanCause cause, const PeakTree& peaks,
                      const uint16_t input[kBlockValues], uint16_t sf, const E6M2Encoding& s, Hits& h) {
  if (cause == NanCause::NaNInput) h.set(kBlockNanInput);
  if (cause == NanCause::InfInput) h.set(kBlockInfNan);
  if (cause == NanCause::NaNInput || cause == NanCause::InfInput) return;
  const uint16_t vmax = peaks.vmax;
  if (vmax == 0) {
    h.set(kScaleAllZero);
  } else {
    // The lanes holding the peak, looked for only in the groups of 8 whose peak it is (one
    // step of eight lanes each).
    static_assert(kGroups8 == kLanesPerStep && kValuesPerGroup8 == kLanesPerStep, "a group of 8 a step");
    const I16x8 peak = splat(vmax);
    const unsigned groups = lane_bits(load_lanes(peaks.v8) == peak);
    uint64_t holders = 0;
    for (unsigned rest = groups; rest; rest &= rest - 1) {
      const unsigned g = static_cast<unsigned>(__builtin_ctz(rest));
      const I16x8 mag = load_lanes(input + g * kValuesPerGroup8) & static_cast<int16_t>(kBf16MagnitudeMask);
      holders |= uint64_t{lane_bits(mag == peak)} << (g * kValuesPerGroup8);
    }
    h.set_run(kPeakLane0, holders);
    if (holders & (holders - 1)) h.set(kPeakTieLanes);
    if (groups & (groups - 1)) h.set(kPeakTieGroups8);
  }
  if (sf != 0 && sf < 0x0080) h.set(kScaleSfSubnormal);
  if (sf >= kBf16Inf) h.set(kScaleInfOverflow);
  switch (s.event) {
    case ScaleEvent::Underflow: h.set(s.code == kE6M2NaN ? kScaleUnderflowNan : kScaleUnderflowMin); break;
    case ScaleEvent::Overflow:
      h.set(s.code == kE6M2NaN ? kScaleOverflowNan : kScaleSaturated);
      if (cfg.scale_overflow == ScaleOverflow::NanUnrounded && sf < kBf16Inf &&
          rounded_overflow_code(sf, cfg) != kE6M2NaN)
        h.set(kScaleOverflowUnrounded);
      break;
    case ScaleEvent::InRange:
      if (s.code == kE6M2MaxFinite) h.set(kScaleMaxCode);
      if (s.code == kE6M2Min) h.set(kScaleMinCode);
      if (cfg.scale_binade == ScaleBinade::Log2Bf16 && exact_binade_code(sf, cfg) != s.code)
        h.set(kScaleBinadeChanged);
      break;
  }
  if (s.event != ScaleEvent::Underflow && sf < kBf16Inf) {
    const Rounded& r = s.rounding;
    if (!r.inexact) h.set(kScaleExact);
    else if (r.tie) h.set(r.up ? kScaleTieUp : kScaleTieDown);
    else h.set(r.up ? kScaleInexactUp : kScaleInexactDown);
    if (r.value == 8) h.set(kScaleCarry);
  }
}

// The lanes' bits of `bits`: lane k is all ones when bits & mask[k].
I16x8 lane_flags(unsigned bits, I16x8 mask) { return (splat(static_cast<int16_t>(bits)) & mask) != 0; }

// The E1 bins of a finite block from its group peaks, its E1 bits and the thresholds and
// bounds of its E6M2 code (fast_tables.h), eight groups a step: a group peak V is at 2 (or 4)
// when ge <= V < gt; a BF16 threshold product changed a decision when the exact product's
// threshold says otherwise. Magnitudes and thresholds are at most 0x7FFF: signed compares.
void add_e1_bins(const E1Thresholds& th, const E1Bounds& bounds, const E1Thresholds& exact, const Block& b,
                 const PeakTree& peaks, bool bf16_thresholds, Hits& h) {
  if (b.e1_8 != 0) h.set(kE1_8Set);
  if (b.e1_8 != 0xFF) h.set(kE1_8Clear);
  // V16 <= V8 <= Vmax and the product never decreases: an infinite group product is Vmax's.
  if (peaks.vmax >= bounds.inf) h.set(kE1InfGroup);
  const I16x8 ge2 = splat(th.ge2), gt2 = splat(bounds.gt2), ge4 = splat(th.ge4), gt4 = splat(bounds.gt4);
  const I16x8 exact_ge2 = splat(exact.ge2), exact_ge4 = splat(exact.ge4);
  static_assert(kGroups8 == kLanesPerStep && kGroups16 == 2 * kLanesPerStep, "E1 groups: one and two steps");
  // Groups of 8: bit g of E1_8 in lane g.
  const I16x8 v8 = load_lanes(peaks.v8);
  const I16x8 e8 = lane_flags(b.e1_8, I16x8{1, 2, 4, 8, 16, 32, 64, 128});
  if (any((v8 >= ge4) & (v8 < gt4))) h.set(kE1_8ExactlyAt4);
  const bool changed8 = any((v8 >= exact_ge4) ^ e8);
  // Groups of 16, eight a step: E1_16 bit j and E1_8 bit j / 2 in lane j % 8.
  I16x8 at2_16{}, at4_16{}, changed16{};
  for (unsigned step = 0; step < 2; ++step) {
    const unsigned first = step * kLanesPerStep;
    const I16x8 v = load_lanes(peaks.v16 + first);
    const I16x8 e8_of = lane_flags(b.e1_8 >> (first / 2), I16x8{1, 1, 2, 2, 4, 4, 8, 8});
    const I16x8 e16 = lane_flags(b.e1_16 >> first, I16x8{1, 2, 4, 8, 16, 32, 64, 128});
    at2_16 |= (v >= ge2) & (v < gt2) & ~e8_of;
    at4_16 |= (v >= ge4) & (v < gt4) & e8_of;
    changed16 |= (((v >= exact_ge2) & ~e8_of) | ((v >= exact_ge4) & e8_of)) ^ e16;
  }
  if (any(at2_16)) h.set(kE1_16ExactlyAt2);
  if (any(at4_16)) h.set(kE1_16ExactlyAt4);
  if (bf16_thresholds) {
    if (changed8) h.set(kE1_8Bf16Changed);
    if (any(changed16)) h.set(kE1_16Bf16Changed);
  }
  // The lanes' shifts: E1_8 spread to one bit per group of 4, against E1_16.
  unsigned e8_of16 = b.e1_8;
  e8_of16 = (e8_of16 | e8_of16 << 4) & 0x0F0Fu;
  e8_of16 = (e8_of16 | e8_of16 << 2) & 0x3333u;
  e8_of16 = (e8_of16 | e8_of16 << 1) & 0x5555u;
  e8_of16 |= e8_of16 << 1;
  const unsigned e16 = b.e1_16;
  static_assert(kShift1ByE1_8 == kShift0 + 1 && kShift1ByE1_16 == kShift0 + 2 && kShift2 == kShift0 + 3,
                "the shift bins in the order of E1_8 | E1_16 << 1");
  const unsigned shifts = unsigned{(~e8_of16 & ~e16 & 0xFFFFu) != 0} | unsigned{(e8_of16 & ~e16) != 0} << 1 |
                          unsigned{(~e8_of16 & e16) != 0} << 2 | unsigned{(e8_of16 & e16) != 0} << 3;
  h.set_run(kShift0, shifts);
}

}  // namespace

const std::vector<CoverageBin>& coverage_bins() {
  static const std::vector<CoverageBin> bins = make_bins();
  return bins;
}

Coverage::Coverage(const Config& cfg)
    : cfg_(cfg), exact_payload_cfg_(cfg), counts_(kBinCount, 0), applicable_(kBinCount) {
  exact_payload_cfg_.payload_product = ProductMode::Exact;
  for (size_t i = 0; i < kBinCount; ++i) applicable_[i] = coverage_bins()[i].applicable(cfg);
  if (cfg.payload_rounding != PayloadRounding::Stochastic)
    payload_events_ = &payload_event_window(to_rounding(cfg.payload_rounding), cfg.payload_product);
  threshold_tables_ = e1_threshold_table(cfg.threshold_product);
  bounds_ = e1_bounds_table(cfg.threshold_product);
  exact_thresholds_ = e1_threshold_table(ProductMode::Exact);
}

// The reference: every bin from the stage trace.
void Coverage::add(const BlockTrace& t) {
  ++blocks_;
  Hits h;
  add_scale_events(cfg_, t.nan_cause, t.peaks, t.input, t.sf, t.scale, h);
  if (t.block.e6m2 == kE6M2NaN) {
    h.count(counts_);
    return;
  }

  // A finite scale: the E1 decisions and the payload.
  h.set(kRecMantissa0 + (t.block.e6m2 & 3u));
  for (unsigned g = 0; g < kGroups8; ++g) {
    const bool e8 = (t.block.e1_8 >> g) & 1u;
    h.set(e8 ? kE1_8Set : kE1_8Clear);
    if (t.product8[g].infinite) h.set(kE1InfGroup);
    if (compare_pow2(t.product8[g], 2) == 0) h.set(kE1_8ExactlyAt4);
    if (cfg_.threshold_product == ProductMode::Bf16 &&
        e1_8_decision(t.peaks.v8[g], t.rec, ProductMode::Exact) != e8)
      h.set(kE1_8Bf16Changed);
  }
  for (unsigned j = 0; j < kGroups16; ++j) {
    const bool e8 = (t.block.e1_8 >> (j / 2)) & 1u;
    const bool e16 = (t.block.e1_16 >> j) & 1u;
    if (t.product16[j].infinite) h.set(kE1InfGroup);
    if (compare_pow2(t.product16[j], e8 ? 2 : 1) == 0) h.set(e8 ? kE1_16ExactlyAt4 : kE1_16ExactlyAt2);
    if (cfg_.threshold_product == ProductMode::Bf16 &&
        e1_16_decision(t.peaks.v16[j], t.rec, e8, ProductMode::Exact) != e16)
      h.set(kE1_16Bf16Changed);
    h.set(e8 ? (e16 ? kShift2 : kShift1ByE1_8) : (e16 ? kShift1ByE1_16 : kShift0));
  }
  add_lane_bins(t.input, t.block.codes, codes_present(t.block.codes), h);
  const bool stochastic = cfg_.payload_rounding == PayloadRounding::Stochastic;
  uint8_t events = 0;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const LaneEncoding& l = t.lanes[i];
    const uint16_t x = t.input[i];
    if (l.infinite) continue;
    events |= payload_lane_events(l);
    const Rounded& r = l.rounding;
    if (stochastic && !l.saturated && l.scaled.sig != 0 && r.inexact)
      h.set(r.up ? kPayloadStochasticUp : kPayloadStochasticDown);
    if (cfg_.payload_product == ProductMode::Bf16 &&
        encode_s1p2(x, t.rec, t.block.lane_shift(i), exact_payload_cfg_, l.random).code != l.code)
      events |= kPayloadEventProductChanged;
  }
  add_payload_events(events, h);
  h.count(counts_);
}

void Coverage::add_block(const uint16_t in[kBlockValues], uint64_t block_index) {
  if (!payload_events_) {
    BlockTrace trace;
    quantize_block(in, cfg_, block_index, &trace);
    add(trace);
    return;
  }
  uint8_t packed[kPackedBytes];
  quantize_blocks(in, 1, cfg_, block_index, packed);
  add_packed(in, packed);
}

void Coverage::add_block(const uint16_t in[kBlockValues], uint64_t block_index,
                         const uint8_t packed[kPackedBytes]) {
  if (payload_events_) add_packed(in, packed);
  else add_block(in, block_index);
}

// Every bin from the packed block and the tables: the scale path again from the peak tree
// (cheap), the E1 bins from the thresholds and bounds of the block's E6M2 code, each lane's
// rounding events from its payload-window entry.
void Coverage::add_packed(const uint16_t in[kBlockValues], const uint8_t packed[kPackedBytes]) {
  ++blocks_;
  Hits h;
  const PeakTree peaks = peak_tree(in);
  const ScaleDecision sd = scale_decision(peaks, cfg_);
  add_scale_events(cfg_, sd.cause, peaks, in, sd.sf, sd.scale, h);
  const Block b = unpack_block(packed);
  if (b.e6m2 == kE6M2NaN) {
    h.count(counts_);
    return;
  }

  h.set(kRecMantissa0 + (b.e6m2 & 3u));
  add_e1_bins(threshold_tables_[b.e6m2], bounds_[b.e6m2], exact_thresholds_[b.e6m2], b, peaks,
              cfg_.threshold_product == ProductMode::Bf16, h);

  add_lane_bins(in, b.codes, codes_present_packed(packed), h);
  add_payload_events(payload_events(*payload_events_, b, sd.rec, in), h);
  h.count(counts_);
}

void Coverage::merge(const Coverage& other) {
  blocks_ += other.blocks_;
  for (size_t i = 0; i < kBinCount; ++i) counts_[i] += other.counts_[i];
}

void Coverage::add_counts(uint64_t blocks, const std::vector<uint64_t>& counts) {
  if (counts.size() != kBinCount)
    throw std::invalid_argument(std::to_string(counts.size()) + " bin counts, not " + std::to_string(kBinCount));
  for (uint64_t c : counts)
    if (c > blocks) throw std::invalid_argument("a bin counts more blocks than were checked");
  if (blocks > UINT64_MAX - blocks_) throw std::invalid_argument("block counts overflow");
  blocks_ += blocks;
  for (size_t i = 0; i < kBinCount; ++i) counts_[i] += counts[i];
}

std::vector<size_t> Coverage::missed() const {
  std::vector<size_t> m;
  for (size_t i = 0; i < kBinCount; ++i)
    if (applicable_[i] && counts_[i] == 0) m.push_back(i);
  return m;
}

std::string format_coverage(const Coverage& c, bool only_missed) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-26s %12s  %s\n", "bin", "blocks", "event");
  out += line;
  for (size_t i = 0; i < kBinCount; ++i) {
    const CoverageBin& b = coverage_bins()[i];
    const bool missed = c.applicable(i) && c.count(i) == 0;
    if (only_missed && !missed) continue;
    char count[32];
    if (!c.applicable(i)) std::snprintf(count, sizeof count, "n/a");
    else if (missed) std::snprintf(count, sizeof count, "0 MISSED");
    else std::snprintf(count, sizeof count, "%llu", static_cast<unsigned long long>(c.count(i)));
    std::snprintf(line, sizeof line, "%-26s %12s  %s\n", b.name.c_str(), count, b.doc.c_str());
    out += line;
  }
  return out;
}

}  // namespace hif4
