// `hif4 compare`: quantization error of HiF4 variants (profiles, knob sweeps) and of the
// NVFP4 / MXFP4 baselines on synthetic and real data.
//
// Every format sees the same input: values rounded to BF16 (RNE) first, as the seed does,
// and every error is measured against that BF16 value (not against the FP32 value drawn or
// read). HiF4 goes through the model itself (quantize_blocks, unpack_block, decode_block_f32);
// the baselines through baselines.h.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hif4/config.h"

namespace hif4::compare {

// ---- Figures --------------------------------------------------------------------------

// Running sums over (input x, decoded q) pairs. Only finite inputs are measured; a finite input
// decoded as NaN (a NaN block) is counted in nan_outputs and left out of the error sums.
struct ErrorStats {
  uint64_t values = 0;            // finite inputs
  uint64_t nonfinite_inputs = 0;  // NaN / Inf inputs (not measured)
  uint64_t nan_outputs = 0;       // finite inputs decoded as NaN
  uint64_t saturated = 0;         // |x| above the largest magnitude (not 0) its block / lane
                                  // can decode to
  uint64_t scale_underflow = 0;   // x != 0 in a block whose scale decodes to 0 (NVFP4: s_b
                                  // underflowed), so every value of it decodes to 0
  uint64_t flushed = 0;           // x != 0 decoded as 0 (scale_underflow included)
  double sum_sq_error = 0;        // sum (q - x)^2
  double sum_quad_error = 0;      // sum (q - x)^4 (the standard error of the MSE)
  double sum_sq_input = 0;        // sum x^2 (over the same values as sum_sq_error)
  double sum_error = 0;           // sum (q - x)
  double max_abs_error = 0;       // max |q - x|
  double max_rel_error = 0;       // max |q - x| / |x| over x != 0
  uint64_t blocks = 0;            // HiF4 blocks compared with the baseline profile's
  uint64_t blocks_differ = 0;     // ... whose 36 packed bytes differ

  // One value. `lane_max` is the largest magnitude the value's block (HiF4: its lane, with the
  // lane's E1 shift) can decode to; |x| above it counts as saturated, unless lane_max is 0 (an
  // underflowed block scale), which counts as scale_underflow.
  void add(double x, double q, double lane_max);
  // Adds another partial sum (merge order is fixed by the caller, so results are reproducible).
  void merge(const ErrorStats& o);
};

struct Figures {
  double mse = 0;            // sum_sq_error / measured values
  double mse_rel_se = 0;     // the relative standard error of mse, the values taken as
                             // independent (sqrt(var((q - x)^2) / n) / mse)
  double nmse = 0;           // sum_sq_error / sum_sq_input
  double sqnr_db = 0;        // 10 log10(sum_sq_input / sum_sq_error); +inf when error is 0
  double max_abs_error = 0;
  double max_rel_error = 0;
  double bias = 0;           // mean (q - x)
  double saturated_share = 0;  // of finite inputs
  double scale_underflow_share = 0;
  double flushed_share = 0;
  double nan_share = 0;
  double blocks_differ_share = 0;  // NaN when no blocks were compared (NVFP4, MXFP4)
};
Figures figures(const ErrorStats& s);

// ---- Variants -------------------------------------------------------------------------

// Nvfp4 follows Transformer Engine's current block-scale formula, Nvfp4Div6 the older one
// (baselines.h).
enum class Format : uint8_t { Hif4, Nvfp4, Nvfp4Div6, Mxfp4 };
// "hif4", "nvfp4", "nvfp4-div6", "mxfp4": also the --profile names of the baselines.
const char* format_name(Format f);

struct Variant {
  std::string name;  // "seed", "nvfp4", "seed payload-rounding=stochastic", ...
  Format format = Format::Hif4;
  Config config;     // HiF4 only
  // Whether the output depends on the stochastic-rounding seed.
  bool stochastic() const;
};
// What a variant is, in full: the knob settings of a HiF4 variant, the recipe of a baseline.
std::string describe_variant(const Variant& v);
// The variant named `name` (as listed), or its 1-based number in the list. Throws ConfigError
// listing the names.
size_t find_variant(const std::vector<Variant>& variants, const std::string& name);

// The variant list of `hif4 compare`:
// - `profiles` names HiF4 profiles (config.h table) and the baselines "nvfp4", "nvfp4-div6",
//   "mxfp4"; empty means every profile plus nvfp4 and mxfp4.
// - each `vary` entry is "KNOB=V1,V2,..." (a knob of the config.h table and its values); the
//   entries are crossed with each other and with every HiF4 profile named (or, when no
//   profile is named, with `baseline_profile`); the baselines stay as they are.
// Stochastic rounding uses sr_seed. Throws ConfigError naming what is wrong.
std::vector<Variant> build_variants(const std::vector<std::string>& profiles,
                                    const std::vector<std::string>& vary,
                                    const std::string& baseline_profile, uint64_t sr_seed);

// ---- Studies --------------------------------------------------------------------------

enum class Distribution : uint8_t { Gaussian, Laplace, StudentT3, Uniform, LlmMix };

// What a study measures: quantization error of synthetic matrices, of a tensor from a file, or
// the output error of a matrix product (compare_matmul.h).
enum class StudyKind : uint8_t { Synthetic, Tensor, Matmul };

struct StudySpec {
  const char* name;
  const char* doc;
  Distribution distribution;
};
// The synthetic studies, in report order. Each is kStudyMatrices matrices of rows x
// kStudyColumns values with scale sigma_x = 0.01 * 2^x, x = 0..17 (the paper's sweep).
const std::vector<StudySpec>& studies();
const StudySpec& find_study(const std::string& name);  // throws ConfigError

constexpr unsigned kStudyMatrices = 18;
constexpr size_t kStudyColumns = 1024;
constexpr size_t kStudyRows = 1024;
double study_sigma(unsigned matrix);  // 0.01 * 2^matrix

// A tensor under study: BF16 values, a multiple of 64 of them, rows of `columns`.
struct Matrix {
  std::string label;  // "sigma=0.01" or the file name
  double sigma = 0;   // the scale drawn with, or (file) the RMS of the finite values
  size_t columns = 0;
  std::vector<uint16_t> values;
};

struct StudyData {
  std::string name;
  std::string doc;
  StudyKind kind = StudyKind::Synthetic;
  std::vector<Matrix> matrices;
};

// Draws a study: deterministic in (study, seed, rows) whatever the thread count. Values are
// drawn in double and rounded to BF16 (RNE).
StudyData generate_study(const StudySpec& spec, size_t rows, uint64_t seed, unsigned threads);
// A study of one tensor read from a file (already BF16); sigma is its RMS.
StudyData tensor_study(const std::string& label, std::vector<uint16_t> values);

// ---- Stochastic rounding: bias and variance over several seeds ----------------------------

// Running sums over values x, each quantized K times with K stochastic-rounding seeds (a
// deterministic variant gives K equal results). Per value, with q_k its K decoded values, qbar
// their mean and s^2 their sample variance (K - 1 in the denominator):
//   mean over k of (q_k - x)^2  =  (qbar - x)^2 + s^2 (K - 1) / K,
// and E[(qbar - x)^2] = bias^2 + var / K, so bias^2 is estimated without bias by
// (qbar - x)^2 - s^2 / K and the variance by s^2. Values decoded as NaN are left out.
struct SrStats {
  uint64_t values = 0;
  unsigned seeds = 0;              // K
  double sum_sq_input = 0;         // sum x^2
  double sum_abs_input = 0;        // sum |x|
  double sum_mse_one = 0;          // sum over values of mean_k (q_k - x)^2
  double sum_bias_sq = 0;          // sum (qbar - x)^2 - s^2 / K
  double sum_variance = 0;         // sum s^2
  double sum_mse_mean = 0;         // sum (qbar - x)^2: the error of the average of K results
  double sum_magnitude_error = 0;  // sum sign(x) (qbar - x): > 0 when magnitudes grow

  // One value: its mean over the K results and the sum of squared deviations from that mean.
  void add(double x, double mean, double sum_sq_dev, unsigned k);
  void merge(const SrStats& o);
};

struct SrFigures {
  double mse_one = 0;         // MSE of one quantization
  double bias_sq_share = 0;   // share of that MSE that is squared (conditional) bias
  double variance_share = 0;  // share that is variance (1 - bias_sq_share)
  double mean_mse_ratio = 0;  // MSE of the average of K results / MSE of one
  double magnitude_bias = 0;  // sum sign(x)(qbar - x) / sum |x|: the relative growth (> 0) or
                              // shrinkage (< 0) of magnitudes, after averaging the seeds
};
SrFigures sr_figures(const SrStats& s);

// The stochastic-rounding seed of result k (0..K-1) of a run with seed `run_seed`: k = 0 is
// run_seed itself (the seed every table uses), the others are drawn from it.
uint64_t sr_seed_of(uint64_t run_seed, unsigned k);

// ---- Running ----------------------------------------------------------------------------

struct StudyResult {
  std::string name;
  std::string doc;
  StudyKind kind = StudyKind::Synthetic;
  std::vector<std::string> matrix_labels;
  std::vector<double> matrix_sigmas;
  std::vector<std::vector<ErrorStats>> per_matrix;  // [variant][matrix], every repeat pooled
  std::vector<ErrorStats> total;                    // [variant], all matrices pooled
  // Per repeat (seed): the pooled figures and the geometric mean over matrices of
  // MSE(variant) / MSE(reference variant), the sample the confidence intervals rest on.
  std::vector<std::vector<ErrorStats>> per_repeat;  // [variant][repeat]
  std::vector<std::vector<double>> repeat_ratio;    // [variant][repeat]
  // With two or more stochastic-rounding seeds: bias and variance, pooled and per repeat.
  std::vector<SrStats> sr;                          // [variant]
  std::vector<std::vector<SrStats>> sr_per_repeat;  // [variant][repeat]
};

// What was run (for the report's titles and configuration).
struct RunSettings {
  uint64_t seed = 1;      // the first seed; repeat r uses seed + r
  unsigned repeats = 1;   // seeds, each a new draw of the synthetic data and of the SR bits
  unsigned sr_seeds = 1;  // stochastic-rounding seeds per repeat (bias and variance when >= 2)
  size_t rows = 0;        // rows of a synthetic matrix
  size_t tokens = 0;      // rows of the activations of the matrix-product study
};

struct Report {
  std::vector<Variant> variants;
  std::string baseline_profile;  // the HiF4 profile whose bits "blocks differ" compares with
  size_t reference = 0;          // the variant that ratios and differences are relative to
  RunSettings settings;
  std::vector<StudyResult> studies;
};

class Progress;
struct MatmulCase;

// One study of a run: a synthetic distribution (drawn again for every repeat), a tensor (the
// same data every repeat: only the SR bits change) or a matrix-product case.
struct StudyPlan {
  StudyKind kind = StudyKind::Synthetic;
  const StudySpec* spec = nullptr;     // Synthetic
  StudyData tensor;                    // Tensor
  const MatmulCase* matmul = nullptr;  // Matmul
};

struct RunOptions {
  RunSettings settings;
  std::string baseline_profile;
  size_t reference = 0;
  unsigned threads = 1;
  Progress* progress = nullptr;  // may be null
};

// Runs every plan for every repeat under every variant (and every SR seed when there are
// several). Deterministic in the settings whatever the thread count: the work is split into
// fixed chunks whose partial sums are merged in a fixed order.
Report run_studies(const std::vector<StudyPlan>& plans, const std::vector<Variant>& variants,
                   const RunOptions& options);

// One repeat of ready-made data: the same as run_studies with one repeat and one SR seed,
// `sr_seed` being the run's seed.
Report run_compare(const std::vector<StudyData>& studies, const std::vector<Variant>& variants,
                   const std::string& baseline_profile, uint64_t sr_seed, unsigned threads);

// Geometric mean over matrices of MSE(variant) / MSE(reference variant); matrices where either
// MSE is 0 or undefined are skipped (NaN if none is left).
double mse_ratio_geomean(const StudyResult& r, size_t variant, size_t reference);

// The report as text: per study a markdown table of every figure, then (with two or more
// repeats) the differences to the reference variant with their confidence intervals, and
// (with two or more SR seeds) the bias and variance table; the CSV has a row per study x
// matrix x variant and a row per study x variant with matrix "all" (compare_tables.h has
// the tables one by one).
std::string format_markdown(const Report& report);
std::string format_csv(const Report& report);

}  // namespace hif4::compare
