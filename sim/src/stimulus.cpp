// Block sources for the co-simulation: seeded random blocks, fixed lists, chains.
#include <random>

#include "hif4/block.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

namespace {

// Random blocks built from raw 64-bit draws only (std::mt19937_64 is specified bit for bit;
// the standard distributions are not), so a seed means the same blocks everywhere.
class RandomStimulus final : public Stimulus {
 public:
  RandomStimulus(uint64_t count, uint64_t seed, const Config& cfg)
      : count_(count), seed_(seed), cfg_(cfg), rng_(seed ^ 0x6869663463736D00ull) {}

  bool next(StimulusBlock& b) override {
    if (made_ == count_) return false;
    fill(b.lanes);
    b.block_index = made_;
    b.cfg = cfg_;
    b.origin = "random --seed " + std::to_string(seed_);
    b.origin_block = made_;
    pack_block(quantize_block(b.lanes.v, cfg_, b.block_index), b.expected.bytes);
    ++made_;
    return true;
  }
  uint64_t total() const override { return count_; }

 private:
  uint32_t draw(uint32_t n) { return static_cast<uint32_t>((rng_() >> 32) % n); }

  // A BF16 with the given exponent field, a random sign and a mantissa of `mant_bits`
  // significant bits (few bits make exact quarters, hence rounding ties).
  uint16_t value(unsigned exp_field, unsigned mant_bits) {
    const uint64_t r = rng_();
    uint16_t mant = static_cast<uint16_t>(r & 0x7F);
    if (mant_bits < 7) mant = static_cast<uint16_t>(mant & (0x7F << (7 - mant_bits)) & 0x7F);
    const uint16_t sign = (r >> 8) & 1 ? kBf16SignMask : 0;
    return static_cast<uint16_t>(sign | (exp_field << 7) | mant);
  }

  void fill(Lanes& l) {
    const unsigned kind = draw(16);
    const unsigned centre = 1 + draw(253);             // the block's magnitude (exponent field)
    const unsigned spread = kind < 8 ? draw(12) : 2;   // how far lanes fall below the peak
    const unsigned mant_bits = draw(3) == 0 ? draw(3) : 7;
    for (unsigned i = 0; i < kBlockValues; ++i) {
      uint16_t x;
      if (kind == 8) {  // raw bit patterns: NaN, Inf, subnormals, anything
        x = static_cast<uint16_t>(rng_());
      } else if (kind == 9) {  // zeros of both signs
        x = draw(2) ? kBf16SignMask : 0;
      } else if (kind == 10) {  // subnormal and tiny: the scale-underflow side
        x = value(draw(4), 7);
        if (draw(2)) x &= kBf16SignMask | 0x7F;
      } else if (kind == 11) {  // huge: the scale-overflow side
        x = value(236 + draw(19), mant_bits);
      } else {
        const int e = static_cast<int>(centre) - static_cast<int>(draw(spread + 1));
        x = draw(8) == 0 ? static_cast<uint16_t>(draw(2) ? kBf16SignMask : 0)
                         : value(static_cast<unsigned>(e < 0 ? 0 : e), mant_bits);
      }
      l.v[i] = x;
    }
    // Sprinkle specials into some ordinary blocks: one Inf (non-finite policy), one NaN.
    if (kind == 12) l.v[draw(kBlockValues)] = static_cast<uint16_t>(kBf16Inf | (draw(2) ? kBf16SignMask : 0));
    if (kind == 13 && draw(4) == 0) l.v[draw(kBlockValues)] = kBf16QuietNaN;
    if (kind == 14) {  // a peak of 7 * 2^k exactly and near-threshold neighbours
      const unsigned e = 3 + draw(240);
      l.v[draw(kBlockValues)] = static_cast<uint16_t>((e << 7) | 0x60);  // 1.75 * 2^(e-127)
    }
  }

  uint64_t count_, seed_;
  Config cfg_;
  std::mt19937_64 rng_;
  uint64_t made_ = 0;
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
