// Bit-exact on every seed suite (seed profile), and the block quantizer's fast path equal to
// its traced path (the stage functions) on every suite for every profile.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/suites.h"
#include "test_files.h"

using namespace hif4;

namespace {

struct SeedSuite {
  const char* name;
  unsigned row_length;  // 0: whole blocks
};

const SeedSuite kSuites[] = {{"random", 0}, {"peaks", 0},   {"grid", 0},   {"thresholds", 0},
                         {"tiny", 0},   {"huge", 0},    {"rows1", 1},  {"rows63", 63},
                         {"rows65", 65}, {"rows130", 130}, {"rows200", 200}};

// Rows of L values zero-padded to whole blocks, as the seed and `hif4 quantize --row-length` do.
std::vector<uint16_t> blocks_of(const std::vector<uint8_t>& raw, unsigned row_length) {
  std::vector<uint16_t> v(raw.size() / 2);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>(raw[2 * i] | raw[2 * i + 1] << 8);
  if (!row_length) return v;
  const size_t per_row = (row_length + 63) / 64 * 64;
  std::vector<uint16_t> out;
  for (size_t r = 0; r < v.size() / row_length; ++r) {
    out.insert(out.end(), v.begin() + r * row_length, v.begin() + (r + 1) * row_length);
    out.resize((r + 1) * per_row, 0);
  }
  return out;
}

}  // namespace

TEST_CASE("seed conformance: every suite bit-exact in the seed profile", "[conformance]") {
  const Config cfg = find_profile("seed").config;
  for (const SeedSuite& s : kSuites) {
    const std::string dir = std::string(HIF4_TEST_DATA) + "/seed/";
    const auto in = blocks_of(test::read_bytes(dir + s.name + ".in.bf16"), s.row_length);
    const auto want = test::read_bytes(dir + s.name + ".out.hif4");
    const size_t n = in.size() / kBlockValues;
    REQUIRE(want.size() == n * kPackedBytes);
    std::vector<uint8_t> got(n * kPackedBytes);
    quantize_blocks(in.data(), n, cfg, 0, got.data());
    size_t bad = 0, first = n;
    for (size_t b = 0; b < n; ++b)
      if (!std::equal(&got[b * kPackedBytes], &got[(b + 1) * kPackedBytes], &want[b * kPackedBytes])) {
        if (!bad++) first = b;
      }
    INFO("suite " << s.name << ": " << bad << " of " << n << " blocks differ, first " << first);
    CHECK(bad == 0);
  }
}

TEST_CASE("fast path equals the traced stage functions on every suite, every profile and knob", "[conformance]") {
  std::vector<Config> configs;
  for (const Profile& p : profiles()) configs.push_back(p.config);
  Config sr = find_profile("seed").config;
  sr.payload_rounding = PayloadRounding::Stochastic;
  sr.sr_seed = 99;
  configs.push_back(sr);
  Config tz = find_profile("gcc").config;
  tz.payload_rounding = PayloadRounding::TowardZero;
  tz.scale_rounding = ScaleRounding::Up;
  tz.threshold_product = ProductMode::Bf16;
  configs.push_back(tz);
  for (const SeedSuite& s : kSuites) {
    const auto in = blocks_of(test::read_bytes(std::string(HIF4_TEST_DATA) + "/seed/" + s.name + ".in.bf16"),
                              s.row_length);
    const size_t n = in.size() / kBlockValues;
    for (const Config& c : configs) {
      std::vector<uint8_t> fast(n * kPackedBytes);
      quantize_blocks(in.data(), n, c, 0, fast.data());
      size_t bad = 0;
      for (size_t b = 0; b < n; ++b) {
        BlockTrace t;
        const Block traced = quantize_block(&in[b * kBlockValues], c, b, &t);
        if (unpack_block(&fast[b * kPackedBytes]) != traced || t.block != traced) ++bad;
      }
      INFO("suite " << s.name << " knobs " << describe(c));
      CHECK(bad == 0);
    }
  }
}

TEST_CASE("fast path equals the traced stage functions for every knob combination on generated blocks", "[conformance]") {
  // Every one of the 1024 knob combinations, on blocks from every generator suite (random
  // magnitudes and shapes, outliers, peaks, ties, E1 thresholds, payload grid, tiny values,
  // NaN/Inf): quantize_blocks (payload windows / packed path) against quantize_block with its
  // stage trace, block for block.
  std::vector<uint16_t> in;
  for (const hif4::Suite& s : suites()) {
    std::vector<uint16_t> part(128 * kBlockValues);
    make_suite_inputs(s, 7, 2, 0, 128, part.data());
    in.insert(in.end(), part.begin(), part.end());
  }
  const size_t n = in.size() / kBlockValues;
  size_t configs = 0, bad = 0;
  std::string first_bad;
  for (unsigned bits = 0; bits < 1024; ++bits) {
    Config c;
    c.scale_rounding = static_cast<ScaleRounding>(bits & 3);
    c.payload_rounding = static_cast<PayloadRounding>((bits >> 2) & 3);
    c.threshold_product = static_cast<ProductMode>((bits >> 4) & 1);
    c.payload_product = static_cast<ProductMode>((bits >> 5) & 1);
    c.negative_zero = static_cast<NegativeZero>((bits >> 6) & 1);
    c.scale_overflow = static_cast<ScaleOverflow>((bits >> 7) & 1);
    c.scale_underflow = static_cast<ScaleUnderflow>((bits >> 8) & 1);
    c.non_finite = static_cast<NonFinite>((bits >> 9) & 1);
    c.sr_seed = bits;
    ++configs;
    std::vector<uint8_t> fast(n * kPackedBytes);
    quantize_blocks(in.data(), n, c, 1000, fast.data());
    for (size_t b = 0; b < n; ++b) {
      BlockTrace t;
      const Block traced = quantize_block(&in[b * kBlockValues], c, 1000 + b, &t);
      if (unpack_block(&fast[b * kPackedBytes]) != traced) {
        if (!bad++) first_bad = describe(c) + " block " + std::to_string(b);
      }
    }
  }
  INFO(bad << " blocks differ; first: " << first_bad);
  CHECK(configs == 1024);
  CHECK(bad == 0);
}
