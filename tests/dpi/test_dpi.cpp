// The DPI-C functions (libhif4_dpi.so) called as a simulator calls them, with svBitVecVal
// arrays in the bit layouts of the ports: each against the model it wraps, and the layouts
// against the contract. tb_dpi.sh checks the same library from SystemVerilog under Verilator.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/ports.h"
#include "hif4_dpi.h"

using namespace hif4;

namespace {

constexpr unsigned kCfgWords = 3;  // hif4_cfg_t fits in 96 bits (the contract is checked below)

// Lane i in bits 16i+15:16i; byte k in bits 8k+7:8k: written here bit by bit, independently of
// the library's word packing.
void put_lanes(const uint16_t lanes[kBlockValues], svBitVecVal v[32]) {
  std::memset(v, 0, 32 * sizeof(svBitVecVal));
  for (unsigned bit = 0; bit < 16 * kBlockValues; ++bit)
    if ((lanes[bit / 16] >> (bit % 16)) & 1) v[bit / 32] |= 1u << (bit % 32);
}
void put_block(const uint8_t bytes[kPackedBytes], svBitVecVal v[9]) {
  std::memset(v, 0, 9 * sizeof(svBitVecVal));
  for (unsigned bit = 0; bit < 8 * kPackedBytes; ++bit)
    if ((bytes[bit / 8] >> (bit % 8)) & 1) v[bit / 32] |= 1u << (bit % 32);
}
void get_block(const svBitVecVal v[9], uint8_t bytes[kPackedBytes]) {
  std::memset(bytes, 0, kPackedBytes);
  for (unsigned bit = 0; bit < 8 * kPackedBytes; ++bit)
    if ((v[bit / 32] >> (bit % 32)) & 1) bytes[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
}

// hif4_cfg_t as the packed struct lays it out: the cfg ports in contract order, the first in the
// most significant bits.
void put_cfg(const Config& c, svBitVecVal v[kCfgWords]) {
  std::memset(v, 0, kCfgWords * sizeof(svBitVecVal));
  const contract::CfgPorts p = contract::cfg_ports(c);
  unsigned top = static_cast<unsigned>(hif4_dpi_cfg_bits());
  const auto field = [&](unsigned width, uint64_t value) {
    top -= width;
    for (unsigned b = 0; b < width; ++b)
      if ((value >> b) & 1) v[(top + b) / 32] |= 1u << ((top + b) % 32);
  };
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, field(width, p.name);)
#include "hif4/ports.def"
}

Config config_of_profile(const char* name, uint64_t seed = 0) {
  Config c = find_profile(name).config;
  c.sr_seed = seed;
  return c;
}

}  // namespace

TEST_CASE("hif4_cfg_t is the contract's cfg ports", "[dpi]") {
  unsigned bits = 0;
  for (const contract::PortInfo& p : contract::kPorts) bits += p.role == contract::Role::cfg ? p.width : 0;
  CHECK(hif4_dpi_cfg_bits() == static_cast<int>(bits));
  REQUIRE(bits <= 32 * kCfgWords);
  CHECK(std::string(hif4_dpi_version()).find(std::to_string(bits) + " bits") != std::string::npos);
}

TEST_CASE("hif4_dpi_quantize is quantize_block under every profile and random knobs", "[dpi]") {
  CornerBlocks blocks(11);
  uint16_t lanes[kBlockValues];
  svBitVecVal in[32], cfg[kCfgWords], out[9];
  uint8_t got[kPackedBytes], want[kPackedBytes];
  unsigned checked = 0;
  for (const Profile& p : profiles()) {
    for (uint64_t i = 0; i < 500; ++i) {
      blocks.next(lanes);
      Config c = p.config;
      if (i % 3 == 0) c.payload_rounding = PayloadRounding::Stochastic;
      c.sr_seed = i * 77;
      put_lanes(lanes, in);
      put_cfg(c, cfg);
      REQUIRE(hif4_dpi_quantize(in, i, cfg, out) == 0);
      get_block(out, got);
      pack_block(quantize_block(lanes, c, i), want);
      REQUIRE(std::memcmp(got, want, kPackedBytes) == 0);
      ++checked;
    }
  }
  // hif4_dpi_random_cfg: a valid configuration, the one its fields say (read back through the
  // layout above), different for different indices.
  unsigned differ = 0;
  svBitVecVal previous[kCfgWords] = {};
  for (uint64_t i = 0; i < 200; ++i) {
    hif4_dpi_random_cfg(5, i, cfg);
    hif4_dpi_random_block(5, i, in);
    REQUIRE(hif4_dpi_quantize(in, i, cfg, out) == 0);
    differ += std::memcmp(cfg, previous, sizeof cfg) != 0;
    std::memcpy(previous, cfg, sizeof cfg);
  }
  CHECK(differ >= 199);
  CHECK(checked == 500 * profiles().size());
}

TEST_CASE("hif4_dpi_random_block: corner blocks, the same for the same seed and index", "[dpi]") {
  svBitVecVal a[32], b[32], c[32];
  hif4_dpi_random_block(3, 17, a);
  hif4_dpi_random_block(3, 17, b);
  hif4_dpi_random_block(3, 18, c);
  CHECK(std::memcmp(a, b, sizeof a) == 0);
  CHECK(std::memcmp(a, c, sizeof a) != 0);
}

TEST_CASE("hif4_dpi_decode and hif4_dpi_lane_value: the fields and the model's decoded values", "[dpi]") {
  CornerBlocks blocks(2);
  uint16_t lanes[kBlockValues];
  unsigned nan_blocks = 0;
  for (int n = 0; n < 300; ++n) {
    blocks.next(lanes);
    const Block b = quantize_block(lanes, config_of_profile("gcc"), 0);
    uint8_t bytes[kPackedBytes];
    pack_block(b, bytes);
    svBitVecVal packed[9], e6m2[1], e1_8[1], e1_16[1], codes[8], values[64];
    put_block(bytes, packed);
    const int nan = hif4_dpi_decode(packed, e6m2, e1_8, e1_16, codes, values);
    REQUIRE(nan == (b.e6m2 == kE6M2NaN ? 1 : 0));
    nan_blocks += nan;
    CHECK(e6m2[0] == b.e6m2);
    CHECK(e1_8[0] == b.e1_8);
    CHECK(e1_16[0] == b.e1_16);
    uint32_t f32[kBlockValues];
    decode_block_f32(b, f32);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      REQUIRE(((codes[i / 8] >> (4 * (i % 8))) & 15u) == b.codes[i]);
      REQUIRE(values[i] == f32[i]);
      float f;
      std::memcpy(&f, &f32[i], sizeof f);
      const double v = hif4_dpi_lane_value(packed, static_cast<int>(i));
      REQUIRE((std::isnan(f) ? std::isnan(v) : v == static_cast<double>(f)));
    }
  }
  CHECK(nan_blocks > 0);
  svBitVecVal zero[9] = {};
  CHECK(std::isnan(hif4_dpi_lane_value(zero, 64)));
  CHECK(std::isnan(hif4_dpi_lane_value(zero, -1)));
}

TEST_CASE("hif4_dpi_explain: empty for equal blocks, one line naming field, lane and stage", "[dpi]") {
  uint16_t lanes[kBlockValues];
  for (unsigned i = 0; i < kBlockValues; ++i) lanes[i] = static_cast<uint16_t>((i % 2 ? 0xBE80 : 0x3F00) + i);
  lanes[5] = 0x8001;  // a tiny negative lane: -0 under keep-sign, +0 under plus-zero
  const Config cann = config_of_profile("cann");
  svBitVecVal in[32], cfg[kCfgWords], expected[9], got[9];
  put_lanes(lanes, in);
  put_cfg(cann, cfg);
  REQUIRE(hif4_dpi_quantize(in, 0, cfg, expected) == 0);
  CHECK(std::string(hif4_dpi_explain(in, 0, cfg, expected, expected)).empty());

  // Every one of the 288 bits flipped: a one-line report that names the field.
  for (unsigned bit = 0; bit < 8 * kPackedBytes; ++bit) {
    std::memcpy(got, expected, sizeof got);
    got[bit / 32] ^= 1u << (bit % 32);
    const std::string line = hif4_dpi_explain(in, 0, cfg, expected, got);
    INFO("bit " << bit << ": " << line);
    REQUIRE(line.find('\n') == std::string::npos);
    REQUIRE(line.find("first differing stage:") != std::string::npos);
    REQUIRE(line.find("replay: hif4 explain --profile cann") != std::string::npos);
    const char* field = bit < 8 ? "E6M2 expected" : bit < 16 ? "E1_8 expected" : bit < 32 ? "E1_16 expected"
                                                                                  : "lane ";
    REQUIRE(line.find(field) != std::string::npos);
    if (bit >= 32) REQUIRE(line.find("lane " + std::to_string((bit - 32) / 4) + " expected") != std::string::npos);
  }

  // A DUT that runs negative-zero=plus-zero: the line says so.
  Config plus = cann;
  plus.negative_zero = NegativeZero::PlusZero;
  uint8_t bytes[kPackedBytes];
  pack_block(quantize_block(lanes, plus, 0), bytes);
  put_block(bytes, got);
  const std::string line = hif4_dpi_explain(in, 0, cfg, expected, got);
  CHECK(line.find("lane 5 expected 0x8 (-0), got 0x0 (+0)") != std::string::npos);
  CHECK(line.find("the DUT's block is the model's under --set negative-zero=plus-zero") != std::string::npos);

  const std::string text = hif4_dpi_format_block(expected);
  CHECK(text.rfind("E6M2 0x", 0) == 0);
  CHECK(text.find("codes (lane 63 first) ") != std::string::npos);
}

TEST_CASE("hif4_dpi_quantize refuses a cfg field that holds no value of its knob", "[dpi]") {
  // A knob port with an encoding to spare (a 2-bit port of a 3-valued knob): its first unused
  // number must be refused, with the field named, and the output left all zero.
  const contract::PortInfo* spare = nullptr;
  for (const contract::PortInfo& p : contract::kPorts)
    if (!spare && p.carries == contract::Carries::knob &&
        (uint64_t{1} << p.width) > contract::port_knob(static_cast<contract::Port>(&p - contract::kPorts)).values.size())
      spare = &p;
  REQUIRE(spare != nullptr);  // negative-zero and scale-overflow have three values in two bits
  const Knob& knob = contract::port_knob(static_cast<contract::Port>(spare - contract::kPorts));
  // The field's position in hif4_cfg_t: after the cfg ports that follow it.
  unsigned lsb = 0;
  for (const contract::PortInfo* p = spare + 1; p < contract::kPorts + contract::kPortCount; ++p)
    if (p->role == contract::Role::cfg) lsb += p->width;
  svBitVecVal in[32] = {}, cfg[kCfgWords], out[9];
  put_cfg(find_profile("seed").config, cfg);
  const uint64_t bad = knob.values.size();
  for (unsigned b = 0; b < spare->width; ++b) {
    const unsigned bit = lsb + b;
    cfg[bit / 32] = (cfg[bit / 32] & ~(1u << (bit % 32))) | static_cast<svBitVecVal>(((bad >> b) & 1u) << (bit % 32));
  }
  for (svBitVecVal& w : out) w = 0xFFFFFFFFu;
  CHECK(hif4_dpi_quantize(in, 0, cfg, out) == -1);
  const std::string error = hif4_dpi_last_error();
  CHECK(error.find(std::string(spare->name) + " = " + std::to_string(bad) + " is no value of " + knob.name) !=
        std::string::npos);
  for (svBitVecVal w : out) CHECK(w == 0);
  CHECK(std::string(hif4_dpi_explain(in, 0, cfg, out, out)).find("(no explanation: hif4_cfg_t: ") == 0);
}
