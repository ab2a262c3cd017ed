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
//
// Block b of seed s comes from its own stream, xoshiro256** seeded with mix64(s ^ mix64(b)):
// a pure function of (s, b), so a shard of a long random run starts at its first block at
// once (seek), and block b is the same whichever shard or thread makes it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hif4/format.h"
#include "hif4/rng.h"

namespace hif4 {

class CornerBlocks {
 public:
  explicit CornerBlocks(uint64_t seed, uint64_t first_block = 0) : seed_(seed), position_(first_block) {}
  // The 64 BF16 lanes of block position(), then moves to the next block.
  void next(uint16_t out[kBlockValues]);
  // The next `blocks` blocks, one after another.
  void fill(uint16_t* out, size_t blocks);
  // The block next() makes next.
  uint64_t position() const { return position_; }
  void seek(uint64_t block) { position_ = block; }

 private:
  uint64_t seed_;
  uint64_t position_;
};

}  // namespace hif4
