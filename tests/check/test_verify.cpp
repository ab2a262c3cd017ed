// The verifier cannot pass silently: every one of the 288 output bits is reported, each in
// the right field; DUT files of the wrong length are errors; stage attribution and replay.
#include <catch2/catch.hpp>

#include <cstring>

#include "hif4/block.h"
#include "hif4/suites.h"
#include "hif4/verify.h"
#include "message_of.h"

using namespace hif4;

namespace {

VectorRecord record_of(const uint16_t in[kBlockValues], const Config& cfg, uint64_t index) {
  VectorRecord r{};
  std::memcpy(r.input, in, sizeof r.input);
  pack_block(quantize_block(in, cfg, index), r.expected);
  r.block_index = index;
  return r;
}

std::vector<VectorRecord> level1_sample(const Config& cfg) {
  // A few records from each suite (normal, saturated, NaN blocks, ...).
  std::vector<VectorRecord> recs;
  const GenerationPlan plan = make_plan("all", 1, 4);
  generate(plan, 1, 1, cfg, reference_expected, [&](const GeneratedChunk& c) {
    for (size_t i = 0; i < c.count; ++i) {
      VectorRecord r{};
      std::memcpy(r.input, c.inputs + i * kBlockValues, sizeof r.input);
      std::memcpy(r.expected, c.expected + i * kPackedBytes, kPackedBytes);
      r.block_index = c.first_record + i;
      recs.push_back(r);
    }
  });
  return recs;
}

std::vector<uint8_t> vector_file_of(const std::vector<VectorRecord>& recs, const Config& cfg) {
  VectorHeader h;
  h.profile = "seed";
  h.config = cfg;
  h.record_count = recs.size();
  std::vector<uint8_t> bytes;
  VectorWriter w(h, [&](const void* p, size_t n) {
    bytes.insert(bytes.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  });
  w.write(recs.data(), recs.size());
  w.finish();
  return bytes;
}

std::string readmemh_of(const std::vector<VectorRecord>& recs) {
  std::string s = "// DUT output\n";
  for (const VectorRecord& r : recs) {
    for (int k = kPackedBytes - 1; k >= 0; --k) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", r.expected[k]);
      s += b;
    }
    s += "\n";
  }
  return s;
}

}  // namespace

TEST_CASE("every one of the 288 bits of an output block is reported in its field", "[vectors][verify]") {
  const Config cfg = find_profile("gcc").config;
  const VerifyContext ctx{cfg, "gcc", nullptr};
  for (const VectorRecord& r : level1_sample(cfg)) {
    BlockMismatch m;
    REQUIRE_FALSE(compare_block(ctx, 0, r, r.expected, m));
    for (unsigned bit = 0; bit < kPackedBytes * 8; ++bit) {
      uint8_t dut[kPackedBytes];
      std::memcpy(dut, r.expected, kPackedBytes);
      dut[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      INFO("bit " << bit);
      REQUIRE(compare_block(ctx, 3, r, dut, m));
      const unsigned byte = bit / 8, b = bit % 8;
      if (byte == kOffsetE6M2) {
        REQUIRE(m.e6m2_differs);
        REQUIRE(m.stage == Stage::Scale);
      } else if (byte == kOffsetE1_8) {
        REQUIRE(m.e1_8_diff == (1u << b));
        REQUIRE(m.stage == Stage::E1_8);
        REQUIRE(m.stage_unit == b);
      } else if (byte < kOffsetPayload) {
        REQUIRE(m.e1_16_diff == (1u << ((byte - kOffsetE1_16) * 8 + b)));
        REQUIRE(m.stage == Stage::E1_16);
      } else {
        const unsigned lane = 2 * (byte - kOffsetPayload) + (b >= 4);
        REQUIRE(m.lane_diff == (uint64_t{1} << lane));
        REQUIRE(m.stage == Stage::Payload);
        REQUIRE(m.stage_unit == lane);
      }
      REQUIRE_FALSE(m.e6m2_differs != (byte == kOffsetE6M2));
      REQUIRE(m.record == 3);
      REQUIRE_FALSE(format_mismatch(m).empty());
    }
  }
}

TEST_CASE("verify_stream counts blocks and reports each flipped one", "[vectors][verify]") {
  const Config cfg = find_profile("seed").config;
  const auto recs = level1_sample(cfg);
  const auto file = vector_file_of(recs, cfg);
  std::vector<uint8_t> dut;
  for (const auto& r : recs) dut.insert(dut.end(), r.expected, r.expected + kPackedBytes);
  dut[5 * kPackedBytes + 17] ^= 0x20;
  dut[9 * kPackedBytes + 0] ^= 0x01;
  VectorReader vr(memory_source(file.data(), file.size(), "v.hif4v"));
  DutReader dr(memory_source(dut.data(), dut.size(), "dut.bin"), DutFormat::Raw, recs.size());
  std::vector<uint64_t> failed;
  const VerifySummary s = verify_stream(vr, dr, VerifyContext{cfg, "seed", nullptr},
                                        [&](const BlockMismatch& m) { failed.push_back(m.record); });
  CHECK(s.failed == 2);
  CHECK(s.passed == recs.size() - 2);
  CHECK(failed == std::vector<uint64_t>{5, 9});
}

TEST_CASE("a DUT file that is short or long is an error, never a pass", "[vectors][verify]") {
  const Config cfg = find_profile("seed").config;
  const auto recs = level1_sample(cfg);
  std::vector<uint8_t> raw;
  for (const auto& r : recs) raw.insert(raw.end(), r.expected, r.expected + kPackedBytes);
  auto raw_error = [&](size_t size) {
    std::vector<uint8_t> b(raw.begin(), raw.begin() + std::min(size, raw.size()));
    b.resize(size, 0);
    return test::message_of<DutFileError>(
        [&] { DutReader d(memory_source(b.data(), b.size(), "dut.bin"), DutFormat::Raw, recs.size()); });
  };
  CHECK(raw_error(raw.size()).empty());
  CHECK_THAT(raw_error(raw.size() - kPackedBytes), Catch::Contains("too short"));
  CHECK_THAT(raw_error(raw.size() - 1), Catch::Contains("too short"));
  CHECK_THAT(raw_error(raw.size() + 1), Catch::Contains("too long"));
  CHECK_THAT(raw_error(raw.size() + kPackedBytes), Catch::Contains("too long"));
  CHECK_THAT(raw_error(0), Catch::Contains("too short"));

  const std::string text = readmemh_of(recs);
  auto hex_error = [&](const std::string& t) {
    bool differs = false;
    const std::string error = test::message_of<DutFileError>([&] {
      DutReader d(memory_source(t.data(), t.size(), "dut.hex"), DutFormat::Readmemh, recs.size());
      std::vector<uint8_t> out(recs.size() * kPackedBytes);
      d.read(out.data(), recs.size());
      d.finish();
      for (size_t i = 0; i < recs.size(); ++i)
        differs = differs || std::memcmp(&out[i * kPackedBytes], recs[i].expected, kPackedBytes) != 0;
    });
    return error.empty() && differs ? std::string("differs") : error;
  };
  CHECK(hex_error(text).empty());
  const size_t last_line = text.rfind('\n', text.size() - 2);
  CHECK_THAT(hex_error(text.substr(0, last_line + 1)), Catch::Contains("too short"));
  CHECK_THAT(hex_error(text + "0\n"), Catch::Contains("too long"));
  CHECK(hex_error(text + "// trailing comment\n/* and\n another */\n\n").empty());
  CHECK_THAT(hex_error("@0\n" + text), Catch::Contains("'@' addresses"));
  CHECK_THAT(hex_error("x" + text.substr(15)), Catch::Contains("x/z"));
  CHECK_THAT(hex_error("0" + text.substr(14)), Catch::Contains("more than 72 hex digits"));
  CHECK_THAT(hex_error("g\n" + text), Catch::Contains("not a hex digit"));
}

TEST_CASE("readmemh words: underscores, short words and comments", "[vectors][verify]") {
  const std::string t = "1_0 // byte 0 = 0x10\nff/*c*/\n";
  DutReader d(memory_source(t.data(), t.size(), "w.hex"), DutFormat::Readmemh, 2);
  uint8_t out[2 * kPackedBytes];
  REQUIRE(d.read(out, 2) == 2);
  d.finish();
  CHECK(out[0] == 0x10);
  CHECK(out[1] == 0);
  CHECK(out[kPackedBytes] == 0xFF);
}

TEST_CASE("the first differing stage and downstream consistency", "[vectors][verify]") {
  // [7.875, 0, ...]: SF = 1.125, an E6M2 tie. seed rounds the scale up (0xC1), gcc to even
  // (0xC0); a DUT that rounds like gcc gets the scale wrong and the rest right for its scale.
  uint16_t in[kBlockValues] = {0x40FC};
  const Config seed = find_profile("seed").config;
  const VectorRecord r = record_of(in, seed, 0);
  uint8_t dut[kPackedBytes];
  pack_block(quantize_block(in, find_profile("gcc").config, 0), dut);
  BlockMismatch m;
  REQUIRE(compare_block(VerifyContext{seed, "seed", nullptr}, 0, r, dut, m));
  CHECK(m.stage == Stage::Scale);
  CHECK(m.downstream_consistent);
  CHECK_THAT(m.stage_detail, Catch::Contains("tie"));
  CHECK(m.expectation_matches_model);

  // The same scale error plus an independent lane error: not consistent.
  dut[kOffsetPayload + 10] ^= 0x11;
  REQUIRE(compare_block(VerifyContext{seed, "seed", nullptr}, 0, r, dut, m));
  CHECK_FALSE(m.downstream_consistent);
  CHECK_THAT(format_mismatch(m), Catch::Contains("more than one stage"));
}

TEST_CASE("the replay command names the knobs that differ from the profile", "[vectors][verify]") {
  uint16_t in[kBlockValues] = {0x40FC, 0x8000, 0x3F80};
  Config c = find_profile("cann").config;
  c.payload_rounding = PayloadRounding::Stochastic;
  c.sr_seed = 42;
  const std::string cmd = replay_command("cann", c, in, 17);
  CHECK(cmd == "hif4 explain --profile cann --set payload-rounding=stochastic --sr-seed 42 "
               "--values 0x40FC,0x8000,0x3F80 --block-index 17");
  CHECK(replay_command("seed", find_profile("seed").config, in, 17) ==
        "hif4 explain --profile seed --values 0x40FC,0x8000,0x3F80");
}

TEST_CASE("x/z digits: the block fails with its index, the fields named, the rest still checked",
          "[vectors][verify]") {
  const Config cfg = find_profile("seed").config;
  const auto recs = level1_sample(cfg);
  REQUIRE(recs.size() > 12);
  const auto file = vector_file_of(recs, cfg);
  std::string text = readmemh_of(recs);
  // Block 7: two x digits in lane 52/53's byte; block 11: a z as the low E6M2 digit. Line i+1
  // holds block i (line 0 is the comment); digit 0 is the most significant.
  const auto set_digit = [&](size_t block, size_t digit, char c) {
    size_t line = 0;
    for (size_t i = 0; i <= block; ++i) line = text.find('\n', line) + 1;
    text[line + digit] = c;
  };
  set_digit(7, 10, 'x');
  set_digit(7, 11, 'X');
  set_digit(11, 71, 'z');
  VectorReader vr(memory_source(file.data(), file.size(), "v.hif4v"));
  DutReader dr(memory_source(text.data(), text.size(), "dut.hex"), DutFormat::Readmemh, recs.size());
  std::vector<BlockMismatch> failed;
  const VerifySummary s = verify_stream(vr, dr, VerifyContext{cfg, "seed", nullptr},
                                        [&](const BlockMismatch& m) { failed.push_back(m); });
  CHECK(s.failed == 2);
  CHECK(s.undefined == 2);
  CHECK(s.passed == recs.size() - 2);
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].record == 7);
  CHECK(failed[0].undefined);
  CHECK(failed[0].lane_diff == (uint64_t{3} << 52));
  CHECK_FALSE(failed[0].e6m2_differs);
  CHECK(failed[0].unknown[kOffsetPayload + 26] == 0xFF);  // lanes 52 and 53: payload byte 26
  CHECK_THAT(format_mismatch(failed[0]), Catch::Contains("block 7: undefined (x/z digits) in lanes {52,53}"));
  CHECK_THAT(format_mismatch(failed[0]), Catch::Contains("xx"));
  CHECK(failed[1].record == 11);
  CHECK(failed[1].e6m2_differs);
  CHECK(failed[1].unknown[0] == 0x0F);
  CHECK_THAT(format_mismatch_line(failed[1]), Catch::Contains("block 11: undefined (x/z digits) in E6M2"));

  // Without an unknown buffer the reader refuses them, naming the block (not its chunk's first).
  const std::string m = test::message_of<DutFileError>([&] {
    DutReader d(memory_source(text.data(), text.size(), "dut.hex"), DutFormat::Readmemh, recs.size());
    std::vector<uint8_t> out(recs.size() * kPackedBytes);
    d.read(out.data(), recs.size());
  });
  CHECK_THAT(m, Catch::Contains("block 7 has x/z digits"));
}

TEST_CASE("the failure summary: fields, lanes, code differences and the knob that explains them",
          "[vectors][verify]") {
  const Config cann = find_profile("cann").config;
  Config plus = cann;
  plus.negative_zero = NegativeZero::PlusZero;
  const VerifyContext ctx{cann, "cann", nullptr};
  FailureSummary summary(cann);
  CHECK(summary.format().empty());
  unsigned failing = 0;
  for (const VectorRecord& r : level1_sample(cann)) {
    uint8_t dut[kPackedBytes];
    pack_block(quantize_block(r.input, plus, r.block_index), dut);
    BlockMismatch m;
    if (!compare_block(ctx, failing, r, dut, m)) continue;
    ++failing;
    // The block itself: equal to the model under exactly that one change.
    REQUIRE(m.alternatives != 0);
    REQUIRE_THAT(format_mismatch(m), Catch::Contains("the DUT's block is the model's under --set negative-zero=plus-zero"));
    const std::string line = format_mismatch_line(m);
    REQUIRE(line.find('\n') == std::string::npos);
    REQUIRE_THAT(line, Catch::Contains("expected 0x8 (-0), got 0x0 (+0)") && Catch::Contains("first differing stage: payload"));
    summary.add(m);
  }
  REQUIRE(failing >= 2);
  const std::string text = summary.format();
  CHECK_THAT(text, Catch::Contains("failure summary, " + std::to_string(failing) + " failing block(s)"));
  CHECK_THAT(text, Catch::Contains("fields      E6M2 in 0 block(s), E1_8 in 0, E1_16 in 0, lanes in " +
                                   std::to_string(failing)));
  CHECK_THAT(text, Catch::Contains("x -0 vs +0 (expected 0x8, DUT 0x0)"));
  CHECK_THAT(text, Catch::Contains("diagnosis   every failure is -0 vs +0: the DUT may run negative-zero=plus-zero"));

  // One more failure that no single knob explains: the diagnosis says so and names the closest.
  const VectorRecord r = level1_sample(cann).front();
  uint8_t dut[kPackedBytes];
  std::memcpy(dut, r.expected, kPackedBytes);
  dut[kOffsetE1_8] ^= 0x01;
  BlockMismatch m;
  REQUIRE(compare_block(ctx, 0, r, dut, m));
  CHECK(m.alternatives == 0);
  summary.add(m);
  CHECK_THAT(summary.format(), Catch::Contains("no single knob setting explains every failure; --set "
                                               "negative-zero=plus-zero reproduces " + std::to_string(failing) +
                                               " of the " + std::to_string(failing + 1)));
  CHECK_THAT(summary.format(), Catch::Contains("E1_8 bits   0\n"));
}

TEST_CASE("single-knob alternatives: every other value of every knob, the rest unchanged", "[vectors][verify]") {
  const Config seed = find_profile("seed").config;
  const auto alternatives = single_knob_alternatives(seed);
  size_t expected = 0;
  for (const Knob& k : knobs()) expected += k.values.size() - 1;
  REQUIRE(alternatives.size() == expected);
  for (const KnobAlternative& a : alternatives) {
    unsigned changed = 0;
    for (const Knob& k : knobs()) changed += k.get(a.config) != k.get(seed);
    CHECK(changed == 1);
    CHECK(a.config.sr_seed == seed.sr_seed);
  }
  CHECK(alternatives.front().setting == std::string(knobs().front().name) + "=" + knobs().front().values[1].name);
}
