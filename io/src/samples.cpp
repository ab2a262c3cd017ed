#include "hif4/samples.h"

#include <algorithm>
#include <cstring>

#include "hif4/bf16.h"

namespace hif4 {
namespace {

const char* format_name(InputFormat f) { return f == InputFormat::Bf16 ? "BF16" : "FP32"; }

// The size checks, given the byte count (of a file, or of a stream once it ended).
uint64_t check_sample_bytes(const InputFile& in, InputFormat fmt, uint64_t row_length, uint64_t bytes) {
  const uint64_t elem = input_element_bytes(fmt);
  const char* what = format_name(fmt);
  if (bytes == 0) throw Error(in.name() + " is empty");
  if (bytes % elem != 0)
    throw Error(in.name() + " holds " + std::to_string(bytes) + " bytes, not a whole number of " +
                what + " values");
  const uint64_t values = bytes / elem;
  if (row_length == 0) {
    if (values % kBlockValues != 0)
      throw Error(in.name() + " holds " + std::to_string(values) + " " + what +
                  " values, not a whole number of 64-value blocks (use --row-length to pad rows)");
    return values / kBlockValues;
  }
  if (values % row_length != 0)
    throw Error(in.name() + " holds " + std::to_string(values) + " " + what +
                " values, not a whole number of rows of " + std::to_string(row_length));
  return values / row_length * blocks_per_row(row_length);
}

// BF16 rows of whole blocks: the file's bytes are the blocks (little-endian host, as
// documented), so they are read straight into place with no per-value work.
void for_each_whole_bf16_chunk(InputFile& in, uint64_t row_length, const BlockChunkFn& fn,
                               size_t chunk_blocks) {
  std::vector<uint16_t> blocks(chunk_blocks * kBlockValues);
  const size_t chunk_bytes = blocks.size() * sizeof(uint16_t);
  uint64_t bytes = 0, first = 0;
  for (;;) {
    const size_t got = in.read_some(blocks.data(), chunk_bytes);
    bytes += got;
    const size_t made = got / kInputBytes;
    if (got < chunk_bytes) {
      check_sample_bytes(in, InputFormat::Bf16, row_length, bytes);
      if (made) fn(blocks.data(), made, first);
      return;
    }
    fn(blocks.data(), made, first);
    first += made;
  }
}

}  // namespace

InputFormat parse_input_format(const std::string& option, const std::string& text) {
  if (text == "bf16") return InputFormat::Bf16;
  if (text == "f32") return InputFormat::F32;
  throw Error(option + ": unknown format '" + text + "' (formats: bf16, f32)");
}

unsigned input_element_bytes(InputFormat f) { return f == InputFormat::Bf16 ? 2 : 4; }

uint64_t count_input_blocks(const InputFile& in, InputFormat fmt, uint64_t row_length) {
  return in.is_stream() ? 0 : check_sample_bytes(in, fmt, row_length, in.size());
}

void for_each_block_chunk(InputFile& in, InputFormat fmt, uint64_t row_length,
                          const BlockChunkFn& fn, size_t chunk_blocks) {
  count_input_blocks(in, fmt, row_length);
  if (fmt == InputFormat::Bf16 && row_length % kBlockValues == 0)
    return for_each_whole_bf16_chunk(in, row_length, fn, chunk_blocks);
  const unsigned elem = input_element_bytes(fmt);
  const uint64_t row_values = row_length ? row_length : kBlockValues;
  std::vector<uint16_t> blocks(chunk_blocks * kBlockValues);
  std::vector<uint8_t> raw(chunk_blocks * kBlockValues * elem);
  uint64_t in_row = 0;  // values of the current row already placed
  uint64_t bytes = 0, first = 0;
  for (;;) {
    // Values this chunk takes: whole blocks, where a row's last block holds its remainder.
    size_t want = 0;
    for (size_t b = 0, r = in_row; b < chunk_blocks; ++b) {
      const uint64_t take = std::min<uint64_t>(kBlockValues, row_values - r);
      want += take;
      r = r + take == row_values ? 0 : r + take;
    }
    const size_t got = in.read_some(raw.data(), want * elem);
    bytes += got;
    const size_t values = got / elem;
    size_t used = 0, made = 0;
    std::fill(blocks.begin(), blocks.end(), 0);
    while (made < chunk_blocks && used < values) {
      const uint64_t take = std::min<uint64_t>(kBlockValues, row_values - in_row);
      if (values - used < take) break;  // the input ended inside a block: reported below
      uint16_t* dst = &blocks[made * kBlockValues];
      const uint8_t* src = &raw[used * elem];
      for (uint64_t v = 0; v < take; ++v) {
        if (fmt == InputFormat::Bf16) {
          dst[v] = static_cast<uint16_t>(src[2 * v] | (src[2 * v + 1] << 8));
        } else {
          uint32_t f;
          std::memcpy(&f, src + 4 * v, 4);  // little-endian host (x86-64, as documented)
          dst[v] = f32_bits_to_bf16(f);
        }
      }
      used += take;
      ++made;
      in_row = in_row + take == row_values ? 0 : in_row + take;
    }
    if (got < want * elem) {
      // The end: everything read must have made whole rows (the same checks as for a file's
      // size, so a stream gets the same messages).
      check_sample_bytes(in, fmt, row_length, bytes);
      if (made) fn(blocks.data(), made, first);
      return;
    }
    fn(blocks.data(), made, first);
    first += made;
  }
}

}  // namespace hif4
