// Shards: one run of N blocks split over several processes (a compute farm's job array).
//
// Shard K of N (K from 0) of a sequence of T blocks is the contiguous range
//   [floor(K * T / N), floor((K + 1) * T / N))
// so the N shards cover every block exactly once, in order, and their sizes differ by at most
// one. Every sharded command (`hif4 gen`, `hif4 cosim`, `hif4 regress`, scripts/regression.sh)
// splits its blocks by this one rule, and `hif4 merge` puts the pieces back in the same order.
// docs/regressions.md describes the whole flow.
#pragma once
#include <cstdint>
#include <string>

#include "hif4/error.h"

namespace hif4 {

struct Shard {
  uint32_t index = 0;  // K, 0 <= K < count
  uint32_t count = 1;  // N; 1: the whole run
  bool whole() const { return count == 1; }
  bool operator==(const Shard& o) const { return index == o.index && count == o.count; }
  bool operator!=(const Shard& o) const { return !(*this == o); }
};

// The most shards of one run: more than a farm has cores.
constexpr uint32_t kMaxShards = 1u << 20;

// "K/N" with 0 <= K < N <= kMaxShards, decimal. Throws Error naming `option` and the text.
Shard parse_shard(const std::string& option, const std::string& text);
// "K/N".
std::string shard_text(const Shard& s);

// The blocks of one shard: [first, first + count).
struct ShardRange {
  uint64_t first = 0;
  uint64_t count = 0;
};
// Shard s of `total` blocks by the rule above (exact for every total).
ShardRange shard_range(uint64_t total, const Shard& s);

}  // namespace hif4
