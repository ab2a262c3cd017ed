// The --backend glue. HIF4_HAVE_CUDA is defined (cli/CMakeLists.txt) when hif4_cuda is linked in;
// without it, --backend cuda is a clear error rather than a missing option.
#include "backend.h"

#include "hif4/block.h"

#ifdef HIF4_HAVE_CUDA
#include "hif4_cuda.h"
#endif

namespace hif4::cli {

Args::Spec backend_spec() {
  return {"backend", true, false,
          "model (default: the reference model) or cuda (the CUDA golden on the GPU)"};
}

Backend parse_backend(const std::string& option, const std::string& text) {
  if (text == "model") return Backend::Model;
  if (text == "cuda") return Backend::Cuda;
  throw Error(option + ": unknown backend '" + text + "' (backends: model, cuda)");
}

bool cuda_quantize_blocks(const uint16_t* in, size_t count, const Config& cfg,
                          uint64_t first_index, uint8_t* out, std::string* error) {
#ifdef HIF4_HAVE_CUDA
  try {
    hif4::cuda::quantize_host(in, count, cfg, first_index, out);
    return true;
  } catch (const hif4::cuda::Error& e) {
    if (error) *error = e.what();
    return false;
  }
#else
  (void)in, (void)count, (void)cfg, (void)first_index, (void)out;
  if (error)
    *error = "no CUDA device: this hif4 was built without CUDA (configure with -DHIF4_CUDA=ON "
             "where nvcc is installed)";
  return false;
#endif
}

void require_backend(Backend backend) {
  if (backend != Backend::Cuda) return;
#ifdef HIF4_HAVE_CUDA
  try {
    hif4::cuda::require_device();
  } catch (const hif4::cuda::Error& e) {
    throw Error(std::string("--backend cuda: ") + e.what());
  }
#else
  std::string why;
  cuda_quantize_blocks(nullptr, 0, Config{}, 0, nullptr, &why);
  throw Error("--backend cuda: " + why);
#endif
}

HostBuffer::HostBuffer(Backend backend, size_t bytes) {
#ifdef HIF4_HAVE_CUDA
  if (backend == Backend::Cuda) {
    try {
      data_ = hif4::cuda::alloc_pinned(bytes);
      pinned_ = true;
      return;
    } catch (const hif4::cuda::Error&) {
      // Ordinary memory still works, at the lower transfer rate of pageable copies.
    }
  }
#else
  (void)backend;
#endif
  data_ = ::operator new(bytes);
}

HostBuffer::~HostBuffer() {
  if (!data_) return;
#ifdef HIF4_HAVE_CUDA
  if (pinned_) {
    hif4::cuda::free_pinned(data_);
    return;
  }
#endif
  ::operator delete(data_);
}

void quantize_blocks_with(Backend backend, const uint16_t* in, size_t count, const Config& cfg,
                          uint64_t first_index, uint8_t* out) {
  if (backend == Backend::Model) {
    quantize_blocks(in, count, cfg, first_index, out);
    return;
  }
  std::string why;
  if (!cuda_quantize_blocks(in, count, cfg, first_index, out, &why))
    throw Error("--backend cuda: " + why);
}

}  // namespace hif4::cli
