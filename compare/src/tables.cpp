// The report's tables, as markdown and HTML, and the CSV (compare_tables.h, compare.h).
#include "hif4/compare_tables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v, const char* fmt = "%.4g", const char* not_a_number = "n/a") {
  if (std::isnan(v)) return not_a_number;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string percent(double share) {
  if (std::isnan(share)) return "n/a";
  if (share == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g%%", 100.0 * share);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

const std::string& reference_name(const Report& report) {
  return report.variants[report.reference].name;
}

std::string interval_text(const Interval& iv, double scale, int decimals, const char* unit) {
  if (std::isnan(iv.low)) return "n/a";
  if (iv.identical()) return "[0, 0]";
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%+.*f%s, %+.*f%s]", decimals, scale * iv.low, unit, decimals,
                scale * iv.high, unit);
  return buf;
}

std::string signed_fixed(double v, int decimals, const char* unit) {
  if (std::isnan(v)) return "n/a";
  if (v == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f%s", decimals, v, unit);
  return buf;
}

std::string verdict(const Interval& iv, bool higher_is_worse) {
  if (std::isnan(iv.low)) return "n/a";
  if (iv.identical()) return "identical";
  if (iv.above_zero()) return higher_is_worse ? "higher MSE" : "larger";
  if (iv.below_zero()) return higher_is_worse ? "lower MSE" : "smaller";
  return "not resolved";
}

}  // namespace

// ---- Table output ---------------------------------------------------------------------------

std::string markdown_table(const Table& t) {
  std::string out = "|";
  for (const std::string& h : t.header) out += " " + h + " |";
  out += "\n|";
  for (size_t c = 0; c < t.header.size(); ++c) out += t.align[c] == 'r' ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + cell + " |";
    out += "\n";
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_table(const Table& t) {
  std::string out = "<table>\n<thead><tr>";
  for (size_t c = 0; c < t.header.size(); ++c)
    out += std::string("<th class=\"") + (t.align[c] == 'r' ? "r" : "l") + "\">" +
           html_escape(t.header[c]) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c)
      out += std::string("<td class=\"") + (t.align[c] == 'r' ? "r" : "l") + "\">" +
             html_escape(row[c]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// ---- Number formats ---------------------------------------------------------------------------

int decimals_for(const Interval& iv, double scale) {
  const double half = scale * (iv.high - iv.low) / 2;
  if (!(half > 0) || !std::isfinite(half)) return 4;
  const int d = 1 - static_cast<int>(std::floor(std::log10(half)));
  return std::clamp(d, 0, 8);
}

std::string difference_text(const Interval& d) {
  if (d.identical()) return "identical";
  if (std::isnan(d.low)) return percent_difference(d.estimate, 3);
  const int decimals = decimals_for(d, 100);
  char half[48];
  std::snprintf(half, sizeof half, " \xC2\xB1 %.*f", decimals, 100 * (d.high - d.low) / 2);
  return percent_difference(d.estimate, decimals) + half;
}

std::string percent_difference(double share, int decimals) {
  if (share == 0) return "0";
  return signed_fixed(100.0 * share, decimals, "%");
}

// ---- The study tables -------------------------------------------------------------------------

std::string study_heading(const StudyResult& r) { return r.name + ": " + r.doc; }

std::string study_summary(const Report& report, const StudyResult& r) {
  std::ostringstream out;
  const RunSettings& set = report.settings;
  const uint64_t values =
      r.total.empty() ? 0 : r.total[0].values + r.total[0].nonfinite_inputs;
  if (r.kind == StudyKind::Matmul) {
    out << r.matrix_labels.front() << " per seed, " << values
        << " outputs per variant. Errors of Y against the double-precision product of the BF16 "
           "inputs; the last column is NMSE / NMSE of "
        << reference_name(report) << ".";
  } else {
    if (r.matrix_labels.size() > 1) {
      out << r.matrix_labels.size() << " matrices, sigma = " << num(r.matrix_sigmas.front())
          << " .. " << num(r.matrix_sigmas.back()) << " (x2 each), ";
    } else {
      out << "1 tensor (RMS " << num(r.matrix_sigmas.front()) << "), ";
    }
    out << values << " values per variant";
    if (!r.total.empty() && r.total[0].nonfinite_inputs)
      out << " (" << r.total[0].nonfinite_inputs << " NaN/Inf inputs not measured)";
    out << ". Errors against the BF16-rounded input; MSE, NMSE, SQNR and bias pool all "
           "matrices; the last column is the geometric mean over matrices of the per-matrix "
           "MSE ratio.";
  }
  if (set.repeats > 1)
    out << (r.kind == StudyKind::Tensor
                ? " The tensor is the same for every repeat; only the stochastic-rounding seeds change."
                : "")
        << " Figures pool " << set.repeats << " seeds (" << set.seed << ".."
        << set.seed + set.repeats - 1 << ").";
  return out.str();
}

Table figures_table(const Report& report, const StudyResult& r) {
  const std::vector<Variant>& vars = report.variants;
  Table t;
  if (r.kind == StudyKind::Matmul) {
    t.header = {"variant", "NMSE", "SQNR dB", "mean error / RMS", "max abs err / RMS",
                "NMSE / " + reference_name(report)};
    t.align = "lrrrrr";
    for (size_t v = 0; v < vars.size(); ++v) {
      const Figures f = figures(r.total[v]);
      // The RMS of the reference outputs over every repeat.
      const ErrorStats& all = r.total[v];
      const double rms =
          std::sqrt(all.sum_sq_input / static_cast<double>(all.values - all.nan_outputs));
      t.rows.push_back({vars[v].name, num(f.nmse), num(f.sqnr_db, "%.2f"), num(f.bias / rms),
                        num(f.max_abs_error / rms),
                        num(mse_ratio_geomean(r, v, report.reference), "%.4f")});
    }
    return t;
  }
  t.header = {"variant", "MSE", "NMSE", "SQNR dB", "max abs err", "max rel err", "bias",
              "saturated", "scale underflow", "flushed to 0", "NaN out",
              "blocks != " + report.baseline_profile, "MSE / " + reference_name(report)};
  t.align = "lrrrrrrrrrrrr";
  for (size_t v = 0; v < vars.size(); ++v) {
    const Figures f = figures(r.total[v]);
    t.rows.push_back({vars[v].name, num(f.mse), num(f.nmse), num(f.sqnr_db, "%.2f"),
                      num(f.max_abs_error), num(f.max_rel_error), num(f.bias),
                      percent(f.saturated_share), percent(f.scale_underflow_share),
                      percent(f.flushed_share), percent(f.nan_share),
                      percent(f.blocks_differ_share),
                      num(mse_ratio_geomean(r, v, report.reference), "%.4f")});
  }
  return t;
}

bool has_differences(const Report& report) { return report.settings.repeats >= 2; }

std::string differences_summary(const Report& report) {
  std::ostringstream out;
  out << "Difference to " << reference_name(report) << ": per seed, the geometric mean over "
      << "matrices of MSE(variant) / MSE(" << reference_name(report) << "); the estimate and its "
      << static_cast<int>(kConfidence * 100) << "% t-interval over the " << report.settings.repeats
      << " seeds, taken in logarithms. SQNR difference > 0: the variant is more accurate. "
      << "\"higher\"/\"lower\": the interval excludes 0.";
  return out.str();
}

Table differences_table(const Report& report, const StudyResult& r) {
  Table t;
  t.header = {"variant", "MSE vs " + reference_name(report), "95% interval", "SQNR vs ref (dB)",
              "95% interval", "resolved"};
  t.align = "lrrrrl";
  for (size_t v = 0; v < report.variants.size(); ++v) {
    if (v == report.reference) {
      t.rows.push_back({report.variants[v].name, "0 (reference)", "", "", "", ""});
      continue;
    }
    const Interval d = mse_difference(r, v), s = sqnr_difference_db(r, v);
    const int pd = decimals_for(d, 100), sd = decimals_for(s, 1);
    t.rows.push_back({report.variants[v].name, percent_difference(d.estimate, pd),
                      interval_text(d, 100, pd, "%"), signed_fixed(s.estimate, sd, ""),
                      interval_text(s, 1, sd, ""), verdict(d, true)});
  }
  return t;
}

bool has_sr(const Report& report) { return report.settings.sr_seeds >= 2; }

std::string sr_summary(const Report& report) {
  std::ostringstream out;
  const unsigned k = report.settings.sr_seeds;
  out << "Stochastic rounding: every value quantized with " << k
      << " stochastic-rounding seeds (deterministic variants give " << k
      << " equal results). The MSE of one result splits into squared bias (of each value's mean "
         "result) and variance; averaging the "
      << k << " results keeps the bias and divides the variance by " << k
      << ". Magnitude bias: sum sign(x) (mean result - x) / sum |x|; < 0 means magnitudes "
         "shrink.";
  if (has_differences(report))
    out << " Its interval is a " << static_cast<int>(kConfidence * 100)
        << "% t-interval over the " << report.settings.repeats << " seeds.";
  return out.str();
}

Table sr_table(const Report& report, const StudyResult& r) {
  Table t;
  const std::string k = std::to_string(report.settings.sr_seeds);
  t.header = {"variant", "MSE of one result", "bias^2 share", "variance share",
              "MSE of the mean of " + k + " / MSE of one", "magnitude bias"};
  t.align = "lrrrrr";
  if (has_differences(report)) {
    t.header.push_back("95% interval");
    t.align += "r";
  }
  for (size_t v = 0; v < report.variants.size(); ++v) {
    const SrFigures f = sr_figures(r.sr[v]);
    const Interval iv = magnitude_bias_interval(r, v);
    const int d = has_differences(report) ? decimals_for(iv, 100) : 4;
    std::vector<std::string> row = {report.variants[v].name, num(f.mse_one),
                                    num(100 * f.bias_sq_share, "%.1f%%"),
                                    num(100 * f.variance_share, "%.1f%%"),
                                    num(f.mean_mse_ratio, "%.4f"),
                                    percent_difference(iv.estimate, d)};
    if (has_differences(report)) row.push_back(interval_text(iv, 100, d, "%"));
    t.rows.push_back(row);
  }
  return t;
}

Table summary_table(const Report& report, std::vector<std::vector<std::string>>* cell_class) {
  Table t;
  t.header = {"variant"};
  t.align = "l";
  for (const StudyResult& r : report.studies) {
    t.header.push_back(r.name);
    t.align += "r";
  }
  std::vector<std::vector<std::string>> classes(report.variants.size(),
                                                std::vector<std::string>(t.header.size()));
  for (size_t v = 0; v < report.variants.size(); ++v) {
    std::vector<std::string> row = {report.variants[v].name};
    for (size_t s = 0; s < report.studies.size(); ++s) {
      if (v == report.reference) {
        row.push_back("reference");
        continue;
      }
      const Interval d = mse_difference(report.studies[s], v);
      if (d.above_zero()) classes[v][s + 1] = "higher";
      if (d.below_zero()) classes[v][s + 1] = "lower";
      row.push_back(difference_text(d));
    }
    t.rows.push_back(row);
  }
  if (cell_class) *cell_class = std::move(classes);
  return t;
}

std::string summary_text(const Report& report) {
  const std::string& ref = reference_name(report);
  if (has_differences(report))
    return "Per study, MSE(variant) / MSE(" + ref + ") - 1 in per cent (NMSE of the output for "
           "matrix products), +- the half-width of its 95% t-interval over " +
           std::to_string(report.settings.repeats) + " seeds.";
  return "Per study, MSE(variant) / MSE(" + ref + ") - 1 in per cent (NMSE of the output for "
         "matrix products). One seed: no intervals; run with --repeats N for them.";
}

// ---- The whole report as text ---------------------------------------------------------------

std::string format_markdown(const Report& report) {
  std::ostringstream out;
  for (const StudyResult& r : report.studies) {
    out << "### " << study_heading(r) << "\n\n" << study_summary(report, r) << "\n\n"
        << markdown_table(figures_table(report, r)) << "\n";
    if (has_differences(report))
      out << differences_summary(report) << "\n\n" << markdown_table(differences_table(report, r))
          << "\n";
    if (has_sr(report))
      out << sr_summary(report) << "\n\n" << markdown_table(sr_table(report, r)) << "\n";
  }
  if (report.studies.size() > 1)
    out << "### Summary: MSE difference to " << reference_name(report) << "\n\n"
        << summary_text(report) << "\n\n" << markdown_table(summary_table(report, nullptr)) << "\n";
  return out.str();
}

std::string format_csv(const Report& report) {
  std::ostringstream out;
  out << "study,matrix,sigma,variant,format,config,values,nonfinite_inputs,mse,nmse,sqnr_db,"
         "max_abs_error,max_rel_error,bias,saturated_share,flushed_share,nan_share,blocks,"
         "blocks_differ_share,mse_ratio,scale_underflow_share,repeats,mse_difference,"
         "mse_difference_low,mse_difference_high,sr_seeds,sr_bias_sq_share,sr_variance_share,"
         "sr_mean_mse_ratio,sr_magnitude_bias\n";
  auto g = [](double v, const char* fmt = "%.9g") { return num(v, fmt, "nan"); };
  const size_t ref = report.reference;
  auto row = [&](const StudyResult& r, const std::string& matrix, double sigma, size_t v,
                 const ErrorStats& s, double ratio, bool pooled) {
    const Figures f = figures(s);
    const Variant& var = report.variants[v];
    out << csv_field(r.name) << ',' << csv_field(matrix) << ',' << g(sigma, "%.9g") << ','
        << csv_field(var.name) << ',' << format_name(var.format) << ','
        << csv_field(describe_variant(var)) << ',' << s.values << ',' << s.nonfinite_inputs
        << ',' << g(f.mse, "%.9g") << ',' << g(f.nmse, "%.9g") << ','
        << g(f.sqnr_db, "%.6f") << ',' << g(f.max_abs_error, "%.9g") << ','
        << g(f.max_rel_error, "%.9g") << ',' << g(f.bias, "%.9g") << ','
        << g(f.saturated_share, "%.9g") << ',' << g(f.flushed_share, "%.9g") << ','
        << g(f.nan_share, "%.9g") << ',' << s.blocks << ','
        << g(f.blocks_differ_share, "%.9g") << ',' << g(ratio, "%.6f") << ','
        << g(f.scale_underflow_share, "%.9g") << ',' << report.settings.repeats << ',';
    if (pooled) {
      const Interval d = mse_difference(r, v);
      out << g(d.estimate) << ',' << g(d.low) << ',' << g(d.high) << ',';
    } else {
      out << "nan,nan,nan,";
    }
    if (pooled && has_sr(report)) {
      const SrFigures sf = sr_figures(r.sr[v]);
      out << report.settings.sr_seeds << ',' << g(sf.bias_sq_share) << ','
          << g(sf.variance_share) << ',' << g(sf.mean_mse_ratio) << ','
          << g(sf.magnitude_bias) << '\n';
    } else {
      out << report.settings.sr_seeds << ",nan,nan,nan,nan\n";
    }
  };
  for (const StudyResult& r : report.studies) {
    for (size_t v = 0; v < report.variants.size(); ++v) {
      for (size_t m = 0; m < r.matrix_labels.size(); ++m) {
        const double a = figures(r.per_matrix[v][m]).mse, b = figures(r.per_matrix[ref][m]).mse;
        row(r, r.matrix_labels[m], r.matrix_sigmas[m], v, r.per_matrix[v][m],
            b > 0 ? a / b : kNaN, false);
      }
      row(r, "all", kNaN, v, r.total[v], mse_ratio_geomean(r, v, ref), true);
    }
  }
  return out.str();
}

}  // namespace hif4::compare
