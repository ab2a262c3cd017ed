// The CUDA golden: HiF4 quantization on an NVIDIA GPU, written in floating point the way the
// official HiFloat4 kernels are, independently of the model's integer code, and checked bit for
// bit against the model (scripts/gpu_check.sh, docs/cuda.md).
//
// This header has no CUDA types, so plain C++ (the `hif4` command line) can include it.
// Every function throws hif4::cuda::Error on failure; `no_device` tells a missing GPU or driver
// (the usual case on a build machine) from other CUDA failures.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hif4/config.h"

namespace hif4::cuda {

struct Error : std::runtime_error {
  bool no_device = false;
  Error(const std::string& message, bool missing_device)
      : std::runtime_error(message), no_device(missing_device) {}
};

// Throws Error{no_device = true} with "no CUDA device (...)" when no usable GPU is present.
void require_device();

// "NVIDIA H100 80GB HBM3, sm_90, 132 SMs, 79.1 GiB" for the current device.
std::string device_description();

// Quantize `count` blocks that are already on the device and pack them (36 bytes a block).
//   d_in:  count * 64 BF16 values, 16-byte aligned (cudaMalloc memory is).
//   d_out: count * 36 bytes, 4-byte aligned.
// Block i uses block index first_index + i for the stochastic rounding bits, as
// hif4::quantize_blocks does. Asynchronous on `stream` (a cudaStream_t, nullptr = default
// stream); launch errors are thrown, execution errors show at the next synchronization.
void quantize_device(const uint16_t* d_in, size_t count, const Config& cfg, uint64_t first_index,
                     uint8_t* d_out, void* stream = nullptr);

// Host to host: copies in, quantizes, copies out, in chunks; returns when `out` is written.
// From page-locked memory (alloc_pinned) the transfers run at the link's full rate, and the
// chunks' copies in, kernels and copies out overlap on two streams.
void quantize_host(const uint16_t* in, size_t count, const Config& cfg, uint64_t first_index,
                   uint8_t* out);

// Page-locked host memory (cudaHostAlloc), for buffers that quantize_host reads and writes.
void* alloc_pinned(size_t bytes);
void free_pinned(void* p);

// Kernel variants, for the benchmark and for checking one against the other:
//   kVariantSimple:    8 threads a block, each computing the block's scale (straightforward);
//   kVariantBatched:   the same 8 threads handle 8 blocks, one scale each, with the fewest
//                      instructions a lane (see quantize.cu).
constexpr int kVariantSimple = 1;
constexpr int kVariantBatched = 8;
// The variants in the order the GPU check runs and times them.
constexpr int kVariants[] = {kVariantSimple, kVariantBatched};
const char* variant_name(int variant);
// The variant quantize_device and quantize_host use.
int default_variant();
void quantize_device_variant(int variant, const uint16_t* d_in, size_t count, const Config& cfg,
                             uint64_t first_index, uint8_t* d_out, void* stream = nullptr);

}  // namespace hif4::cuda
