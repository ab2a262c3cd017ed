// Which implementation quantizes: the reference model (default) or the CUDA golden (golden/).
// Commands that quantize take `--backend model|cuda` through these helpers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "hif4/args.h"
#include "hif4/config.h"

namespace hif4::cli {

enum class Backend { Model, Cuda };

// The --backend spec, for commands to add to their option list.
Args::Spec backend_spec();
// Parses "model" or "cuda"; throws Error naming the option otherwise.
Backend parse_backend(const std::string& option, const std::string& text);
// Throws Error (exit 2) unless the backend can run here: for cuda, "--backend cuda: no CUDA
// device (...)" without a GPU or driver, or a note that this hif4 was built without CUDA.
// Call it before creating any output.
void require_backend(Backend backend);

// hif4::quantize_blocks through the chosen backend (same bytes, same block indices).
void quantize_blocks_with(Backend backend, const uint16_t* in, size_t count, const Config& cfg,
                          uint64_t first_index, uint8_t* out);

// Host memory for the blocks a backend reads and writes: page-locked for the CUDA backend
// (the transfers to and from the GPU then run at the link's full rate), ordinary otherwise.
class HostBuffer {
 public:
  HostBuffer(Backend backend, size_t bytes);
  ~HostBuffer();
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  HostBuffer(HostBuffer&& o) noexcept : data_(o.data_), pinned_(o.pinned_) { o.data_ = nullptr; }
  template <typename T>
  T* as() const { return static_cast<T*>(data_); }

 private:
  void* data_ = nullptr;
  bool pinned_ = false;
};

// The CUDA path alone: false with a message in *error when it cannot run.
bool cuda_quantize_blocks(const uint16_t* in, size_t count, const Config& cfg,
                          uint64_t first_index, uint8_t* out, std::string* error);

}  // namespace hif4::cli
