// Block comparison, mismatch reports, DUT output readers (see verify.h).
#include "hif4/verify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "hif4/parallel.h"
#include "hif4/stages.h"
#include "hif4/trace_format.h"
#include "hex_word.h"

namespace hif4 {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::Scale: return "scale (E6M2)";
    case Stage::E1_8: return "E1_8";
    case Stage::E1_16: return "E1_16";
    case Stage::Payload: return "payload";
  }
  return "?";
}

namespace {

// A BF16 value for a report: 9 significant digits (enough to tell BF16 and FP32 values
// apart; `hif4 explain` prints exact expansions) and the bit pattern.
std::string value_text(uint16_t bits) {
  char buf[64];
  if (bf16_is_nan(bits)) std::snprintf(buf, sizeof buf, "NaN (0x%04X)", bits);
  else if (bf16_is_inf(bits)) std::snprintf(buf, sizeof buf, "%cInf (0x%04X)", bf16_sign(bits) ? '-' : '+', bits);
  else std::snprintf(buf, sizeof buf, "%.9g (0x%04X)", bf16_to_double(bits), bits);
  return buf;
}

// An exact dyadic product (at most 16 significant bits: exact as a double, and %.17g shows
// every digit needed to see how close it is to a threshold).
std::string product_text(const ThresholdProduct& p) {
  if (p.infinite) return "Inf";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.17g", std::ldexp(static_cast<double>(p.value.sig), p.value.exp));
  return buf;
}

// The decoded value of lane i of a block, as text ("NaN" for a NaN block).
std::string lane_value(const Block& b, unsigned lane) {
  if (b.e6m2 == kE6M2NaN) return "NaN";
  const Dyadic v = decode_magnitude(b, lane);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%.17g", (b.codes[lane] & kS1P2SignBit) ? "-" : "",
                std::ldexp(static_cast<double>(v.sig), v.exp));
  return buf;
}

std::string list_bits(uint64_t mask, unsigned limit) {
  std::string s;
  unsigned shown = 0, total = 0;
  for (unsigned i = 0; i < 64; ++i)
    if ((mask >> i) & 1) {
      if (shown < limit) {
        s += (shown ? "," : "") + std::to_string(i);
        ++shown;
      }
      ++total;
    }
  if (total > shown) s += ",... (" + std::to_string(total) + ")";
  return s;
}

// The DUT's later fields against the model's stage functions applied to the DUT's own
// earlier fields: the scale decides REC, E1 bits follow from the peaks and REC, lanes from
// REC and the lane's E1 shift.
void check_downstream(const VerifyContext& ctx, const VectorRecord& r, BlockMismatch& m) {
  const Block& d = m.actual;
  std::string detail;
  if (d.e6m2 == kE6M2NaN) {
    bool zero = d.e1_8 == 0 && d.e1_16 == 0;
    for (unsigned i = 0; i < kBlockValues; ++i) zero = zero && d.codes[i] == 0;
    m.downstream_consistent = zero;
    m.downstream_detail = zero ? "the DUT wrote a well-formed NaN block (E1 bits and payload 0)"
                               : "the DUT wrote E6M2 0xFF but nonzero E1 bits or payload (a NaN block has all 0)";
    return;
  }
  const PeakTree peaks = peak_tree(r.input);
  if (peaks.has_nan) {
    m.downstream_consistent = false;
    m.downstream_detail = "the block holds a NaN, yet the DUT wrote a finite scale";
    return;
  }
  const uint16_t rec = e6m2_reciprocal(d.e6m2);
  unsigned bad8 = 0, bad16 = 0, bad_lanes = 0;
  for (unsigned g = 0; g < kGroups8; ++g)
    if (e1_8_decision(peaks.v8[g], rec, ctx.config.threshold_product) != (((d.e1_8 >> g) & 1u) != 0)) ++bad8;
  for (unsigned j = 0; j < kGroups16; ++j)
    if (e1_16_decision(peaks.v16[j], rec, (d.e1_8 >> (j / 2)) & 1u, ctx.config.threshold_product) !=
        (((d.e1_16 >> j) & 1u) != 0))
      ++bad16;
  const bool stochastic = ctx.config.payload_rounding == PayloadRounding::Stochastic;
  const uint32_t key = stochastic ? sr_block_key(ctx.config.sr_seed, r.block_index) : 0;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const uint32_t random = stochastic ? sr_lane_bits(key, i) : 0;
    if (encode_s1p2(r.input[i], rec, d.lane_shift(i), ctx.config, random).code != d.codes[i]) ++bad_lanes;
  }
  // Only fields after the first differing stage are "downstream".
  if (m.stage == Stage::Payload) {
    m.downstream_consistent = true;
    m.downstream_detail.clear();
    return;
  }
  unsigned bad = bad_lanes + (m.stage == Stage::Scale || m.stage == Stage::E1_8 ? bad16 : 0) +
                 (m.stage == Stage::Scale ? bad8 : 0);
  m.downstream_consistent = bad == 0;
  if (bad == 0) {
    detail = "the DUT's later fields follow from its own " + std::string(stage_name(m.stage)) +
             " under the model's stage functions: that stage is the only independent error";
  } else {
    detail = "given the DUT's own earlier fields, ";
    if (m.stage == Stage::Scale) detail += std::to_string(bad8) + " E1_8 bit(s), ";
    if (m.stage != Stage::E1_16) detail += std::to_string(bad16) + " E1_16 bit(s) and ";
    detail += std::to_string(bad_lanes) + " lane(s) are still wrong: more than one stage is faulty";
  }
  m.downstream_detail = detail;
}

std::string describe_stage(const BlockTrace& t, const BlockMismatch& m) {
  const Block& e = m.expected;
  const Block& a = m.actual;
  std::string s;
  switch (m.stage) {
    case Stage::Scale:
      if (t.nan_cause == NanCause::NaNInput || t.nan_cause == NanCause::InfInput) {
        s = std::string("expected a NaN block: ") + nan_cause_name(t.nan_cause);
      } else {
        s = "Vmax = " + value_text(t.peaks.vmax) + ", SF = Vmax*BF16(1/7) = " + value_text(t.sf);
        if (t.scale.event == ScaleEvent::Underflow) s += ", below 2^-48: underflow";
        else if (t.scale.event == ScaleEvent::Overflow) s += ", above 49152: overflow";
        else if (t.scale.rounding.tie) s += std::string(", an E6M2 tie rounded ") + (t.scale.rounding.up ? "up" : "down");
        else if (t.scale.rounding.inexact) s += std::string(", rounded ") + (t.scale.rounding.up ? "up" : "down");
        else s += ", exact";
        if (t.nan_cause != NanCause::None) s += std::string(" (") + nan_cause_name(t.nan_cause) + ")";
      }
      s += "; expected E6M2 " + e6m2_text(e.e6m2) + ", DUT " + e6m2_text(a.e6m2);
      break;
    case Stage::E1_8: {
      const unsigned g = m.stage_unit;
      const ThresholdProduct& p = t.product8[g];
      s = "V8[" + std::to_string(g) + "] = " + value_text(t.peaks.v8[g]) + ", REC = " + value_text(t.rec) +
          ", V8*REC = " + product_text(p) + " vs 4 -> E1_8 = " +
          std::to_string((e.e1_8 >> g) & 1u) + "; DUT E1_8[" + std::to_string(g) + "] = " +
          std::to_string((a.e1_8 >> g) & 1u);
      break;
    }
    case Stage::E1_16: {
      const unsigned j = m.stage_unit;
      const unsigned e8 = (e.e1_8 >> (j / 2)) & 1u;
      const ThresholdProduct& p = t.product16[j];
      s = "V16[" + std::to_string(j) + "] = " + value_text(t.peaks.v16[j]) + ", REC = " + value_text(t.rec) +
          ", V16*REC = " + product_text(p) + " vs " +
          (e8 ? "4 (E1_8 = 1)" : "2 (E1_8 = 0)") + " -> E1_16 = " + std::to_string((e.e1_16 >> j) & 1u) +
          "; DUT E1_16[" + std::to_string(j) + "] = " + std::to_string((a.e1_16 >> j) & 1u);
      break;
    }
    case Stage::Payload: {
      const unsigned i = m.stage_unit;
      const LaneEncoding& l = t.lanes[i];
      s = "x[" + std::to_string(i) + "] = " + value_text(t.input[i]) + ", shift E1_8+E1_16 = " +
          std::to_string(e.lane_shift(i)) + ", 4|x|*REC*2^-shift = " +
          (l.infinite ? std::string("Inf") : quarters_binary(l.scaled)) + " quarters, " +
          lane_decision_text(l) + "; expected " + s1p2_text(e.codes[i]) + ", DUT " + s1p2_text(a.codes[i]);
      break;
    }
  }
  return s;
}

}  // namespace

std::string replay_command(const std::string& profile, const Config& cfg,
                           const uint16_t input[kBlockValues], uint64_t block_index) {
  const Profile* base = nullptr;
  for (const Profile& p : profiles())
    if (profile == p.name) base = &p;
  if (!base) base = matching_profile(cfg);
  if (!base) base = &profiles().front();
  std::string s = std::string("hif4 explain --profile ") + base->name;
  for (const Knob& k : knobs())
    if (k.get(cfg) != k.get(base->config))
      s += std::string(" --set ") + k.name + "=" + knob_value_name(k, cfg);
  const bool stochastic = cfg.payload_rounding == PayloadRounding::Stochastic;
  if (stochastic || cfg.sr_seed != 0) s += " --sr-seed " + std::to_string(cfg.sr_seed);
  unsigned n = kBlockValues;
  while (n > 1 && input[n - 1] == 0) --n;
  s += " --values ";
  for (unsigned i = 0; i < n; ++i) s += (i ? "," : "") + hex(input[i], 4);
  if (stochastic) s += " --block-index " + std::to_string(block_index);
  return s;
}

std::vector<KnobAlternative> single_knob_alternatives(const Config& config) {
  std::vector<KnobAlternative> list;
  for (const Knob& k : knobs())
    for (size_t v = 0; v < k.values.size(); ++v) {
      if (v == k.get(config) || list.size() == 64) continue;
      KnobAlternative a{std::string(k.name) + "=" + k.values[v].name, config};
      k.set(a.config, static_cast<uint8_t>(v));
      list.push_back(std::move(a));
    }
  return list;
}

bool compare_block(const VerifyContext& ctx, uint64_t record, const VectorRecord& r,
                   const uint8_t actual[kPackedBytes], BlockMismatch& m, const uint8_t* unknown) {
  static constexpr uint8_t kNoneUnknown[kPackedBytes] = {};
  const bool undefined = unknown && std::memcmp(unknown, kNoneUnknown, kPackedBytes) != 0;
  if (!undefined && std::memcmp(r.expected, actual, kPackedBytes) == 0) return false;
  m = BlockMismatch{};
  m.config = ctx.config;
  m.undefined = undefined;
  if (undefined) std::memcpy(m.unknown, unknown, kPackedBytes);
  m.record = record;
  m.block_index = r.block_index;
  if (ctx.header) {
    if (const SuiteRange* s = ctx.header->suite_of(record))
      m.suite = s->name + " #" + std::to_string(record - s->first);
  }
  std::memcpy(m.expected_bytes, r.expected, kPackedBytes);
  std::memcpy(m.actual_bytes, actual, kPackedBytes);
  m.expected = unpack_block(r.expected);
  m.actual = unpack_block(actual);
  const Block& e = m.expected;
  const Block& a = m.actual;
  if (undefined) {
    // Name the fields with undefined bits; nothing else about the DUT's block is known.
    const Block x = unpack_block(m.unknown);
    m.e6m2_differs = x.e6m2 != 0;
    m.e1_8_diff = x.e1_8;
    m.e1_16_diff = x.e1_16;
    for (unsigned i = 0; i < kBlockValues; ++i)
      if (x.codes[i]) m.lane_diff |= uint64_t{1} << i;
    m.stage_detail = "the DUT's output is undefined (x/z digits)";
    m.expectation_matches_model = quantize_block(r.input, ctx.config, r.block_index) == e;
    m.replay = replay_command(ctx.profile, ctx.config, r.input, r.block_index);
    return true;
  }
  m.e6m2_differs = e.e6m2 != a.e6m2;
  m.e1_8_diff = static_cast<uint8_t>(e.e1_8 ^ a.e1_8);
  m.e1_16_diff = static_cast<uint16_t>(e.e1_16 ^ a.e1_16);
  for (unsigned i = 0; i < kBlockValues; ++i)
    if (e.codes[i] != a.codes[i]) m.lane_diff |= uint64_t{1} << i;

  if (m.e6m2_differs) {
    m.stage = Stage::Scale;
  } else if (m.e1_8_diff) {
    m.stage = Stage::E1_8;
    m.stage_unit = static_cast<unsigned>(__builtin_ctz(m.e1_8_diff));
  } else if (m.e1_16_diff) {
    m.stage = Stage::E1_16;
    m.stage_unit = static_cast<unsigned>(__builtin_ctz(m.e1_16_diff));
  } else {
    m.stage = Stage::Payload;
    m.stage_unit = static_cast<unsigned>(__builtin_ctzll(m.lane_diff));
  }

  BlockTrace trace;
  const Block model = quantize_block(r.input, ctx.config, r.block_index, &trace);
  m.expectation_matches_model = model == e;
  m.stage_detail = describe_stage(trace, m);
  check_downstream(ctx, r, m);
  m.replay = replay_command(ctx.profile, ctx.config, r.input, r.block_index);
  const std::vector<KnobAlternative> alternatives = single_knob_alternatives(ctx.config);
  for (size_t i = 0; i < alternatives.size(); ++i)
    if (quantize_block(r.input, alternatives[i].config, r.block_index) == a) m.alternatives |= uint64_t{1} << i;
  return true;
}

namespace {

// "block 12 (block index 40) [grid #3]"
std::string block_name(const BlockMismatch& m) {
  std::string s = "block " + std::to_string(m.record);
  if (m.block_index != m.record) s += " (block index " + std::to_string(m.block_index) + ")";
  if (!m.suite.empty()) s += " [" + m.suite + "]";
  return s;
}

// " E6M2 E1_8 bits {2} lanes {4,5}": the fields that differ (or hold x/z digits).
std::string differing_fields(const BlockMismatch& m) {
  std::string s;
  if (m.e6m2_differs) s += " E6M2";
  if (m.e1_8_diff) s += " E1_8 bits {" + list_bits(m.e1_8_diff, 8) + "}";
  if (m.e1_16_diff) s += " E1_16 bits {" + list_bits(m.e1_16_diff, 16) + "}";
  if (m.lane_diff) s += " lanes {" + list_bits(m.lane_diff, 12) + "}";
  return s;
}

std::string fields_text(const Block& b) {
  return "E6M2 " + e6m2_text(b.e6m2) + ", E1_8 " + hex(b.e1_8, 2) + ", E1_16 " + hex(b.e1_16, 4);
}

// The DUT's 288 bits as $writememh would show them: x for an undefined digit.
std::string undefined_word(const BlockMismatch& m) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string s;
  for (int k = kPackedBytes - 1; k >= 0; --k)
    for (int half = 1; half >= 0; --half) {
      const unsigned shift = 4 * static_cast<unsigned>(half);
      s += ((m.unknown[k] >> shift) & 15) ? 'x' : kDigits[(m.actual_bytes[k] >> shift) & 15];
    }
  return s;
}

// "negative-zero=plus-zero" or "scale-rounding=up or scale-rounding=nearest-even".
std::string settings_text(uint64_t mask, const std::vector<KnobAlternative>& alternatives) {
  std::string s;
  for (size_t i = 0; i < alternatives.size(); ++i)
    if ((mask >> i) & 1) s += (s.empty() ? "" : " or ") + alternatives[i].setting;
  return s;
}

}  // namespace

std::string format_mismatch(const BlockMismatch& m) {
  std::string s = block_name(m);
  if (m.undefined) {
    s += ": undefined (x/z digits) in" + differing_fields(m) + "\n";
    s += "  expected: " + fields_text(m.expected) + "\n";
    s += "  DUT:      " + undefined_word(m) + "\n";
    if (!m.expectation_matches_model)
      s += "  note: the vector file's expected block differs from this model's output for these inputs\n";
    return s + "  replay: " + m.replay + "\n";
  }
  s += ": differs in" + differing_fields(m) + "\n";
  s += "  expected: " + fields_text(m.expected) + "\n";
  s += "  DUT:      " + fields_text(m.actual) + "\n";
  unsigned shown = 0;
  for (unsigned i = 0; i < kBlockValues && shown < 8; ++i) {
    if (!((m.lane_diff >> i) & 1)) continue;
    s += "  lane " + std::to_string(i) + ": expected " + s1p2_text(m.expected.codes[i]) + " = " +
         lane_value(m.expected, i) + ", DUT " + s1p2_text(m.actual.codes[i]) + " = " + lane_value(m.actual, i) + "\n";
    ++shown;
  }
  const unsigned lanes = static_cast<unsigned>(__builtin_popcountll(m.lane_diff));
  if (lanes > shown) s += "  ... " + std::to_string(lanes - shown) + " more lane(s)\n";
  std::string unit;
  if (m.stage == Stage::E1_8 || m.stage == Stage::E1_16) unit = "[" + std::to_string(m.stage_unit) + "]";
  if (m.stage == Stage::Payload) unit = " lane " + std::to_string(m.stage_unit);
  s += "  first differing stage: " + std::string(stage_name(m.stage)) + unit + ": " + m.stage_detail + "\n";
  if (!m.downstream_detail.empty()) s += "  " + m.downstream_detail + "\n";
  if (m.alternatives)
    s += "  the DUT's block is the model's under --set " + settings_text(m.alternatives, single_knob_alternatives(m.config)) +
         "\n";
  if (!m.expectation_matches_model)
    s += "  note: the vector file's expected block differs from this model's output for these inputs\n";
  s += "  replay: " + m.replay + "\n";
  return s;
}

std::string format_mismatch_line(const BlockMismatch& m) {
  std::string s = block_name(m);
  if (m.undefined) return s + ": undefined (x/z digits) in" + differing_fields(m) + "; replay: " + m.replay;
  s += ": differs in" + differing_fields(m) + ":";
  const Block& e = m.expected;
  const Block& a = m.actual;
  if (m.e6m2_differs) s += " E6M2 expected " + e6m2_text(e.e6m2) + ", got " + e6m2_text(a.e6m2) + ";";
  if (m.e1_8_diff) s += " E1_8 expected " + hex(e.e1_8, 2) + ", got " + hex(a.e1_8, 2) + ";";
  if (m.e1_16_diff) s += " E1_16 expected " + hex(e.e1_16, 4) + ", got " + hex(a.e1_16, 4) + ";";
  if (m.lane_diff) {
    const unsigned i = static_cast<unsigned>(__builtin_ctzll(m.lane_diff));
    s += " lane " + std::to_string(i) + " expected " + s1p2_text(e.codes[i]) + ", got " + s1p2_text(a.codes[i]) + ";";
  }
  std::string unit;
  if (m.stage == Stage::E1_8 || m.stage == Stage::E1_16) unit = "[" + std::to_string(m.stage_unit) + "]";
  if (m.stage == Stage::Payload) unit = " lane " + std::to_string(m.stage_unit);
  s += " first differing stage: " + std::string(stage_name(m.stage)) + unit + ": " + m.stage_detail + ";";
  if (m.alternatives)
    s += " the DUT's block is the model's under --set " + settings_text(m.alternatives, single_knob_alternatives(m.config)) + ";";
  return s + " replay: " + m.replay;
}

// ---- failure summary ----------------------------------------------------------------------

namespace {

// How a lane's code differs, for the summary; the names are what a person would say.
enum LaneDifference : unsigned { MinusZeroAsPlus, PlusZeroAsMinus, QuarterLarger, QuarterSmaller, SignOnly, Other };
const char* const kLaneDifferenceText[] = {
    "-0 vs +0 (expected 0x8, DUT 0x0)",  "+0 vs -0 (expected 0x0, DUT 0x8)",
    "one quarter larger in magnitude",    "one quarter smaller in magnitude",
    "the sign alone differs",             "other code differences"};
const char* const kLaneDifferenceShort[] = {"-0 vs +0", "+0 vs -0", "one quarter larger in magnitude",
                                            "one quarter smaller in magnitude", "a sign difference", ""};

LaneDifference lane_difference(uint8_t expected, uint8_t got) {
  const unsigned me = expected & 7u, mg = got & 7u;
  const bool se = (expected & kS1P2SignBit) != 0, sg = (got & kS1P2SignBit) != 0;
  if (me == 0 && mg == 0) return se ? MinusZeroAsPlus : PlusZeroAsMinus;
  if (se != sg) return me == mg ? SignOnly : Other;
  if (mg == me + 1) return QuarterLarger;
  if (mg + 1 == me) return QuarterSmaller;
  return Other;
}

// "0-3,5,9-63"
std::string ranges(const uint64_t* counts, unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n;) {
    if (!counts[i]) {
      ++i;
      continue;
    }
    unsigned j = i;
    while (j + 1 < n && counts[j + 1]) ++j;
    s += (s.empty() ? "" : ",") + std::to_string(i) + (j > i ? "-" + std::to_string(j) : "");
    i = j + 1;
  }
  return s.empty() ? "none" : s;
}

}  // namespace

FailureSummary::FailureSummary(const Config& config) : alternatives_(single_knob_alternatives(config)) {}

void FailureSummary::add(const BlockMismatch& m) {
  ++failures_;
  if (m.undefined) {
    ++undefined_;
    return;
  }
  ++defined_;
  e6m2_ += m.e6m2_differs;
  e1_8_ += m.e1_8_diff != 0;
  e1_16_ += m.e1_16_diff != 0;
  lanes_ += m.lane_diff != 0;
  ++stage_[static_cast<unsigned>(m.stage)];
  if (m.e6m2_differs && m.expected.e6m2 != kE6M2NaN && m.actual.e6m2 != kE6M2NaN) {
    if (m.actual.e6m2 + 1 == m.expected.e6m2) ++e6m2_steps_[0];
    if (m.actual.e6m2 == m.expected.e6m2 + 1) ++e6m2_steps_[1];
  }
  for (unsigned g = 0; g < kGroups8; ++g) e1_8_bits_[g] += (m.e1_8_diff >> g) & 1u;
  for (unsigned j = 0; j < kGroups16; ++j) e1_16_bits_[j] += (m.e1_16_diff >> j) & 1u;
  for (unsigned i = 0; i < kBlockValues; ++i) {
    if (!((m.lane_diff >> i) & 1)) continue;
    ++lane_blocks_[i];
    ++lane_kinds_[lane_difference(m.expected.codes[i], m.actual.codes[i])];
  }
  for (size_t a = 0; a < alternatives_.size(); ++a) explained_[a] += (m.alternatives >> a) & 1;
}

std::string FailureSummary::format() const {
  if (!failures_) return "";
  const auto n = [](uint64_t v) { return std::to_string(v); };
  std::string s = "failure summary, " + n(failures_) + " failing block(s):\n";
  if (undefined_) s += "  x/z         " + n(undefined_) + " block(s) with undefined (x/z) digits\n";
  if (!defined_) return s;
  s += "  fields      E6M2 in " + n(e6m2_) + " block(s), E1_8 in " + n(e1_8_) + ", E1_16 in " + n(e1_16_) +
       ", lanes in " + n(lanes_) + "\n";
  s += "  first stage scale " + n(stage_[0]) + ", E1_8 " + n(stage_[1]) + ", E1_16 " + n(stage_[2]) + ", payload " +
       n(stage_[3]) + "\n";
  if (e6m2_steps_[0] || e6m2_steps_[1])
    s += "  E6M2        one code below the expected in " + n(e6m2_steps_[0]) + " block(s), one above in " +
         n(e6m2_steps_[1]) + "\n";
  if (e1_8_) s += "  E1_8 bits   " + ranges(e1_8_bits_, kGroups8) + "\n";
  if (e1_16_) s += "  E1_16 bits  " + ranges(e1_16_bits_, kGroups16) + "\n";
  unsigned lanes = 0, kinds = 0, only_kind = 0;
  for (unsigned i = 0; i < kBlockValues; ++i) lanes += lane_blocks_[i] != 0;
  if (lanes_) s += "  lanes       " + n(lanes) + " of 64 differ somewhere: " + ranges(lane_blocks_, kBlockValues) + "\n";
  for (unsigned k = 0; k <= Other; ++k) {
    if (!lane_kinds_[k]) continue;
    ++kinds;
    only_kind = k;
    s += "  lane codes  " + n(lane_kinds_[k]) + " x " + kLaneDifferenceText[k] + "\n";
  }
  // The single-knob changes that reproduce every defined failure, else the one that comes closest.
  uint64_t all = 0;
  size_t best = alternatives_.size();
  for (size_t a = 0; a < alternatives_.size(); ++a) {
    if (explained_[a] == defined_) all |= uint64_t{1} << a;
    if (explained_[a] && (best == alternatives_.size() || explained_[a] > explained_[best])) best = a;
  }
  const std::string scope = undefined_ ? " with defined bits" : "";
  if (all) {
    const bool lanes_only = e6m2_ == 0 && e1_8_ == 0 && e1_16_ == 0;
    const std::string pattern = lanes_only && kinds == 1 && only_kind != Other
                                    ? "is " + std::string(kLaneDifferenceShort[only_kind])
                                    : "is explained by one knob";
    s += "  diagnosis   every failure" + scope + " " + pattern + ": the DUT may run " +
         settings_text(all, alternatives_) + " (all " + n(defined_) +
         " failing block(s) equal the model's output under it)\n";
  } else if (best < alternatives_.size()) {
    s += "  diagnosis   no single knob setting explains every failure; --set " + alternatives_[best].setting +
         " reproduces " + n(explained_[best]) + " of the " + n(defined_) + " failing block(s)" + scope + "\n";
  } else {
    s += "  diagnosis   no single knob setting reproduces any failing block\n";
  }
  return s;
}

// ---- DUT reader -------------------------------------------------------------------------

DutReader::DutReader(std::unique_ptr<ByteSource> source, DutFormat format, uint64_t expected_blocks)
    : source_(std::move(source)), format_(format), expected_(expected_blocks) {
  if (format_ == DutFormat::Raw && !source_->is_stream()) {
    const uint64_t size = source_->size();
    uint64_t want = 0;
    // A block count whose byte size wraps around 2^64 could otherwise match a short file.
    if (__builtin_mul_overflow(expected_, uint64_t{kPackedBytes}, &want))
      fail("the vectors have " + std::to_string(expected_) + " blocks, more blocks than a file can hold");
    if (size != want) {
      std::string what = "holds " + std::to_string(size) + " bytes (" + std::to_string(size / kPackedBytes) +
                         " blocks";
      if (size % kPackedBytes) what += " and " + std::to_string(size % kPackedBytes) + " bytes";
      what += "); the vectors have " + std::to_string(expected_) + " blocks = " + std::to_string(want) + " bytes";
      fail(std::string(size < want ? "too short: " : "too long: ") + what);
    }
  }
  if (format_ == DutFormat::Readmemh) buf_.resize(1 << 16);
}

void DutReader::fail(const std::string& what) const {
  throw DutFileError("DUT file '" + source_->name() + "': " + what);
}

int DutReader::get() {
  if (buf_pos_ == buf_len_) {
    buf_len_ = source_->read(buf_.data(), buf_.size());
    buf_pos_ = 0;
    if (buf_len_ == 0) return -1;
  }
  return buf_[buf_pos_++];
}

namespace {
int hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

namespace {
bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
}  // namespace

// The common word, without a byte-by-byte pass: whitespace, then 72 hex digits and one
// whitespace byte, all in the buffer. False, having consumed only whitespace, for anything
// else: the general parser of next_word() reads it.
bool DutReader::next_full_word(uint8_t out[kPackedBytes], uint8_t* unknown) {
  constexpr size_t kSpan = hex_word::kDigits + 1;
  for (;;) {
    while (buf_pos_ < buf_len_ && is_space(buf_[buf_pos_])) line_ += buf_[buf_pos_++] == '\n';
    if (buf_len_ - buf_pos_ >= kSpan) break;
    // Fewer bytes than a word left: move them to the front and read more once.
    const size_t left = buf_len_ - buf_pos_;
    std::memmove(buf_.data(), buf_.data() + buf_pos_, left);
    buf_pos_ = 0;
    buf_len_ = left;
    const size_t got = source_->read(buf_.data() + left, buf_.size() - left);
    buf_len_ += got;
    if (got == 0) return false;  // the end of the file: fewer bytes than a word
  }
  const uint8_t* p = buf_.data() + buf_pos_;
  if (!is_space(p[hex_word::kDigits]) || !hex_word::decode(p, out)) return false;
  if (unknown) std::memset(unknown, 0, kPackedBytes);
  line_ += p[hex_word::kDigits] == '\n';
  buf_pos_ += kSpan;
  return true;
}

// The next hex word, skipping whitespace and comments; false at the end of the file.
bool DutReader::next_word(uint8_t out[kPackedBytes], uint8_t* unknown, uint64_t block) {
  if (next_full_word(out, unknown)) return true;
  int c = get();
  for (;;) {  // skip whitespace and comments
    if (c == '\n') ++line_;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      c = get();
      continue;
    }
    if (c == '/') {
      const int d = get();
      if (d == '/') {
        while (c != '\n' && c != -1) c = get();
        continue;
      }
      if (d == '*') {
        int prev = 0;
        c = get();
        while (c != -1 && !(prev == '*' && c == '/')) {
          if (c == '\n') ++line_;
          prev = c;
          c = get();
        }
        if (c == -1) fail("line " + std::to_string(line_) + ": unterminated /* comment");
        c = get();
        continue;
      }
      fail("line " + std::to_string(line_) + ": unexpected '/'");
    }
    break;
  }
  if (c == -1) return false;
  if (c == '@') fail("line " + std::to_string(line_) + ": '@' addresses are not supported (write blocks in order)");
  char digits[kPackedBytes * 2];
  unsigned n = 0;
  while (c != -1 && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v' && c != '/') {
    if (c == '_') {
      c = get();
      continue;
    }
    const bool undefined_digit = c == 'x' || c == 'X' || c == 'z' || c == 'Z' || c == '?';
    if (undefined_digit && !unknown)
      fail("line " + std::to_string(line_) + ": block " + std::to_string(block) +
           " has x/z digits (the DUT's output is undefined)");
    if (!undefined_digit && hex_digit(c) < 0) {
      // A NUL or control byte printed as itself would cut the message short (what() is a C
      // string) or garble the terminal: name it by value instead.
      char shown[16];
      if (c >= 0x21 && c <= 0x7E)
        std::snprintf(shown, sizeof shown, "'%c'", c);
      else
        std::snprintf(shown, sizeof shown, "byte 0x%02X", static_cast<unsigned>(c));
      fail("line " + std::to_string(line_) + ": " + shown + " is not a hex digit");
    }
    if (n == sizeof digits)
      fail("line " + std::to_string(line_) + ": more than 72 hex digits (a block is 288 bits)");
    digits[n++] = static_cast<char>(c);
    c = get();
  }
  if (c == '/') --buf_pos_;  // a comment right after the word: read it next time
  if (c == '\n') ++line_;
  if (n == 0) fail("line " + std::to_string(line_) + ": empty word");
  std::memset(out, 0, kPackedBytes);
  if (unknown) std::memset(unknown, 0, kPackedBytes);
  for (unsigned k = 0; k < n; ++k) {  // digit n-1-k is nibble k: byte k/2
    const int v = hex_digit(digits[n - 1 - k]);
    if (v < 0) unknown[k / 2] |= static_cast<uint8_t>(0xF << (4 * (k % 2)));  // an x/z digit
    else out[k / 2] |= static_cast<uint8_t>(v << (4 * (k % 2)));
  }
  return true;
}

size_t DutReader::read(uint8_t* out, size_t max) { return read(out, max, nullptr); }

size_t DutReader::read(uint8_t* out, size_t max, uint8_t* unknown) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(max, expected_ - done_));
  if (format_ == DutFormat::Raw) {
    const size_t got = source_->read(out, n * kPackedBytes);
    if (got != n * kPackedBytes) fail("ended early at block " + std::to_string(done_ + got / kPackedBytes));
    if (unknown) std::memset(unknown, 0, n * kPackedBytes);
  } else {
    for (size_t i = 0; i < n; ++i)
      if (!next_word(out + i * kPackedBytes, unknown ? unknown + i * kPackedBytes : nullptr, done_ + i))
        fail("too short: it holds " + std::to_string(done_ + i) + " blocks; the vectors have " +
             std::to_string(expected_));
  }
  done_ += n;
  return n;
}

void DutReader::finish() {
  if (format_ == DutFormat::Raw) {
    // A file's size was checked up front; a stream is checked at its end.
    uint8_t byte;
    if (source_->is_stream() && source_->read(&byte, 1) != 0)
      fail("too long: more bytes follow the last of the " + std::to_string(expected_) + " blocks");
    return;
  }
  uint8_t extra[kPackedBytes], extra_unknown[kPackedBytes];
  if (next_word(extra, extra_unknown, expected_)) {
    uint64_t more = 1;
    while (next_word(extra, extra_unknown, expected_ + more)) ++more;
    fail("too long: it holds " + std::to_string(expected_ + more) + " blocks; the vectors have " +
         std::to_string(expected_));
  }
}

// ---- whole files ------------------------------------------------------------------------

VerifySummary verify_stream(VectorReader& vectors, DutReader& dut, const VerifyContext& ctx,
                            const std::function<void(const BlockMismatch&)>& on_mismatch, unsigned threads) {
  const size_t chunk = size_t{4096} * std::max(1u, threads);
  std::vector<VectorRecord> records(chunk);
  std::vector<uint8_t> actual(chunk * kPackedBytes), unknown(chunk * kPackedBytes);
  std::vector<std::unique_ptr<BlockMismatch>> mismatches(chunk);
  VerifySummary sum;
  for (;;) {
    const uint64_t first = vectors.position();
    const size_t n = vectors.read(records.data(), chunk);
    if (n == 0) break;
    dut.read(actual.data(), n, unknown.data());
    parallel_for(n, threads, [&](size_t begin, size_t end) {
      BlockMismatch m;
      for (size_t i = begin; i < end; ++i)
        mismatches[i] = compare_block(ctx, first + i, records[i], &actual[i * kPackedBytes], m,
                                      &unknown[i * kPackedBytes])
                            ? std::make_unique<BlockMismatch>(m)
                            : nullptr;
    });
    for (size_t i = 0; i < n; ++i) {
      if (mismatches[i]) {
        ++sum.failed;
        sum.undefined += mismatches[i]->undefined;
        on_mismatch(*mismatches[i]);
      } else {
        ++sum.passed;
      }
    }
  }
  dut.finish();
  return sum;
}

}  // namespace hif4
