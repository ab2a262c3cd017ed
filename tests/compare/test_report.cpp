// The report of `hif4 compare`: tables, figure descriptions, the JSON for the plotting script,
// the HTML page, and the progress line.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "hif4/compare.h"
#include "hif4/compare_figures.h"
#include "hif4/compare_matmul.h"
#include "hif4/compare_progress.h"
#include "hif4/compare_report.h"
#include "hif4/compare_stats.h"
#include "hif4/compare_tables.h"

using namespace hif4;
using namespace hif4::compare;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A small run with every part: a synthetic study, the matrix products, 2 repeats, 2 SR seeds.
Report small_report() {
  RunOptions o;
  o.settings.seed = 3;
  o.settings.repeats = 2;
  o.settings.sr_seeds = 2;
  o.settings.rows = 2;
  o.settings.tokens = 2;
  o.baseline_profile = "seed";
  o.threads = 2;
  std::vector<StudyPlan> plans(2);
  plans[0].spec = &find_study("gaussian");
  plans[1].kind = StudyKind::Matmul;
  plans[1].matmul = &matmul_cases()[0];
  return run_studies(plans,
                     build_variants({}, {"payload-rounding=nearest-away,toward-zero,stochastic"},
                                    "seed", 3),
                     o);
}

// Per-matrix figures with the given SQNRs (dB) and a negligible sampling error.
StudyResult sqnr_study(const std::vector<double>& sqnr_db) {
  StudyResult r;
  r.kind = StudyKind::Synthetic;
  r.per_matrix.resize(1);
  for (double db : sqnr_db) {
    ErrorStats s;
    s.values = 1000000;
    s.sum_sq_input = 1e6;
    s.sum_sq_error = 1e6 * std::pow(10.0, -db / 10);
    const double e2 = s.sum_sq_error / 1e6;  // every error of the same size: no spread
    s.sum_quad_error = 1e6 * e2 * e2;
    r.per_matrix[0].push_back(s);
    r.matrix_labels.push_back("m");
    r.matrix_sigmas.push_back(study_sigma(static_cast<unsigned>(r.matrix_sigmas.size())));
  }
  return r;
}

}  // namespace

TEST_CASE("base64 against RFC 4648's test vectors", "[compare]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64(std::string("\x89PNG\xff\x00", 6)) == "iVBOR/8A");
}

TEST_CASE("The command line is quoted so that a shell reads it back", "[compare]") {
  CHECK(shell_command({"hif4", "compare", "--vary", "payload-rounding=nearest-away,up"}) ==
        "hif4 compare --vary payload-rounding=nearest-away,up");
  CHECK(shell_command({"hif4", "--report", "my dir", "it's", ""}) ==
        "hif4 --report 'my dir' 'it'\\''s' ''");
  CHECK(html_escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
}

TEST_CASE("Tables as markdown and HTML", "[compare]") {
  Table t{{"variant", "MSE"}, "lr", {{"seed", "1.5"}, {"a<b", "2"}}};
  CHECK(markdown_table(t) == "| variant | MSE |\n|---|---:|\n| seed | 1.5 |\n| a<b | 2 |\n");
  const std::string html = html_table(t);
  CHECK(html.find("<th class=\"r\">MSE</th>") != std::string::npos);
  CHECK(html.find("<td class=\"l\">a&lt;b</td>") != std::string::npos);
  CHECK(count(html, "<tr>") == 3);
}

TEST_CASE("Short labels drop what every HiF4 variant shares", "[compare]") {
  std::string common;
  const std::vector<Variant> sweep = build_variants(
      {}, {"payload-rounding=nearest-away,stochastic", "scale-rounding=nearest-even,up"}, "gcc", 0);
  const std::vector<std::string> labels = short_labels(sweep, &common);
  CHECK(common == "gcc");
  CHECK(labels[0] == "payload-rounding=nearest-away scale-rounding=nearest-even");
  CHECK(labels[4] == "nvfp4");
  // One knob of two fixed: it is shared too.
  const std::vector<Variant> one = build_variants(
      {}, {"payload-rounding=stochastic", "scale-rounding=nearest-even,up"}, "gcc", 0);
  CHECK(short_labels(one, &common)[1] == "scale-rounding=up");
  CHECK(common == "gcc payload-rounding=stochastic");
  // Plain profiles: the names themselves.
  const std::vector<Variant> plain = build_variants({}, {}, "seed", 0);
  const std::vector<std::string> names = short_labels(plain, &common);
  CHECK(common.empty());
  for (size_t i = 0; i < plain.size(); ++i) CHECK(names[i] == plain[i].name);
}

TEST_CASE("Sigma matters only as a trend beyond the matrices' scatter and 0.25 dB", "[compare]") {
  double spread = 0;
  // Flat with a little scatter.
  CHECK(!sigma_matters(sqnr_study({21.6, 21.61, 21.59, 21.6, 21.62, 21.58, 21.6, 21.61}), &spread));
  CHECK(spread < 0.05);
  // A drop at the small-sigma end (a range limit reached): a trend of several dB.
  CHECK(sigma_matters(sqnr_study({12.0, 16.0, 19.0, 20.5, 21.2, 21.5, 21.6, 21.6}), &spread));
  CHECK(spread > 8);
  // A zigzag of +-1 dB (matrices drawn with different outliers): scatter, no trend.
  CHECK(!sigma_matters(sqnr_study({22.3, 20.6, 22.0, 21.1, 21.6, 21.0, 22.1, 20.7, 21.7, 20.6}),
                       &spread));
  // A straight slope of 0.1 dB per octave over 8 octaves: 0.7 dB, clean: a trend.
  CHECK(sigma_matters(sqnr_study({21.0, 21.1, 21.2, 21.3, 21.4, 21.5, 21.6, 21.7})));
  // The same slope over only 0.14 dB is below what matters.
  CHECK(!sigma_matters(sqnr_study({21.0, 21.02, 21.04, 21.06, 21.08, 21.1, 21.12, 21.14})));
}

TEST_CASE("F test of a quadratic trend", "[compare]") {
  double range = 0;
  // y = x^2 exactly: p = 0; a constant: p = 1; too few points: 1.
  CHECK(quadratic_trend_p_value({0, 1, 2, 3, 4}, {0, 1, 4, 9, 16}, &range) == 0);
  CHECK(range == Approx(16).epsilon(1e-12));
  CHECK(quadratic_trend_p_value({0, 1, 2, 3, 4}, {5, 5, 5, 5, 5}, &range) == 1);
  CHECK(quadratic_trend_p_value({0, 1, 2, 3}, {0, 1, 4, 9}, &range) == 1);
  // x = 0..5, y = {0, 2, 1, 3, 2, 4}: the least-squares quadratic is the line 3/7 + 22/35 x
  // (the x^2 term is 0), RSS = 108/35, TSS = 10, so F = ((10 - 108/35) / 2) / ((108/35) / 3)
  // = 121/36, and for 2 and 3 degrees of freedom P(F > f) = (1 + 2f/3)^(-3/2) = (175/54)^(-3/2).
  const double p = quadratic_trend_p_value({0, 1, 2, 3, 4, 5}, {0, 2, 1, 3, 2, 4}, &range);
  CHECK(p == Approx(std::pow(175.0 / 54, -1.5)).epsilon(1e-9));
  CHECK(range == Approx(110.0 / 35).epsilon(1e-12));
}

TEST_CASE("A report's figures, their JSON, tables and HTML page", "[compare]") {
  const Report r = small_report();
  REQUIRE(r.studies.size() == 3);  // gaussian, matmul-qkv-w, matmul-qkv-wx
  const std::vector<FigureSpec> figures = report_figures(r);
  std::vector<std::string> ids;
  for (const FigureSpec& f : figures) ids.push_back(f.id);
  // 2 rows per matrix: the per-matrix SQNR is noisy, so no sigma figure.
  CHECK(ids == std::vector<std::string>{"mse_difference", "matmul", "sr_bias_variance"});
  for (const std::string& id : ids)
    CHECK(std::find(figure_ids().begin(), figure_ids().end(), id) != figure_ids().end());
  const FigureSpec& diff = figures[0];
  REQUIRE(diff.panels.size() == 1);
  CHECK(diff.panels[0].labels.size() == r.variants.size());
  CHECK(diff.panels[0].reference == 0);
  CHECK(diff.panels[0].text[0] == "reference");
  CHECK(diff.title.find(r.variants[0].name) != std::string::npos);
  CHECK(diff.subtitle.find("2 seeds (3..4)") != std::string::npos);
  // Toward zero is far worse: its interval lies above 0.
  CHECK(diff.panels[0].low[1] > 0);
  CHECK(figures[1].panels.size() == 2);
  CHECK(figures[1].panels[1].title == "qkv: W and X quantized");
  CHECK(figures[2].panels[0].series.size() == 2);

  // The JSON: the same figures, NaN as null.
  const nlohmann::json j = nlohmann::json::parse(figures_json(figures, "hif4 compare", "9.9"));
  CHECK(j["version"] == "9.9");
  REQUIRE(j["figures"].size() == 3);
  CHECK(j["figures"][0]["id"] == "mse_difference");
  CHECK(j["figures"][0]["groups"][3] == "nvfp4");
  CHECK(j["figures"][0]["panels"][0]["low"][0] == 0.0);  // the reference: [0, 0]
  CHECK(j["figures"][0]["panels"][0]["series"][0]["values"].size() == r.variants.size());
  FigureSpec gap;
  gap.panels.resize(1);
  gap.panels[0].low = {1.0, std::nan("")};
  CHECK(nlohmann::json::parse(figures_json({gap}, "", ""))["figures"][0]["panels"][0]["low"][1].is_null());

  // The markdown: each study's three tables.
  const std::string md = format_markdown(r);
  CHECK(count(md, "| resolved |") == 3);
  CHECK(count(md, "| magnitude bias |") == 3);
  CHECK(md.find("| toward-zero") == std::string::npos);  // full names in tables
  CHECK(md.find("seed payload-rounding=toward-zero | +") != std::string::npos);

  // The page: self-contained, every table, the figures inline, the command escaped.
  ReportPage page{"hif4 compare --report '<dir>'", "9.9", "2026-01-01 00:00:00 UTC", 2};
  const std::string html =
      html_report(r, page, figures, {std::string("\x89PNG1"), "PNG2", "PNG3"});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("hif4 compare --report '&lt;dir&gt;'") != std::string::npos);
  CHECK(html.find("src=\"data:image/png;base64," + base64("\x89PNG1") + "\"") != std::string::npos);
  CHECK(count(html, "<img ") == 3);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("hif4 9.9") != std::string::npos);
  for (const StudyResult& s : r.studies) CHECK(html.find(html_escape(study_heading(s))) != std::string::npos);
  // Configuration, variants, summary, then per study: figures, differences, SR tables.
  CHECK(count(html, "<table>") == 3 + 3 * 3);
  CHECK(html.find("class=\"r higher\"") != std::string::npos);  // toward-zero, resolved
}

TEST_CASE("Progress shows on a terminal only, and erases itself", "[compare]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    Progress p(true, f, "hif4 compare", 0.0, 0.0);
    p.add_total(10);
    p.set_stage("gaussian");
    p.advance(5);
    CHECK(p.lines_shown() >= 1);
    p.finish();
  }
  std::rewind(f);
  char buf[512] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string text(buf, n);
  CHECK(text.find("hif4 compare: 50% (gaussian)") != std::string::npos);
  CHECK(text.size() >= 4);
  CHECK(text.compare(text.size() - 4, 4, "\r\033[K") == 0);

  std::FILE* g = std::tmpfile();
  REQUIRE(g);
  {
    Progress quiet(false, g, "hif4 compare", 0.0, 0.0);
    quiet.add_total(10);
    quiet.advance(10);
    CHECK(quiet.lines_shown() == 0);
    CHECK(quiet.done() == 10);
  }
  CHECK(std::ftell(g) == 0);
  std::fclose(g);
  // Before the delay nothing is shown.
  std::FILE* h = std::tmpfile();
  {
    Progress late(true, h, "hif4 compare", 3600.0, 0.0);
    late.add_total(2);
    late.advance(1);
    CHECK(late.lines_shown() == 0);
  }
  CHECK(std::ftell(h) == 0);
  std::fclose(h);
}
