// The samplers of the synthetic studies and of the matrix-product study (private to
// hif4_compare).
//
// CompareRng is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a Weyl sequence with step 0x9E3779B97F4A7C15 passed through a
// bijective 64-bit finalizer, both from the project's rng.h. Each (study, matrix, chunk) gets
// its own stream, keyed by hashing those indices with the seed, so the values drawn do not
// depend on the order in which threads take the chunks. The compare figures must never move:
// they rest on splitmix64_next and splitmix64_mix, whose outputs tests/vectors/test_rng.cpp
// pins with known answers, so a change to either fails those tests before it reaches a figure.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hif4/compare.h"
#include "hif4/rng.h"

namespace hif4::compare {

// Values per chunk: a multiple of 64 (HiF4), 32 (MXFP4) and 16 (NVFP4), so no block straddles
// two chunks; 64 rows of a study matrix. A chunk is drawn from one stream and evaluated by one
// thread.
constexpr size_t kChunkValues = 64 * kStudyColumns;

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

// The key of one stream: distribution, matrix (or tensor) and chunk (or row).
uint64_t stream_key(uint64_t seed, Distribution d, uint64_t matrix, uint64_t chunk);

// Outlier channels of the llm-mix distribution: 8 of every 1024 columns carry a gain between
// 10 and 100 (log-uniform), as the few "outlier features" of LLM activations and the outlier
// input channels of weights do (LLM.int8(), Dettmers et al. 2022; SmoothQuant, Xiao et al.
// 2023); the other columns have gain 1 and draw from a Laplace bulk. `matrix` keys the stream.
std::vector<double> outlier_gains(uint64_t seed, uint64_t matrix, size_t columns);

// One value of distribution d with standard deviation sigma (llm-mix: of the bulk; `gain` is
// the column's outlier gain, 1 for the bulk).
double draw(Distribution d, CompareRng& rng, double sigma, double gain);

}  // namespace hif4::compare
