// Block sources for the co-simulation: seeded random blocks, fixed lists, chains.
#include <algorithm>
#include <cstring>

#include "hif4/block.h"
#include "hif4/rng.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

namespace {

// r % d for every 32-bit r, without a division (Lemire, Kaser, Kurz: "Faster remainder by direct
// computation", 2019): the same values as %, for a divisor fixed per block.
__extension__ typedef unsigned __int128 U128;  // GCC/Clang: the high half of a 64x64 product

class FastMod {
 public:
  explicit FastMod(uint32_t d) : m_(~uint64_t{0} / d + 1), d_(d) {}
  uint32_t operator()(uint32_t r) const {
    return static_cast<uint32_t>((static_cast<U128>(m_ * r) * d_) >> 64);
  }

 private:
  uint64_t m_;
  uint32_t d_;
};

// Random blocks from the project's portable RNG (rng.h), one 64-bit draw per lane, so a seed
// means the same blocks on every machine and generation stays cheap next to the simulation.
class RandomStimulus final : public Stimulus {
 public:
  RandomStimulus(uint64_t count, uint64_t seed, const Config& cfg)
      : count_(count), seed_(seed), cfg_(cfg), rng_(seed ^ 0x6869663463736D00ull),
        origin_(std::make_shared<const std::string>("random --seed " + std::to_string(seed))) {}

  bool next(StimulusBlock& b) override {
    if (made_ == count_) return false;
    if (pos_ == filled_) refill();
    std::memcpy(b.lanes.v, &lanes_[pos_ * kBlockValues], sizeof b.lanes.v);
    std::memcpy(b.expected.bytes, &expected_[pos_ * kPackedBytes], sizeof b.expected.bytes);
    b.block_index = made_;
    b.cfg = cfg_;
    b.origin = origin_;
    b.origin_block = made_;
    ++pos_;
    ++made_;
    return true;
  }
  uint64_t total() const override { return count_; }

 private:
  // A BF16 from one draw r: sign bit 8, mantissa bits 0..6 under `mant_mask` (the top
  // `mant_bits` of 7: few bits make exact quarters, hence rounding ties).
  static uint16_t value(uint64_t r, unsigned exp_field, unsigned mant_mask) {
    const uint16_t sign = (r >> 8) & 1 ? kBf16SignMask : 0;
    return static_cast<uint16_t>(sign | (exp_field << 7) | (r & mant_mask));
  }

  // One draw per lane; the kind is chosen once per block, so each kind has its own loop.
  // The next blocks, up to kBatch, and their expected bytes in one reference-model call (block i
  // of the batch gets index made_ + i, as one call per block would give it).
  void refill() {
    filled_ = static_cast<size_t>(std::min<uint64_t>(kBatch, count_ - made_));
    for (size_t i = 0; i < filled_; ++i) fill(&lanes_[i * kBlockValues]);
    quantize_blocks(lanes_, filled_, cfg_, made_, expected_);
    pos_ = 0;
  }

  void fill(uint16_t* v) {
    const uint64_t k = rng_.next();
    const unsigned kind = k & 15;
    const unsigned centre = 1 + static_cast<unsigned>((k >> 4) % 253);  // peak exponent field
    const unsigned spread = kind < 8 ? static_cast<unsigned>((k >> 12) % 12) : 2;
    const unsigned mant_bits = ((k >> 16) & 3) == 0 ? static_cast<unsigned>((k >> 18) % 3) : 7;
    const unsigned mant_mask = (0x7Fu << (7 - mant_bits)) & 0x7Fu;
    if (kind == 8) {  // raw bit patterns: NaN, Inf, subnormals, anything
      for (unsigned i = 0; i < kBlockValues; ++i) v[i] = static_cast<uint16_t>(rng_.next() >> 16);
    } else if (kind == 9) {  // zeros of both signs
      for (unsigned i = 0; i < kBlockValues; ++i) v[i] = (rng_.next() >> 32) & 1 ? kBf16SignMask : 0;
    } else if (kind == 10) {  // subnormal and tiny: the scale-underflow side
      for (unsigned i = 0; i < kBlockValues; ++i) {
        const uint64_t r = rng_.next();
        const unsigned r_hi = static_cast<unsigned>(r >> 32);
        uint16_t x = value(r, r_hi % 4, 0x7F);
        if ((r_hi >> 4) & 1) x &= kBf16SignMask | 0x7F;
        v[i] = x;
      }
    } else if (kind == 11) {  // huge: the scale-overflow side
      for (unsigned i = 0; i < kBlockValues; ++i) {
        const uint64_t r = rng_.next();
        v[i] = value(r, 236 + static_cast<unsigned>(r >> 32) % 19, mant_mask);
      }
    } else {  // peaks around `centre`, `spread` exponents below it, one lane in 8 a zero
      const FastMod mod_spread(spread + 1);
      for (unsigned i = 0; i < kBlockValues; ++i) {
        const uint64_t r = rng_.next();
        const unsigned r_hi = static_cast<unsigned>(r >> 32);
        const int e = static_cast<int>(centre) - static_cast<int>(mod_spread(r_hi));
        v[i] = ((r_hi >> 8) & 7) == 0 ? static_cast<uint16_t>((r_hi >> 11) & 1 ? kBf16SignMask : 0)
                                      : value(r, static_cast<unsigned>(e < 0 ? 0 : e), mant_mask);
      }
    }
    // Specials in some ordinary blocks: one Inf (non-finite policy), one NaN, a 1.75 * 2^k peak.
    const uint64_t s = rng_.next();
    const unsigned lane = static_cast<unsigned>(s % kBlockValues);
    if (kind == 12) v[lane] = static_cast<uint16_t>(kBf16Inf | ((s >> 8) & 1 ? kBf16SignMask : 0));
    if (kind == 13 && ((s >> 8) & 3) == 0) v[lane] = kBf16QuietNaN;
    if (kind == 14) v[lane] = static_cast<uint16_t>(((3 + (s >> 8) % 240) << 7) | 0x60);
  }

  uint64_t count_, seed_;
  Config cfg_;
  Rng rng_;
  std::shared_ptr<const std::string> origin_;
  uint64_t made_ = 0;
  static constexpr size_t kBatch = 64;
  uint16_t lanes_[kBatch * kBlockValues];
  uint8_t expected_[kBatch * kPackedBytes];
  size_t pos_ = 0, filled_ = 0;
};

class ListStimulus final : public Stimulus {
 public:
  explicit ListStimulus(std::vector<StimulusBlock> blocks) : blocks_(std::move(blocks)) {}
  bool next(StimulusBlock& b) override {
    if (pos_ == blocks_.size()) return false;
    b = blocks_[pos_++];
    return true;
  }
  uint64_t total() const override { return blocks_.size(); }

 private:
  std::vector<StimulusBlock> blocks_;
  size_t pos_ = 0;
};

class ChainStimulus final : public Stimulus {
 public:
  explicit ChainStimulus(std::vector<std::unique_ptr<Stimulus>> parts) : parts_(std::move(parts)) {}
  bool next(StimulusBlock& b) override {
    while (pos_ < parts_.size()) {
      if (parts_[pos_]->next(b)) return true;
      ++pos_;
    }
    return false;
  }
  uint64_t total() const override {
    uint64_t t = 0;
    for (const auto& p : parts_) t += p->total();
    return t;
  }

 private:
  std::vector<std::unique_ptr<Stimulus>> parts_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<Stimulus> random_stimulus(uint64_t count, uint64_t seed, const Config& cfg) {
  return std::make_unique<RandomStimulus>(count, seed, cfg);
}

std::unique_ptr<Stimulus> list_stimulus(std::vector<StimulusBlock> blocks) {
  return std::make_unique<ListStimulus>(std::move(blocks));
}

std::unique_ptr<Stimulus> chain_stimulus(std::vector<std::unique_ptr<Stimulus>> parts) {
  return std::make_unique<ChainStimulus>(std::move(parts));
}

}  // namespace hif4::sim
