// Running the studies of `hif4 compare`: every variant over every chunk of every matrix, for
// every repeat and stochastic-rounding seed (compare.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "hif4/baselines.h"
#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/compare.h"
#include "hif4/compare_matmul.h"
#include "hif4/compare_progress.h"
#include "hif4/format.h"
#include "hif4/parallel.h"
#include "quantize_variant.h"
#include "run_internal.h"
#include "sampling.h"

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One piece of the parallel work: `count` values (whole blocks of every format) of one matrix.
struct Chunk {
  size_t matrix, begin, count;
};

struct ChunkResult {
  std::vector<ErrorStats> stats;  // [variant]
  std::vector<SrStats> sr;        // [variant], with two or more SR seeds
};

// Quantizes one chunk under every variant (and every SR seed of a stochastic one).
void evaluate_chunk(const uint16_t* x, size_t count, uint64_t first_block, float tensor_amax,
                    const std::vector<Variant>& variants, const Config& baseline,
                    uint64_t run_seed, unsigned sr_seeds, ChunkResult& out) {
  std::vector<double> reference(count);
  for (size_t i = 0; i < count; ++i) reference[i] = bf16_to_double(x[i]);
  const size_t blocks = count / kBlockValues;

  std::vector<uint8_t> base_bits;
  const bool any_hif4 = std::any_of(variants.begin(), variants.end(),
                                    [](const Variant& v) { return v.format == Format::Hif4; });
  if (any_hif4) {
    base_bits.resize(blocks * kPackedBytes);
    quantize_blocks(x, blocks, baseline, first_block, base_bits.data());
  }
  Decoded d;
  std::vector<double> mean, sum_sq_dev;

  for (size_t v = 0; v < variants.size(); ++v) {
    const Variant& var = variants[v];
    ErrorStats& s = out.stats[v];
    const unsigned evaluations = sr_seeds >= 2 && var.stochastic() ? sr_seeds : 1;
    for (unsigned k = 0; k < evaluations; ++k) {
      Config config = var.config;
      config.sr_seed = sr_seed_of(run_seed, k);
      const bool reuse = k == 0 && var.format == Format::Hif4 && config == baseline;
      quantize_decode(var, config, x, count, first_block, tensor_amax, k == 0, d,
                      reuse ? base_bits.data() : nullptr);
      if (k == 0) {
        if (var.format == Format::Hif4) {
          s.blocks += blocks;
          if (!reuse)
            for (size_t b = 0; b < blocks; ++b)
              s.blocks_differ += std::memcmp(d.packed.data() + b * kPackedBytes,
                                             base_bits.data() + b * kPackedBytes,
                                             kPackedBytes) != 0;
        }
        for (size_t i = 0; i < count; ++i) s.add(reference[i], d.value[i], d.lane_max[i]);
        if (sr_seeds >= 2) {
          mean = d.value;
          sum_sq_dev.assign(count, 0.0);
        }
      } else {
        // Welford's update of each value's mean and sum of squared deviations.
        for (size_t i = 0; i < count; ++i) {
          const double delta = d.value[i] - mean[i];
          mean[i] += delta / (k + 1);
          sum_sq_dev[i] += delta * (d.value[i] - mean[i]);
        }
      }
    }
    if (sr_seeds >= 2)
      for (size_t i = 0; i < count; ++i)
        if (std::isfinite(reference[i]) && !std::isnan(mean[i]))
          out.sr[v].add(reference[i], mean[i], sum_sq_dev[i], sr_seeds);
  }
}

unsigned evaluations_per_value(const std::vector<Variant>& variants, unsigned sr_seeds) {
  unsigned n = 0;
  for (const Variant& v : variants) n += sr_seeds >= 2 && v.stochastic() ? sr_seeds : 1;
  return n;
}

uint64_t study_values(const StudyData& data) {
  uint64_t n = 0;
  for (const Matrix& m : data.matrices) n += m.values.size();
  return n;
}

}  // namespace

double geomean_ratio(const std::vector<ErrorStats>& a, const std::vector<ErrorStats>& b) {
  double log_sum = 0;
  unsigned n = 0;
  for (size_t m = 0; m < a.size(); ++m) {
    const double x = figures(a[m]).mse, y = figures(b[m]).mse;
    if (!(x > 0) || !(y > 0) || !std::isfinite(x) || !std::isfinite(y)) continue;
    log_sum += std::log(x / y);
    ++n;
  }
  return n ? std::exp(log_sum / n) : kNaN;
}

double mse_ratio_geomean(const StudyResult& r, size_t variant, size_t reference) {
  return geomean_ratio(r.per_matrix[variant], r.per_matrix[reference]);
}

RepeatResult evaluate_data(const StudyData& data, const std::vector<Variant>& variants,
                           const Config& baseline, uint64_t run_seed, unsigned sr_seeds,
                           unsigned threads, Progress* progress) {
  std::vector<Chunk> chunks;
  std::vector<float> amax;
  for (size_t m = 0; m < data.matrices.size(); ++m) {
    const Matrix& mat = data.matrices[m];
    if (mat.values.size() % kBlockValues != 0)
      throw ConfigError("study " + data.name + ", " + mat.label +
                        ": the value count is not a multiple of 64");
    amax.push_back(nvfp4_tensor_amax(mat.values.data(), mat.values.size()));
    for (size_t begin = 0; begin < mat.values.size(); begin += kChunkValues)
      chunks.push_back({m, begin, std::min(kChunkValues, mat.values.size() - begin)});
  }
  const unsigned evaluations = evaluations_per_value(variants, sr_seeds);
  std::vector<ChunkResult> partial(chunks.size());
  parallel_for(chunks.size(), threads, [&](size_t first, size_t last) {
    for (size_t i = first; i < last; ++i) {
      const Chunk& c = chunks[i];
      const Matrix& mat = data.matrices[c.matrix];
      partial[i].stats.assign(variants.size(), ErrorStats{});
      partial[i].sr.assign(variants.size(), SrStats{});
      evaluate_chunk(mat.values.data() + c.begin, c.count, c.begin / kBlockValues,
                     amax[c.matrix], variants, baseline, run_seed, sr_seeds, partial[i]);
      if (progress) progress->advance(c.count * evaluations);
    }
  }, 1);

  RepeatResult r;
  r.per_matrix.assign(variants.size(), std::vector<ErrorStats>(data.matrices.size()));
  r.sr.assign(variants.size(), SrStats{});
  // Merged in chunk order (chunks are listed matrix by matrix, in order).
  for (size_t i = 0; i < chunks.size(); ++i)
    for (size_t v = 0; v < variants.size(); ++v) {
      r.per_matrix[v][chunks[i].matrix].merge(partial[i].stats[v]);
      r.sr[v].merge(partial[i].sr[v]);
    }
  return r;
}

StudyResult new_study_result(const std::string& name, const std::string& doc, StudyKind kind,
                             size_t variants, size_t matrices, unsigned repeats) {
  StudyResult r;
  r.name = name;
  r.doc = doc;
  r.kind = kind;
  r.per_matrix.assign(variants, std::vector<ErrorStats>(matrices));
  r.total.assign(variants, ErrorStats{});
  r.per_repeat.assign(variants, std::vector<ErrorStats>(repeats));
  r.repeat_ratio.assign(variants, std::vector<double>(repeats, kNaN));
  r.sr.assign(variants, SrStats{});
  r.sr_per_repeat.assign(variants, std::vector<SrStats>(repeats));
  return r;
}

void add_repeat(StudyResult& r, const RepeatResult& rr, unsigned repeat, size_t reference) {
  for (size_t v = 0; v < rr.per_matrix.size(); ++v) {
    ErrorStats pooled;
    for (size_t m = 0; m < rr.per_matrix[v].size(); ++m) {
      r.per_matrix[v][m].merge(rr.per_matrix[v][m]);
      pooled.merge(rr.per_matrix[v][m]);
    }
    r.per_repeat[v][repeat] = pooled;
    r.repeat_ratio[v][repeat] = geomean_ratio(rr.per_matrix[v], rr.per_matrix[reference]);
    r.sr[v].merge(rr.sr[v]);
    r.sr_per_repeat[v][repeat] = rr.sr[v];
  }
}

void finish_study(StudyResult& r) {
  for (size_t v = 0; v < r.per_matrix.size(); ++v) {
    r.total[v] = ErrorStats{};
    for (const ErrorStats& m : r.per_matrix[v]) r.total[v].merge(m);
  }
}

Report run_studies(const std::vector<StudyPlan>& plans, const std::vector<Variant>& variants,
                   const RunOptions& options) {
  const RunSettings& set = options.settings;
  if (set.repeats == 0 || set.sr_seeds == 0) throw ConfigError("repeats and SR seeds must be >= 1");
  if (options.reference >= variants.size()) throw ConfigError("the reference variant is not in the list");
  Report report;
  report.variants = variants;
  report.baseline_profile = options.baseline_profile;
  report.reference = options.reference;
  report.settings = set;
  const Config baseline_profile = find_profile(options.baseline_profile).config;
  const unsigned evaluations = evaluations_per_value(variants, set.sr_seeds);

  // The work, in progress units (values times quantizations; drawing a value counts as one).
  if (options.progress) {
    for (const StudyPlan& p : plans) {
      uint64_t units = 0;
      switch (p.kind) {
        case StudyKind::Synthetic:
          units = uint64_t{kStudyMatrices} * set.rows * kStudyColumns * (1 + evaluations);
          break;
        case StudyKind::Tensor: units = study_values(p.tensor) * evaluations; break;
        case StudyKind::Matmul: units = matmul_work_units(*p.matmul, set.tokens, evaluations); break;
      }
      options.progress->add_total(units * set.repeats);
    }
  }

  for (const StudyPlan& plan : plans) {
    if (plan.kind == StudyKind::Matmul) {
      run_matmul(*plan.matmul, variants, options, report);
      continue;
    }
    StudyResult result;
    for (unsigned rep = 0; rep < set.repeats; ++rep) {
      const uint64_t seed = set.seed + rep;
      Config baseline = baseline_profile;
      baseline.sr_seed = sr_seed_of(seed, 0);
      StudyData drawn;
      const StudyData* data = &plan.tensor;
      const std::string name = plan.kind == StudyKind::Synthetic ? plan.spec->name : plan.tensor.name;
      if (options.progress)
        options.progress->set_stage(name + (set.repeats > 1 ? ", seed " + std::to_string(rep + 1) +
                                                                  " of " + std::to_string(set.repeats)
                                                            : std::string()));
      if (plan.kind == StudyKind::Synthetic) {
        drawn = generate_study(*plan.spec, set.rows, seed, options.threads);
        data = &drawn;
        if (options.progress) options.progress->advance(study_values(drawn));
      }
      if (rep == 0) {
        result = new_study_result(data->name, data->doc, data->kind, variants.size(),
                                  data->matrices.size(), set.repeats);
        for (const Matrix& m : data->matrices) {
          result.matrix_labels.push_back(m.label);
          result.matrix_sigmas.push_back(m.sigma);
        }
      }
      const RepeatResult rr = evaluate_data(*data, variants, baseline, seed, set.sr_seeds,
                                            options.threads, options.progress);
      add_repeat(result, rr, rep, options.reference);
    }
    finish_study(result);
    report.studies.push_back(std::move(result));
  }
  return report;
}

Report run_compare(const std::vector<StudyData>& studies, const std::vector<Variant>& variants,
                   const std::string& baseline_profile, uint64_t sr_seed, unsigned threads) {
  Report report;
  report.variants = variants;
  report.baseline_profile = baseline_profile;
  report.settings.seed = sr_seed;
  Config baseline = find_profile(baseline_profile).config;
  baseline.sr_seed = sr_seed_of(sr_seed, 0);
  for (const StudyData& data : studies) {
    StudyResult r = new_study_result(data.name, data.doc, data.kind, variants.size(),
                                     data.matrices.size(), 1);
    for (const Matrix& m : data.matrices) {
      r.matrix_labels.push_back(m.label);
      r.matrix_sigmas.push_back(m.sigma);
    }
    add_repeat(r, evaluate_data(data, variants, baseline, sr_seed, 1, threads, nullptr), 0, 0);
    finish_study(r);
    report.studies.push_back(std::move(r));
  }
  return report;
}

}  // namespace hif4::compare
