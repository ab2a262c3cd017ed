// Variant lists of `hif4 compare`: profiles, baselines, --vary sweeps and their errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hif4/compare.h"
#include "hif4/config.h"
#include "message_of.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

std::string error_of(const std::vector<std::string>& profiles, const std::vector<std::string>& vary,
                     const std::string& baseline = "seed") {
  return test::message_of<ConfigError>([&] { build_variants(profiles, vary, baseline, 0); });
}

}  // namespace

TEST_CASE("Default variants: every profile of the table, then NVFP4 and MXFP4", "[compare]") {
  const std::vector<Variant> v = build_variants({}, {}, profiles().front().name, 7);
  REQUIRE(v.size() == profiles().size() + 2);
  for (size_t i = 0; i < profiles().size(); ++i) {
    CHECK(v[i].name == profiles()[i].name);
    CHECK(v[i].format == Format::Hif4);
    Config c = profiles()[i].config;
    c.sr_seed = 7;
    CHECK(v[i].config == c);
  }
  CHECK(v[profiles().size()].format == Format::Nvfp4);
  CHECK(v[profiles().size() + 1].format == Format::Mxfp4);
}

TEST_CASE("Knob sweeps (--vary) over the baseline profile, crossed with each other", "[compare]") {
  const std::vector<Variant> v = build_variants(
      {}, {"payload-rounding=nearest-away,nearest-even,toward-zero,stochastic"}, "gcc", 3);
  REQUIRE(v.size() == 6);
  const char* values[] = {"nearest-away", "nearest-even", "toward-zero", "stochastic"};
  const Knob& knob = find_knob("payload-rounding");
  for (int i = 0; i < 4; ++i) {
    CHECK(v[i].name == std::string("gcc payload-rounding=") + values[i]);
    Config c = find_profile("gcc").config;
    apply_setting(c, std::string("payload-rounding=") + values[i]);
    c.sr_seed = 3;
    CHECK(v[i].config == c);
    CHECK(std::string(knob_value_name(knob, v[i].config)) == values[i]);
  }
  CHECK(v[4].name == "nvfp4");
  CHECK(v[5].name == "mxfp4");

  // Two sweeps over two named profiles: 2 x (2 x 3) variants, first sweep slowest; a baseline
  // format named alongside stays as it is.
  const std::vector<Variant> x = build_variants(
      {"seed", "cann", "mxfp4"}, {"scale-rounding=nearest-even,up", "negative-zero=plus-zero,keep-sign"},
      "seed", 0);
  REQUIRE(x.size() == 2 * 2 * 2 + 1);
  CHECK(x[0].name == "seed scale-rounding=nearest-even negative-zero=plus-zero");
  CHECK(x[1].name == "seed scale-rounding=nearest-even negative-zero=keep-sign");
  CHECK(x[2].name == "seed scale-rounding=up negative-zero=plus-zero");
  CHECK(x[4].name.rfind("cann ", 0) == 0);
  CHECK(x[4].config.scale_overflow == find_profile("cann").config.scale_overflow);
  CHECK(x[8].format == Format::Mxfp4);
}

TEST_CASE("Variant errors name the knob, value or profile and what is valid", "[compare]") {
  CHECK(error_of({}, {"no-such-knob=a"}).find("unknown knob 'no-such-knob'") != std::string::npos);
  CHECK(error_of({}, {"payload-rounding=nearest,even"}).find("unknown value 'nearest'") !=
        std::string::npos);
  CHECK(error_of({}, {"payload-rounding=nearest"}).find("values: nearest-away") !=
        std::string::npos);
  CHECK(error_of({}, {"payload-rounding="}).find("empty value") != std::string::npos);
  CHECK(error_of({}, {"payload-rounding=nearest-even,"}).find("empty value") != std::string::npos);
  CHECK(error_of({}, {"payload-rounding"}).find("expected KNOB=VALUE1,VALUE2") !=
        std::string::npos);
  CHECK(error_of({}, {"=nearest-even"}).find("expected KNOB=VALUE1,VALUE2") != std::string::npos);
  CHECK(error_of({}, {"payload-rounding=nearest-even", "payload-rounding=toward-zero"})
            .find("knob payload-rounding given twice") != std::string::npos);
  CHECK(error_of({}, {"payload-rounding=nearest-even,nearest-even"}).find("given twice") !=
        std::string::npos);
  CHECK(error_of({"fp8"}, {}).find("unknown profile 'fp8'") != std::string::npos);
  CHECK(error_of({"seed", "seed"}, {}).find("given twice") != std::string::npos);
  CHECK(error_of({}, {}, "nvfp4").find("unknown profile 'nvfp4'") != std::string::npos);
  CHECK(error_of({}, {}, "seed").empty());
}

TEST_CASE("Study names", "[compare]") {
  CHECK(std::string(find_study("gaussian").name) == "gaussian");
  CHECK(find_study("student-t").distribution == Distribution::StudentT3);
  const std::string unknown = test::message_of<ConfigError>([] { find_study("normal"); });
  CHECK(unknown.find("unknown study 'normal'") != std::string::npos);
  CHECK(unknown.find("gaussian, laplace, student-t, uniform, llm-mix") != std::string::npos);
  CHECK(study_sigma(0) == 0.01);
  CHECK(study_sigma(17) == 0.01 * 131072);
}

TEST_CASE("Variants by name or number; the NVFP4 formulas; what reads the SR seed", "[compare]") {
  const std::vector<Variant> v = build_variants(
      {"seed", "nvfp4", "nvfp4-div6", "mxfp4"}, {"payload-rounding=nearest-even,stochastic"},
      "seed", 0);
  REQUIRE(v.size() == 5);
  CHECK(find_variant(v, "seed payload-rounding=stochastic") == 1);
  CHECK(find_variant(v, "nvfp4-div6") == 3);
  CHECK(find_variant(v, "5") == 4);
  const std::string unknown = test::message_of<ConfigError>([&] { find_variant(v, "seed"); });
  CHECK(unknown.find("no variant 'seed'") != std::string::npos);
  CHECK(unknown.find("'seed payload-rounding=nearest-even'") != std::string::npos);
  CHECK(unknown.find("1..5") != std::string::npos);
  CHECK(test::message_of<ConfigError>([&] { find_variant(v, "6"); }).find("no variant") !=
        std::string::npos);

  CHECK(v[2].format == Format::Nvfp4);
  CHECK(v[3].format == Format::Nvfp4Div6);
  CHECK(std::string(format_name(Format::Nvfp4Div6)) == "nvfp4-div6");
  CHECK(describe_variant(v[2]).find("amax_b * (S_enc * (1/6))") != std::string::npos);
  CHECK(describe_variant(v[3]).find("(amax_b / 6) * S_enc") != std::string::npos);
  CHECK(describe_variant(v[0]).find("payload-rounding=nearest-even") != std::string::npos);
  CHECK(!v[0].stochastic());
  CHECK(v[1].stochastic());
  CHECK(!v[2].stochastic());
}
