// Arrays of values in, packed blocks out, and back: the model's fast paths (simd.h) over
// contiguous buffers, rows zero-padded to whole blocks the way `hif4 quantize --row-length`
// pads them, on `threads` threads with the GIL released.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common.h"
#include "hif4/bf16.h"
#include "hif4/format.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"

#ifdef HIF4_HAVE_CUDA
#include "hif4_cuda.h"
#endif

namespace hif4::python {

using namespace pybind11::literals;

namespace {

// Blocks staged at a time where rows need padding or FP32 needs rounding: 128 KiB of BF16,
// small enough to stay in the cache between the copy and the quantizer.
constexpr size_t kStageBlocks = 1024;

inline uint16_t to_bf16(uint16_t v) { return v; }
inline uint16_t to_bf16(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return f32_bits_to_bf16(bits);  // RNE, NaN kept: what `hif4 quantize --input-format f32` does
}

// Rows of `row_length` values; block b of row r is block r * nb + b, as the CLI numbers them.
struct RowShape {
  uint64_t row_length;  // values per row (64 when the input is whole blocks)
  uint64_t nb;          // blocks per row
  uint64_t blocks;      // total
};

RowShape row_shape(uint64_t values, uint64_t row_length) {
  RowShape s{};
  s.row_length = row_length ? row_length : kBlockValues;
  if (values % s.row_length)
    throw py::value_error(std::to_string(values) + " values are not a whole number of rows of " +
                          std::to_string(s.row_length));
  s.nb = (s.row_length + kBlockValues - 1) / kBlockValues;
  s.blocks = values / s.row_length * s.nb;
  return s;
}

template <typename T>
void fill_block(const T* src, const RowShape& s, uint64_t block, uint16_t* dst) {
  const uint64_t r = block / s.nb, b = block % s.nb;
  const T* from = src + r * s.row_length + b * kBlockValues;
  const uint64_t n = std::min<uint64_t>(kBlockValues, s.row_length - b * kBlockValues);
  for (uint64_t i = 0; i < n; ++i) dst[i] = to_bf16(from[i]);
  for (uint64_t i = n; i < kBlockValues; ++i) dst[i] = 0;  // the row's zero padding
}

template <typename T>
void quantize_values(const T* src, const RowShape& s, const Config& cfg, unsigned threads,
                     uint8_t* out) {
  if constexpr (std::is_same_v<T, uint16_t>) {
    if (s.row_length % kBlockValues == 0) {  // whole blocks: straight from the caller's buffer
      quantize_blocks_parallel(src, s.blocks, cfg, 0, out, threads);
      return;
    }
  }
  parallel_for(s.blocks, threads, [&](size_t begin, size_t end) {
    std::vector<uint16_t> stage(kStageBlocks * kBlockValues);
    for (size_t c = begin; c < end; c += kStageBlocks) {
      const size_t n = std::min(kStageBlocks, end - c);
      for (size_t j = 0; j < n; ++j) fill_block(src, s, c + j, &stage[j * kBlockValues]);
      quantize_blocks_fast(stage.data(), n, cfg, c, out + c * kPackedBytes);
    }
  });
}

// A new flat array of `items` T, or `out` (not None) when it is a writeable C-contiguous array
// of T holding exactly `items`: the caller's reused buffer (no new pages to fault in).
template <typename T>
py::array output_array(const py::object& out, uint64_t items, const char* what) {
  if (out.is_none()) return py::array_t<T>(static_cast<py::ssize_t>(items));
  if (!py::isinstance<py::array>(out))
    throw py::type_error(std::string("out must be a writeable C-contiguous ") + what + " array");
  const py::array a = py::reinterpret_borrow<py::array>(out);
  if (!is_plain_array_of<T>(a) || !a.writeable())
    throw py::type_error(std::string("out must be a writeable C-contiguous ") + what + " array");
  if (static_cast<uint64_t>(a.size()) != items)
    throw py::value_error("out holds " + std::to_string(a.size()) + " elements, the result " +
                          std::to_string(items));
  return a;
}

// x: a C-contiguous uint16 (BF16 bits) or float32 array; returns the packed blocks, flat uint8
// (or `out`, filled).
py::array quantize(const py::array& x, const PyConfig& pc, uint64_t row_length, unsigned threads,
                   const py::object& out_arg) {
  const bool bf16 = is_plain_array_of<uint16_t>(x);
  if (!bf16 && !is_plain_array_of<float>(x))
    throw py::type_error("quantize: expected a C-contiguous uint16 or float32 array");
  const RowShape s = row_shape(static_cast<uint64_t>(x.size()), row_length);
  py::array out = output_array<uint8_t>(out_arg, s.blocks * kPackedBytes, "uint8");
  uint8_t* dst = static_cast<uint8_t*>(out.mutable_data());
  const void* src = x.data();
  {
    py::gil_scoped_release release;
    if (bf16)
      quantize_values(static_cast<const uint16_t*>(src), s, pc.config, threads, dst);
    else
      quantize_values(static_cast<const float*>(src), s, pc.config, threads, dst);
  }
  return out;
}

// packed: C-contiguous uint8, a whole number of 36-byte blocks. Returns the flat values
// (float32, or uint16 BF16 bits), each row of `row_length` values cropped from its blocks.
py::array dequantize(const py::array& packed, bool bf16, uint64_t row_length, unsigned threads,
                     const py::object& out_arg) {
  if (!is_plain_array_of<uint8_t>(packed))
    throw py::type_error("dequantize: expected a C-contiguous uint8 array");
  const uint64_t bytes = static_cast<uint64_t>(packed.size());
  if (bytes % kPackedBytes) throw py::value_error("dequantize: not a whole number of 36-byte blocks");
  const uint64_t blocks = bytes / kPackedBytes;
  RowShape s{};
  s.row_length = row_length ? row_length : kBlockValues;
  s.nb = (s.row_length + kBlockValues - 1) / kBlockValues;
  if (blocks % s.nb)
    throw py::value_error("dequantize: " + std::to_string(blocks) +
                          " blocks are not a whole number of rows of " + std::to_string(s.nb));
  s.blocks = blocks;
  const uint64_t values = blocks / s.nb * s.row_length;
  py::array out = bf16 ? output_array<uint16_t>(out_arg, values, "uint16")
                       : output_array<float>(out_arg, values, "float32");
  const uint8_t* in = static_cast<const uint8_t*>(packed.data());
  void* dst = out.mutable_data();
  const unsigned elem = bf16 ? 2 : 4;
  {
    py::gil_scoped_release release;
    auto decode = [&](const uint8_t* from, size_t n, void* to) {
      if (bf16)
        decode_blocks_fast_bf16(from, n, static_cast<uint16_t*>(to));
      else
        decode_blocks_fast_f32(from, n, static_cast<uint32_t*>(to));
    };
    parallel_for(blocks, threads, [&](size_t begin, size_t end) {
      if (s.row_length % kBlockValues == 0) {  // no padding to crop: decode in place
        decode(in + begin * kPackedBytes, end - begin,
               static_cast<uint8_t*>(dst) + begin * kBlockValues * elem);
        return;
      }
      std::vector<uint8_t> stage(kStageBlocks * kBlockValues * elem);
      for (size_t c = begin; c < end; c += kStageBlocks) {
        const size_t n = std::min(kStageBlocks, end - c);
        decode(in + c * kPackedBytes, n, stage.data());
        for (size_t j = 0; j < n; ++j) {
          const uint64_t r = (c + j) / s.nb, b = (c + j) % s.nb;
          const uint64_t count = std::min<uint64_t>(kBlockValues, s.row_length - b * kBlockValues);
          std::memcpy(static_cast<uint8_t*>(dst) + (r * s.row_length + b * kBlockValues) * elem,
                      stage.data() + j * kBlockValues * elem, count * elem);
        }
      }
    });
  }
  return out;
}

// FP32 values -> BF16 bit patterns, as every tool of the project rounds them.
py::array to_bf16_array(const py::array& x) {
  if (!is_plain_array_of<float>(x)) throw py::type_error("to_bf16: expected a C-contiguous float32 array");
  py::array_t<uint16_t> out(x.size());
  const float* src = static_cast<const float*>(x.data());
  uint16_t* dst = out.mutable_data();
  const size_t n = static_cast<size_t>(x.size());
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < n; ++i) dst[i] = to_bf16(src[i]);
  }
  return std::move(out);
}

#ifdef HIF4_HAVE_CUDA
// Device pointers from torch: quantize `count` blocks already on the GPU, on `stream`.
void quantize_cuda(uintptr_t d_in, size_t count, const PyConfig& pc, uintptr_t d_out, uintptr_t stream) {
  if (d_in % 16 || d_out % 4)
    throw py::value_error("quantize_cuda: input must be 16-byte aligned and output 4-byte aligned");
  py::gil_scoped_release release;
  hif4::cuda::quantize_device(reinterpret_cast<const uint16_t*>(d_in), count, pc.config, 0,
                              reinterpret_cast<uint8_t*>(d_out), reinterpret_cast<void*>(stream));
}

// Empty when a device can run the golden, else why not.
std::string cuda_unavailable_reason() {
  try {
    hif4::cuda::require_device();
    return "";
  } catch (const hif4::cuda::Error& e) {
    return e.what();
  }
}
#endif

}  // namespace

void bind_arrays(py::module_& m) {
  m.def("quantize", &quantize, "x"_a, "config"_a, "row_length"_a, "threads"_a, "out"_a = py::none());
  m.def("dequantize", &dequantize, "packed"_a, "bf16"_a, "row_length"_a, "threads"_a,
        "out"_a = py::none());
  m.def("to_bf16", &to_bf16_array, "x"_a);
#ifdef HIF4_HAVE_CUDA
  py::register_exception<hif4::cuda::Error>(m, "CudaError", PyExc_RuntimeError);
  m.def("quantize_cuda", &quantize_cuda, "d_in"_a, "count"_a, "config"_a, "d_out"_a, "stream"_a);
  m.def("cuda_unavailable_reason", &cuda_unavailable_reason);
#endif
}

}  // namespace hif4::python
