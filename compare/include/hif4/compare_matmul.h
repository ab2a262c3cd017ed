// The matrix-product study of `hif4 compare --study matmul`: what a format does to the product
// the numbers are used for, not only to the tensor.
//
// Each case is one linear layer Y = X W^T of a LLaMA-7B-like model (d_model 4096, d_ff 11008):
// X holds `tokens` rows of K activations, W kOutputs rows (output channels) of K weights, both
// drawn in double and rounded to BF16. Each variant quantizes W along K in its own blocks
// (NVFP4's per-tensor scale over W), and X likewise; the products of the decoded values are
// summed in double, so the error measured is that of the quantization alone. Two studies per
// case: weights quantized with BF16 activations ("-w"), and both quantized ("-wx"); both are
// measured against the double-precision product of the BF16 inputs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hif4/compare.h"

namespace hif4::compare {

struct MatmulCase {
  const char* name;
  const char* doc;
  size_t k;  // the reduction length
  Distribution activations;
  double activation_sigma;
  Distribution weights;
  double weight_sigma;
};

// The cases, in report order.
const std::vector<MatmulCase>& matmul_cases();

constexpr size_t kMatmulOutputs = 256;  // output channels (rows of W) per case
constexpr size_t kMatmulTokens = 32;    // rows of X by default (--tokens)

struct MatmulData {
  size_t tokens = 0, outputs = 0, k = 0;
  std::vector<uint16_t> x;  // tokens x k, BF16
  std::vector<uint16_t> w;  // outputs x k, BF16
};

// Draws case number `index` of matmul_cases(): deterministic in (index, tokens, seed) whatever
// the thread count.
MatmulData generate_matmul(size_t index, size_t tokens, uint64_t seed, unsigned threads);

// sum_i a[i] * b[i] in double, in a fixed order (four partial sums).
double dot(const double* a, const double* b, size_t n);

}  // namespace hif4::compare
