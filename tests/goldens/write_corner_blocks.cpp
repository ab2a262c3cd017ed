// write_corner_blocks SEED COUNT: COUNT random corner blocks (hif4::CornerBlocks, the project's
// one source of random test blocks) as raw little-endian BF16 on standard output, for the
// goldens' oracle test to quantize with `hif4 quantize` and compare with tests/goldens/oracle.py.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hif4/corner_blocks.h"

int main(int argc, char** argv) {
  char* end = nullptr;
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_corner_blocks SEED COUNT\n");
    return 2;
  }
  const unsigned long long seed = std::strtoull(argv[1], &end, 10);
  if (*end) return std::fprintf(stderr, "write_corner_blocks: bad seed '%s'\n", argv[1]), 2;
  const unsigned long long count = std::strtoull(argv[2], &end, 10);
  if (*end) return std::fprintf(stderr, "write_corner_blocks: bad count '%s'\n", argv[2]), 2;
  hif4::CornerBlocks gen(seed);
  std::vector<uint16_t> block(hif4::kBlockValues);
  for (unsigned long long i = 0; i < count; ++i) {
    gen.next(block.data());
    // BF16 patterns are written little-endian: the project's hosts are little-endian x86-64.
    if (std::fwrite(block.data(), sizeof(uint16_t), block.size(), stdout) != block.size()) return 1;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
