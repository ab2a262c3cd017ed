// The matrix-product study (compare_matmul.h).
#include <cmath>
#include <cstdio>
#include <limits>

#include "hif4/baselines.h"
#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/compare_matmul.h"
#include "hif4/compare_progress.h"
#include "hif4/format.h"
#include "hif4/parallel.h"
#include "quantize_variant.h"
#include "run_internal.h"
#include "sampling.h"

namespace hif4::compare {

namespace {

constexpr size_t kModelDim = 4096;   // d_model of LLaMA-7B
constexpr size_t kFfnDim = 11008;    // d_ff of LLaMA-7B
constexpr double kWeightSigma = 0.02;  // the usual initialisation scale of such layers

// Stream numbers of the case's tensors, apart from the synthetic studies' matrices 0..17.
uint64_t tensor_stream(size_t index, bool weights) { return 0x100 + 2 * index + (weights ? 1 : 0); }

// rows x k values of distribution d (llm-mix: outlier channels along k, the same for every
// row), one stream per row.
std::vector<uint16_t> draw_tensor(Distribution d, double sigma, size_t rows, size_t k,
                                  uint64_t seed, uint64_t stream, unsigned threads) {
  std::vector<uint16_t> out(rows * k);
  const std::vector<double> gains =
      d == Distribution::LlmMix ? outlier_gains(seed, stream, k) : std::vector<double>();
  parallel_for(rows, threads, [&](size_t first, size_t last) {
    for (size_t r = first; r < last; ++r) {
      CompareRng rng(stream_key(seed, d, stream, r));
      for (size_t i = 0; i < k; ++i)
        out[r * k + i] = double_to_bf16(draw(d, rng, sigma, gains.empty() ? 1.0 : gains[i]));
    }
  }, 1);
  return out;
}

std::vector<double> to_double(const std::vector<uint16_t>& bf16) {
  std::vector<double> out(bf16.size());
  for (size_t i = 0; i < bf16.size(); ++i) out[i] = bf16_to_double(bf16[i]);
  return out;
}

// y[t * outputs + o] = x[t] . w[o] for every token t and output o.
void product(const double* x, const double* w, size_t tokens, size_t outputs, size_t k,
             unsigned threads, double* y) {
  parallel_for(tokens, threads, [&](size_t first, size_t last) {
    for (size_t t = first; t < last; ++t)
      for (size_t o = 0; o < outputs; ++o) y[t * outputs + o] = dot(x + t * k, w + o * k, k);
  }, 1);
}

// The products of one variant under one stochastic-rounding seed.
struct Outputs {
  std::vector<double> weights;  // quantized W, BF16 X
  std::vector<double> both;     // quantized W and X
};

}  // namespace

const std::vector<MatmulCase>& matmul_cases() {
  static const std::vector<MatmulCase> table = {
      {"qkv",
       "attention projection (K = 4096): activations Gaussian (std 1, as after RMSNorm), weights "
       "Gaussian (std 0.02)",
       kModelDim, Distribution::Gaussian, 1.0, Distribution::Gaussian, kWeightSigma},
      {"qkv-outliers",
       "attention projection (K = 4096): activations with outlier channels (llm-mix: Laplace bulk "
       "of std 1, 32 of the 4096 channels Gaussian at 10..100x), weights Gaussian (std 0.02)",
       kModelDim, Distribution::LlmMix, 1.0, Distribution::Gaussian, kWeightSigma},
      {"down",
       "MLP down projection (K = 11008): activations Student-t with 3 degrees of freedom (the "
       "heavy tail of SwiGLU outputs), weights Gaussian (std 0.02)",
       kFfnDim, Distribution::StudentT3, 1.0, Distribution::Gaussian, kWeightSigma},
      {"weight-outliers",
       "attention projection (K = 4096): activations Gaussian (std 1), weights with outlier input "
       "channels (llm-mix along K, bulk std 0.02)",
       kModelDim, Distribution::Gaussian, 1.0, Distribution::LlmMix, kWeightSigma},
  };
  return table;
}

double dot(const double* a, const double* b, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

MatmulData generate_matmul(size_t index, size_t tokens, uint64_t seed, unsigned threads) {
  const MatmulCase& c = matmul_cases().at(index);
  MatmulData d;
  d.tokens = tokens;
  d.outputs = kMatmulOutputs;
  d.k = c.k;
  d.x = draw_tensor(c.activations, c.activation_sigma, tokens, c.k, seed, tensor_stream(index, false),
                    threads);
  d.w = draw_tensor(c.weights, c.weight_sigma, kMatmulOutputs, c.k, seed, tensor_stream(index, true),
                    threads);
  return d;
}

uint64_t matmul_work_units(const MatmulCase& c, size_t tokens, unsigned evaluations) {
  // A multiply-add costs about a twentieth of quantizing and decoding a value.
  const uint64_t values = (tokens + kMatmulOutputs) * c.k;
  const uint64_t macs = 2 * tokens * kMatmulOutputs * c.k;
  return values * (1 + evaluations) + (macs / 20) * (1 + evaluations);
}

void run_matmul(const MatmulCase& c, const std::vector<Variant>& variants,
                const RunOptions& options, Report& report) {
  const RunSettings& set = options.settings;
  const size_t index = static_cast<size_t>(&c - matmul_cases().data());
  const size_t tokens = set.tokens, outputs = kMatmulOutputs, k = c.k;
  const size_t n = tokens * outputs;
  char shape[96];
  std::snprintf(shape, sizeof shape, " Y = X W^T with X %zu x %zu, W %zu x %zu.", tokens, k,
                outputs, k);
  StudyResult w_only = new_study_result(std::string("matmul-") + c.name + "-w",
                                        std::string(c.doc) + "." + shape +
                                            " Weights quantized, activations BF16.",
                                        StudyKind::Matmul, variants.size(), 1, set.repeats);
  StudyResult both = new_study_result(std::string("matmul-") + c.name + "-wx",
                                      std::string(c.doc) + "." + shape +
                                          " Weights and activations quantized.",
                                      StudyKind::Matmul, variants.size(), 1, set.repeats);
  char label[64];
  std::snprintf(label, sizeof label, "Y (%zu x %zu)", tokens, outputs);
  const double work_per_value = 1.0 * matmul_work_units(c, tokens, 1) / 2;  // per evaluation

  for (unsigned rep = 0; rep < set.repeats; ++rep) {
    const uint64_t seed = set.seed + rep;
    if (options.progress)
      options.progress->set_stage("matmul " + std::string(c.name) +
                                  (set.repeats > 1 ? ", seed " + std::to_string(rep + 1) + " of " +
                                                         std::to_string(set.repeats)
                                                   : std::string()));
    const MatmulData data = generate_matmul(index, tokens, seed, options.threads);
    const std::vector<double> x = to_double(data.x), w = to_double(data.w);
    std::vector<double> reference(n);
    product(x.data(), w.data(), tokens, outputs, k, options.threads, reference.data());
    if (options.progress) options.progress->advance(static_cast<uint64_t>(work_per_value));
    const float amax_x = nvfp4_tensor_amax(data.x.data(), data.x.size());
    const float amax_w = nvfp4_tensor_amax(data.w.data(), data.w.size());
    const uint64_t x_first_block = data.w.size() / kBlockValues;  // X's SR bits follow W's

    RepeatResult rw, rb;
    rw.per_matrix.assign(variants.size(), std::vector<ErrorStats>(1));
    rb.per_matrix.assign(variants.size(), std::vector<ErrorStats>(1));
    rw.sr.assign(variants.size(), SrStats{});
    rb.sr.assign(variants.size(), SrStats{});
    Decoded dw, dx;
    for (size_t v = 0; v < variants.size(); ++v) {
      const Variant& var = variants[v];
      const unsigned evaluations = set.sr_seeds >= 2 && var.stochastic() ? set.sr_seeds : 1;
      std::vector<Outputs> results(evaluations);
      for (unsigned e = 0; e < evaluations; ++e) {
        Config config = var.config;
        config.sr_seed = sr_seed_of(seed, e);
        quantize_decode(var, config, data.w.data(), data.w.size(), 0, amax_w, false, dw);
        quantize_decode(var, config, data.x.data(), data.x.size(), x_first_block, amax_x, false, dx);
        results[e].weights.resize(n);
        results[e].both.resize(n);
        product(x.data(), dw.value.data(), tokens, outputs, k, options.threads,
                results[e].weights.data());
        product(dx.value.data(), dw.value.data(), tokens, outputs, k, options.threads,
                results[e].both.data());
        if (options.progress) options.progress->advance(static_cast<uint64_t>(work_per_value));
      }
      const double inf = std::numeric_limits<double>::infinity();
      for (size_t i = 0; i < n; ++i) {
        rw.per_matrix[v][0].add(reference[i], results[0].weights[i], inf);
        rb.per_matrix[v][0].add(reference[i], results[0].both[i], inf);
      }
      if (set.sr_seeds < 2) continue;
      for (size_t i = 0; i < n; ++i) {
        // Mean and sum of squared deviations over the seeds, summed in seed order.
        auto moments = [&](std::vector<double> Outputs::*which, double* mean, double* ssd) {
          double s = 0;
          for (const Outputs& o : results) s += (o.*which)[i];
          *mean = s / evaluations;
          double d = 0;
          for (const Outputs& o : results) d += ((o.*which)[i] - *mean) * ((o.*which)[i] - *mean);
          *ssd = d;
        };
        double mean, ssd;
        moments(&Outputs::weights, &mean, &ssd);
        rw.sr[v].add(reference[i], mean, ssd, set.sr_seeds);
        moments(&Outputs::both, &mean, &ssd);
        rb.sr[v].add(reference[i], mean, ssd, set.sr_seeds);
      }
    }
    if (rep == 0) {
      double sum_sq = 0;
      for (double y : reference) sum_sq += y * y;
      for (StudyResult* r : {&w_only, &both}) {
        r->matrix_labels.push_back(label);
        r->matrix_sigmas.push_back(std::sqrt(sum_sq / static_cast<double>(n)));
      }
    }
    add_repeat(w_only, rw, rep, options.reference);
    add_repeat(both, rb, rep, options.reference);
  }
  finish_study(w_only);
  finish_study(both);
  report.studies.push_back(std::move(w_only));
  report.studies.push_back(std::move(both));
}

}  // namespace hif4::compare
