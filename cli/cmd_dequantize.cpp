// hif4 dequantize: packed HiF4 blocks in, FP32 or BF16 values out (exact).
#include <algorithm>
#include <vector>

#include "command.h"
#include "hif4/block.h"
#include "hif4/simd.h"
#include "hif4/samples.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  Args args("dequantize",
            {{"output-format", true, false, "f32 (default) or bf16"},
             {"row-length", true, false, "values per row: drop each row's zero padding"},
             {"in", true, false, "input file: 36-byte blocks (- for standard input)"},
             {"out", true, false, "output file: raw little-endian values (- for standard output)"}},
            "[--output-format f32|bf16] [--row-length L] --in FILE --out FILE");
  args.parse(argc, argv);
  const std::string fmt = args.get("output-format", "f32");
  if (fmt != "f32" && fmt != "bf16")
    throw Error("--output-format: unknown format '" + fmt + "' (formats: f32, bf16)");
  const bool bf16 = fmt == "bf16";
  const uint64_t row_length = args.get_u64("row-length", 0);
  if (args.has("row-length") && row_length == 0) throw Error("--row-length must be at least 1");
  const std::string in_path = args.required("in");
  const std::string out_path = args.required("out");
  check_output_path("--out", out_path, {in_path});
  InputFile in(in_path);
  // Rows of row_blocks blocks; the last block of a row holds row_values % 64 values (or 64).
  const uint64_t row_blocks = row_length ? blocks_per_row(row_length) : 1;
  const uint64_t row_values = row_length ? row_length : kBlockValues;
  auto check_blocks = [&](uint64_t bytes) {
    if (bytes == 0) throw Error(in.name() + " is empty");
    if (bytes % kPackedBytes)
      throw Error(in.name() + " holds " + std::to_string(bytes) + " bytes, not a whole number of 36-byte blocks");
    const uint64_t blocks = bytes / kPackedBytes;
    if (blocks % row_blocks)
      throw Error(in.name() + " holds " + std::to_string(blocks) + " blocks, not a whole number of rows of " +
                  std::to_string(row_blocks) + " blocks (--row-length " + std::to_string(row_length) + ")");
  };
  if (!in.is_stream()) check_blocks(in.size());  // before creating the output
  AtomicOutput out(out_path, {in_path});
  // Fixed-size chunks of blocks, whatever the row length: a row may span chunks.
  constexpr size_t kChunkBlocks = 16384;
  std::vector<uint8_t> packed(kChunkBlocks * kPackedBytes);
  std::vector<uint32_t> decoded(kChunkBlocks * kBlockValues);
  const unsigned elem = bf16 ? 2 : 4;
  std::vector<uint8_t> bytes(kChunkBlocks * kBlockValues * elem);
  uint64_t total = 0, block_in_row = 0;
  for (;;) {
    const size_t got = in.read_some(packed.data(), packed.size());
    total += got;
    const size_t n = got / kPackedBytes;
    if (row_values % kBlockValues == 0) {
      // Rows of whole blocks: nothing to crop, the decoded values are the output's bytes
      // (little-endian host, as documented). The fast decode (simd.h) gives exactly
      // decode_block_f32's / decode_block_bf16's bits.
      if (bf16) decode_blocks_fast_bf16(packed.data(), n, reinterpret_cast<uint16_t*>(bytes.data()));
      else decode_blocks_fast_f32(packed.data(), n, reinterpret_cast<uint32_t*>(bytes.data()));
      out.write(bytes.data(), n * kBlockValues * elem);
      if (got < packed.size()) break;
      continue;
    }
    decode_blocks_fast_f32(packed.data(), n, decoded.data());
    size_t out_bytes = 0;
    for (size_t b = 0; b < n; ++b) {
      // The row's zero padding (in its last block) is cropped.
      const uint64_t keep = block_in_row + 1 == row_blocks ? row_values - block_in_row * kBlockValues : kBlockValues;
      for (uint64_t v = 0; v < keep; ++v) {
        const uint32_t f = decoded[b * kBlockValues + v];
        const uint32_t bits = bf16 ? f >> 16 : f;  // exact: HiF4 values are BF16 values
        for (unsigned k = 0; k < elem; ++k) bytes[out_bytes++] = static_cast<uint8_t>(bits >> (8 * k));
      }
      block_in_row = block_in_row + 1 == row_blocks ? 0 : block_in_row + 1;
    }
    out.write(bytes.data(), out_bytes);
    if (got < packed.size()) break;
  }
  check_blocks(total);  // a stream is checked at its end
  out.commit();
  return kExitOk;
}

Registration reg("dequantize", "decode packed HiF4 blocks to FP32 or BF16 (exact)", run);

}  // namespace
}  // namespace hif4::cli
