// Coverage bins over BlockTrace (see coverage.h).
#include "hif4/coverage.h"

#include <algorithm>
#include <cstdio>
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

}  // namespace

const std::vector<CoverageBin>& coverage_bins() {
  static const std::vector<CoverageBin> bins = make_bins();
  return bins;
}

Coverage::Coverage(const Config& cfg)
    : cfg_(cfg), exact_payload_cfg_(cfg), counts_(kBinCount, 0), applicable_(kBinCount), hit_(kBinCount) {
  exact_payload_cfg_.payload_product = ProductMode::Exact;
  for (size_t i = 0; i < kBinCount; ++i) applicable_[i] = coverage_bins()[i].applicable(cfg);
}

void Coverage::add(const BlockTrace& t) {
  ++blocks_;
  std::fill(hit_.begin(), hit_.end(), 0);
  auto hit = [&](unsigned bin) { hit_[bin] = 1; };

  if (t.nan_cause == NanCause::NaNInput) hit(kBlockNanInput);
  if (t.nan_cause == NanCause::InfInput) hit(kBlockInfNan);
  const bool peak_used = t.nan_cause != NanCause::NaNInput && t.nan_cause != NanCause::InfInput;
  if (peak_used) {
    const uint16_t vmax = t.peaks.vmax;
    if (vmax == 0) hit(kScaleAllZero);
    if (vmax != 0) {
      unsigned holders = 0, groups = 0;
      for (unsigned i = 0; i < kBlockValues; ++i)
        if ((t.input[i] & kBf16MagnitudeMask) == vmax) {
          hit(kPeakLane0 + i);
          ++holders;
          groups |= 1u << (i / kValuesPerGroup8);
        }
      if (holders >= 2) hit(kPeakTieLanes);
      if (groups & (groups - 1)) hit(kPeakTieGroups8);
    }
    if (t.sf != 0 && t.sf < 0x0080) hit(kScaleSfSubnormal);
    const E6M2Encoding& s = t.scale;
    if (t.sf >= kBf16Inf) hit(kScaleInfOverflow);
    switch (s.event) {
      case ScaleEvent::Underflow: hit(s.code == kE6M2NaN ? kScaleUnderflowNan : kScaleUnderflowMin); break;
      case ScaleEvent::Overflow:
        hit(s.code == kE6M2NaN ? kScaleOverflowNan : kScaleSaturated);
        if (cfg_.scale_overflow == ScaleOverflow::NanUnrounded && t.sf < kBf16Inf &&
            rounded_overflow_code(t.sf, cfg_) != kE6M2NaN)
          hit(kScaleOverflowUnrounded);
        break;
      case ScaleEvent::InRange:
        if (s.code == kE6M2MaxFinite) hit(kScaleMaxCode);
        if (s.code == kE6M2Min) hit(kScaleMinCode);
        if (cfg_.scale_binade == ScaleBinade::Log2Bf16 && exact_binade_code(t.sf, cfg_) != s.code)
          hit(kScaleBinadeChanged);
        break;
    }
    if (s.event != ScaleEvent::Underflow && t.sf < kBf16Inf) {
      const Rounded& r = s.rounding;
      if (!r.inexact) hit(kScaleExact);
      else if (r.tie) hit(r.up ? kScaleTieUp : kScaleTieDown);
      else hit(r.up ? kScaleInexactUp : kScaleInexactDown);
      if (r.value == 8) hit(kScaleCarry);
    }
  }
  if (t.block.e6m2 == kE6M2NaN) {
    for (unsigned i = 0; i < kBinCount; ++i) counts_[i] += hit_[i];
    return;
  }

  // A finite scale: the E1 decisions and the payload.
  hit(kRecMantissa0 + (t.block.e6m2 & 3u));
  for (unsigned g = 0; g < kGroups8; ++g) {
    const bool e8 = (t.block.e1_8 >> g) & 1u;
    hit(e8 ? kE1_8Set : kE1_8Clear);
    if (t.product8[g].infinite) hit(kE1InfGroup);
    if (compare_pow2(t.product8[g], 2) == 0) hit(kE1_8ExactlyAt4);
    if (cfg_.threshold_product == ProductMode::Bf16 &&
        e1_8_decision(t.peaks.v8[g], t.rec, ProductMode::Exact) != e8)
      hit(kE1_8Bf16Changed);
  }
  for (unsigned j = 0; j < kGroups16; ++j) {
    const bool e8 = (t.block.e1_8 >> (j / 2)) & 1u;
    const bool e16 = (t.block.e1_16 >> j) & 1u;
    if (t.product16[j].infinite) hit(kE1InfGroup);
    if (compare_pow2(t.product16[j], e8 ? 2 : 1) == 0) hit(e8 ? kE1_16ExactlyAt4 : kE1_16ExactlyAt2);
    if (cfg_.threshold_product == ProductMode::Bf16 &&
        e1_16_decision(t.peaks.v16[j], t.rec, e8, ProductMode::Exact) != e16)
      hit(kE1_16Bf16Changed);
    hit(e8 ? (e16 ? kShift2 : kShift1ByE1_8) : (e16 ? kShift1ByE1_16 : kShift0));
  }
  const bool stochastic = cfg_.payload_rounding == PayloadRounding::Stochastic;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const LaneEncoding& l = t.lanes[i];
    const uint16_t x = t.input[i];
    hit(kPayloadCode0 + l.code);
    if (x == kBf16SignMask) hit(kPayloadMinusZeroInput);
    if (x == kBf16SignMask && l.code == kS1P2SignBit) hit(kPayloadMinusZeroSigned);
    if ((x & kBf16MagnitudeMask) != 0 && (x & kBf16MagnitudeMask) < 0x0080) hit(kPayloadSubnormalInput);
    if (bf16_sign(x) && (x & kBf16MagnitudeMask) != 0 && (l.code & kS1P2MaxMagnitude) == 0)
      hit(kPayloadNegativeToZero);
    if (l.infinite) {
      hit(kLaneInf);
      continue;
    }
    if (l.saturated) {
      hit(kPayloadSaturated);
    } else if (l.scaled.sig != 0) {
      const Rounded& r = l.rounding;
      if (!r.inexact) {
        hit(kPayloadExact);
        if (r.value == kS1P2MaxMagnitude) hit(kPayloadExactly175);
      } else if (r.tie) {
        hit(r.up ? kPayloadTieUp : kPayloadTieDown);
      } else {
        hit(r.up ? kPayloadInexactUp : kPayloadInexactDown);
      }
      if (stochastic && r.inexact) hit(r.up ? kPayloadStochasticUp : kPayloadStochasticDown);
    }
    if (cfg_.payload_product == ProductMode::Bf16 &&
        encode_s1p2(x, t.rec, t.block.lane_shift(i), exact_payload_cfg_, l.random).code != l.code)
      hit(kPayloadBf16Changed);
  }
  for (unsigned i = 0; i < kBinCount; ++i) counts_[i] += hit_[i];
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
