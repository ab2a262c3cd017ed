// Rendering only: floating point appears here to print exact values, never to decide bits.
#include "hif4/trace_format.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace hif4 {

std::string hex(uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llX", digits, static_cast<unsigned long long>(v));
  return buf;
}

std::string exact_decimal(Dyadic v, bool negative) {
  // sig <= 2^24 and exp within double range for every value the model produces, so the
  // double is exact and glibc's printf prints its exact decimal expansion.
  const double d = std::ldexp(static_cast<double>(v.sig), v.exp);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.400f", d);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return (negative && v.sig ? "-" : "") + s;
}

std::string bf16_text(uint16_t bits) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04X", bits);
  std::string value;
  if (bf16_is_nan(bits)) value = "NaN";
  else if (bf16_is_inf(bits)) value = bf16_sign(bits) ? "-Inf" : "+Inf";
  else value = exact_decimal(bf16_to_dyadic(bits & kBf16MagnitudeMask), bf16_sign(bits));
  if (bits == kBf16SignMask) value = "-0";
  return value + " (" + hex + ")";
}

std::string quarters_binary(Dyadic scaled) {
  // 4|s| = sig * 2^(exp+2)
  const int k = scaled.exp + 2;
  if (scaled.sig == 0) return "0";
  if (k >= 0) {
    if (k > 20 || (scaled.sig << k) > 0xFFFFFF) return "> 2^24 (saturates)";
    std::string s;
    for (uint64_t v = scaled.sig << k; v; v >>= 1) s.insert(s.begin(), char('0' + (v & 1)));
    return s + "b";
  }
  const unsigned f = static_cast<unsigned>(-k);
  const uint64_t ip = f >= 64 ? 0 : scaled.sig >> f;
  std::string s;
  if (ip == 0) s = "0";
  for (uint64_t v = ip; v; v >>= 1) s.insert(s.begin(), char('0' + (v & 1)));
  s += '.';
  const unsigned shown = f < 20 ? f : 20;
  for (unsigned i = 1; i <= shown; ++i) {
    const int bit = static_cast<int>(f) - static_cast<int>(i);  // bit index in sig
    s += (bit >= 0 && bit < 64 && ((scaled.sig >> bit) & 1)) ? '1' : '0';
  }
  if (f > 20) {
    const unsigned rest = f - 20;
    const bool more = rest >= 64 ? scaled.sig != 0 : (scaled.sig & ((uint64_t{1} << rest) - 1)) != 0;
    if (more) s += "...";
  }
  return s + "b";
}

std::string e6m2_text(uint8_t code) {
  char buf[64];
  if (code == kE6M2NaN) {
    std::snprintf(buf, sizeof buf, "0xFF = NaN");
    return buf;
  }
  std::snprintf(buf, sizeof buf, "0x%02X = %s * 2^%d", code,
                code & 3 ? (code & 3) == 1 ? "1.25" : (code & 3) == 2 ? "1.5" : "1.75" : "1.0",
                static_cast<int>(code >> 2) - kE6M2Bias);
  return buf;
}

std::string s1p2_text(uint8_t code) {
  static const char* kMag[8] = {"0", "0.25", "0.5", "0.75", "1", "1.25", "1.5", "1.75"};
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%X (%s%s)", code, (code & kS1P2SignBit) ? "-" : "+",
                kMag[code & 7]);
  return buf;
}

std::string lane_decision_text(const LaneEncoding& lane) {
  if (lane.infinite) return "infinite: saturated";
  if (lane.saturated) return "saturated (|s| > 1.75)";
  const Rounded& r = lane.rounding;
  if (!r.inexact) return "exact";
  std::string s = r.tie ? "tie, " : "";
  s += r.up ? "rounded up" : "rounded down";
  return s;
}

namespace {

std::string product_text(const ThresholdProduct& p) {
  return p.infinite ? std::string("Inf") : exact_decimal(p.value);
}

}  // namespace

std::string format_trace(const BlockTrace& t, const Config& cfg) {
  std::ostringstream o;
  const Profile* prof = matching_profile(cfg);
  o << "block " << t.block_index << "  profile " << (prof ? prof->name : "(custom)") << "\n";
  o << "  knobs: " << describe(cfg);
  if (cfg.payload_rounding == PayloadRounding::Stochastic) o << " sr-seed=" << cfg.sr_seed;
  o << "\n\n";
  o << "peak tree (magnitudes)\n";
  for (unsigned j = 0; j < kGroups16; ++j)
    o << "  V16[" << (j < 10 ? " " : "") << j << "] = " << bf16_text(t.peaks.v16[j]) << "\n";
  for (unsigned g = 0; g < kGroups8; ++g)
    o << "  V8[" << g << "]  = " << bf16_text(t.peaks.v8[g]) << "\n";
  o << "  Vmax   = " << bf16_text(t.peaks.vmax) << "   NaN: " << (t.peaks.has_nan ? "yes" : "no")
    << "  Inf: " << (t.peaks.has_inf ? "yes" : "no") << "\n\n";
  if (t.nan_cause == NanCause::NaNInput || t.nan_cause == NanCause::InfInput) {
    o << "NaN block: " << nan_cause_name(t.nan_cause)
      << "\n  E6M2 0xFF, E1_8 0x00, E1_16 0x0000, payload all 0x0\n";
    return o.str();
  }
  o << "scale\n";
  o << "  SF   = BF16_RNE(Vmax * 0x3E12) = " << bf16_text(t.sf) << "\n";
  o << "  E6M2 = " << e6m2_text(t.scale.code);
  switch (t.scale.event) {
    case ScaleEvent::Underflow: o << "   (SF zero or below 2^-48: scale-underflow)"; break;
    case ScaleEvent::Overflow:
      o << (cfg.scale_overflow == ScaleOverflow::NanUnrounded && t.sf >= kBf16ScaleOverflowBeforeRounding &&
                    t.sf < kBf16Inf
                ? "   (SF >= 53248 before rounding: scale-overflow)"
                : "   (rounded scale above 49152: scale-overflow)");
      break;
    case ScaleEvent::InRange: {
      // scale-binade=log2-bf16 may have rounded SF one binade up.
      const int e_sf = static_cast<int>(t.sf >> 7) - 127;
      const bool up = cfg.scale_binade == ScaleBinade::Log2Bf16 &&
                      log2_bf16_binade(e_sf, t.sf & 0x7Fu) != e_sf;
      o << "   (" << (up ? "in binade 2^" + std::to_string(e_sf + 1) + " by the BF16 log2, " : "")
        << "mantissa " << (t.scale.rounding.inexact ? (t.scale.rounding.tie ? "tie, " : "") : "exact")
        << (t.scale.rounding.inexact ? (t.scale.rounding.up ? "rounded up" : "rounded down") : "")
        << ")";
      break;
    }
  }
  o << "\n";
  if (t.nan_cause != NanCause::None) {
    o << "\nNaN block: " << nan_cause_name(t.nan_cause)
      << "\n  E6M2 0xFF, E1_8 0x00, E1_16 0x0000, payload all 0x0\n";
    return o.str();
  }
  o << "  REC  = BF16_RNE(1 / E6M2) = " << bf16_text(t.rec) << "\n\n";
  const char* how = cfg.threshold_product == ProductMode::Exact ? "exact" : "BF16-rounded";
  o << "E1_8 = V8*REC >= 4 (" << how << " products)\n";
  for (unsigned g = 0; g < kGroups8; ++g)
    o << "  g" << g << ": " << product_text(t.product8[g]) << " -> " << ((t.block.e1_8 >> g) & 1)
      << "\n";
  o << "E1_16 = V16*REC >= 2 * 2^E1_8\n";
  for (unsigned j = 0; j < kGroups16; ++j)
    o << "  j" << j << (j < 10 ? " " : "") << ": " << product_text(t.product16[j]) << " vs "
      << (((t.block.e1_8 >> (j / 2)) & 1) ? 4 : 2) << " -> " << ((t.block.e1_16 >> j) & 1)
      << "\n";
  o << "\nlanes: x | s = x*REC*2^-E1 (exact) | 4|s| binary | decision | S1P2\n";
  for (unsigned i = 0; i < kBlockValues; ++i) {
    const LaneEncoding& l = t.lanes[i];
    const bool neg = bf16_sign(t.input[i]) && (t.input[i] & kBf16MagnitudeMask);
    o << "  " << (i < 10 ? " " : "") << i << ": " << bf16_text(t.input[i]) << " | "
      << (l.infinite ? std::string(neg ? "-Inf" : "+Inf") : exact_decimal(l.scaled, neg))
      << " | " << (l.infinite ? "-" : quarters_binary(l.scaled)) << " | "
      << lane_decision_text(l);
    if (cfg.payload_rounding == PayloadRounding::Stochastic && !l.infinite) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " (r=0x%04X)", l.random);
      o << buf;
    }
    o << " | " << s1p2_text(l.code) << "\n";
  }
  char meta[96];
  uint8_t packed[kPackedBytes];
  pack_block(t.block, packed);
  std::snprintf(meta, sizeof meta, "\npacked: E6M2 0x%02X  E1_8 0x%02X  E1_16 0x%04X  word 0x%08X\n",
                t.block.e6m2, t.block.e1_8, t.block.e1_16,
                static_cast<unsigned>(packed[0] | packed[1] << 8 | packed[2] << 16 |
                                      static_cast<unsigned>(packed[3]) << 24));
  o << meta << "payload:";
  for (unsigned k = 0; k < kPayloadBytes; ++k) {
    char b[8];
    std::snprintf(b, sizeof b, " %02X", packed[kOffsetPayload + k]);
    o << b;
  }
  o << "\n";
  return o.str();
}

}  // namespace hif4
