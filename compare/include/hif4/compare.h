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
  uint64_t saturated = 0;         // |x| above the largest magnitude its block / lane can decode to
  uint64_t flushed = 0;           // x != 0 decoded as 0
  double sum_sq_error = 0;        // sum (q - x)^2
  double sum_sq_input = 0;        // sum x^2 (over the same values as sum_sq_error)
  double sum_error = 0;           // sum (q - x)
  double max_abs_error = 0;       // max |q - x|
  double max_rel_error = 0;       // max |q - x| / |x| over x != 0
  uint64_t blocks = 0;            // HiF4 blocks compared with the baseline profile's
  uint64_t blocks_differ = 0;     // ... whose 36 packed bytes differ

  // One value. `lane_max` is the largest magnitude the value's block (HiF4: its lane, with the
  // lane's E1 shift) can decode to; |x| above it counts as saturated.
  void add(double x, double q, double lane_max);
  // Adds another partial sum (merge order is fixed by the caller, so results are reproducible).
  void merge(const ErrorStats& o);
};

struct Figures {
  double mse = 0;            // sum_sq_error / measured values
  double nmse = 0;           // sum_sq_error / sum_sq_input
  double sqnr_db = 0;        // 10 log10(sum_sq_input / sum_sq_error); +inf when error is 0
  double max_abs_error = 0;
  double max_rel_error = 0;
  double bias = 0;           // mean (q - x)
  double saturated_share = 0;  // of finite inputs
  double flushed_share = 0;
  double nan_share = 0;
  double blocks_differ_share = 0;  // NaN when no blocks were compared (NVFP4, MXFP4)
};
Figures figures(const ErrorStats& s);

// ---- Variants -------------------------------------------------------------------------

enum class Format : uint8_t { Hif4, Nvfp4, Mxfp4 };
const char* format_name(Format f);  // "hif4", "nvfp4", "mxfp4": also the --profile names

struct Variant {
  std::string name;  // "seed", "nvfp4", "seed payload-rounding=stochastic", ...
  Format format = Format::Hif4;
  Config config;     // HiF4 only
};

// The variant list of `hif4 compare`:
// - `profiles` names HiF4 profiles (config.h table) and the baselines "nvfp4", "mxfp4";
//   empty means every profile plus both baselines.
// - each `vary` entry is "KNOB=V1,V2,..." (a knob of the config.h table and its values); the
//   entries are crossed with each other and with every HiF4 profile named (or, when no
//   profile is named, with `baseline_profile`); the baselines stay as they are.
// Stochastic rounding uses sr_seed. Throws ConfigError naming what is wrong.
std::vector<Variant> build_variants(const std::vector<std::string>& profiles,
                                    const std::vector<std::string>& vary,
                                    const std::string& baseline_profile, uint64_t sr_seed);

// ---- Studies --------------------------------------------------------------------------

enum class Distribution : uint8_t { Gaussian, Laplace, StudentT3, Uniform, LlmMix };

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
  std::vector<Matrix> matrices;
};

// Draws a study: deterministic in (study, seed, rows) whatever the thread count. Values are
// drawn in double and rounded to BF16 (RNE).
StudyData generate_study(const StudySpec& spec, size_t rows, uint64_t seed, unsigned threads);
// A study of one tensor read from a file (already BF16); sigma is its RMS.
StudyData tensor_study(const std::string& label, std::vector<uint16_t> values);

// ---- Running ----------------------------------------------------------------------------

struct StudyResult {
  std::string name;
  std::string doc;
  std::vector<std::string> matrix_labels;
  std::vector<double> matrix_sigmas;
  std::vector<std::vector<ErrorStats>> per_matrix;  // [variant][matrix]
  std::vector<ErrorStats> total;                    // [variant], all matrices pooled
};

struct Report {
  std::vector<Variant> variants;
  std::string baseline_profile;  // the HiF4 profile whose bits "blocks differ" compares with
  std::vector<StudyResult> studies;
};

// Quantizes every matrix of every study under every variant on `threads` threads. The work is
// split into fixed chunks of values whose partial sums are merged in a fixed order, so the
// report does not depend on the thread count.
Report run_compare(const std::vector<StudyData>& studies, const std::vector<Variant>& variants,
                   const std::string& baseline_profile, uint64_t sr_seed, unsigned threads);

// Geometric mean over matrices of MSE(variant) / MSE(reference variant); matrices where either
// MSE is 0 or undefined are skipped (NaN if none is left).
double mse_ratio_geomean(const StudyResult& r, size_t variant, size_t reference);

// The markdown tables (one per study) and the CSV (a row per study x matrix x variant and a
// row per study x variant with matrix "all").
std::string format_markdown(const Report& report);
std::string format_csv(const Report& report);

}  // namespace hif4::compare
