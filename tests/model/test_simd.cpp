// The fast paths (simd.h) against the scalar reference model, byte for byte: every vector
// suite under every profile (and its stochastic variant), every knob combination, 10^7 random
// corner blocks per profile, decode of every code, and the threading helper.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <dirent.h>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"
#include "hif4/fast_tables.h"
#include "hif4/stages.h"
#include "hif4/suites.h"
#include "mismatches.h"
#include "test_files.h"

using namespace hif4;
using test::first_difference;
using test::Mismatches;

namespace {

// The path under test: AVX2 where the CPU has it. Without AVX2 the dispatcher's fallback is
// the scalar model itself, and these tests then only check the plumbing.
SimdPath fast_path() {
  return simd_path_available(SimdPath::Avx2) ? SimdPath::Avx2 : SimdPath::Scalar;
}

// Quantize with both paths; "" when the bytes agree.
std::string compare_paths(const uint16_t* in, size_t blocks, const Config& cfg, uint64_t first_index) {
  std::vector<uint8_t> expected(blocks * kPackedBytes), got(blocks * kPackedBytes, 0xA5);
  quantize_blocks(in, blocks, cfg, first_index, expected.data());
  quantize_blocks_on(fast_path(), in, blocks, cfg, first_index, got.data());
  return first_difference(expected.data(), got.data(), blocks, first_index);
}

// Each profile, and each profile with stochastic payload rounding and a seed whose both
// halves are nonzero (the block key hashes both).
std::vector<std::pair<std::string, Config>> profile_variants() {
  std::vector<std::pair<std::string, Config>> out;
  for (const Profile& p : profiles()) {
    out.emplace_back(p.name, p.config);
    Config sr = p.config;
    sr.payload_rounding = PayloadRounding::Stochastic;
    sr.sr_seed = 0x123456789ABCDEF1ull;
    out.emplace_back(std::string(p.name) + " + payload-rounding=stochastic", sr);
  }
  return out;
}

std::vector<uint16_t> read_bf16_padded(const std::string& path) {
  const std::vector<uint8_t> bytes = test::read_bytes(path);
  std::vector<uint16_t> values((bytes.size() / 2 + kBlockValues - 1) / kBlockValues * kBlockValues, 0);
  std::memcpy(values.data(), bytes.data(), bytes.size() / 2 * 2);
  return values;
}

std::vector<std::string> seed_vector_inputs() {
  const std::string dir = std::string(HIF4_TEST_DATA) + "/seed";
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 8 && name.compare(name.size() - 8, 8, ".in.bf16") == 0) files.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return files;
}

// Every knob combination (sr_seed left 0): the product of every knob's value count.
std::vector<Config> every_knob_combination() {
  std::vector<Config> out(1);
  for (const Knob& k : knobs()) {
    std::vector<Config> next;
    for (const Config& c : out)
      for (size_t v = 0; v < k.values.size(); ++v) {
        Config n = c;
        k.set(n, static_cast<uint8_t>(v));
        next.push_back(n);
      }
    out.swap(next);
  }
  return out;
}

// Every level-1 suite's inputs, concatenated.
std::vector<uint16_t> level1_suite_inputs() {
  std::vector<uint16_t> all;
  for (const Suite& s : suites()) {
    const uint64_t n = suite_count(s, 1);
    const size_t at = all.size();
    all.resize(at + n * kBlockValues);
    make_suite_inputs(s, 1, 1, 0, n, all.data() + at);
  }
  return all;
}

}  // namespace

TEST_CASE("simd: the comparison helper reports a single flipped bit", "[simd]") {
  const size_t blocks = 1000;
  std::vector<uint16_t> in(blocks * kBlockValues);
  CornerBlocks(7).fill(in.data(), blocks);
  std::vector<uint8_t> a(blocks * kPackedBytes);
  quantize_blocks_fast(in.data(), blocks, profiles()[0].config, 40, a.data());
  CHECK(first_difference(a.data(), a.data(), blocks, 40).empty());
  for (unsigned byte : {0u, 1u, 3u, 4u, 20u, 35u}) {
    for (unsigned bit : {0u, 7u}) {
      std::vector<uint8_t> b = a;
      b[537 * kPackedBytes + byte] ^= static_cast<uint8_t>(1u << bit);
      const std::string report = first_difference(a.data(), b.data(), blocks, 40);
      CHECK(report.find("block 537 (index 577) byte " + std::to_string(byte) + ":") == 0);
      CHECK(report.find("(1 of 1000 blocks differ)") != std::string::npos);
    }
  }
  // And compare_paths sees a corrupted fast path: the scalar bytes of the wrong block index.
  std::vector<uint8_t> shifted(blocks * kPackedBytes);
  Config sr = profiles()[0].config;
  sr.payload_rounding = PayloadRounding::Stochastic;
  quantize_blocks(in.data(), blocks, sr, 0, a.data());
  quantize_blocks_fast(in.data(), blocks, sr, 1, shifted.data());
  CHECK_FALSE(first_difference(a.data(), shifted.data(), blocks).empty());
}

TEST_CASE("simd: path selection and reporting", "[simd]") {
  CHECK(std::string(simd_path_name(SimdPath::Scalar)) == "scalar");
  CHECK(std::string(simd_path_name(SimdPath::Avx2)) == "avx2");
  CHECK(simd_path_available(SimdPath::Scalar));
  const SimdPath natural = active_simd_path();
  CHECK(natural == fast_path());
  force_scalar_path(true);
  CHECK(active_simd_path() == SimdPath::Scalar);
  force_scalar_path(false);
  CHECK(active_simd_path() == natural);
  if (!simd_path_available(SimdPath::Avx2)) {
    uint8_t out[kPackedBytes];
    uint16_t in[kBlockValues] = {};
    CHECK_THROWS_AS(quantize_blocks_on(SimdPath::Avx2, in, 1, Config{}, 0, out), std::runtime_error);
  }
}

TEST_CASE("simd: seed vector files under every profile and its stochastic variant", "[simd]") {
  const auto files = seed_vector_inputs();
  REQUIRE(files.size() >= 5);
  for (const std::string& file : files) {
    const std::vector<uint16_t> in = read_bf16_padded(file);
    for (const auto& [name, cfg] : profile_variants()) {
      INFO(file << " under " << name);
      CHECK(compare_paths(in.data(), in.size() / kBlockValues, cfg, 0) == "");
    }
  }
}

TEST_CASE("simd: level-1 suites under every profile and its stochastic variant", "[simd]") {
  const std::vector<uint16_t> in = level1_suite_inputs();
  REQUIRE(in.size() / kBlockValues > 10000);
  for (const auto& [name, cfg] : profile_variants()) {
    INFO("level-1 suites under " << name);
    CHECK(compare_paths(in.data(), in.size() / kBlockValues, cfg, 0) == "");
  }
}

TEST_CASE("simd: every knob combination on sampled suites and random blocks", "[simd]") {
  // Every 16th block of the seed files and level-1 suites (every suite keeps members), plus
  // 1000 random corner blocks: about 12000 blocks under each of the 1024 combinations.
  std::vector<uint16_t> sample;
  auto take_every_16th = [&](const std::vector<uint16_t>& v) {
    for (size_t b = 0; b < v.size() / kBlockValues; b += 16)
      sample.insert(sample.end(), v.begin() + b * kBlockValues, v.begin() + (b + 1) * kBlockValues);
  };
  for (const std::string& file : seed_vector_inputs()) take_every_16th(read_bf16_padded(file));
  take_every_16th(level1_suite_inputs());
  const size_t sampled = sample.size() / kBlockValues;
  sample.resize(sample.size() + 1000 * kBlockValues);
  CornerBlocks(11).fill(sample.data() + sampled * kBlockValues, 1000);
  const auto combos = every_knob_combination();
  size_t expected_combos = 1;
  for (const Knob& k : knobs()) expected_combos *= k.values.size();
  REQUIRE(combos.size() == expected_combos);
  Mismatches failures(10, Mismatches::Show::Keep);
  for (Config cfg : combos) {
    cfg.sr_seed = 99;
    const std::string diff = compare_paths(sample.data(), sample.size() / kBlockValues, cfg, 1000);
    ++failures.checks;
    if (!diff.empty()) failures.report("%s: %s", describe(cfg).c_str(), diff.c_str());
  }
  for (const std::string& f : failures.kept()) FAIL_CHECK(f);
  CHECK(failures.summary("combinations") == "");
}

// 10^7 random corner blocks under one profile (and 10^6 more with stochastic rounding at a
// block index above 2^32), in chunks; each profile is its own test case so ctest -j runs
// them in parallel. profiles()[i] beyond the table's size is a loud failure, not a skip, so
// adding a profile means adding a case here.
static void random_blocks_for_profile(size_t index) {
  REQUIRE(index < profiles().size());
  const Profile& p = profiles()[index];
  const size_t chunk = 1 << 16;
  const size_t total = 10'000'000;
  std::vector<uint16_t> in(chunk * kBlockValues);
  CornerBlocks gen(0xC0FFEE + index);
  for (size_t done = 0; done < total; done += chunk) {
    const size_t n = std::min(chunk, total - done);
    gen.fill(in.data(), n);
    const std::string diff = compare_paths(in.data(), n, p.config, done);
    INFO("profile " << p.name);
    REQUIRE(diff == "");
  }
  Config sr = p.config;
  sr.payload_rounding = PayloadRounding::Stochastic;
  sr.sr_seed = 0xFEDCBA9876543210ull;
  for (size_t done = 0; done < 1'000'000; done += chunk) {
    gen.fill(in.data(), chunk);
    const std::string diff = compare_paths(in.data(), chunk, sr, (uint64_t{1} << 32) - 7 + done);
    INFO("profile " << p.name << " + payload-rounding=stochastic");
    REQUIRE(diff == "");
  }
}

TEST_CASE("simd: 10^7 random corner blocks of profile #0", "[simd][random]") { random_blocks_for_profile(0); }
TEST_CASE("simd: 10^7 random corner blocks of profile #1", "[simd][random]") { random_blocks_for_profile(1); }
TEST_CASE("simd: 10^7 random corner blocks of profile #2", "[simd][random]") { random_blocks_for_profile(2); }
TEST_CASE("simd: 10^7 random corner blocks of profile #3", "[simd][random]") { random_blocks_for_profile(3); }
TEST_CASE("simd: 10^7 random corner blocks of profile #4", "[simd][random]") { random_blocks_for_profile(4); }
TEST_CASE("simd: every profile has a random-block case", "[simd]") { CHECK(profiles().size() == 5); }

TEST_CASE("simd: unaligned input and output", "[simd]") {
  const size_t blocks = 300;
  std::vector<uint16_t> buf((blocks + 1) * kBlockValues);
  CornerBlocks(5).fill(buf.data(), blocks + 1);
  const uint16_t* in = buf.data() + 3;  // 6 bytes past a 32-byte boundary at most
  std::vector<uint8_t> expected(blocks * kPackedBytes), out(blocks * kPackedBytes + 1);
  for (const auto& [name, cfg] : profile_variants()) {
    INFO(name);
    quantize_blocks(in, blocks, cfg, 0, expected.data());
    quantize_blocks_on(fast_path(), in, blocks, cfg, 0, out.data() + 1);
    CHECK(first_difference(expected.data(), out.data() + 1, blocks) == "");
  }
}

TEST_CASE("simd: decode matches the model for every code and random blocks", "[simd]") {
  // Every E6M2 code with every nibble in every lane position and random E1 bits, then
  // random bytes.
  std::vector<uint8_t> packed;
  std::mt19937_64 gen(3);
  for (unsigned code = 0; code < 256; ++code)
    for (unsigned rep = 0; rep < 8; ++rep) {
      uint8_t b[kPackedBytes];
      b[0] = static_cast<uint8_t>(code);
      for (unsigned k = 1; k < 4; ++k) b[k] = static_cast<uint8_t>(gen());
      for (unsigned k = 0; k < kPayloadBytes; ++k)
        b[kOffsetPayload + k] = static_cast<uint8_t>(((2 * k + rep) & 15) | (((2 * k + 1 + rep * 3) & 15) << 4));
      packed.insert(packed.end(), b, b + kPackedBytes);
    }
  for (unsigned i = 0; i < 200000 * kPackedBytes; ++i) packed.push_back(static_cast<uint8_t>(gen()));
  const size_t blocks = packed.size() / kPackedBytes;
  std::vector<uint32_t> f32_model(blocks * kBlockValues), f32_fast(blocks * kBlockValues, 1);
  std::vector<uint16_t> bf16_model(blocks * kBlockValues), bf16_fast(blocks * kBlockValues, 1);
  decode_blocks_on_f32(SimdPath::Scalar, packed.data(), blocks, f32_model.data());
  decode_blocks_on_f32(fast_path(), packed.data(), blocks, f32_fast.data());
  decode_blocks_on_bf16(SimdPath::Scalar, packed.data(), blocks, bf16_model.data());
  decode_blocks_on_bf16(fast_path(), packed.data(), blocks, bf16_fast.data());
  Mismatches f32(1, Mismatches::Show::Keep), bf16(1, Mismatches::Show::Keep);
  for (size_t i = 0; i < f32_model.size(); ++i) {
    ++f32.checks;
    ++bf16.checks;
    if (f32_model[i] != f32_fast[i]) f32.report("f32 lane %zu: model %u fast %u", i, f32_model[i], f32_fast[i]);
    if (bf16_model[i] != bf16_fast[i])
      bf16.report("bf16 lane %zu: model %u fast %u", i, unsigned{bf16_model[i]}, unsigned{bf16_fast[i]});
  }
  CHECK(f32.summary("lanes") == "");
  CHECK(bf16.summary("lanes") == "");
  // The scalar path is the model's own per-block decode.
  const Block b = unpack_block(packed.data() + 100 * kPackedBytes);
  uint32_t one[kBlockValues];
  decode_block_f32(b, one);
  CHECK(std::equal(one, one + kBlockValues, f32_model.begin() + 100 * kBlockValues));
}

TEST_CASE("parallel_for covers every item once and rethrows", "[simd][parallel]") {
  for (size_t count : {0u, 1u, 255u, 256u, 1000u, 100003u})
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
      std::vector<std::atomic<int>> hits(count);
      parallel_for(count, threads, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) hits[i]++;
      }, 16);
      size_t bad = 0;
      for (auto& h : hits) bad += h.load() != 1;
      INFO(count << " items, " << threads << " threads");
      CHECK(bad == 0);
    }
  CHECK_THROWS_WITH(parallel_for(10000, 4, [](size_t b, size_t) {
                      if (b > 0) throw std::runtime_error("range at " + std::to_string(b));
                    }, 1),
                    "range at 2500");
}

TEST_CASE("quantize_blocks_parallel equals one thread", "[simd][parallel]") {
  const size_t blocks = 50000;
  std::vector<uint16_t> in(blocks * kBlockValues);
  CornerBlocks(21).fill(in.data(), blocks);
  for (const auto& [name, cfg] : profile_variants()) {
    std::vector<uint8_t> one(blocks * kPackedBytes);
    quantize_blocks(in.data(), blocks, cfg, 12345, one.data());
    for (unsigned threads : {1u, 2u, 3u, 7u}) {
      std::vector<uint8_t> many(blocks * kPackedBytes);
      quantize_blocks_parallel(in.data(), blocks, cfg, 12345, many.data(), threads);
      INFO(name << ", " << threads << " threads");
      CHECK(first_difference(one.data(), many.data(), blocks, 12345) == "");
    }
  }
}

// Every lane value under every E6M2 code and every reachable E1 shift: for each code c, the
// largest block peak P_c with that code (lane 63), and in groups 0..13 one "booster" lane (0, the
// E1 threshold ge2 of c, or P_c itself: shift 0, 1 or 2 where the group allows) beside three
// lanes that run through every magnitude 0..P_c with both signs. The payload knobs (and
// threshold-product, which moves the boosters) are varied per case; the scale knobs only
// pick the code, which every c covers. One case per payload-rounding value.
static void every_lane_value(PayloadRounding rounding) {
  Config base = profiles()[0].config;
  base.payload_rounding = rounding;
  base.sr_seed = 0x5EED;
  // The largest peak magnitude of every code under the base scale knobs (the widest range
  // of lane values that code can see).
  std::vector<uint16_t> peak_of(255, 0);
  for (unsigned v = 1; v < kBf16Inf; ++v) {
    const uint8_t code = encode_e6m2(scale_factor(static_cast<uint16_t>(v)), base).code;
    if (code != kE6M2NaN) peak_of[code] = static_cast<uint16_t>(v);
  }
  size_t codes_covered = 0, lanes_checked = 0;
  uint64_t index = 0;
  for (unsigned c = 0; c < 255; ++c) {
    const uint16_t peak = peak_of[c];
    if (peak == 0) continue;
    ++codes_covered;
    for (ProductMode threshold : {ProductMode::Exact, ProductMode::Bf16}) {
      const uint16_t boosters[3] = {0, e1_thresholds(static_cast<uint8_t>(c), threshold).ge2, peak};
      std::vector<uint16_t> blocks;
      for (uint16_t booster : boosters) {
        if (booster > peak) continue;
        const uint32_t values = 2u * (peak + 1u);  // magnitudes 0..peak, both signs
        for (uint32_t next = 0; next < values;) {
          uint16_t b[kBlockValues] = {};
          b[kBlockValues - 1] = peak;
          for (unsigned g = 0; g < 14; ++g) {
            b[4 * g] = booster;
            for (unsigned k = 1; k < 4; ++k, ++next) {
              const uint32_t v = next % values;  // the last block wraps around
              b[4 * g + k] = static_cast<uint16_t>(((v & 1u) << 15) | (v >> 1));
            }
          }
          blocks.insert(blocks.end(), b, b + kBlockValues);
        }
      }
      const size_t n = blocks.size() / kBlockValues;
      for (ProductMode product : {ProductMode::Exact, ProductMode::Bf16})
        for (NegativeZero nz : {NegativeZero::PlusZero, NegativeZero::KeepSign}) {
          Config cfg = base;
          cfg.threshold_product = threshold;
          cfg.payload_product = product;
          cfg.negative_zero = nz;
          const std::string diff = compare_paths(blocks.data(), n, cfg, index);
          INFO("E6M2 code " << c << " (peak 0x" << std::hex << peak << std::dec << ") under " << describe(cfg));
          REQUIRE(diff == "");
          lanes_checked += n * 42;
        }
      index += n;
    }
  }
  CHECK(codes_covered == 255);
  CHECK(lanes_checked > 100'000'000u);
}

TEST_CASE("simd: every lane value under every code (payload nearest-away)", "[simd][lanes]") { every_lane_value(PayloadRounding::NearestAway); }
TEST_CASE("simd: every lane value under every code (payload nearest-even)", "[simd][lanes]") { every_lane_value(PayloadRounding::NearestEven); }
TEST_CASE("simd: every lane value under every code (payload toward-zero)", "[simd][lanes]") { every_lane_value(PayloadRounding::TowardZero); }
TEST_CASE("simd: every lane value under every code (payload stochastic)", "[simd][lanes]") { every_lane_value(PayloadRounding::Stochastic); }
