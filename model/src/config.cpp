// The knob table and the profile table. docs/profiles.md is checked against `hif4 profiles`.
#include "hif4/config.h"

#include <sstream>

namespace hif4 {

bool Config::operator==(const Config& o) const {
  for (const Knob& k : knobs())
    if (k.get(*this) != k.get(o)) return false;
  return sr_seed == o.sr_seed;
}

namespace {

// Accessor pair for one Config field, so the table can treat every knob alike.
#define HIF4_KNOB_ACCESS(field)                                                    \
  [](const Config& c) { return static_cast<uint8_t>(c.field); },                  \
      [](Config& c, uint8_t v) { c.field = static_cast<decltype(c.field)>(v); }

std::vector<Knob> make_knobs() {
  return {
      {"scale-rounding",
       "How SF (BF16) is rounded to the 2 mantissa bits of E6M2.",
       {{"nearest-away", "to nearest, ties away from zero (up)"},
        {"nearest-even", "to nearest, ties to an even mantissa"},
        {"toward-zero", "truncate (round down)"},
        {"up", "toward +infinity (round up when inexact)"}},
       HIF4_KNOB_ACCESS(scale_rounding)},
      {"payload-rounding",
       "How the scaled value |x|*REC*2^-E1 is rounded to a multiple of 0.25.",
       {{"nearest-away", "to nearest, ties away from zero"},
        {"nearest-even", "to nearest, ties to an even number of quarters"},
        {"toward-zero", "truncate the magnitude"},
        {"stochastic", "up with probability floor(frac*2^16)/2^16, using sr_bits(sr-seed, block, lane)"}},
       HIF4_KNOB_ACCESS(payload_rounding)},
      {"threshold-product",
       "How V8*REC and V16*REC are formed for the E1_8 / E1_16 decisions.",
       {{"exact", "the exact product (16 significant bits)"},
        {"bf16", "the product rounded to BF16 (RNE) before comparing"}},
       HIF4_KNOB_ACCESS(threshold_product)},
      {"payload-product",
       "How |x|*REC is formed before the E1 shifts and the payload rounding.",
       {{"exact", "the exact product"},
        {"bf16", "the product rounded to BF16 (RNE), then scaled by 2^-E1 exactly"}},
       HIF4_KNOB_ACCESS(payload_product)},
      {"negative-zero",
       "The sign of a lane whose magnitude rounds to 0.",
       {{"plus-zero", "0x0"},
        {"keep-sign", "0x8 for a negative x (x < 0); -0.0 is not negative: 0x0"},
        {"sign-bit", "0x8 for every x whose sign bit is set, -0.0 included"}},
       HIF4_KNOB_ACCESS(negative_zero)},
      {"scale-overflow",
       "The scale is above 49152 (or SF is +Inf under saturate-inf).",
       {{"saturate", "the rounded scale is above 49152: E6M2 0xFE (49152)"},
        {"nan", "the rounded scale is above 49152: E6M2 0xFF, a NaN block"},
        {"nan-unrounded",
         "SF >= 53248 (1.625*2^15) before rounding, or the rounded scale is above 49152: E6M2 "
         "0xFF, a NaN block"}},
       HIF4_KNOB_ACCESS(scale_overflow)},
      {"scale-underflow",
       "SF is zero or below 2^-48, before rounding (all-zero and tiny blocks).",
       {{"min", "E6M2 0x00 (2^-48)"}, {"nan", "E6M2 0xFF: a NaN block"}},
       HIF4_KNOB_ACCESS(scale_underflow)},
      {"non-finite",
       "The block holds a NaN or an infinity.",
       {{"nan-block", "any NaN or Inf: E6M2 0xFF, E1 bits 0, payload 0"},
        {"saturate-inf", "Inf is above every finite value: the scale follows scale-overflow, Inf "
                         "lanes get their E1 bits and +-1.75; a NaN still makes a NaN block"}},
       HIF4_KNOB_ACCESS(non_finite)},
      {"scale-binade",
       "The binade in which SF is rounded to E6M2.",
       {{"exact", "SF's own exponent"},
        {"log2-bf16", "floor(BF16_RNE(log2(SF))): one binade up for some SF just below a power of "
                      "two (SF = 1.8359..1.8672 * 2^k for k = -48..-33, and others)"}},
       HIF4_KNOB_ACCESS(scale_binade)},
  };
}
#undef HIF4_KNOB_ACCESS

Config make_config(ScaleRounding sr, PayloadRounding pr, ProductMode tp, ProductMode pp,
                   NegativeZero nz, ScaleOverflow so, ScaleUnderflow su, NonFinite nf) {
  Config c;
  c.scale_rounding = sr;
  c.payload_rounding = pr;
  c.threshold_product = tp;
  c.payload_product = pp;
  c.negative_zero = nz;
  c.scale_overflow = so;
  c.scale_underflow = su;
  c.non_finite = nf;
  return c;
}

Config cann_dynamic_mx_quant() {
  Config c = make_config(ScaleRounding::NearestEven, PayloadRounding::NearestEven,
                         ProductMode::Exact, ProductMode::Bf16, NegativeZero::KeepSign,
                         ScaleOverflow::NanUnrounded, ScaleUnderflow::Nan,
                         NonFinite::NanBlock);
  c.scale_binade = ScaleBinade::Log2Bf16;
  return c;
}

Config cann_moe_init_routing() {
  Config c = cann_dynamic_mx_quant();
  c.threshold_product = ProductMode::Bf16;
  return c;
}

Config pto_host_golden() {
  return make_config(ScaleRounding::NearestAway, PayloadRounding::NearestEven, ProductMode::Bf16,
                     ProductMode::Bf16, NegativeZero::SignBit, ScaleOverflow::Nan,
                     ScaleUnderflow::Min, NonFinite::NanBlock);
}

std::vector<Profile> make_profiles() {
  return {
      {"seed",
       "The seed PyTorch reference (packed output; its vectors are tests/data/seed): E6M2 and "
       "payload ties away from zero, exact products, +0 for negatives that round to zero, "
       "saturating scale. Its NaN/Inf behaviour is undefined, so this profile makes such blocks "
       "NaN blocks.",
       make_config(ScaleRounding::NearestAway, PayloadRounding::NearestAway, ProductMode::Exact,
                   ProductMode::Exact, NegativeZero::PlusZero, ScaleOverflow::Saturate,
                   ScaleUnderflow::Min, NonFinite::NanBlock)},
      {"gcc",
       "The official global-computing-consortium/HiFloat4 code (fake-quant): E6M2 ties to even, "
       "payload ties away, exact products, the sign of negative values kept, the scale clamped "
       "to [2^-48, 49152], Inf saturating to +-1.75.",
       make_config(ScaleRounding::NearestEven, PayloadRounding::NearestAway, ProductMode::Exact,
                   ProductMode::Exact, NegativeZero::KeepSign, ScaleOverflow::Saturate,
                   ScaleUnderflow::Min, NonFinite::SaturateInf)},
      {"cann",
       "The Huawei CANN DynamicMxQuant test golden (ops-nn): ties to even for scale and payload, "
       "the E6M2 binade from a BF16-rounded log2, the payload product rounded to BF16, 0xFF for "
       "zero, tiny and non-finite blocks and for SF >= 53248 before rounding.",
       cann_dynamic_mx_quant()},
      {"cann-moe",
       "The Huawei CANN MoeInitRoutingV3 test golden (ops-transformer): cann with both E1 "
       "threshold products rounded to BF16.",
       cann_moe_init_routing()},
      {"pto",
       "The PTO-ISA DynamicHiF4Quant host golden generator: E6M2 ties up, payload ties to even, "
       "threshold and payload products rounded to BF16, every lane signed by its sign bit (-0.0 "
       "gives 0x8). Where its rounded scale leaves the E6M2 range the generator wraps the code: "
       "this profile raises a scale below 2^-48 to 0x00 and makes blocks above the range, and "
       "non-finite ones, NaN blocks.",
       pto_host_golden()},
  };
}

std::string list_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

}  // namespace

const std::vector<Knob>& knobs() {
  static const std::vector<Knob> table = make_knobs();
  return table;
}

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> table = make_profiles();
  return table;
}

const Profile& find_profile(const std::string& name) {
  std::vector<std::string> names;
  for (const Profile& p : profiles()) {
    if (name == p.name) return p;
    names.emplace_back(p.name);
  }
  throw ConfigError("unknown profile '" + name + "' (profiles: " + list_names(names) + ")");
}

const Knob& find_knob(const std::string& name) {
  std::vector<std::string> names;
  for (const Knob& k : knobs()) {
    if (name == k.name) return k;
    names.emplace_back(k.name);
  }
  throw ConfigError("unknown knob '" + name + "' (knobs: " + list_names(names) + ")");
}

void apply_setting(Config& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError("--set '" + assignment + "': expected KNOB=VALUE");
  const Knob& knob = find_knob(assignment.substr(0, eq));
  const std::string value = assignment.substr(eq + 1);
  std::vector<std::string> names;
  for (size_t i = 0; i < knob.values.size(); ++i) {
    if (value == knob.values[i].name) {
      knob.set(config, static_cast<uint8_t>(i));
      return;
    }
    names.emplace_back(knob.values[i].name);
  }
  throw ConfigError("unknown value '" + value + "' for knob " + knob.name +
                    " (values: " + list_names(names) + ")");
}

const char* knob_value_name(const Knob& knob, const Config& config) {
  return knob.values.at(knob.get(config)).name;
}

std::string describe(const Config& config) {
  std::ostringstream s;
  bool first = true;
  for (const Knob& k : knobs()) {
    s << (first ? "" : " ") << k.name << '=' << knob_value_name(k, config);
    first = false;
  }
  return s.str();
}

const Profile* matching_profile(const Config& config) {
  for (const Profile& p : profiles()) {
    Config c = config;
    c.sr_seed = p.config.sr_seed;
    if (c == p.config) return &p;
  }
  return nullptr;
}

}  // namespace hif4
