// Quantizes the 64 BF16 values given as hex on the command line (missing lanes are +0) under a
// profile and prints the packed block as hex, through the installed model's public headers.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hif4/block.h"
#include "hif4/config.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: consumer PROFILE [BF16_HEX]...\n");
    return 2;
  }
  uint16_t in[hif4::kBlockValues] = {};
  for (int i = 2; i < argc && i - 2 < static_cast<int>(hif4::kBlockValues); ++i)
    in[i - 2] = static_cast<uint16_t>(std::strtoul(argv[i], nullptr, 16));
  const hif4::Block b = hif4::quantize_block(in, hif4::find_profile(argv[1]).config, 0);
  uint8_t packed[hif4::kPackedBytes];
  hif4::pack_block(b, packed);
  for (uint8_t byte : packed) std::printf("%02x", byte);
  std::printf("\n");
  return 0;
}
