// Dispatch of the fast paths, and the tables the AVX2 kernels read. Every table entry is the
// value of a model function (scale_factor, encode_e6m2, e1_thresholds, lane_scale,
// e6m2_reciprocal, dyadic_to_f32_bits), so the kernels apply the model's decisions and the
// stage functions stay the only definition of every rule.
#include "hif4/simd.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

#include "hif4/block.h"
#include "hif4/fast_tables.h"
#include "hif4/stages.h"
#include "simd_kernels.h"

namespace hif4 {

namespace {

using simd_detail::CodeParams;

// Vmax -> E6M2 code, one table per (scale-rounding, scale-binade, scale-overflow,
// scale-underflow): the only knobs the scale depends on. 0x7F80 entries (every finite
// magnitude) of one byte, built on first use.
constexpr unsigned kScaleRoundings = 4, kScaleBinades = 2, kScaleOverflows = 3, kScaleUnderflows = 2;
constexpr unsigned kScaleTables = kScaleRoundings * kScaleBinades * kScaleOverflows * kScaleUnderflows;
using ScaleTable = std::array<uint8_t, kBf16Inf>;

unsigned scale_table_index(const Config& cfg) {
  unsigned i = static_cast<unsigned>(cfg.scale_rounding);
  i = i * kScaleBinades + static_cast<unsigned>(cfg.scale_binade);
  i = i * kScaleOverflows + static_cast<unsigned>(cfg.scale_overflow);
  return i * kScaleUnderflows + static_cast<unsigned>(cfg.scale_underflow);
}

const uint8_t* scale_table(const Config& cfg) {
  static std::once_flag once[kScaleTables];
  static ScaleTable tables[kScaleTables];
  const unsigned i = scale_table_index(cfg);
  std::call_once(once[i], [&] {
    Config c;
    c.scale_rounding = cfg.scale_rounding;
    c.scale_binade = cfg.scale_binade;
    c.scale_overflow = cfg.scale_overflow;
    c.scale_underflow = cfg.scale_underflow;
    for (unsigned v = 0; v < kBf16Inf; ++v)
      tables[i][v] = encode_e6m2(scale_factor(static_cast<uint16_t>(v)), c).code;
  });
  return tables[i].data();
}

using CodeTable = std::array<CodeParams, 255>;

CodeTable build_code_params(ProductMode mode) {
  CodeTable t{};
  for (unsigned code = 0; code < 255; ++code) {
    const E1Thresholds& th = e1_thresholds(static_cast<uint8_t>(code), mode);
    const LaneScale ls = lane_scale(e6m2_reciprocal(static_cast<uint8_t>(code)));
    t[code] = {th.ge2, th.ge4, static_cast<uint16_t>(ls.rec_sig), static_cast<int16_t>(ls.shift_base)};
  }
  return t;
}

const CodeParams* code_params(ProductMode mode) {
  static const CodeTable exact = build_code_params(ProductMode::Exact);
  static const CodeTable bf16 = build_code_params(ProductMode::Bf16);
  return (mode == ProductMode::Exact ? exact : bf16).data();
}

// FP32 bits of E6M2(code) / 4: the value of one S1P2 quarter under that scale.
const uint32_t* quarter_scales() {
  static const std::array<uint32_t, 255> table = [] {
    std::array<uint32_t, 255> t{};
    for (unsigned code = 0; code < 255; ++code) {
      const Dyadic v = e6m2_value(static_cast<uint8_t>(code));
      t[code] = dyadic_to_f32_bits(false, {v.sig, v.exp - 2});
    }
    return t;
  }();
  return table.data();
}

void scalar_block(const uint16_t* in, const void* cfg, uint64_t index, uint8_t* out) {
  quantize_blocks(in, 1, *static_cast<const Config*>(cfg), index, out);
}

bool cpu_has_avx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}

std::atomic<bool>& forced_scalar() {
  static std::atomic<bool> forced{[] {
    const char* env = std::getenv("HIF4_SIMD");
    return env != nullptr && std::string(env) == "scalar";
  }()};
  return forced;
}

void require(SimdPath path) {
  if (!simd_path_available(path))
    throw std::runtime_error(std::string("SIMD path ") + simd_path_name(path) +
                             " is not available on this CPU");
}

}  // namespace

const char* simd_path_name(SimdPath path) {
  switch (path) {
    case SimdPath::Scalar: return "scalar";
    case SimdPath::Avx2: return "avx2";
  }
  return "?";
}

bool simd_path_available(SimdPath path) { return path == SimdPath::Scalar || cpu_has_avx2(); }

SimdPath active_simd_path() {
  return !forced_scalar().load() && cpu_has_avx2() ? SimdPath::Avx2 : SimdPath::Scalar;
}

void force_scalar_path(bool force) { forced_scalar().store(force); }

void quantize_blocks_on(SimdPath path, const uint16_t* in, size_t count, const Config& cfg,
                        uint64_t first_index, uint8_t* out) {
  require(path);
  if (path == SimdPath::Scalar || count == 0) {
    quantize_blocks(in, count, cfg, first_index, out);
    return;
  }
  simd_detail::QuantizePlan plan;
  plan.scale_code = scale_table(cfg);
  plan.code_params = code_params(cfg.threshold_product);
  plan.payload_mode = static_cast<int>(cfg.payload_rounding);
  plan.bf16_product = cfg.payload_product == ProductMode::Bf16;
  plan.keep_sign = cfg.negative_zero != NegativeZero::PlusZero;
  plan.sign_bit = cfg.negative_zero == NegativeZero::SignBit;
  plan.sr_seed = cfg.sr_seed;
  plan.scalar_block = scalar_block;
  plan.cfg = &cfg;
  simd_detail::quantize_avx2(in, count, plan, first_index, out);
}

void quantize_blocks_fast(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                          uint8_t* out) {
  quantize_blocks_on(active_simd_path(), in, count, cfg, first_index, out);
}

void decode_blocks_on_f32(SimdPath path, const uint8_t* in, size_t count, uint32_t* out_bits) {
  require(path);
  if (path == SimdPath::Avx2) {
    simd_detail::decode_avx2_f32(in, count, quarter_scales(), out_bits);
    return;
  }
  for (size_t b = 0; b < count; ++b)
    decode_block_f32(unpack_block(in + b * kPackedBytes), out_bits + b * kBlockValues);
}

void decode_blocks_on_bf16(SimdPath path, const uint8_t* in, size_t count, uint16_t* out_bits) {
  require(path);
  if (path == SimdPath::Avx2) {
    simd_detail::decode_avx2_bf16(in, count, quarter_scales(), out_bits);
    return;
  }
  for (size_t b = 0; b < count; ++b)
    decode_block_bf16(unpack_block(in + b * kPackedBytes), out_bits + b * kBlockValues);
}

void decode_blocks_fast_f32(const uint8_t* in, size_t count, uint32_t* out_bits) {
  decode_blocks_on_f32(active_simd_path(), in, count, out_bits);
}

void decode_blocks_fast_bf16(const uint8_t* in, size_t count, uint16_t* out_bits) {
  decode_blocks_on_bf16(active_simd_path(), in, count, out_bits);
}

}  // namespace hif4
