#include "hif4/samples.h"

#include <algorithm>
#include <cstring>

#include "hif4/bf16.h"

namespace hif4 {

InputFormat parse_input_format(const std::string& option, const std::string& text) {
  if (text == "bf16") return InputFormat::Bf16;
  if (text == "f32") return InputFormat::F32;
  throw Error(option + ": unknown format '" + text + "' (formats: bf16, f32)");
}

unsigned input_element_bytes(InputFormat f) { return f == InputFormat::Bf16 ? 2 : 4; }

uint64_t count_input_blocks(const InputFile& in, InputFormat fmt, uint64_t row_length) {
  const uint64_t elem = input_element_bytes(fmt);
  const char* what = fmt == InputFormat::Bf16 ? "BF16" : "FP32";
  if (in.size() == 0) throw Error("input '" + in.path() + "' is empty");
  if (in.size() % elem != 0)
    throw Error("input '" + in.path() + "' holds " + std::to_string(in.size()) +
                " bytes, not a whole number of " + what + " values");
  const uint64_t values = in.size() / elem;
  if (row_length == 0) {
    if (values % kBlockValues != 0)
      throw Error("input '" + in.path() + "' holds " + std::to_string(values) + " " + what +
                  " values, not a whole number of 64-value blocks (use --row-length to pad rows)");
    return values / kBlockValues;
  }
  if (values % row_length != 0)
    throw Error("input '" + in.path() + "' holds " + std::to_string(values) + " " + what +
                " values, not a whole number of rows of " + std::to_string(row_length));
  return values / row_length * blocks_per_row(row_length);
}

void for_each_block_chunk(InputFile& in, InputFormat fmt, uint64_t row_length,
                          const BlockChunkFn& fn, size_t chunk_blocks) {
  const uint64_t total = count_input_blocks(in, fmt, row_length);
  const unsigned elem = input_element_bytes(fmt);
  const uint64_t row_values = row_length ? row_length : kBlockValues;
  const uint64_t row_blocks = row_length ? blocks_per_row(row_length) : 1;
  // Rows per chunk: enough to fill chunk_blocks, at least one row.
  const uint64_t rows_per_chunk = std::max<uint64_t>(1, chunk_blocks / row_blocks);
  std::vector<uint16_t> blocks(rows_per_chunk * row_blocks * kBlockValues);
  std::vector<uint8_t> raw(rows_per_chunk * row_values * elem);
  uint64_t done = 0;
  while (done < total) {
    const uint64_t rows = std::min<uint64_t>(rows_per_chunk, (total - done) / row_blocks);
    in.read(raw.data(), rows * row_values * elem);
    std::fill(blocks.begin(), blocks.begin() + rows * row_blocks * kBlockValues, 0);
    for (uint64_t r = 0; r < rows; ++r) {
      uint16_t* dst = blocks.data() + r * row_blocks * kBlockValues;
      const uint8_t* src = raw.data() + r * row_values * elem;
      for (uint64_t v = 0; v < row_values; ++v) {
        if (fmt == InputFormat::Bf16) {
          dst[v] = static_cast<uint16_t>(src[2 * v] | (src[2 * v + 1] << 8));
        } else {
          uint32_t f;
          std::memcpy(&f, src + 4 * v, 4);  // little-endian host (x86-64, as documented)
          dst[v] = f32_bits_to_bf16(f);
        }
      }
    }
    fn(blocks.data(), rows * row_blocks, done);
    done += rows * row_blocks;
  }
}

}  // namespace hif4
