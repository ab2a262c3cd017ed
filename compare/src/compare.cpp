// `hif4 compare`: studies, variants, error figures and the report (see compare.h).
#include "hif4/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>

#include "hif4/baselines.h"
#include "hif4/bf16.h"
#include "hif4/block.h"
#include "hif4/format.h"
#include "hif4/parallel.h"
#include "hif4/rng.h"
#include "hif4/stages.h"

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Values handled per work item: a multiple of 64 (HiF4), 32 (MXFP4) and 16 (NVFP4), so no
// block straddles two items; 64 rows of a study matrix.
constexpr size_t kChunkValues = 64 * kStudyColumns;

// ---- The study generator ----------------------------------------------------------------
//
// CompareRng is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a Weyl sequence with step 0x9E3779B97F4A7C15 passed through a
// bijective 64-bit finalizer, both from the project's rng.h. Each (study, matrix, chunk) gets
// its own stream, keyed by hashing those indices with the seed, so the values drawn do not
// depend on the order in which threads take the chunks. The compare figures must never move:
// they rest on splitmix64_next and splitmix64_mix, whose outputs tests/vectors/test_rng.cpp
// pins with known answers, so a change to either fails those tests before it reaches a figure.

class CompareRng {
 public:
  explicit CompareRng(uint64_t key) : state_(key) {}
  uint64_t next() { return splitmix64_next(state_); }
  // Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): the midpoints of the 2^53 cells, never 0 (log) nor 1.
  double uniform_open() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  // Standard normal, Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform_open()));
    const double theta = 2.0 * M_PI * uniform();
    spare_ = r * std::sin(theta);
    have_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  uint64_t state_;
  double spare_ = 0;
  bool have_spare_ = false;
};

uint64_t stream_key(uint64_t seed, Distribution d, uint64_t matrix, uint64_t chunk) {
  const uint64_t id = (uint64_t{static_cast<uint8_t>(d)} << 56) ^ (matrix << 32) ^ chunk;
  return splitmix64_mix(seed ^ splitmix64_mix(id + 0x6869663443ull));
}

// Outlier channels of the llm-mix study: kOutlierChannels of the columns carry a gain
// between 10 and 100 (log-uniform), as the few "outlier features" of LLM activations and the
// outlier input channels of weights do (LLM.int8(), Dettmers et al. 2022; SmoothQuant, Xiao
// et al. 2023); the rest draw from a Laplace bulk.
constexpr unsigned kOutlierChannels = 8;

std::vector<double> outlier_gains(uint64_t seed, unsigned matrix, size_t columns) {
  std::vector<double> gain(columns, 1.0);
  CompareRng rng(stream_key(seed, Distribution::LlmMix, matrix, 0xFFFFFFFFull));
  unsigned placed = 0;
  while (placed < kOutlierChannels && placed < columns) {
    const size_t c = static_cast<size_t>(rng.next() % columns);
    if (gain[c] != 1.0) continue;
    gain[c] = std::pow(10.0, 1.0 + rng.uniform());
    ++placed;
  }
  return gain;
}

double draw(Distribution d, CompareRng& rng, double sigma, double gain) {
  switch (d) {
    case Distribution::Gaussian: return sigma * rng.normal();
    case Distribution::Laplace: {
      // Inverse CDF; scale b = sigma / sqrt(2) gives standard deviation sigma.
      const double u = rng.uniform_open() - 0.5;
      const double b = sigma / std::sqrt(2.0);
      return -b * std::copysign(1.0, u) * std::log(1.0 - 2.0 * std::fabs(u));
    }
    case Distribution::StudentT3: {
      // t = Z / sqrt(chi2_3 / 3); its variance is 3, so sigma / sqrt(3) gives std sigma.
      const double z = rng.normal();
      double chi2 = 0;
      for (int k = 0; k < 3; ++k) {
        const double n = rng.normal();
        chi2 += n * n;
      }
      return sigma / std::sqrt(3.0) * z / std::sqrt(chi2 / 3.0);
    }
    case Distribution::Uniform:
      // U(-sqrt(3) sigma, sqrt(3) sigma) has standard deviation sigma.
      return sigma * std::sqrt(3.0) * (2.0 * rng.uniform() - 1.0);
    case Distribution::LlmMix:
      if (gain != 1.0) return sigma * gain * rng.normal();
      return draw(Distribution::Laplace, rng, sigma, 1.0);
  }
  return 0;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

std::string knob_values(const Knob& k) {
  std::vector<std::string> names;
  for (const KnobValue& v : k.values) names.emplace_back(v.name);
  return join(names);
}

}  // namespace

// ---- Figures ----------------------------------------------------------------------------

void ErrorStats::add(double x, double q, double lane_max) {
  if (!std::isfinite(x)) {
    ++nonfinite_inputs;
    return;
  }
  ++values;
  if (std::isnan(q)) {
    ++nan_outputs;
    return;
  }
  const double err = q - x;
  const double abs_err = std::fabs(err);
  sum_sq_error += err * err;
  sum_sq_input += x * x;
  sum_error += err;
  max_abs_error = std::max(max_abs_error, abs_err);
  if (x != 0) {
    max_rel_error = std::max(max_rel_error, abs_err / std::fabs(x));
    if (q == 0) ++flushed;
  }
  if (std::fabs(x) > lane_max) ++saturated;
}

void ErrorStats::merge(const ErrorStats& o) {
  values += o.values;
  nonfinite_inputs += o.nonfinite_inputs;
  nan_outputs += o.nan_outputs;
  saturated += o.saturated;
  flushed += o.flushed;
  sum_sq_error += o.sum_sq_error;
  sum_sq_input += o.sum_sq_input;
  sum_error += o.sum_error;
  max_abs_error = std::max(max_abs_error, o.max_abs_error);
  max_rel_error = std::max(max_rel_error, o.max_rel_error);
  blocks += o.blocks;
  blocks_differ += o.blocks_differ;
}

Figures figures(const ErrorStats& s) {
  Figures f;
  const uint64_t measured = s.values - s.nan_outputs;
  f.mse = measured ? s.sum_sq_error / static_cast<double>(measured) : kNaN;
  f.nmse = s.sum_sq_input > 0 ? s.sum_sq_error / s.sum_sq_input : kNaN;
  if (s.sum_sq_input > 0)
    f.sqnr_db = s.sum_sq_error > 0 ? 10.0 * std::log10(s.sum_sq_input / s.sum_sq_error)
                                   : std::numeric_limits<double>::infinity();
  else
    f.sqnr_db = kNaN;
  f.max_abs_error = s.max_abs_error;
  f.max_rel_error = s.max_rel_error;
  f.bias = measured ? s.sum_error / static_cast<double>(measured) : kNaN;
  const double n = static_cast<double>(s.values);
  f.saturated_share = s.values ? static_cast<double>(s.saturated) / n : kNaN;
  f.flushed_share = s.values ? static_cast<double>(s.flushed) / n : kNaN;
  f.nan_share = s.values ? static_cast<double>(s.nan_outputs) / n : kNaN;
  f.blocks_differ_share =
      s.blocks ? static_cast<double>(s.blocks_differ) / static_cast<double>(s.blocks) : kNaN;
  return f;
}

// ---- Variants ---------------------------------------------------------------------------

const char* format_name(Format f) {
  switch (f) {
    case Format::Hif4: return "hif4";
    case Format::Nvfp4: return "nvfp4";
    case Format::Mxfp4: return "mxfp4";
  }
  return "?";
}

std::vector<Variant> build_variants(const std::vector<std::string>& profile_names,
                                    const std::vector<std::string>& vary,
                                    const std::string& baseline_profile, uint64_t sr_seed) {
  find_profile(baseline_profile);  // validate even when no variant is built from it
  const Format baseline_formats[] = {Format::Nvfp4, Format::Mxfp4};
  auto is_baseline_format = [&](const std::string& name, Format* f) {
    for (Format b : baseline_formats)
      if (name == format_name(b)) {
        *f = b;
        return true;
      }
    return false;
  };

  // The names asked for, in order; empty means every profile and both baselines.
  std::vector<std::string> names = profile_names;
  std::set<std::string> seen;
  for (const std::string& n : names)
    if (!seen.insert(n).second) throw ConfigError("--profile " + n + " given twice");
  if (names.empty()) {
    if (vary.empty())
      for (const Profile& p : profiles()) names.emplace_back(p.name);
    else
      names.push_back(baseline_profile);
    for (Format b : baseline_formats) names.emplace_back(format_name(b));
  }

  // Each --vary entry: a knob and its values.
  struct Sweep {
    const Knob* knob;
    std::vector<uint8_t> values;
  };
  std::vector<Sweep> sweeps;
  for (const std::string& spec : vary) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--vary '" + spec + "': expected KNOB=VALUE1,VALUE2,...");
    const Knob& knob = find_knob(spec.substr(0, eq));
    for (const Sweep& s : sweeps)
      if (s.knob == &knob) throw ConfigError("--vary: knob " + std::string(knob.name) + " given twice");
    Sweep sweep{&knob, {}};
    std::stringstream list(spec.substr(eq + 1));
    std::string value;
    const std::string rest = spec.substr(eq + 1);
    if (rest.empty() || rest.back() == ',')
      throw ConfigError("--vary '" + spec + "': empty value (values of " + knob.name + ": " +
                        knob_values(knob) + ")");
    while (std::getline(list, value, ',')) {
      size_t index = knob.values.size();
      for (size_t i = 0; i < knob.values.size(); ++i)
        if (value == knob.values[i].name) index = i;
      if (index == knob.values.size())
        throw ConfigError("--vary: unknown value '" + value + "' for knob " + knob.name +
                          " (values: " + knob_values(knob) + ")");
      if (std::find(sweep.values.begin(), sweep.values.end(), index) != sweep.values.end())
        throw ConfigError("--vary: value " + value + " of knob " + knob.name + " given twice");
      sweep.values.push_back(static_cast<uint8_t>(index));
    }
    sweeps.push_back(std::move(sweep));
  }

  std::vector<Variant> variants;
  for (const std::string& name : names) {
    Format f;
    if (is_baseline_format(name, &f)) {
      Variant v;
      v.name = name;
      v.format = f;
      variants.push_back(v);
      continue;
    }
    const Profile& profile = find_profile(name);
    // The cross product of the sweeps, first sweep slowest.
    std::vector<size_t> pick(sweeps.size(), 0);
    for (;;) {
      Variant v;
      v.name = profile.name;
      v.config = profile.config;
      v.config.sr_seed = sr_seed;
      for (size_t s = 0; s < sweeps.size(); ++s) {
        sweeps[s].knob->set(v.config, sweeps[s].values[pick[s]]);
        v.name += std::string(" ") + sweeps[s].knob->name + "=" +
                  sweeps[s].knob->values[sweeps[s].values[pick[s]]].name;
      }
      variants.push_back(v);
      size_t s = sweeps.size();
      while (s > 0 && ++pick[s - 1] == sweeps[s - 1].values.size()) pick[--s] = 0;
      if (s == 0) break;
    }
  }
  return variants;
}

// ---- Studies ----------------------------------------------------------------------------

const std::vector<StudySpec>& studies() {
  static const std::vector<StudySpec> table = {
      {"gaussian", "Gaussian N(0, sigma^2), the paper's study", Distribution::Gaussian},
      {"laplace", "Laplace with standard deviation sigma", Distribution::Laplace},
      {"student-t", "Student-t with 3 degrees of freedom, scaled to standard deviation sigma",
       Distribution::StudentT3},
      {"uniform", "uniform on [-sqrt(3) sigma, sqrt(3) sigma]", Distribution::Uniform},
      {"llm-mix",
       "Laplace bulk (std sigma) with 8 of 1024 channels (columns) Gaussian at 10..100x sigma, "
       "like the outlier features of LLM activations and weights",
       Distribution::LlmMix},
  };
  return table;
}

const StudySpec& find_study(const std::string& name) {
  std::vector<std::string> names;
  for (const StudySpec& s : studies()) {
    if (name == s.name) return s;
    names.emplace_back(s.name);
  }
  throw ConfigError("unknown study '" + name + "' (studies: " + join(names) + ", all, file)");
}

double study_sigma(unsigned matrix) { return 0.01 * std::ldexp(1.0, static_cast<int>(matrix)); }

StudyData generate_study(const StudySpec& spec, size_t rows, uint64_t seed, unsigned threads) {
  StudyData data;
  data.name = spec.name;
  data.doc = spec.doc;
  const size_t n = rows * kStudyColumns;
  std::vector<std::vector<double>> gains(kStudyMatrices);
  for (unsigned m = 0; m < kStudyMatrices; ++m) {
    Matrix mat;
    mat.sigma = study_sigma(m);
    char label[32];
    std::snprintf(label, sizeof label, "sigma=%g", mat.sigma);
    mat.label = label;
    mat.columns = kStudyColumns;
    mat.values.resize(n);
    data.matrices.push_back(std::move(mat));
    if (spec.distribution == Distribution::LlmMix)
      gains[m] = outlier_gains(seed, m, kStudyColumns);
  }
  const size_t chunks = (n + kChunkValues - 1) / kChunkValues;
  parallel_for(kStudyMatrices * chunks, threads, [&](size_t first, size_t last) {
    for (size_t item = first; item < last; ++item) {
      const unsigned m = static_cast<unsigned>(item / chunks);
      const size_t c = item % chunks;
      Matrix& mat = data.matrices[m];
      CompareRng rng(stream_key(seed, spec.distribution, m, c));
      const size_t end = std::min(n, (c + 1) * kChunkValues);
      for (size_t i = c * kChunkValues; i < end; ++i) {
        const double gain = gains[m].empty() ? 1.0 : gains[m][i % kStudyColumns];
        mat.values[i] = double_to_bf16(draw(spec.distribution, rng, mat.sigma, gain));
      }
    }
  }, 1);
  return data;
}

StudyData tensor_study(const std::string& label, std::vector<uint16_t> values) {
  StudyData data;
  data.name = "file";
  data.doc = "the values of " + label;
  Matrix m;
  m.label = label;
  double sum_sq = 0;
  uint64_t finite = 0;
  for (uint16_t b : values)
    if (bf16_is_finite(b)) {
      const double x = bf16_to_double(b);
      sum_sq += x * x;
      ++finite;
    }
  m.sigma = finite ? std::sqrt(sum_sq / static_cast<double>(finite)) : 0;
  m.columns = values.size();
  m.values = std::move(values);
  data.matrices.push_back(std::move(m));
  return data;
}

// ---- Running ------------------------------------------------------------------------------

namespace {

// One work item: `count` values (whole blocks of every format) of one matrix.
struct Chunk {
  size_t study, matrix, begin, count;
};

// Quantizes one chunk under every variant and adds each variant's figures to out[variant].
void evaluate_chunk(const uint16_t* x, size_t count, uint64_t first_block, float tensor_amax,
                    const std::vector<Variant>& variants, const Config& baseline,
                    std::vector<ErrorStats>& out) {
  std::vector<double> reference(count);
  for (size_t i = 0; i < count; ++i) reference[i] = bf16_to_double(x[i]);
  const size_t blocks = count / kBlockValues;

  std::vector<uint8_t> base_bits, bits;
  const bool any_hif4 = std::any_of(variants.begin(), variants.end(),
                                    [](const Variant& v) { return v.format == Format::Hif4; });
  if (any_hif4) {
    base_bits.resize(blocks * kPackedBytes);
    quantize_blocks(x, blocks, baseline, first_block, base_bits.data());
    bits.resize(blocks * kPackedBytes);
  }
  std::vector<double> decoded(count);

  for (size_t v = 0; v < variants.size(); ++v) {
    const Variant& var = variants[v];
    ErrorStats& s = out[v];
    switch (var.format) {
      case Format::Hif4: {
        const uint8_t* packed = base_bits.data();
        if (var.config != baseline) {
          quantize_blocks(x, blocks, var.config, first_block, bits.data());
          packed = bits.data();
        }
        uint32_t lanes[kBlockValues];
        for (size_t b = 0; b < blocks; ++b) {
          const uint8_t* p = packed + b * kPackedBytes;
          ++s.blocks;
          if (std::memcmp(p, base_bits.data() + b * kPackedBytes, kPackedBytes) != 0)
            ++s.blocks_differ;
          const Block blk = unpack_block(p);
          decode_block_f32(blk, lanes);
          const Dyadic scale = e6m2_value(blk.e6m2);
          for (unsigned i = 0; i < kBlockValues; ++i) {
            // The lane's largest magnitude: S1P2 1.75 = 7 quarters, as decode_magnitude forms it.
            const double lane_max =
                blk.e6m2 == kE6M2NaN
                    ? kNaN
                    : std::ldexp(static_cast<double>(scale.sig * kS1P2MaxMagnitude),
                                 scale.exp - 2 + static_cast<int>(blk.lane_shift(i)));
            const size_t k = b * kBlockValues + i;
            s.add(reference[k], static_cast<double>(bits_to_float(lanes[i])), lane_max);
          }
        }
        break;
      }
      case Format::Nvfp4: {
        const Nvfp4Data q = nvfp4_quantize(x, count, tensor_amax);
        nvfp4_dequantize(q, decoded.data());
        for (size_t b = 0; b < q.scales.size(); ++b) {
          const double lane_max =
              kE2M1Max * e4m3_value(q.scales[b]) * static_cast<double>(q.decode_scale);
          for (unsigned i = 0; i < kNvfp4BlockValues; ++i) {
            const size_t k = b * kNvfp4BlockValues + i;
            s.add(reference[k], decoded[k], lane_max);
          }
        }
        break;
      }
      case Format::Mxfp4: {
        const Mxfp4Data q = mxfp4_quantize(x, count);
        mxfp4_dequantize(q, decoded.data());
        for (size_t b = 0; b < q.scales.size(); ++b) {
          const double lane_max = kE2M1Max * e8m0_value(q.scales[b]);
          for (unsigned i = 0; i < kMxfp4BlockValues; ++i) {
            const size_t k = b * kMxfp4BlockValues + i;
            s.add(reference[k], decoded[k], lane_max);
          }
        }
        break;
      }
    }
  }
}

}  // namespace

Report run_compare(const std::vector<StudyData>& data, const std::vector<Variant>& variants,
                   const std::string& baseline_profile, uint64_t sr_seed, unsigned threads) {
  Report report;
  report.variants = variants;
  report.baseline_profile = baseline_profile;
  Config baseline = find_profile(baseline_profile).config;
  baseline.sr_seed = sr_seed;

  std::vector<Chunk> chunks;
  std::vector<std::vector<float>> amax(data.size());
  for (size_t s = 0; s < data.size(); ++s) {
    for (size_t m = 0; m < data[s].matrices.size(); ++m) {
      const Matrix& mat = data[s].matrices[m];
      if (mat.values.size() % kBlockValues != 0)
        throw ConfigError("study " + data[s].name + ", " + mat.label +
                          ": the value count is not a multiple of 64");
      amax[s].push_back(nvfp4_tensor_amax(mat.values.data(), mat.values.size()));
      for (size_t begin = 0; begin < mat.values.size(); begin += kChunkValues)
        chunks.push_back({s, m, begin, std::min(kChunkValues, mat.values.size() - begin)});
    }
  }

  std::vector<std::vector<ErrorStats>> partial(chunks.size(),
                                               std::vector<ErrorStats>(variants.size()));
  parallel_for(chunks.size(), threads, [&](size_t first, size_t last) {
    for (size_t i = first; i < last; ++i) {
      const Chunk& c = chunks[i];
      const Matrix& mat = data[c.study].matrices[c.matrix];
      evaluate_chunk(mat.values.data() + c.begin, c.count, c.begin / kBlockValues,
                     amax[c.study][c.matrix], variants, baseline, partial[i]);
    }
  }, 1);

  for (size_t s = 0; s < data.size(); ++s) {
    StudyResult r;
    r.name = data[s].name;
    r.doc = data[s].doc;
    for (const Matrix& m : data[s].matrices) {
      r.matrix_labels.push_back(m.label);
      r.matrix_sigmas.push_back(m.sigma);
    }
    r.per_matrix.assign(variants.size(), std::vector<ErrorStats>(data[s].matrices.size()));
    r.total.assign(variants.size(), ErrorStats{});
    report.studies.push_back(std::move(r));
  }
  // Merge in chunk order (chunks are listed study by study, matrix by matrix, in order).
  for (size_t i = 0; i < chunks.size(); ++i)
    for (size_t v = 0; v < variants.size(); ++v)
      report.studies[chunks[i].study].per_matrix[v][chunks[i].matrix].merge(partial[i][v]);
  for (StudyResult& r : report.studies)
    for (size_t v = 0; v < variants.size(); ++v)
      for (const ErrorStats& m : r.per_matrix[v]) r.total[v].merge(m);
  return report;
}

double mse_ratio_geomean(const StudyResult& r, size_t variant, size_t reference) {
  double log_sum = 0;
  unsigned n = 0;
  for (size_t m = 0; m < r.matrix_labels.size(); ++m) {
    const double a = figures(r.per_matrix[variant][m]).mse;
    const double b = figures(r.per_matrix[reference][m]).mse;
    if (!(a > 0) || !(b > 0) || !std::isfinite(a) || !std::isfinite(b)) continue;
    log_sum += std::log(a / b);
    ++n;
  }
  return n ? std::exp(log_sum / n) : kNaN;
}

// ---- Report -------------------------------------------------------------------------------

namespace {

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

std::string describe_variant(const Variant& v) {
  return v.format == Format::Hif4 ? describe(v.config) : std::string(format_name(v.format));
}

}  // namespace

std::string format_markdown(const Report& report) {
  std::ostringstream out;
  const std::vector<Variant>& vars = report.variants;
  for (const StudyResult& r : report.studies) {
    out << "### " << r.name << ": " << r.doc << "\n\n";
    if (r.matrix_labels.size() > 1) {
      out << r.matrix_labels.size() << " matrices, sigma = " << num(r.matrix_sigmas.front())
          << " .. " << num(r.matrix_sigmas.back()) << " (x2 each), ";
    } else {
      out << "1 tensor (RMS " << num(r.matrix_sigmas.front()) << "), ";
    }
    out << (r.total.empty() ? 0 : r.total[0].values + r.total[0].nonfinite_inputs)
        << " values per variant";
    if (!r.total.empty() && r.total[0].nonfinite_inputs)
      out << " (" << r.total[0].nonfinite_inputs << " NaN/Inf inputs not measured)";
    out << ". Errors against the BF16-rounded input; MSE, NMSE, SQNR and bias pool all "
           "matrices; the last column is the geometric mean over matrices of the per-matrix "
           "MSE ratio.\n\n";
    out << "| variant | MSE | NMSE | SQNR dB | max abs err | max rel err | bias | saturated | "
           "flushed to 0 | NaN out | blocks != "
        << report.baseline_profile << " | MSE / " << (vars.empty() ? "" : vars[0].name) << " |\n";
    out << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (size_t v = 0; v < vars.size(); ++v) {
      const Figures f = figures(r.total[v]);
      out << "| " << vars[v].name << " | " << num(f.mse) << " | " << num(f.nmse) << " | "
          << num(f.sqnr_db, "%.2f") << " | " << num(f.max_abs_error) << " | "
          << num(f.max_rel_error) << " | " << num(f.bias) << " | " << percent(f.saturated_share)
          << " | " << percent(f.flushed_share) << " | " << percent(f.nan_share) << " | "
          << percent(f.blocks_differ_share) << " | " << num(mse_ratio_geomean(r, v, 0), "%.3f")
          << " |\n";
    }
    out << "\n";
  }
  return out.str();
}

std::string format_csv(const Report& report) {
  std::ostringstream out;
  out << "study,matrix,sigma,variant,format,config,values,nonfinite_inputs,mse,nmse,sqnr_db,"
         "max_abs_error,max_rel_error,bias,saturated_share,flushed_share,nan_share,blocks,"
         "blocks_differ_share,mse_ratio\n";
  auto g = [](double v, const char* fmt = "%.9g") { return num(v, fmt, "nan"); };
  auto row = [&](const StudyResult& r, const std::string& matrix, double sigma, size_t v,
                 const ErrorStats& s, double ratio) {
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
        << g(f.blocks_differ_share, "%.9g") << ',' << g(ratio, "%.6f") << '\n';
  };
  for (const StudyResult& r : report.studies) {
    for (size_t v = 0; v < report.variants.size(); ++v) {
      for (size_t m = 0; m < r.matrix_labels.size(); ++m) {
        const double a = figures(r.per_matrix[v][m]).mse, b = figures(r.per_matrix[0][m]).mse;
        row(r, r.matrix_labels[m], r.matrix_sigmas[m], v, r.per_matrix[v][m],
            b > 0 ? a / b : kNaN);
      }
      row(r, "all", kNaN, v, r.total[v], mse_ratio_geomean(r, v, 0));
    }
  }
  return out.str();
}

}  // namespace hif4::compare
