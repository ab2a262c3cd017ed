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
             {"in", true, false, "input file: 36-byte blocks"},
             {"out", true, false, "output file: raw little-endian values"}},
            "[--output-format f32|bf16] [--row-length L] --in FILE --out FILE");
  args.parse(argc, argv);
  const std::string fmt = args.get("output-format", "f32");
  if (fmt != "f32" && fmt != "bf16")
    throw Error("--output-format: unknown format '" + fmt + "' (formats: f32, bf16)");
  const bool bf16 = fmt == "bf16";
  const uint64_t row_length = args.get_u64("row-length", 0);
  if (args.has("row-length") && row_length == 0) throw Error("--row-length must be at least 1");
  InputFile in(args.required("in"));
  if (in.size() == 0) throw Error("input '" + in.path() + "' is empty");
  if (in.size() % kPackedBytes)
    throw Error("input '" + in.path() + "' holds " + std::to_string(in.size()) +
                " bytes, not a whole number of 36-byte blocks");
  const uint64_t blocks = in.size() / kPackedBytes;
  const uint64_t row_blocks = row_length ? blocks_per_row(row_length) : 1;
  const uint64_t row_values = row_length ? row_length : kBlockValues;
  if (blocks % row_blocks)
    throw Error("input '" + in.path() + "' holds " + std::to_string(blocks) +
                " blocks, not a whole number of rows of " + std::to_string(row_blocks) +
                " blocks (--row-length " + std::to_string(row_length) + ")");
  AtomicOutput out(args.required("out"));
  const uint64_t rows_per_chunk = std::max<uint64_t>(1, 16384 / row_blocks);
  std::vector<uint8_t> packed(rows_per_chunk * row_blocks * kPackedBytes);
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> decoded(rows_per_chunk * row_blocks * kBlockValues);
  const unsigned elem = bf16 ? 2 : 4;
  for (uint64_t done = 0; done < blocks;) {
    const uint64_t rows = std::min<uint64_t>(rows_per_chunk, (blocks - done) / row_blocks);
    in.read(packed.data(), rows * row_blocks * kPackedBytes);
    // The fast decode (simd.h) gives exactly decode_block_f32's bits.
    decode_blocks_fast_f32(packed.data(), rows * row_blocks, decoded.data());
    bytes.assign(rows * row_values * elem, 0);
    for (uint64_t r = 0; r < rows; ++r) {
      for (uint64_t v = 0; v < row_values; ++v) {  // the row's zero padding is cropped
        const uint32_t f = decoded[r * row_blocks * kBlockValues + v];
        const uint32_t bits = bf16 ? f >> 16 : f;  // exact: HiF4 values are BF16 values
        uint8_t* dst = &bytes[(r * row_values + v) * elem];
        for (unsigned k = 0; k < elem; ++k) dst[k] = static_cast<uint8_t>(bits >> (8 * k));
      }
    }
    out.write(bytes.data(), bytes.size());
    done += rows * row_blocks;
  }
  out.commit();
  return kExitOk;
}

Registration reg("dequantize", "decode packed HiF4 blocks to FP32 or BF16 (exact)", run);

}  // namespace
}  // namespace hif4::cli
