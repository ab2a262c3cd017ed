// The figures of a report (compare_figures.h).
#include "hif4/compare_figures.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "hif4/compare_matmul.h"
#include "hif4/compare_stats.h"
#include "hif4/compare_tables.h"

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string seeds_text(const RunSettings& set) {
  if (set.repeats == 1) return "seed " + std::to_string(set.seed);
  return std::to_string(set.repeats) + " seeds (" + std::to_string(set.seed) + ".." +
         std::to_string(set.seed + set.repeats - 1) + ")";
}

// "gaussian, laplace: 18 matrices of 256 x 1024 each; 4 seeds (1..4)"
std::string run_text(const Report& report, bool matmul) {
  std::vector<std::string> names;
  for (const StudyResult& r : report.studies)
    if ((r.kind == StudyKind::Matmul) == matmul) names.push_back(r.name);
  std::ostringstream out;
  const RunSettings& set = report.settings;
  if (matmul) {
    out << names.size() / 2 << " layers, " << set.tokens << " tokens x " << kMatmulOutputs
        << " outputs each";
  } else {
    for (size_t i = 0; i < names.size(); ++i) out << (i ? ", " : "") << names[i];
    bool synthetic = false;
    for (const StudyResult& r : report.studies) synthetic |= r.kind == StudyKind::Synthetic;
    if (synthetic) out << " (" << kStudyMatrices << " matrices of " << set.rows << " x " << kStudyColumns << ")";
  }
  out << "; " << seeds_text(set) << "; " << report.variants.size() << " variants";
  if (set.sr_seeds > 1) out << "; " << set.sr_seeds << " SR seeds";
  return out.str();
}

// A panel of differences to the reference: MSE ratios of a study.
Panel difference_panel(const Report& report, const StudyResult& r,
                       const std::vector<std::string>& labels, const std::string& title) {
  Panel p;
  p.title = title;
  p.labels = labels;
  p.reference = static_cast<long>(report.reference);
  Series s{"difference", {}};
  for (size_t v = 0; v < report.variants.size(); ++v) {
    const Interval d = mse_difference(r, v);
    s.values.push_back(100 * d.estimate);
    p.low.push_back(100 * d.low);
    p.high.push_back(100 * d.high);
    if (v == report.reference) {
      p.text.push_back("reference");
      continue;
    }
    p.text.push_back(difference_text(d));
  }
  p.series.push_back(std::move(s));
  return p;
}

// "qkv: W and X quantized" for the study matmul-qkv-wx.
std::string matmul_panel_title(const StudyResult& r) {
  const bool both = r.name.size() > 3 && r.name.compare(r.name.size() - 3, 3, "-wx") == 0;
  const std::string prefix = "matmul-";
  const size_t suffix = both ? 3 : 2;
  const std::string layer = r.name.substr(prefix.size(), r.name.size() - prefix.size() - suffix);
  return layer + (both ? ": W and X quantized" : ": W quantized");
}

std::string interval_words(const Report& report) {
  if (report.settings.repeats >= 2)
    return "Bars: the estimate; whiskers: its 95% t-interval over the " +
           std::to_string(report.settings.repeats) + " seeds (in logarithms of the ratio).";
  return "One seed: no intervals (--repeats N gives 95% t-intervals over N seeds).";
}

}  // namespace

const std::vector<std::string>& figure_ids() {
  static const std::vector<std::string> ids = {"mse_difference", "matmul", "sr_bias_variance",
                                               "sqnr_vs_sigma"};
  return ids;
}

std::vector<std::string> short_labels(const std::vector<Variant>& variants, std::string* common) {
  // The words in every HiF4 variant's name, when those names have more than one word.
  std::vector<std::string> shared;
  bool first = true;
  for (const Variant& v : variants) {
    if (v.format != Format::Hif4) continue;
    const std::vector<std::string> w = words(v.name);
    if (w.size() < 2) {
      shared.clear();
      break;
    }
    if (first) {
      shared = w;
      first = false;
      continue;
    }
    shared.erase(std::remove_if(shared.begin(), shared.end(),
                                [&](const std::string& s) {
                                  return std::find(w.begin(), w.end(), s) == w.end();
                                }),
                 shared.end());
  }
  std::vector<std::string> labels;
  for (const Variant& v : variants) {
    std::string label;
    if (v.format == Format::Hif4)
      for (const std::string& w : words(v.name))
        if (std::find(shared.begin(), shared.end(), w) == shared.end())
          label += (label.empty() ? "" : " ") + w;
    labels.push_back(label.empty() ? v.name : label);
  }
  if (common) {
    common->clear();
    for (const std::string& w : shared) *common += (common->empty() ? "" : " ") + w;
  }
  return labels;
}

bool sigma_matters(const StudyResult& r, double* spread_db) {
  std::vector<double> log_sigma;
  for (double s : r.matrix_sigmas) log_sigma.push_back(std::log2(s));
  double widest = 0;
  bool trend = false;
  for (const auto& per_matrix : r.per_matrix) {
    std::vector<double> sqnr;
    for (const ErrorStats& s : per_matrix) sqnr.push_back(figures(s).sqnr_db);
    double range = 0;
    const double p = quadratic_trend_p_value(log_sigma, sqnr, &range);
    widest = std::max(widest, range);
    trend |= p < kSigmaTrendP && range > kSigmaTrendDb;
  }
  if (spread_db) *spread_db = widest;
  return r.matrix_labels.size() > 1 && trend;
}

std::vector<FigureSpec> report_figures(const Report& report) {
  std::vector<FigureSpec> out;
  std::vector<std::string> groups;
  for (const Variant& v : report.variants) groups.push_back(format_name(v.format));
  std::string common;
  const std::vector<std::string> labels = short_labels(report.variants, &common);
  const std::string& ref = report.variants[report.reference].name;
  const std::string shared =
      common.empty() ? "" : " Every HiF4 variant is \"" + common + "\" with the settings shown.";
  bool any_tensor = false, any_matmul = false;
  for (const StudyResult& r : report.studies)
    (r.kind == StudyKind::Matmul ? any_matmul : any_tensor) = true;

  // The differences to the reference: one figure for the tensors, one for the products.
  for (const bool products : {false, true}) {
    if (!(products ? any_matmul : any_tensor)) continue;
    FigureSpec f;
    f.id = products ? "matmul" : "mse_difference";
    f.groups = groups;
    f.kind = "bars";
    f.title = (products ? "Output error of Y = X W^T relative to " : "Quantization MSE relative to ") + ref;
    f.subtitle = run_text(report, products);
    f.xlabel = (products ? "NMSE difference of Y to " : "MSE difference to ") + ref +
               " (%), < 0: more accurate";
    f.caption = (products ? "Per layer: weights quantized (W), or weights and activations (W and "
                            "X); the error of Y against the double-precision product of the BF16 "
                            "inputs. "
                          : "Per study, the geometric mean over its matrices of MSE(variant) / "
                            "MSE(" + ref + ") - 1. ") +
                interval_words(report) + shared;
    for (const StudyResult& r : report.studies)
      if ((r.kind == StudyKind::Matmul) == products)
        f.panels.push_back(difference_panel(report, r, labels, products ? matmul_panel_title(r) : r.name));
    out.push_back(std::move(f));
  }
  if (report.settings.sr_seeds >= 2 && any_tensor) {
    FigureSpec f;
    f.id = "sr_bias_variance";
    f.groups = groups;
    f.kind = "stacked";
    f.title = "Bias and variance over " + std::to_string(report.settings.sr_seeds) +
              " stochastic-rounding seeds";
    f.subtitle = run_text(report, false);
    f.xlabel = "MSE of one result / MSE of " + ref;
    f.caption = "The MSE of one quantization split into squared bias (of each value's mean over "
                "the seeds) and variance, both relative to the MSE of " + ref +
                ". A deterministic variant is all bias; stochastic rounding trades bias for "
                "variance, which averaging over many results (accumulation) removes." + shared;
    for (const StudyResult& r : report.studies) {
      if (r.kind == StudyKind::Matmul) continue;
      Panel p;
      p.title = r.name;
      p.labels = labels;
      p.reference = static_cast<long>(report.reference);
      const double ref_mse = sr_figures(r.sr[report.reference]).mse_one;
      Series bias{"squared bias", {}}, variance{"variance", {}};
      for (size_t v = 0; v < report.variants.size(); ++v) {
        const SrFigures s = sr_figures(r.sr[v]);
        bias.values.push_back(std::max(0.0, s.mse_one * s.bias_sq_share / ref_mse));
        variance.values.push_back(std::max(0.0, s.mse_one * s.variance_share / ref_mse));
        char text[64];
        std::snprintf(text, sizeof text, "%.3f (bias\xC2\xB2 %.0f%%)", s.mse_one / ref_mse,
                      100 * s.bias_sq_share);
        p.text.push_back(text);
      }
      p.series = {bias, variance};
      f.panels.push_back(std::move(p));
    }
    out.push_back(std::move(f));
  }
  FigureSpec sigma;
  sigma.id = "sqnr_vs_sigma";
  sigma.groups = groups;
  sigma.kind = "lines";
  sigma.title = "SQNR against sigma";
  sigma.subtitle = run_text(report, false);
  sigma.xlabel = "sigma";
  sigma.ylabel = "SQNR (dB)";
  sigma.xlog = true;
  sigma.caption = "Studies where sigma changes the error of some variant beyond sampling noise.";
  for (const StudyResult& r : report.studies) {
    if (r.kind != StudyKind::Synthetic || !sigma_matters(r)) continue;
    Panel p;
    p.title = r.name;
    p.x = r.matrix_sigmas;
    for (size_t v = 0; v < report.variants.size(); ++v) {
      Series s{labels[v], {}};
      for (const ErrorStats& m : r.per_matrix[v]) s.values.push_back(figures(m).sqnr_db);
      p.series.push_back(std::move(s));
    }
    sigma.panels.push_back(std::move(p));
  }
  if (!sigma.panels.empty()) out.push_back(std::move(sigma));
  return out;
}

std::string figures_json(const std::vector<FigureSpec>& figures, const std::string& command,
                         const std::string& version) {
  using nlohmann::json;
  auto numbers = [](const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    return a;
  };
  json root;
  root["command"] = command;
  root["version"] = version;
  root["figures"] = json::array();
  for (const FigureSpec& f : figures) {
    json jf = {{"id", f.id},         {"kind", f.kind},     {"title", f.title},
               {"subtitle", f.subtitle}, {"xlabel", f.xlabel}, {"ylabel", f.ylabel},
               {"xlog", f.xlog},     {"groups", f.groups}};
    jf["panels"] = json::array();
    for (const Panel& p : f.panels) {
      json jp = {{"title", p.title}, {"labels", p.labels}, {"text", p.text},
                 {"reference", p.reference}};
      jp["x"] = numbers(p.x);
      jp["low"] = numbers(p.low);
      jp["high"] = numbers(p.high);
      jp["series"] = json::array();
      for (const Series& s : p.series) jp["series"].push_back({{"name", s.name}, {"values", numbers(s.values)}});
      jf["panels"].push_back(jp);
    }
    root["figures"].push_back(jf);
  }
  return root.dump(1) + "\n";
}

}  // namespace hif4::compare
