// Coverage::add_block (the packed path and the tables of fast_tables.h) against Coverage::add
// (the stage trace): the same counts, bin for bin and block for block, on every level-1 suite
// under every profile and under knob settings that reach every value of every knob, and on
// random corner blocks; the tables against the stage functions for every input they serve;
// and a fault planted in a table is caught.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/coverage.h"
#include "hif4/fast_tables.h"
#include "hif4/suites.h"
#include "hif4/verify.h"
#include "mismatches.h"

using namespace hif4;

namespace {

// "name traced/other" for every bin whose counts differ.
std::string differing_bins(const Coverage& traced, const Coverage& other) {
  std::string s;
  for (size_t i = 0; i < coverage_bins().size(); ++i)
    if (traced.count(i) != other.count(i))
      s += coverage_bins()[i].name + " " + std::to_string(traced.count(i)) + "/" +
           std::to_string(other.count(i)) + " ";
  return s;
}

bool same_counts(const Coverage& a, const Coverage& b) {
  if (a.blocks() != b.blocks()) return false;
  for (size_t i = 0; i < coverage_bins().size(); ++i)
    if (a.count(i) != b.count(i)) return false;
  return true;
}

// Counts every block three ways: from the stage trace (the reference), add_block from the
// inputs (the co-simulation's way), add_block with the packed bytes given (`hif4 coverage`'s
// way). After each block all three must agree; the first differing blocks are reported with
// the bins that differ and a replay command.
class WaysCompared {
 public:
  explicit WaysCompared(const Config& cfg, const std::string& name)
      : cfg_(cfg), name_(name), traced_(cfg), fast_(cfg), given_(cfg) {}

  void add(const uint16_t in[kBlockValues], uint64_t block_index, const uint8_t packed[kPackedBytes]) {
    quantize_block(in, cfg_, block_index, &trace_);
    traced_.add(trace_);
    fast_.add_block(in, block_index);
    given_.add_block(in, block_index, packed);
    ++mismatches.checks;
    if (same_counts(traced_, fast_) && same_counts(traced_, given_)) return;
    const std::string way = same_counts(traced_, fast_) ? "packed bytes given" : "from the inputs";
    const std::string bins = differing_bins(traced_, same_counts(traced_, fast_) ? given_ : fast_);
    mismatches.report("%s, block %llu, add_block %s: bins (traced/fast) %s; replay: %s", name_.c_str(),
                      static_cast<unsigned long long>(block_index), way.c_str(), bins.c_str(),
                      replay_command("", cfg_, in, block_index).c_str());
    fast_ = given_ = traced_;  // each differing block reported once
  }

  // Every level-1 suite's records, with the expected bytes the generator made as the packed
  // bytes given.
  void add_level1() {
    generate(make_plan("all", 1, 0), 1, 1, cfg_, reference_expected, [&](const GeneratedChunk& c) {
      for (size_t i = 0; i < c.count; ++i)
        add(c.inputs + i * kBlockValues, c.first_record + i, c.expected + i * kPackedBytes);
    });
  }

  // `count` random corner blocks of `seed`, packed by the model.
  void add_corner_blocks(uint64_t seed, size_t count) {
    CornerBlocks blocks(seed);
    uint16_t in[kBlockValues];
    uint8_t packed[kPackedBytes];
    for (size_t b = 0; b < count; ++b) {
      blocks.next(in);
      quantize_blocks(in, 1, cfg_, b, packed);
      add(in, b, packed);
    }
  }

  const Coverage& traced() const { return traced_; }
  test::Mismatches mismatches{3, test::Mismatches::Show::Keep};

 private:
  Config cfg_;
  std::string name_;
  Coverage traced_, fast_, given_;
  BlockTrace trace_;
};

Config with(const std::string& profile, std::initializer_list<std::string> settings) {
  Config c = find_profile(profile).config;
  for (const std::string& s : settings) apply_setting(c, s);
  return c;
}

struct NamedConfig {
  std::string name;
  Config config;
};

// Every profile; every value of every knob, set on the profiles in turn; and the combinations
// that pick each of the payload-event tables (the three window roundings under both payload
// products), each negative-zero value under payload-product=bf16, and Inf products and lanes
// under threshold-product=bf16.
std::vector<NamedConfig> configs_reaching_every_knob_value() {
  std::vector<NamedConfig> out;
  for (const Profile& p : profiles()) out.push_back({p.name, p.config});
  size_t turn = 0;
  for (const Knob& k : knobs())
    for (size_t v = 0; v < k.values.size(); ++v) {
      const Profile& p = profiles()[turn++ % profiles().size()];
      Config c = p.config;
      k.set(c, static_cast<uint8_t>(v));
      c.sr_seed = 11;
      out.push_back({std::string(p.name) + " " + k.name + "=" + k.values[v].name, c});
    }
  for (const char* rounding : {"nearest-away", "nearest-even", "toward-zero"})
    for (const Knob& k : knobs())
      if (std::string(k.name) == "negative-zero")
        for (const KnobValue& nz : k.values) {
          const std::string name = std::string("payload-product=bf16 payload-rounding=") + rounding +
                                   " negative-zero=" + nz.name;
          out.push_back({"seed " + name, with("seed", {"payload-product=bf16",
                                                      std::string("payload-rounding=") + rounding,
                                                      std::string("negative-zero=") + nz.name})});
        }
  out.push_back({"cann threshold-product=bf16 non-finite=saturate-inf scale-overflow=saturate",
                 with("cann", {"threshold-product=bf16", "non-finite=saturate-inf", "scale-overflow=saturate"})});
  out.push_back({"gcc scale-binade=log2-bf16 scale-overflow=nan-unrounded payload-product=bf16",
                 with("gcc", {"scale-binade=log2-bf16", "scale-overflow=nan-unrounded", "payload-product=bf16"})});
  return out;
}

// A fault planted in a table the fast path reads, taken out again at the end of the scope.
// The payload-event tables are built on the heap as non-const objects (fast_tables.cpp), so
// writing one through const_cast is defined.
class PlantedFault {
 public:
  explicit PlantedFault(const PayloadEventWindow& w)
      : table_(const_cast<PayloadEventWindow&>(w)), saved_(w) {}
  ~PlantedFault() { table_ = saved_; }
  PayloadEventWindow& table() { return table_; }

 private:
  PayloadEventWindow& table_;
  PayloadEventWindow saved_;
};

}  // namespace

TEST_CASE("add_block counts what add counts from the trace: every level-1 suite, every knob value",
          "[coverage][fast]") {
  const std::vector<NamedConfig> configs = configs_reaching_every_knob_value();
  CHECK(configs.size() > 30);
  for (const NamedConfig& c : configs) {
    INFO(c.name << ": " << describe(c.config));
    WaysCompared ways(c.config, c.name);
    ways.add_level1();
    CHECK(ways.mismatches.summary("blocks") == "");
    CHECK(ways.traced().blocks() > 10000);
  }
}

TEST_CASE("add_block counts what add counts from the trace: random corner blocks", "[coverage][fast]") {
  for (const Profile& p : profiles()) {
    INFO(p.name);
    WaysCompared ways(p.config, p.name);
    ways.add_corner_blocks(20, 20000);
    CHECK(ways.mismatches.summary("blocks") == "");
  }
}

TEST_CASE("payload-window events equal the traced stage function for every BF16 x every E6M2 code x every E1 shift",
          "[coverage][fast][exhaustive]") {
  const PayloadRounding modes[] = {PayloadRounding::NearestAway, PayloadRounding::NearestEven,
                                   PayloadRounding::TowardZero};
  test::Mismatches mismatches(3, test::Mismatches::Show::Keep);
  for (PayloadRounding mode : modes)
    for (ProductMode product : {ProductMode::Exact, ProductMode::Bf16}) {
      Config c;
      c.payload_rounding = mode;
      c.payload_product = product;
      Config exact_product = c;
      exact_product.payload_product = ProductMode::Exact;
      const PayloadEventWindow& w = payload_event_window(to_rounding(mode), product);
      for (unsigned code = 0; code < kE6M2NaN; ++code) {
        const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
        const LaneScale ls = lane_scale(rec);
        for (unsigned e1 = 0; e1 <= 2; ++e1) {
          const int start = payload_window_start(ls, e1);
          REQUIRE(start >= 0);  // coverage.cpp's eight-lane index: |x| - start fits int16
          REQUIRE(start <= 0x7FFF);
          for (uint32_t x = 0; x < 0x10000; ++x) {
            if (bf16_is_nan(static_cast<uint16_t>(x))) continue;
            const LaneEncoding l = encode_s1p2(static_cast<uint16_t>(x), rec, e1, c, 0);
            const bool changed = encode_s1p2(static_cast<uint16_t>(x), rec, e1, exact_product, 0).code != l.code;
            const uint8_t want = static_cast<uint8_t>(payload_lane_events(l) | (changed ? kPayloadEventProductChanged : 0));
            const uint8_t got = payload_window_events(w, static_cast<uint8_t>(code), start, static_cast<uint16_t>(x));
            ++mismatches.checks;
            if (got != want)
              mismatches.report("rounding %d product %d E6M2 0x%02X E1 shift %u x 0x%04X: table 0x%02X, trace 0x%02X",
                                static_cast<int>(mode), static_cast<int>(product), code, e1, x, got, want);
          }
        }
      }
    }
  CHECK(mismatches.summary("lanes") == "");
  CHECK(mismatches.checks == 6ull * kE6M2NaN * 3 * (0x10000 - 2 * 0x7F));  // every non-NaN x was compared
}

TEST_CASE("E1 bounds equal the compared products for every BF16 peak x every E6M2 code, both products",
          "[coverage][fast][exhaustive]") {
  test::Mismatches mismatches(3, test::Mismatches::Show::Keep);
  for (ProductMode mode : {ProductMode::Exact, ProductMode::Bf16})
    for (unsigned code = 0; code < kE6M2NaN; ++code) {
      const uint16_t rec = e6m2_reciprocal(static_cast<uint8_t>(code));
      const E1Thresholds& th = e1_thresholds(static_cast<uint8_t>(code), mode);
      const E1Bounds& b = e1_bounds(static_cast<uint8_t>(code), mode);
      for (uint32_t v = 0; v <= kBf16Inf; ++v) {
        const ThresholdProduct p = threshold_product(static_cast<uint16_t>(v), rec, mode);
        const bool at2 = v >= th.ge2 && v < b.gt2, at4 = v >= th.ge4 && v < b.gt4, inf = v >= b.inf;
        ++mismatches.checks;
        if (at2 != (compare_pow2(p, 1) == 0) || at4 != (compare_pow2(p, 2) == 0) || inf != p.infinite)
          mismatches.report("product %d E6M2 0x%02X V 0x%04X: bounds say ==2 %d ==4 %d Inf %d", static_cast<int>(mode),
                            code, v, at2, at4, inf);
      }
    }
  CHECK(mismatches.summary("peaks") == "");
  CHECK(mismatches.checks == 2ull * kE6M2NaN * (kBf16Inf + 1));
}

TEST_CASE("a fault in the payload-window events is caught, with the bins and a replay", "[coverage][fast]") {
  const Config seed = find_profile("seed").config;  // nearest-away, exact product
  {
    PlantedFault fault(payload_event_window(Rounding::NearestAway, ProductMode::Exact));
    // Ties of the REC mantissa 0 windows called inexact: payload.tie-up loses blocks.
    unsigned planted = 0;
    for (uint8_t& e : fault.table().events[0])
      if (e == kPayloadEventTieUp) {
        e = kPayloadEventInexactUp;
        ++planted;
      }
    REQUIRE(planted > 0);
    WaysCompared ways(seed, "seed");
    ways.add_corner_blocks(20, 2000);
    CHECK(ways.mismatches.count > 0);
    CHECK_THAT(ways.mismatches.summary("blocks"), Catch::Contains("payload.tie-up"));
    CHECK_THAT(ways.mismatches.summary("blocks"), Catch::Contains("replay: hif4 explain --profile seed"));
  }
  {
    PlantedFault fault(payload_event_window(Rounding::NearestAway, ProductMode::Exact));
    // Zero products taken for rounded lanes: a threshold off by one.
    for (uint16_t& from : fault.table().nonzero_from) from = 0;
    WaysCompared ways(seed, "seed");
    ways.add_corner_blocks(20, 2000);
    CHECK_THAT(ways.mismatches.summary("blocks"), Catch::Contains("payload.inexact-down"));
  }
  // With the tables restored the same blocks agree.
  WaysCompared ways(seed, "seed");
  ways.add_corner_blocks(20, 2000);
  CHECK(ways.mismatches.summary("blocks") == "");
}
