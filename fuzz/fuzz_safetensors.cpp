// libFuzzer target: the safetensors header reader of `hif4 convert`
// (hif4::safetensors::parse_file_image, which MappedFile runs on the mapped bytes).
//
// Input: the whole file image. On success every TensorInfo must be safe for the converter to
// use without further checks; the target verifies that (a violation aborts): the data area
// ends exactly at the end of the image, each tensor lies inside it, its byte span is its
// element count times the dtype width, and tensors tile the data area in offset order.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "hif4/safetensors.h"

namespace st = hif4::safetensors;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const st::Header h = st::parse_file_image(data, size, "fuzz.safetensors");
    if (h.data_offset != 8 + h.header_bytes || h.data_offset + h.data_bytes != size) std::abort();
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const st::TensorInfo& t : h.tensors) {
      if (t.begin > t.end || t.end > h.data_bytes) std::abort();
      const st::DType* d = st::find_dtype(t.dtype);
      if (!d || d->bits != t.bits) std::abort();
      const uint64_t bits = t.elements() * t.bits;  // validated by the reader not to overflow
      if ((bits + 7) / 8 != t.bytes()) std::abort();
      if (h.find(t.name) != &t) std::abort();
      spans.emplace_back(t.begin, t.end);
    }
    std::sort(spans.begin(), spans.end());
    uint64_t at = 0;
    for (const auto& s : spans) {
      if (s.first != at) std::abort();
      at = s.second;
    }
    if (at != h.data_bytes) std::abort();
  } catch (const hif4::Error&) {
  }
  return 0;
}
