// `hif4 compare`: error figures, variants and the synthetic studies (see compare.h).
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
#include "sampling.h"

namespace hif4::compare {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
  sum_quad_error += err * err * err * err;
  sum_sq_input += x * x;
  sum_error += err;
  max_abs_error = std::max(max_abs_error, abs_err);
  if (x != 0) {
    max_rel_error = std::max(max_rel_error, abs_err / std::fabs(x));
    if (q == 0) ++flushed;
    if (lane_max == 0) ++scale_underflow;
  }
  if (lane_max > 0 && std::fabs(x) > lane_max) ++saturated;
}

void ErrorStats::merge(const ErrorStats& o) {
  values += o.values;
  nonfinite_inputs += o.nonfinite_inputs;
  nan_outputs += o.nan_outputs;
  saturated += o.saturated;
  scale_underflow += o.scale_underflow;
  flushed += o.flushed;
  sum_sq_error += o.sum_sq_error;
  sum_quad_error += o.sum_quad_error;
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
  if (measured && f.mse > 0) {
    const double n = static_cast<double>(measured);
    const double var = std::max(0.0, s.sum_quad_error / n - f.mse * f.mse);
    f.mse_rel_se = std::sqrt(var / n) / f.mse;
  } else {
    f.mse_rel_se = kNaN;
  }
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
  f.scale_underflow_share = s.values ? static_cast<double>(s.scale_underflow) / n : kNaN;
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
    case Format::Nvfp4Div6: return "nvfp4-div6";
    case Format::Mxfp4: return "mxfp4";
  }
  return "?";
}

bool Variant::stochastic() const {
  return format == Format::Hif4 && config.payload_rounding == PayloadRounding::Stochastic;
}

std::string describe_variant(const Variant& v) {
  switch (v.format) {
    case Format::Hif4: return describe(v.config);
    case Format::Nvfp4:
      return "NVFP4: E2M1 x E4M3 per 16 values x FP32 per tensor; s_b = E4M3(amax_b * (S_enc * "
             "(1/6))) (Transformer Engine at c74e5aa)";
    case Format::Nvfp4Div6:
      return "NVFP4: E2M1 x E4M3 per 16 values x FP32 per tensor; s_b = E4M3((amax_b / 6) * "
             "S_enc) (Transformer Engine's reference before c74e5aa)";
    case Format::Mxfp4: return "MXFP4: E2M1 x E8M0 per 32 values (OCP MX v1.0)";
  }
  return "?";
}

size_t find_variant(const std::vector<Variant>& variants, const std::string& name) {
  std::vector<std::string> names;
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].name == name || std::to_string(i + 1) == name) return i;
    names.push_back("'" + variants[i].name + "'");
  }
  throw ConfigError("no variant '" + name + "' in this run (variants: " + join(names) +
                    ", or their numbers 1.." + std::to_string(variants.size()) + ")");
}

std::vector<Variant> build_variants(const std::vector<std::string>& profile_names,
                                    const std::vector<std::string>& vary,
                                    const std::string& baseline_profile, uint64_t sr_seed) {
  find_profile(baseline_profile);  // validate even when no variant is built from it
  const Format baseline_formats[] = {Format::Nvfp4, Format::Nvfp4Div6, Format::Mxfp4};
  const Format default_baselines[] = {Format::Nvfp4, Format::Mxfp4};
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
    for (Format b : default_baselines) names.emplace_back(format_name(b));
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
  throw ConfigError("unknown study '" + name + "' (studies: " + join(names) +
                    ", matmul, file, all)");
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
  data.kind = StudyKind::Tensor;
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

}  // namespace hif4::compare
