// The tables of a `hif4 compare` report, built once and written as markdown (the command's
// standard output) or HTML (the --report page), so both show the same figures.
#pragma once
#include <string>
#include <vector>

#include "hif4/compare.h"
#include "hif4/compare_stats.h"

namespace hif4::compare {

struct Table {
  std::vector<std::string> header;
  std::string align;  // one letter per column: 'l' left, 'r' right
  std::vector<std::vector<std::string>> rows;
};

std::string markdown_table(const Table& t);
std::string html_table(const Table& t);
// Text with &, <, >, " escaped for HTML.
std::string html_escape(const std::string& text);

// "NAME: DOC", the heading of a study.
std::string study_heading(const StudyResult& r);
// What the study holds and how its figures are pooled (one paragraph).
std::string study_summary(const Report& report, const StudyResult& r);
// Every figure of every variant.
Table figures_table(const Report& report, const StudyResult& r);

// With two or more repeats: the difference of every variant to the reference variant with its
// interval (compare_stats.h), and whether the interval excludes 0.
bool has_differences(const Report& report);
std::string differences_summary(const Report& report);
Table differences_table(const Report& report, const StudyResult& r);

// With two or more stochastic-rounding seeds: bias and variance (SrStats).
bool has_sr(const Report& report);
std::string sr_summary(const Report& report);
Table sr_table(const Report& report, const StudyResult& r);

// Every variant's MSE (NMSE for products) difference to the reference, one column per study,
// with the half-width of its interval; `cell_class` (may be null) says "higher" / "lower"
// where the interval excludes 0.
Table summary_table(const Report& report, std::vector<std::vector<std::string>>* cell_class);
std::string summary_text(const Report& report);

// A difference in per cent and its interval, with as many decimals as the interval's
// half-width needs for two significant digits: "+0.0132%", "[+0.0111%, +0.0153%]".
std::string percent_difference(double share, int decimals);
int decimals_for(const Interval& iv, double scale);
// A relative difference with the half-width of its interval, "+4.12% ± 0.05"; "identical"
// when it is 0 in every repeat; 3 decimals and no half-width without an interval.
std::string difference_text(const Interval& d);

}  // namespace hif4::compare
