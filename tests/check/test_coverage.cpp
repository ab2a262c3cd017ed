// Coverage: the level-1 vectors hit every applicable bin under every profile (and under knob
// settings no profile uses); a weaker vector set is caught missing bins; n/a bins stay 0.
#include <catch2/catch.hpp>

#include "hif4/block.h"
#include "hif4/coverage.h"
#include "hif4/suites.h"

using namespace hif4;

namespace {

Coverage cover(const Config& cfg, const std::string& selection, unsigned level, uint64_t count = 0) {
  Coverage cov(cfg);
  BlockTrace trace;
  generate(make_plan(selection, level, count), 1, level, cfg, reference_expected, [&](const GeneratedChunk& c) {
    for (size_t i = 0; i < c.count; ++i) {
      const Block b = quantize_block(c.inputs + i * kBlockValues, cfg, c.first_record + i, &trace);
      uint8_t packed[kPackedBytes];
      pack_block(b, packed);
      REQUIRE(std::equal(packed, packed + kPackedBytes, c.expected + i * kPackedBytes));
      cov.add(trace);
    }
  });
  return cov;
}

std::string missed_names(const Coverage& c) {
  std::string s;
  for (size_t i : c.missed()) s += coverage_bins()[i].name + " ";
  return s;
}

Config with(const std::string& profile, std::initializer_list<const char*> settings) {
  Config c = find_profile(profile).config;
  for (const char* s : settings) apply_setting(c, s);
  return c;
}

}  // namespace

TEST_CASE("level 1 hits every applicable bin for every profile", "[vectors][coverage]") {
  for (const Profile& p : profiles()) {
    INFO("profile " << p.name);
    const Coverage c = cover(p.config, "all", 1);
    CHECK(missed_names(c) == "");
    // Bins that cannot happen stay empty (so n/a is the truth, not a hiding place).
    for (size_t i = 0; i < coverage_bins().size(); ++i)
      if (!c.applicable(i)) CHECK(c.count(i) == 0);
  }
}

TEST_CASE("level 1 hits every applicable bin under knob settings no profile uses", "[vectors][coverage]") {
  const Config variants[] = {
      with("seed", {"payload-rounding=stochastic", "threshold-product=bf16"}),
      with("seed", {"scale-rounding=toward-zero", "payload-rounding=toward-zero"}),
      with("gcc", {"scale-rounding=up", "scale-overflow=nan", "payload-product=bf16"}),
      with("cann", {"non-finite=saturate-inf", "scale-overflow=saturate", "negative-zero=plus-zero"}),
  };
  for (const Config& cfg : variants) {
    INFO(describe(cfg));
    CHECK(missed_names(cover(cfg, "all", 1)) == "");
  }
}

TEST_CASE("applicability follows the knobs", "[vectors][coverage]") {
  auto index = [](const std::string& name) {
    for (size_t i = 0; i < coverage_bins().size(); ++i)
      if (coverage_bins()[i].name == name) return i;
    FAIL("no bin " << name);
    return size_t{0};
  };
  const Coverage seed(find_profile("seed").config), cann(find_profile("cann").config);
  CHECK_FALSE(seed.applicable(index("payload.tie-down")));  // ties away never round down
  CHECK(cann.applicable(index("payload.tie-down")));
  CHECK_FALSE(seed.applicable(index("payload.code-0x8")));  // plus-zero never writes -0
  CHECK(cann.applicable(index("payload.code-0x8")));
  CHECK_FALSE(seed.applicable(index("scale.overflow-nan")));
  CHECK(cann.applicable(index("scale.overflow-nan")));
  CHECK_FALSE(seed.applicable(index("payload.stochastic-up")));
  CHECK(coverage_bins().size() > 100);
}

TEST_CASE("the coverage check fails for a vector set that misses corners", "[vectors][coverage]") {
  // Only a few random blocks: the exact E1 thresholds, NaN blocks and most peak lanes are missed.
  const Coverage c = cover(find_profile("seed").config, "random", 1, 16);
  const std::string missed = missed_names(c);
  CHECK_THAT(missed, Catch::Contains("e1_8.exactly-4"));
  CHECK_THAT(missed, Catch::Contains("block.nan-input"));
  CHECK(c.missed().size() > 20);
  CHECK_THAT(format_coverage(c, true), Catch::Contains("MISSED"));
}
