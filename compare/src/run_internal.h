// The pieces of the runner shared by run.cpp and matmul.cpp (private to hif4_compare).
#pragma once
#include <cstdint>
#include <vector>

#include "hif4/compare.h"
#include "hif4/compare_matmul.h"

namespace hif4::compare {

// One repeat of one study: every matrix under every variant.
struct RepeatResult {
  std::vector<std::vector<ErrorStats>> per_matrix;  // [variant][matrix]
  std::vector<SrStats> sr;                          // [variant]
};

// Geometric mean over matrices of MSE(a[m]) / MSE(b[m]) (matrices with a zero or undefined MSE
// skipped; NaN if none is left).
double geomean_ratio(const std::vector<ErrorStats>& a, const std::vector<ErrorStats>& b);

RepeatResult evaluate_data(const StudyData& data, const std::vector<Variant>& variants,
                           const Config& baseline, uint64_t run_seed, unsigned sr_seeds,
                           unsigned threads, Progress* progress);

// An empty result sized for the variants, matrices and repeats.
StudyResult new_study_result(const std::string& name, const std::string& doc, StudyKind kind,
                             size_t variants, size_t matrices, unsigned repeats);
// Adds repeat number `repeat`: pooled per matrix, its own figures and MSE ratios.
void add_repeat(StudyResult& r, const RepeatResult& rr, unsigned repeat, size_t reference);
// The totals over matrices.
void finish_study(StudyResult& r);

// The matrix-product study of one case: appends its two results to the report.
void run_matmul(const MatmulCase& c, const std::vector<Variant>& variants,
                const RunOptions& options, Report& report);
// Its work per repeat, in progress units.
uint64_t matmul_work_units(const MatmulCase& c, size_t tokens, unsigned evaluations);

}  // namespace hif4::compare
