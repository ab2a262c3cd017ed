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

BlockReader::BlockReader(InputFile& in, InputFormat fmt, uint64_t row_length)
    : in_(in), fmt_(fmt), row_length_(row_length),
      row_values_(row_length ? row_length : kBlockValues),
      whole_bf16_(fmt == InputFormat::Bf16 && row_length % kBlockValues == 0) {
  count_input_blocks(in, fmt, row_length);  // a regular file is checked before any read
}

size_t BlockReader::read(uint16_t* out, size_t max_blocks) {
  if (done_ || max_blocks == 0) return 0;
  const unsigned elem = input_element_bytes(fmt_);
  size_t made = 0;
  bool ended = false;
  if (whole_bf16_) {
    // BF16 rows of whole blocks: the file's bytes are the blocks (little-endian host, as
    // documented), read straight into place with no per-value work.
    const size_t want = max_blocks * kInputBytes;
    const size_t got = in_.read_some(out, want);
    bytes_ += got;
    made = got / kInputBytes;
    ended = got < want;
  } else {
    // Values this read takes: whole blocks, where a row's last block holds its remainder.
    size_t want = 0;
    for (size_t b = 0, r = in_row_; b < max_blocks; ++b) {
      const uint64_t take = std::min<uint64_t>(kBlockValues, row_values_ - r);
      want += take;
      r = r + take == row_values_ ? 0 : r + take;
    }
    raw_.resize(want * elem);
    const size_t got = in_.read_some(raw_.data(), want * elem);
    bytes_ += got;
    ended = got < want * elem;
    const size_t values = got / elem;
    size_t used = 0;
    std::fill(out, out + max_blocks * kBlockValues, uint16_t{0});
    while (made < max_blocks && used < values) {
      const uint64_t take = std::min<uint64_t>(kBlockValues, row_values_ - in_row_);
      if (values - used < take) break;  // the input ended inside a block: reported below
      uint16_t* dst = out + made * kBlockValues;
      const uint8_t* src = &raw_[used * elem];
      for (uint64_t v = 0; v < take; ++v) {
        if (fmt_ == InputFormat::Bf16) {
          dst[v] = static_cast<uint16_t>(src[2 * v] | (src[2 * v + 1] << 8));
        } else {
          uint32_t f;
          std::memcpy(&f, src + 4 * v, 4);  // little-endian host (x86-64, as documented)
          dst[v] = f32_bits_to_bf16(f);
        }
      }
      used += take;
      ++made;
      in_row_ = in_row_ + take == row_values_ ? 0 : in_row_ + take;
    }
  }
  if (ended) {
    // The end: everything read must have made whole rows (the same checks as for a file's
    // size, so a stream gets the same messages).
    done_ = true;
    check_sample_bytes(in_, fmt_, row_length_, bytes_);
  }
  blocks_ += made;
  return made;
}

void for_each_block_chunk(InputFile& in, InputFormat fmt, uint64_t row_length,
                          const BlockChunkFn& fn, size_t chunk_blocks) {
  BlockReader reader(in, fmt, row_length);
  std::vector<uint16_t> blocks(chunk_blocks * kBlockValues);
  for (;;) {
    const uint64_t first = reader.blocks_read();
    const size_t n = reader.read(blocks.data(), chunk_blocks);
    if (n) fn(blocks.data(), n, first);
    if (n < chunk_blocks) return;
  }
}

}  // namespace hif4
