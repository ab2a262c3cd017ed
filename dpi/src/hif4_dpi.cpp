// The DPI-C functions of libhif4_dpi.so (dpi/include/hif4_dpi.h): the reference model behind
// the C types a SystemVerilog simulator passes. Every bit layout comes from the contract
// (ports.def: the cfg ports and their widths, in the order of hif4_cfg_t) and format.h.
#include "hif4_dpi.h"

#include <cmath>
#include <cstring>
#include <string>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/ports.h"
#include "hif4/rng.h"
#include "hif4/trace_format.h"
#include "hif4/verify.h"

namespace {

using namespace hif4;

// A returned string lives until the next call of the same thread (the simulator copies it).
thread_local std::string g_text;
thread_local std::string g_error;

const char* give(std::string text) {
  g_text = std::move(text);
  return g_text.c_str();
}

// hif4_cfg_t: the cfg ports in contract order, the first in the most significant bits.
constexpr unsigned kCfgBits = 0
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, +(width))
#include "hif4/ports.def"
    ;

uint64_t bits_at(const svBitVecVal* v, unsigned lsb, unsigned width) {
  uint64_t r = 0;
  for (unsigned b = 0; b < width; ++b) r |= static_cast<uint64_t>((v[(lsb + b) / 32] >> ((lsb + b) % 32)) & 1u) << b;
  return r;
}

void set_bits(svBitVecVal* v, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned b = 0; b < width; ++b) {
    const unsigned i = lsb + b;
    v[i / 32] = (v[i / 32] & ~(1u << (i % 32))) | static_cast<svBitVecVal>(((value >> b) & 1u) << (i % 32));
  }
}

contract::CfgPorts cfg_fields(const svBitVecVal* cfg) {
  contract::CfgPorts p;
  unsigned top = kCfgBits;
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_IF_CFG(role, top -= (width); p.name = static_cast<decltype(p.name)>(bits_at(cfg, top, width));)
#include "hif4/ports.def"
  return p;
}

void put_cfg_fields(const contract::CfgPorts& p, svBitVecVal* cfg) {
  unsigned top = kCfgBits;
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, top -= (width); set_bits(cfg, top, width, p.name);)
#include "hif4/ports.def"
}

// The configuration a hif4_cfg_t holds; false (with g_error set) when a knob field holds an
// encoding its knob does not have.
bool config_of(const svBitVecVal* cfg, Config& out) {
  const contract::CfgPorts p = cfg_fields(cfg);
  std::string bad;
  const auto check = [&](contract::Port port, uint64_t value) {
    const contract::PortInfo& info = contract::port_info(port);
    if (info.carries != contract::Carries::knob) return;
    const Knob& k = contract::port_knob(port);
    if (value >= k.values.size() && bad.empty())
      bad = std::string(info.name) + " = " + std::to_string(value) + " is no value of " + k.name + " (0.." +
            std::to_string(k.values.size() - 1) + ")";
  };
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, check(contract::Port::name, p.name);)
#include "hif4/ports.def"
  if (!bad.empty()) {
    g_error = "hif4_cfg_t: " + bad;
    return false;
  }
  out = contract::config_of(p);
  return true;
}

// in_data: lane i in bits 16i+15:16i.
void lanes_of(const svBitVecVal* v, uint16_t lanes[kBlockValues]) {
  for (unsigned i = 0; i < kBlockValues; ++i) lanes[i] = static_cast<uint16_t>(v[i / 2] >> (16 * (i % 2)));
}

// A packed block: byte k in bits 8k+7:8k.
void bytes_of(const svBitVecVal* v, uint8_t bytes[kPackedBytes]) {
  for (unsigned k = 0; k < kPackedBytes; ++k) bytes[k] = static_cast<uint8_t>(v[k / 4] >> (8 * (k % 4)));
}
void put_bytes(const uint8_t bytes[kPackedBytes], svBitVecVal* v) {
  for (unsigned w = 0; w < (kPackedBytes + 3) / 4; ++w) v[w] = 0;
  for (unsigned k = 0; k < kPackedBytes; ++k) v[k / 4] |= static_cast<svBitVecVal>(bytes[k]) << (8 * (k % 4));
}

}  // namespace

extern "C" {

int hif4_dpi_quantize(const svBitVecVal* in_data, unsigned long long in_block_index, const svBitVecVal* cfg,
                      svBitVecVal* out_data) {
  uint8_t bytes[kPackedBytes] = {};
  Config config;
  if (!config_of(cfg, config)) {
    put_bytes(bytes, out_data);
    return -1;
  }
  uint16_t lanes[kBlockValues];
  lanes_of(in_data, lanes);
  pack_block(quantize_block(lanes, config, in_block_index), bytes);
  put_bytes(bytes, out_data);
  return 0;
}

int hif4_dpi_decode(const svBitVecVal* block, svBitVecVal* e6m2, svBitVecVal* e1_8, svBitVecVal* e1_16,
                    svBitVecVal* codes, svBitVecVal* values) {
  uint8_t bytes[kPackedBytes];
  bytes_of(block, bytes);
  const Block b = unpack_block(bytes);
  e6m2[0] = b.e6m2;
  e1_8[0] = b.e1_8;
  e1_16[0] = b.e1_16;
  for (unsigned w = 0; w < kBlockValues / 8; ++w) codes[w] = 0;
  for (unsigned i = 0; i < kBlockValues; ++i) codes[i / 8] |= static_cast<svBitVecVal>(b.codes[i] & 15u) << (4 * (i % 8));
  uint32_t f32[kBlockValues];
  decode_block_f32(b, f32);
  for (unsigned i = 0; i < kBlockValues; ++i) values[i] = f32[i];
  return b.e6m2 == kE6M2NaN ? 1 : 0;
}

double hif4_dpi_lane_value(const svBitVecVal* block, int lane) {
  if (lane < 0 || lane >= static_cast<int>(kBlockValues)) return std::nan("");
  uint8_t bytes[kPackedBytes];
  bytes_of(block, bytes);
  uint32_t f32[kBlockValues];
  decode_block_f32(unpack_block(bytes), f32);
  float v;
  std::memcpy(&v, &f32[lane], sizeof v);
  return static_cast<double>(v);
}

const char* hif4_dpi_explain(const svBitVecVal* in_data, unsigned long long in_block_index, const svBitVecVal* cfg,
                             const svBitVecVal* expected, const svBitVecVal* got) {
  Config config;
  if (!config_of(cfg, config)) return give("(no explanation: " + g_error + ")");
  VectorRecord r;
  lanes_of(in_data, r.input);
  bytes_of(expected, r.expected);
  r.block_index = in_block_index;
  uint8_t actual[kPackedBytes];
  bytes_of(got, actual);
  const Profile* profile = matching_profile(config);
  const VerifyContext ctx{config, profile ? profile->name : profiles().front().name, nullptr};
  BlockMismatch m;
  if (!compare_block(ctx, in_block_index, r, actual, m)) return give("");
  return give(format_mismatch_line(m));
}

const char* hif4_dpi_format_block(const svBitVecVal* block) {
  uint8_t bytes[kPackedBytes];
  bytes_of(block, bytes);
  const Block b = unpack_block(bytes);
  std::string s = "E6M2 " + e6m2_text(b.e6m2) + ", E1_8 " + hex(b.e1_8, 2) + ", E1_16 " + hex(b.e1_16, 4) +
                  ", codes (lane 63 first) ";
  static const char kDigits[] = "0123456789ABCDEF";
  for (int i = kBlockValues - 1; i >= 0; --i) s += kDigits[b.codes[i] & 15u];
  return give(s);
}

void hif4_dpi_random_block(unsigned long long seed, unsigned long long index, svBitVecVal* in_data) {
  // One generator per (seed, index), so a block can be made again on its own.
  uint64_t state = seed ^ (index * 0x9E3779B97F4A7C15ull);
  CornerBlocks blocks(splitmix64_next(state));
  uint16_t lanes[kBlockValues];
  blocks.next(lanes);
  for (unsigned w = 0; w < kBlockValues / 2; ++w)
    in_data[w] = static_cast<svBitVecVal>(lanes[2 * w]) | static_cast<svBitVecVal>(lanes[2 * w + 1]) << 16;
}

void hif4_dpi_random_cfg(unsigned long long seed, unsigned long long index, svBitVecVal* cfg) {
  uint64_t state = seed ^ (index * 0xD1B54A32D192ED03ull) ^ 0x6366675F72616E64ull;
  Config c;
  for (const Knob& k : knobs()) k.set(c, static_cast<uint8_t>(splitmix64_next(state) % k.values.size()));
  c.sr_seed = splitmix64_next(state);
  for (unsigned w = 0; w < (kCfgBits + 31) / 32; ++w) cfg[w] = 0;
  put_cfg_fields(contract::cfg_ports(c), cfg);
}

int hif4_dpi_cfg_bits(void) { return static_cast<int>(kCfgBits); }

const char* hif4_dpi_version(void) {
  static const std::string version = "hif4 DPI-C " HIF4_VERSION " (the HiF4 reference model, hif4_cfg_t of " +
                                     std::to_string(kCfgBits) + " bits)";
  return version.c_str();
}

const char* hif4_dpi_last_error(void) { return g_error.c_str(); }

}  // extern "C"
