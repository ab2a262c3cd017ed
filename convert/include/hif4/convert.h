// Checkpoint conversion: a safetensors checkpoint to the seed's packed HiF4 layout (four uint8
// tensors per quantized weight and hif4_config.json) and back to BF16 (docs/convert.md).
// Both write a new output folder under a temporary name and rename it into place when whole.
#pragma once
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/error.h"

namespace hif4::convert {

struct ConvertOptions {
  std::string in;                 // a folder, a .safetensors file or an index file
  std::string out;                // the output folder (must not exist)
  Config config;                  // the knobs every quantized weight is converted with
  std::vector<std::string> skip;  // extra module-name keywords to keep unquantized
  bool default_skip = true;       // also skip the seed's defaults (embed, lm_head, gate, ...)
  bool report = false;            // print per-tensor NMSE and SQNR against the original
  unsigned threads = 1;
};

struct DequantizeOptions {
  std::string in;   // a folder written by convert_checkpoint (or the seed's converter)
  std::string out;  // the output folder (must not exist)
  unsigned threads = 1;
};

// Each returns kExitOk, or throws Error naming the file and what is wrong (nothing is left at
// `out` then).
int convert_checkpoint(const ConvertOptions& options);
int dequantize_checkpoint(const DequantizeOptions& options);

}  // namespace hif4::convert
