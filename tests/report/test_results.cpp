// Results as data: JSON written and read back unchanged, hostile results files refused with the
// reason, shards merged (and refused when they do not make a run), JUnit text escaped.
#include <catch2/catch.hpp>

#include "hif4/junit.h"
#include "hif4/results.h"
#include "hif4/results_json.h"
#include "hif4/summary.h"
#include "message_of.h"

using namespace hif4;

namespace {

// A cosim-like shard with two configurations' coverage and a failed row.
Results sample(uint32_t k, uint32_t n) {
  Results r;
  r.command = "cosim";
  r.run = "hif4 cosim of random 300 seed 1";
  r.heading = {"hif4 cosim: a heading", "  source      random 300 blocks (seed 1)"};
  r.shard = {k, n};
  r.shard_first = 100 * k;
  r.shard_blocks = 100;
  r.max_reports = 2;
  r.hif4_version = "hif4 test";
  r.seconds = 0.5;
  ResultRow row;
  row.suite = "random";
  row.profile = "gcc";
  row.blocks = 100;
  row.failed = k;  // shard k fails k blocks
  row.mismatches = k;
  if (k) row.first = {true, 100 * k, "MISMATCH in shard " + std::to_string(k) + " <&\"'>"};
  r.rows.push_back(row);
  for (const char* profile : {"gcc", "cann"}) {
    Coverage& c = coverage_for(r.coverage, find_profile(profile).config);
    std::vector<uint64_t> counts(coverage_bins().size(), 0);
    for (size_t i = 0; i < counts.size(); ++i)
      if (c.applicable(i)) counts[i] = (i + k) % 3;
    c.add_counts(50, counts);
  }
  if (k) r.reports = {"report " + std::to_string(k)};
  r.cosim = {100, 100, 300, 105 + k, 0, k, 0, 4 + k, 6 + k, 100 - k, k, 0.25};
  return r;
}

std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("results survive JSON unchanged, one run or several", "[report]") {
  const Results a = sample(1, 3), b = sample(2, 3);
  const std::string one = results_to_json({a});
  const std::vector<Results> back = results_from_json(one, "one.json");
  REQUIRE(back.size() == 1);
  CHECK(results_to_json(back) == one);
  const std::string two = results_to_json({a, b});
  CHECK_THAT(two, Catch::Contains("\"runs\""));
  const std::vector<Results> both = results_from_json(two, "two.json");
  REQUIRE(both.size() == 2);
  CHECK(results_to_json(both) == two);
  CHECK(both[1].cosim.latency_max == 8);
  CHECK(both[1].coverage.size() == 2);
}

TEST_CASE("shards add up; a missing, repeated or foreign shard is refused", "[report]") {
  std::vector<NamedResults> in;
  for (uint32_t k : {2u, 0u, 1u}) in.push_back({"s" + std::to_string(k), sample(k, 3)});
  const std::vector<Results> m = merge_results(in);
  REQUIRE(m.size() == 1);
  const Results& r = m.front();
  CHECK(r.shard.whole());
  CHECK(r.shards_merged == 3);
  CHECK(r.rows[0].blocks == 300);
  CHECK(r.rows[0].failed == 3);
  CHECK(r.rows[0].first.report == "MISMATCH in shard 1 <&\"'>");  // the earliest shard's
  CHECK(r.reports == std::vector<std::string>{"report 1", "report 2"});  // max_reports 2
  CHECK(r.cosim.cycles == 105 + 106 + 107);
  CHECK(r.cosim.latency_min == 4);
  CHECK(r.cosim.latency_max == 8);
  CHECK(r.coverage[0].blocks() == 150);
  CHECK(!r.passed());
  CHECK_THAT(format_merged(m), Catch::Contains("the sum of 3 shards' simulations") &&
                                   Catch::Contains("297 passed, 3 failed"));

  CHECK_THAT(test::message_of<Error>([&] { merge_results({in[0], in[1]}); }), Catch::Contains("shard 1 of 3 missing"));
  CHECK_THAT(test::message_of<Error>([&] { merge_results({in[0], in[1], in[2], in[2]}); }),
             Catch::Contains("'s1' and 's1' are both shard 1/3"));
  NamedResults other{"other", sample(1, 3)};
  other.results.hif4_version = "hif4 another build";
  CHECK_THAT(test::message_of<Error>([&] { merge_results({in[0], in[1], other}); }),
             Catch::Contains("made by different builds"));
  NamedResults rows{"rows", sample(1, 3)};
  rows.results.rows[0].suite = "tiny";
  CHECK_THAT(test::message_of<Error>([&] { merge_results({in[0], in[1], rows}); }),
             Catch::Contains("row 1 is random/gcc in one and tiny/gcc in the other"));
  // Another run (its identity differs) is merged on its own, not into this one.
  NamedResults foreign{"foreign", sample(0, 1)};
  foreign.results.run = "another run";
  CHECK(merge_results({in[0], in[1], in[2], foreign}).size() == 2);
}

TEST_CASE("a hostile results file is refused with the reason and the file's name", "[report][hardening]") {
  const std::string good = results_to_json({sample(1, 3)});
  const auto error = [](const std::string& text) {
    return test::message_of<Error>([&] { results_from_json(text, "bad.json"); });
  };
  CHECK_THAT(error("not json"), Catch::Contains("results file 'bad.json'"));
  CHECK_THAT(error("{}"), Catch::Contains("field 'schema' is missing"));
  // One edit of a good file each, and what the refusal must say.
  const struct {
    const char* from;
    const char* to;
    const char* says;
  } edits[] = {
      {"\"hif4-results\"", "\"other\"", "not a hif4 results file"},
      {"\"schema_version\": 2", "\"schema_version\": 3", "schema version 3 is not supported"},
      {"\"blocks\": 100,", "\"blocks\": -1,", "field 'blocks' has the wrong type or range"},
      {"\"count\": 3", "\"count\": 4294967299", "field 'count' has the wrong type or range"},
      {"\"count\": 3", "\"count\": 0", "out of range"},
      {"\"index\": 1", "\"index\": 3", "out of range"},
      {"\"command\": \"cosim\"", "\"command\": \"rm\"", "unknown command 'rm'"},
      {"\"scale-rounding\": \"nearest-even\"", "\"scale-rounding\": \"sideways\"", "coverage knobs"},
      // A bin that cannot happen under the knobs given a count, or a count above the blocks.
      {"\"payload.stochastic-up\": null", "\"payload.stochastic-up\": 0", "cannot happen under these knobs"},
      {"\"blocks\": 50,", "\"blocks\": 0,", "counts more blocks than were checked"},
      {"\"scale.exact\": ", "\"scale.other\": ", "'scale.exact' is missing"},
  };
  for (const auto& e : edits) {
    INFO(e.from << " -> " << e.to);
    CHECK_THAT(error(replace_first(good, e.from, e.to)), Catch::Contains(e.says));
  }
  CHECK_THAT(error(std::string(100000, '[') + std::string(100000, ']')), Catch::Contains("expected an object"));
}

TEST_CASE("JUnit text: markup and control bytes escaped", "[report]") {
  CHECK(xml_escape("a<b>&\"'\n\tz") == "a&lt;b&gt;&amp;&quot;&apos;&#10;&#9;z");
  CHECK(xml_escape(std::string("\x01\x7f\xc3\xa9", 4)) == "????");
  const std::string xml = results_to_junit({sample(2, 3)}, "hif4 <test>");
  CHECK_THAT(xml, Catch::Contains("<testsuites name=\"hif4 &lt;test&gt;\" tests=\"1\" failures=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<testcase classname=\"hif4.cosim.gcc\" name=\"random\""));
  CHECK_THAT(xml, Catch::Contains("message=\"MISMATCH in shard 2 &lt;&amp;&quot;&apos;&gt;\" type=\"mismatch\""));
}
