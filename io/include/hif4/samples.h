// Raw sample files (BF16 or FP32 values, rows padded to whole blocks) read as BF16 blocks in
// bounded memory: the input of `hif4 quantize` and friends.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hif4/files.h"
#include "hif4/format.h"

namespace hif4 {

enum class InputFormat { Bf16, F32 };
InputFormat parse_input_format(const std::string& option, const std::string& text);
unsigned input_element_bytes(InputFormat f);

// Blocks per row of L values (each row zero-padded to a multiple of 64); no overflow for any L.
inline uint64_t blocks_per_row(uint64_t row_length) {
  return row_length / kBlockValues + (row_length % kBlockValues != 0);
}

// Checks a regular file's size and returns the number of blocks it makes. row_length 0: the
// file must hold whole blocks of 64 values; otherwise whole rows of row_length values. For
// standard input (a stream) it checks nothing and returns 0: the same checks run at its end.
uint64_t count_input_blocks(const InputFile& in, InputFormat fmt, uint64_t row_length);

// Reads a sample file as BF16 blocks into the caller's memory (any buffer: a pinned one for a
// GPU, say). FP32 input is rounded to BF16 (RNE, NaN kept), as the seed does; each row is
// zero-padded to whole blocks; a row may span reads, so memory does not grow with the row
// length. Where the input ends, read() throws Error unless it ended on a row (or block)
// boundary.
class BlockReader {
 public:
  // Checks a regular file's size at once (count_input_blocks).
  BlockReader(InputFile& in, InputFormat fmt, uint64_t row_length);
  // Up to max_blocks blocks into out (max_blocks * 64 values); returns how many, fewer only
  // at the end (then 0 on every later call).
  size_t read(uint16_t* out, size_t max_blocks);
  uint64_t blocks_read() const { return blocks_; }

 private:
  InputFile& in_;
  InputFormat fmt_;
  uint64_t row_length_, row_values_;
  bool whole_bf16_;          // BF16 rows of whole blocks: the bytes are the blocks
  uint64_t in_row_ = 0;      // values of the current row already placed
  uint64_t bytes_ = 0, blocks_ = 0;
  bool done_ = false;
  std::vector<uint8_t> raw_;
};

// Reads the input and hands it on as BF16 blocks, `chunk_blocks` at a time (fewer only at the
// end), in order. FP32 input is rounded to BF16 (RNE, NaN kept) first, as the seed does. A row
// longer than a chunk is split across chunks, so memory does not grow with the row length.
// Throws Error when the input does not end on a row (or block) boundary.
// fn(blocks, count, first_block).
using BlockChunkFn = std::function<void(const uint16_t* blocks, size_t count, uint64_t first)>;
void for_each_block_chunk(InputFile& in, InputFormat fmt, uint64_t row_length,
                          const BlockChunkFn& fn, size_t chunk_blocks = 16384);

}  // namespace hif4
