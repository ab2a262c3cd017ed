// The figures of a `hif4 compare` report: one figure per question, described here (what to
// draw, the numbers, the titles) and drawn by compare/plot_compare.py with matplotlib.
//
//   mse_difference    the MSE of every variant relative to the reference variant, one panel
//                     per study: horizontal bars, 95% intervals with two or more repeats
//   matmul            the same for the output of the matrix products
//   sr_bias_variance  with two or more SR seeds: the MSE of one result split into squared
//                     bias and variance, relative to the reference's MSE
//   sqnr_vs_sigma     SQNR against sigma, only for studies where sigma changes the error of
//                     some variant beyond the matrices' scatter (sigma_matters)
#pragma once
#include <string>
#include <vector>

#include "hif4/compare.h"

namespace hif4::compare {

struct Series {
  std::string name;
  std::vector<double> values;  // NaN: nothing to draw
};

struct Panel {
  std::string title;
  std::vector<std::string> labels;  // one per bar (bars, stacked)
  std::vector<double> x;            // lines: the x values
  std::vector<Series> series;       // bars: one; stacked: the parts; lines: one per variant
  std::vector<double> low, high;    // bars: the interval of each bar (NaN: none)
  std::vector<std::string> text;    // bars, stacked: the figure written beside each bar
  long reference = -1;              // the reference variant's bar, -1 if none
};

struct FigureSpec {
  std::string id;       // the PNG's name without .png
  std::string kind;     // "bars", "stacked", "lines"
  std::string title;    // what is shown
  std::string subtitle; // what was run
  std::string caption;  // how to read it (the report page shows it under the figure)
  std::string xlabel, ylabel;
  bool xlog = false;
  std::vector<std::string> groups;  // each variant's format ("hif4", "nvfp4", ...): its colour
  std::vector<Panel> panels;
};

// The figure ids any report may have, in order (the files a --report folder may hold).
const std::vector<std::string>& figure_ids();

// The figures this report calls for, in order.
std::vector<FigureSpec> report_figures(const Report& report);

// Whether sigma changes some variant's SQNR: a quadratic in log2(sigma) fitted to the
// per-matrix SQNR explains it beyond the matrices' own scatter (F test, p < kSigmaTrendP)
// and the fitted curve spans more than kSigmaTrendDb. Matrices that differ at random (llm-mix
// draws its outlier channels anew for each) scatter without a trend and do not count.
// *spread_db gets the largest span of a fitted curve.
constexpr double kSigmaTrendP = 1e-4;
constexpr double kSigmaTrendDb = 0.25;
bool sigma_matters(const StudyResult& r, double* spread_db = nullptr);

// Variant names without the words every HiF4 variant shares (the profile of a --vary sweep),
// so that bars carry what differs; the full name where nothing would be left.
std::vector<std::string> short_labels(const std::vector<Variant>& variants, std::string* common);

// The figures as JSON for plot_compare.py, with the command and the version for the footer.
std::string figures_json(const std::vector<FigureSpec>& figures, const std::string& command,
                         const std::string& version);

}  // namespace hif4::compare
