// Whole blocks: packing, decoding, worked examples and the special-value policies.
#include <catch2/catch.hpp>

#include <vector>

#include "hif4/block.h"
#include "test_support.h"

using namespace hif4;

namespace {

std::vector<uint16_t> block_of(std::initializer_list<float> values) {
  std::vector<uint16_t> b(kBlockValues, 0);
  size_t i = 0;
  for (float v : values) b[i++] = f32_bits_to_bf16(float_to_bits(v));
  return b;
}

Block quantize(const std::vector<uint16_t>& in, const char* profile) {
  return quantize_block(in.data(), find_profile(profile).config, 0);
}

}  // namespace

TEST_CASE("pack/unpack: the 36-byte layout and the CANN metadata word", "[block]") {
  Block b;
  b.e6m2 = 0xC1;
  b.e1_8 = 0xA5;
  b.e1_16 = 0x1234;
  for (unsigned i = 0; i < kBlockValues; ++i) b.codes[i] = static_cast<uint8_t>(i & 0xF);
  uint8_t p[kPackedBytes];
  pack_block(b, p);
  CHECK(p[0] == 0xC1);
  CHECK(p[1] == 0xA5);
  CHECK(p[2] == 0x34);  // E1_16 little-endian
  CHECK(p[3] == 0x12);
  const uint32_t word = p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24;
  CHECK(word == (0xC1u | 0xA5u << 8 | 0x1234u << 16));
  CHECK(p[4] == 0x10);  // value 0 low nibble, value 1 high nibble
  CHECK(p[5] == 0x32);
  CHECK(unpack_block(p) == b);
  // Every byte position round-trips.
  test::TestRng rng(5);
  for (int n = 0; n < 1000; ++n) {
    uint8_t q[kPackedBytes];
    for (auto& x : q) x = static_cast<uint8_t>(rng.below(256));
    uint8_t r[kPackedBytes];
    pack_block(unpack_block(q), r);
    CHECK(std::equal(q, q + kPackedBytes, r));
  }
}

TEST_CASE("decode: every scale x every E1 combination x every code, exact", "[block][exhaustive]") {
  Block b;
  for (unsigned code = 0; code < 0xFF; ++code) {
    b.e6m2 = static_cast<uint8_t>(code);
    b.e1_8 = 0xF0;      // groups 4..7 have E1_8 = 1
    b.e1_16 = 0xCCCC;   // every other pair of quads has E1_16 = 1
    for (unsigned i = 0; i < kBlockValues; ++i) b.codes[i] = static_cast<uint8_t>(i % 16);
    uint32_t f[kBlockValues];
    uint16_t h[kBlockValues];
    decode_block_f32(b, f);
    decode_block_bf16(b, h);
    for (unsigned i = 0; i < kBlockValues; ++i) {
      const double want = test::e6m2_double(b.e6m2) * std::ldexp(1.0, static_cast<int>(b.lane_shift(i))) *
                          s1p2_quarters(b.codes[i]) / 4.0;
      REQUIRE(static_cast<double>(bits_to_float(f[i])) == want);
      REQUIRE(test::bf16_value(h[i]) == want);
      REQUIRE(std::signbit(bits_to_float(f[i])) == ((b.codes[i] & 8) != 0));
    }
  }
  // A 0xFF scale decodes all 64 values to NaN.
  b.e6m2 = 0xFF;
  uint32_t f[kBlockValues];
  uint16_t h[kBlockValues];
  decode_block_f32(b, f);
  decode_block_bf16(b, h);
  for (unsigned i = 0; i < kBlockValues; ++i) {
    CHECK(std::isnan(bits_to_float(f[i])));
    CHECK(bf16_is_nan(h[i]));
  }
}

TEST_CASE("worked examples of the reference notes, every profile", "[block]") {
  SECTION("[7.875, 0, ...]: an E6M2 tie") {
    const auto in = block_of({7.875f});
    CHECK(quantize(in, "seed").e6m2 == 0xC1);
    CHECK(quantize(in, "seed").codes[0] == 0x6);
    CHECK(quantize(in, "gcc").e6m2 == 0xC0);
    CHECK(quantize(in, "gcc").codes[0] == 0x7);
    CHECK(quantize(in, "cann").e6m2 == 0xC0);
    CHECK(quantize(in, "cann").codes[0] == 0x7);
  }
  SECTION("[7.0, 0 x7, 0.625, ...]: a payload tie") {
    auto in = block_of({7.0f});
    in[8] = f32_bits_to_bf16(float_to_bits(0.625f));
    CHECK(quantize(in, "seed").e6m2 == 0xC0);
    CHECK(quantize(in, "seed").codes[8] == 0x3);
    CHECK(quantize(in, "gcc").codes[8] == 0x3);
    CHECK(quantize(in, "cann").codes[8] == 0x2);
  }
  SECTION("[12.25, 0 x7, 7.0, ...]: a threshold product that BF16 rounds up to 4") {
    auto in = block_of({12.25f});
    in[8] = f32_bits_to_bf16(float_to_bits(7.0f));
    for (const char* p : {"seed", "gcc", "cann"}) {
      const Block b = quantize(in, p);
      CHECK(((b.e1_8 >> 1) & 1) == 0);
      CHECK(b.codes[8] == 0x7);
    }
    Config c = find_profile("seed").config;
    c.threshold_product = ProductMode::Bf16;
    const Block b = quantize_block(in.data(), c, 0);
    CHECK(((b.e1_8 >> 1) & 1) == 1);
    CHECK(b.codes[8] == 0x4);
  }
}

TEST_CASE("special values under each policy", "[block]") {
  const auto zeros = block_of({});
  SECTION("all-zero block") {
    CHECK(quantize(zeros, "seed").e6m2 == 0x00);
    CHECK(quantize(zeros, "gcc").e6m2 == 0x00);
    CHECK(quantize(zeros, "cann").e6m2 == 0xFF);
    for (const char* p : {"seed", "gcc"}) {
      const Block b = quantize(zeros, p);
      CHECK(b.e1_8 == 0);
      CHECK(b.e1_16 == 0);
      for (uint8_t c : b.codes) CHECK(c == 0);
    }
  }
  SECTION("-0.0 is not negative: code 0 under both negative-zero policies") {
    auto in = block_of({1.0f});
    in[1] = 0x8000;
    in[2] = f32_bits_to_bf16(float_to_bits(-1e-6f));  // negative, rounds to zero
    CHECK(quantize(in, "seed").codes[1] == 0x0);
    CHECK(quantize(in, "gcc").codes[1] == 0x0);
    CHECK(quantize(in, "seed").codes[2] == 0x0);
    CHECK(quantize(in, "gcc").codes[2] == 0x8);
  }
  SECTION("NaN anywhere: a NaN block under every profile") {
    for (unsigned lane : {0u, 17u, 63u}) {
      auto in = block_of({1.0f, -2.0f});
      in[lane] = 0x7FC1;
      for (const char* p : {"seed", "gcc", "cann"}) {
        const Block b = quantize(in, p);
        CHECK(b.e6m2 == 0xFF);
        CHECK(b.e1_8 == 0);
        CHECK(b.e1_16 == 0);
        for (uint8_t c : b.codes) CHECK(c == 0);
      }
    }
  }
  SECTION("Inf: nan-block (seed, cann) or saturate-inf (gcc)") {
    auto in = block_of({1.0f, 0.5f});
    in[9] = 0xFF80;  // -Inf
    CHECK(quantize(in, "seed").e6m2 == 0xFF);
    CHECK(quantize(in, "cann").e6m2 == 0xFF);
    const Block g = quantize(in, "gcc");
    CHECK(g.e6m2 == 0xFE);                // SF = Inf -> scale-overflow saturate
    CHECK(g.codes[9] == 0xF);             // -1.75
    CHECK(((g.e1_8 >> 1) & 1) == 1);      // the Inf lane's group gets its E1 bits
    CHECK(((g.e1_16 >> 2) & 1) == 1);
    CHECK(g.codes[0] == 0x0);             // 1.0 / 49152 is far below a quarter
    Config c = find_profile("gcc").config;
    c.scale_overflow = ScaleOverflow::Nan;
    CHECK(quantize_block(in.data(), c, 0).e6m2 == 0xFF);
    in[3] = 0x7F81;  // a NaN as well: NaN block even under saturate-inf
    CHECK(quantize(in, "gcc").e6m2 == 0xFF);
  }
  SECTION("huge and tiny blocks") {
    const auto huge = block_of({3.0e38f});
    CHECK(quantize(huge, "seed").e6m2 == 0xFE);
    CHECK(quantize(huge, "cann").e6m2 == 0xFF);
    CHECK(quantize(huge, "seed").codes[0] == 0x7);
    std::vector<uint16_t> tiny(kBlockValues, 0);
    tiny[5] = 0x0001;  // the smallest BF16 subnormal
    CHECK(quantize(tiny, "seed").e6m2 == 0x00);
    CHECK(quantize(tiny, "cann").e6m2 == 0xFF);
    CHECK(quantize(tiny, "seed").codes[5] == 0x0);
  }
}

TEST_CASE("the stage trace agrees with the block and names every stage", "[block]") {
  auto in = block_of({7.875f, -0.3f, 0.001f});
  BlockTrace t;
  const Block b = quantize_block(in.data(), find_profile("seed").config, 3, &t);
  CHECK(t.block == b);
  CHECK(t.block_index == 3);
  CHECK(t.peaks.vmax == in[0]);
  CHECK(t.sf == 0x3F90);
  CHECK(t.scale.code == 0xC1);
  CHECK(t.scale.rounding.tie);
  CHECK(t.rec == 0x3F4D);
  CHECK(t.lanes[0].code == 0x6);
  CHECK(t.lanes[0].rounding.inexact);
  CHECK_FALSE(t.lanes[0].rounding.up);
  for (unsigned i = 0; i < kBlockValues; ++i) CHECK(t.lanes[i].code == b.codes[i]);
}
