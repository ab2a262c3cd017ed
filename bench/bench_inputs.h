// The throughput benchmarks' input: blocks of Gaussian values, each block scaled by its own
// random power of two, like the weights and activations of many layers (blocks at many
// magnitudes, a few at extreme ones). std::mt19937_64 and its distributions: the same data
// for the same arguments on one standard library, which is all a benchmark needs.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "hif4/bf16.h"
#include "hif4/block.h"

namespace hif4::bench {

// `blocks` blocks of N(0, 1) values, block b scaled by 2^k_b with k_b uniform in
// [-max_scale_exp, max_scale_exp].
inline std::vector<uint16_t> gaussian_blocks(size_t blocks, uint64_t seed, int max_scale_exp) {
  std::vector<uint16_t> v(blocks * kBlockValues);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> scale_exp(-max_scale_exp, max_scale_exp);
  for (size_t b = 0; b < blocks; ++b) {
    const float s = std::ldexp(1.0f, scale_exp(rng));
    for (unsigned i = 0; i < kBlockValues; ++i)
      v[b * kBlockValues + i] = f32_bits_to_bf16(float_to_bits(normal(rng) * s));
  }
  return v;
}

}  // namespace hif4::bench
