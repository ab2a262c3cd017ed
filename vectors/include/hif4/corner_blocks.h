// The project's one source of random corner blocks: `hif4 cosim --random`, the RTL and SystemC
// test benches, the fast-path tests and the benchmarks all draw their random blocks here.
//
// Each block picks a kind from one draw of the portable RNG (rng.h), so a seed means the same
// blocks on every machine: peaks around a centre exponent anywhere in BF16's range with a
// spread of up to 11 binades below it (every E6M2 code, E1 decisions both ways), often with
// only 0..2 mantissa bits (exact quarters: payload and scale rounding ties), one lane in eight
// a signed zero; raw bit patterns (NaN, Inf, subnormals); all-zero blocks of both signs; tiny
// blocks (scale underflow); huge blocks (scale overflow); and ordinary blocks with one Inf, one
// NaN or a 1.75 * 2^k peak planted in a random lane. One draw per lane keeps it cheap next to
// a simulation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hif4/format.h"
#include "hif4/rng.h"

namespace hif4 {

class CornerBlocks {
 public:
  explicit CornerBlocks(uint64_t seed);
  // The next block's 64 BF16 lanes.
  void next(uint16_t out[kBlockValues]);
  // The next `blocks` blocks, one after another.
  void fill(uint16_t* out, size_t blocks);

 private:
  Rng rng_;
};

}  // namespace hif4
