// Knobs (every rounding and special-value policy of the conversion) and named profiles.
//
// The knob table (knobs()) and the profile table (profiles()) are the single source of truth:
// the CLI, the docs generator (`hif4 profiles`), the vector-file header, the hardware's port
// description (contract/) and the tests all read them. Adding a knob touches:
//   - the model: one enum and one Config field here, one row of the knob table (and the
//     profiles that want another value than the default) in src/config.cpp, the rule in the
//     one stage function it changes (stages.h: scale_decision, the E1 decisions or
//     encode_s1p2_as) and the key of the fast-path table of that stage (src/simd.cpp,
//     src/fast_tables.cpp);
//   - one line of the contract: its cfg port in contract/include/hif4/ports.def;
//   - the RTL datapath: that port registered in stage 1 and carried to the unit that uses it,
//     compared by its hif4_cfg_pkg names (rtl/hif4_quantizer.sv, the unit, its unit test);
//   - the CUDA kernel (golden/src/quantize.cu);
// plus regenerated files: `build/hif4-contract write .` (rtl/hif4_cfg_pkg.sv, the port list
// of rtl/hif4_quantizer.sv, the port tables of docs/microarchitecture.md), docs/profiles.md
// from `hif4 profiles`, and the data that lists every knob (tests/data/gpu, the pinned
// checksum of tests/vectors). The SystemC model, the co-simulation and the Verilated benches
// take the port from ports.def. docs/adding-a-knob.md walks through it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hif4 {

// SF (BF16) -> E6M2 rounding. Up = toward +infinity (the scale is never negative).
enum class ScaleRounding : uint8_t { NearestAway, NearestEven, TowardZero, Up };
// Scaled value -> S1P2 rounding.
enum class PayloadRounding : uint8_t { NearestAway, NearestEven, TowardZero, Stochastic };
// How V * REC (E1 thresholds) or x * REC (payload) is formed: exactly, or rounded to BF16 RNE.
enum class ProductMode : uint8_t { Exact, Bf16 };
// The sign of a lane whose magnitude code is 0: a negative x (x < 0) gets +0 (0x0) or -0
// (0x8), and -0.0 counts as not negative; or every lane takes the sign bit of x, so -0.0 gives
// 0x8 too (SignBit).
enum class NegativeZero : uint8_t { PlusZero, KeepSign, SignBit };
// The scale overflows: the rounded scale exceeds 49152, and under NanUnrounded also SF >=
// 53248 (1.625 * 2^15, the midpoint of 49152 and 57344) before it is rounded. Saturate to 0xFE,
// or NaN (0xFF, a NaN block).
enum class ScaleOverflow : uint8_t { Saturate, Nan, NanUnrounded };
// SF is zero or below 2^-48 (before rounding): the minimum code 0x00, or NaN (0xFF).
enum class ScaleUnderflow : uint8_t { Min, Nan };
// A NaN or +-Inf in the block: a NaN block; or Inf is larger than every finite value
// (the scale then follows scale-overflow, Inf lanes get their E1 bits and +-1.75) and only a
// NaN makes a NaN block.
enum class NonFinite : uint8_t { NanBlock, SaturateInf };
// The binade SF is rounded in: SF's own exponent (Exact), or floor(BF16_RNE(log2(SF))), the
// exponent a number library finds when its log2 of a BF16 is itself rounded to BF16 (Log2Bf16;
// for some SF just below a power of two this is one binade up, see scale_binade in stages.h).
enum class ScaleBinade : uint8_t { Exact, Log2Bf16 };

struct Config {
  ScaleRounding scale_rounding = ScaleRounding::NearestAway;
  PayloadRounding payload_rounding = PayloadRounding::NearestAway;
  ProductMode threshold_product = ProductMode::Exact;
  ProductMode payload_product = ProductMode::Exact;
  NegativeZero negative_zero = NegativeZero::PlusZero;
  ScaleOverflow scale_overflow = ScaleOverflow::Saturate;
  ScaleUnderflow scale_underflow = ScaleUnderflow::Min;
  NonFinite non_finite = NonFinite::NanBlock;
  ScaleBinade scale_binade = ScaleBinade::Exact;
  uint64_t sr_seed = 0;  // stochastic rounding seed (only read when payload-rounding=stochastic)

  bool operator==(const Config& o) const;
  bool operator!=(const Config& o) const { return !(*this == o); }
};

// One value of a knob: its command-line name and what it does.
struct KnobValue {
  const char* name;
  const char* doc;
};

// One knob: name, what it decides, its values (index = enum value), and accessors.
struct Knob {
  const char* name;
  const char* doc;
  std::vector<KnobValue> values;
  uint8_t (*get)(const Config&);
  void (*set)(Config&, uint8_t);
};

struct Profile {
  const char* name;
  const char* doc;
  Config config;
};

const std::vector<Knob>& knobs();
const std::vector<Profile>& profiles();

// Lookups. Each throws ConfigError with a message naming what is unknown and what is valid.
struct ConfigError : std::exception {
  std::string message;
  explicit ConfigError(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};
const Profile& find_profile(const std::string& name);
const Knob& find_knob(const std::string& name);
// Apply "KNOB=VALUE" to a config.
void apply_setting(Config& config, const std::string& assignment);
// The value name a config has for a knob.
const char* knob_value_name(const Knob& knob, const Config& config);
// "scale-rounding=nearest-away payload-rounding=..." in knob-table order.
std::string describe(const Config& config);
// The profile whose knobs equal config's (sr_seed ignored), or nullptr.
const Profile* matching_profile(const Config& config);

}  // namespace hif4
