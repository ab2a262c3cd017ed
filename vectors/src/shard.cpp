// Shards of a run (see shard.h).
#include "hif4/shard.h"

#include <cctype>

namespace hif4 {

namespace {

// A decimal number of at most 7 digits (kMaxShards has 7), or false.
bool small_decimal(const std::string& t, uint32_t& out) {
  if (t.empty() || t.size() > 7) return false;
  uint32_t v = 0;
  for (char c : t) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

Shard parse_shard(const std::string& option, const std::string& text) {
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !small_decimal(text.substr(0, slash), s.index) ||
      !small_decimal(text.substr(slash + 1), s.count))
    throw Error(option + " wants K/N (shard K of N, K from 0), not '" + text + "'");
  if (s.count == 0 || s.count > kMaxShards)
    throw Error(option + " " + text + ": N must be 1.." + std::to_string(kMaxShards));
  if (s.index >= s.count)
    throw Error(option + " " + text + ": K must be below N (shards are numbered 0.." +
                std::to_string(s.count - 1) + ")");
  return s;
}

std::string shard_text(const Shard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

ShardRange shard_range(uint64_t total, const Shard& s) {
  // floor(K * T / N) with T = q * N + r is K * q + floor(K * r / N): K * r < N^2 <= 2^40, so
  // nothing overflows for any T.
  const uint64_t first = total / s.count * s.index + total % s.count * s.index / s.count;
  const uint64_t end = total / s.count * (s.index + 1) + total % s.count * (s.index + 1) / s.count;
  return {first, end - first};
}

}  // namespace hif4
