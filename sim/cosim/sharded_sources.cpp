// The sources of one shard (see sharded_sources.h).
#include "sharded_sources.h"

#include <algorithm>

namespace hif4::sim {

namespace {

// At most `count` blocks of a source.
class LimitedStimulus final : public Stimulus {
 public:
  LimitedStimulus(std::unique_ptr<Stimulus> inner, uint64_t count) : inner_(std::move(inner)), left_(count), count_(count) {}
  bool next(StimulusBlock& b) override {
    if (left_ == 0 || !inner_->next(b)) return false;
    --left_;
    return true;
  }
  uint64_t total() const override { return count_; }

 private:
  std::unique_ptr<Stimulus> inner_;
  uint64_t left_, count_;
};

}  // namespace

std::unique_ptr<Stimulus> sharded_stimulus(std::vector<std::unique_ptr<Stimulus>> parts, const Shard& s,
                                           ShardRange* range) {
  uint64_t total = 0;
  for (const auto& p : parts) total += p->total();
  *range = shard_range(total, s);
  const uint64_t begin = range->first, end = range->first + range->count;
  std::vector<std::unique_ptr<Stimulus>> mine;
  uint64_t offset = 0;  // the sequence's number of the part's first block
  for (auto& p : parts) {
    const uint64_t n = p->total();
    const uint64_t from = std::max(begin, offset), to = std::min(end, offset + n);
    if (from < to) {
      p->skip(from - offset);
      mine.push_back(std::make_unique<LimitedStimulus>(std::move(p), to - from));
    }
    offset += n;
  }
  return chain_stimulus(std::move(mine));
}

}  // namespace hif4::sim
