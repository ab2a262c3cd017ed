// Block sources for the co-simulation: seeded random blocks, fixed lists, chains.
#include <algorithm>
#include <cstring>
#include <vector>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/rng.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

namespace {

// Random corner blocks (hif4::CornerBlocks) and their expected bytes from the reference model.
class RandomStimulus final : public Stimulus {
 public:
  RandomStimulus(uint64_t count, uint64_t seed, const Config& cfg)
      : count_(count), seed_(seed), cfg_(cfg), blocks_(seed ^ 0x6869663463736D00ull),
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
  // Block b is a function of (seed, b) (CornerBlocks), so a skip is a seek.
  void skip(uint64_t n) override {
    made_ += std::min(n, count_ - made_);
    blocks_.seek(made_);
    pos_ = filled_ = 0;
  }

 private:
  // The next blocks, up to kBatch, and their expected bytes in one reference-model call (block i
  // of the batch gets index made_ + i, as one call per block would give it).
  void refill() {
    filled_ = static_cast<size_t>(std::min<uint64_t>(kBatch, count_ - made_));
    blocks_.fill(lanes_, filled_);
    quantize_blocks(lanes_, filled_, cfg_, made_, expected_);
    pos_ = 0;
  }

  uint64_t count_, seed_;
  Config cfg_;
  CornerBlocks blocks_;
  std::shared_ptr<const std::string> origin_;
  uint64_t made_ = 0;
  static constexpr size_t kBatch = 64;
  uint16_t lanes_[kBatch * kBlockValues];
  uint8_t expected_[kBatch * kPackedBytes];
  size_t pos_ = 0, filled_ = 0;
};

// The knob values of the walk, step by step: step 0 draws each knob's value, every later step
// moves each knob to a different value drawn from (seed, knob, step), so that consecutive steps
// differ in every knob and the knobs combine freely. Steps only go forward.
class KnobWalk {
 public:
  explicit KnobWalk(uint64_t seed) : seed_(seed) {
    for (size_t k = 0; k < knobs().size(); ++k) values_.push_back(static_cast<uint8_t>(draw(k) % knobs()[k].values.size()));
  }
  // The configuration of block `block` (>= every block asked before): its knobs, its own SR seed.
  Config config(uint64_t block) {
    while (step_ < block / 2) {
      ++step_;
      for (size_t k = 0; k < values_.size(); ++k) {
        const uint64_t n = knobs()[k].values.size();
        values_[k] = static_cast<uint8_t>((values_[k] + 1 + draw(k) % (n - 1)) % n);
      }
    }
    Config c;
    for (size_t k = 0; k < values_.size(); ++k) knobs()[k].set(c, values_[k]);
    c.sr_seed = mix64(seed_ ^ mix64(block ^ 0x7365656473ull));
    return c;
  }

 private:
  uint64_t draw(size_t knob) const { return mix64(seed_ ^ mix64((step_ << 8 | knob) ^ 0x6B6E6F62ull)); }
  uint64_t seed_;
  uint64_t step_ = 0;
  std::vector<uint8_t> values_;
};

// Random corner blocks whose configuration changes from block to block (knob_walk_stimulus).
// Block b is a function of (seed, b); a skip walks the knobs forward without making blocks.
class KnobWalkStimulus final : public Stimulus {
 public:
  KnobWalkStimulus(uint64_t count, uint64_t seed)
      : count_(count), seed_(seed), walk_(seed), blocks_(seed ^ 0x6B6E6F6277616C6Bull),
        origin_(std::make_shared<const std::string>("knob-walk --seed " + std::to_string(seed))) {}

  bool next(StimulusBlock& b) override {
    if (made_ == count_) return false;
    blocks_.next(b.lanes.v);
    b.cfg = walk_.config(made_);
    // Every bit of the index toggles across blocks (stochastic rounding hashes all 64).
    b.block_index = mix64(seed_ ^ mix64(made_ ^ 0x696E646578ull));
    quantize_blocks(b.lanes.v, 1, b.cfg, b.block_index, b.expected.bytes);
    b.origin = origin_;
    b.origin_block = made_;
    ++made_;
    return true;
  }
  uint64_t total() const override { return count_; }
  void skip(uint64_t n) override {
    made_ += std::min(n, count_ - made_);
    blocks_.seek(made_);
  }

 private:
  uint64_t count_, seed_;
  KnobWalk walk_;
  CornerBlocks blocks_;
  std::shared_ptr<const std::string> origin_;
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

Config knob_walk_config(uint64_t seed, uint64_t block) { return KnobWalk(seed).config(block); }

std::unique_ptr<Stimulus> knob_walk_stimulus(uint64_t count, uint64_t seed) {
  return std::make_unique<KnobWalkStimulus>(count, seed);
}

std::unique_ptr<Stimulus> list_stimulus(std::vector<StimulusBlock> blocks) {
  return std::make_unique<ListStimulus>(std::move(blocks));
}

std::unique_ptr<Stimulus> chain_stimulus(std::vector<std::unique_ptr<Stimulus>> parts) {
  return std::make_unique<ChainStimulus>(std::move(parts));
}

}  // namespace hif4::sim
