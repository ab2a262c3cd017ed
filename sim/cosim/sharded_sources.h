// `hif4 cosim --shard K/N`: the co-simulation's sources (vector files, built-in suites, random
// blocks, one after another) are one sequence of blocks, and shard K runs its range of them
// (vectors/include/hif4/shard.h). Every source passes over the blocks before the range without
// making them where it can (random blocks and suites seek; a vector file reads past them), and
// every block keeps the block index it has in the unsharded run.
#pragma once
#include <memory>
#include <vector>

#include "hif4/shard.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

// The blocks of shard `s` of the sources' sequence; *range receives the shard's blocks.
std::unique_ptr<Stimulus> sharded_stimulus(std::vector<std::unique_ptr<Stimulus>> parts, const Shard& s,
                                           ShardRange* range);

}  // namespace hif4::sim
