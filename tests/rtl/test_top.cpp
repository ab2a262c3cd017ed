// Cycle tests of the Verilated top hif4_quantizer against the reference model, through the
// contract of docs/microarchitecture.md:
//   - out_data of every block equals the model (or the seed vector file), in order: a
//     scoreboard of accepted blocks catches lost, duplicated, extra and reordered blocks;
//   - in_ready == !out_valid || out_ready every cycle (the global-enable handshake);
//   - a shadow of the 4 pipeline registers, advanced on every edge with in_ready, predicts
//     every valid bit and every probe (Vmax, flags, SF, E6M2, REC, E1) from the model's
//     BlockTrace, so a block is always in the documented stage;
//   - `throughput`: no bubbles, no stalls: a block is accepted every cycle and each block
//     leaves exactly 4 edges after it was accepted (one block per clock, latency 4).
//
//   test_rtl_top [--faulty] seed-vectors DIR      every tests/data/seed file, seed profile,
//                                                 random bubbles and stalls
//   test_rtl_top [--faulty] random PROFILE N      N random blocks under a profile of
//                                                 hif4::profiles(), random bubbles and stalls
//   test_rtl_top [--faulty] random-profiles N     N random blocks under each profile of
//                                                 hif4::profiles() in turn, same flow control
//   test_rtl_top [--faulty] random-knobs N        N random blocks, every block with random
//                                                 knobs (stochastic included), seed and index
//   test_rtl_top [--faulty] throughput N          N blocks, out_ready and in_valid held high
// --faulty runs the top built with HIF4_INJECT_FAULT (one broken rounding decision); the
// checks must then fail (CTest: rtl_top_fault_injection_*).
// Exit status 0 when every check passed, 1 with "MISMATCH" lines otherwise, 2 on bad usage.
#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "Vhif4_quantizer.h"
#include "Vhif4_quantizer_faulty.h"
#include "hif4/block.h"
#include "hif4/config.h"
#include "rtl_harness.h"
#include "verilated.h"

using namespace hif4;
using namespace hif4::rtl_test;

namespace {

using Packed = std::array<uint8_t, kPackedBytes>;

struct Stimulus {
  uint16_t lanes[kBlockValues];
  Config cfg;
  uint64_t block_index = 0;
  const Packed* file_expected = nullptr;  // seed vectors: the file's bytes
};

// What the model says each stage register holds for one block.
struct StageView {
  bool valid = false;
  uint64_t seq = 0;
  uint16_t vmax = 0;
  uint8_t flags = 0;
  uint16_t sf = 0;
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint32_t e1 = 0;
  Packed out{};
};

struct Expected {
  uint64_t seq;
  uint64_t accept_cycle;
  Packed out;
};

template <class Dut>
class TopBench {
 public:
  TopBench(Dut& dut, Mismatches& mm) : dut_(dut), mm_(mm) {}

  void reset() {
    dut_.rst_n = 0;
    dut_.in_valid = 0;
    dut_.out_ready = 1;
    for (int i = 0; i < 2; ++i) tick_raw();
    dut_.rst_n = 1;
    for (auto& s : shadow_) s.valid = false;
    pending_.clear();
    check_probes();
  }

  // One clock cycle: offer `stim` (or a bubble when null) with out_ready = `ready`.
  // Returns true when the block was accepted on this edge.
  bool cycle(const Stimulus* stim, bool ready) {
    dut_.in_valid = stim != nullptr;
    if (stim) drive(*stim);
    dut_.out_ready = ready;
    dut_.clk = 0;
    dut_.eval();

    // ---- before the edge: the handshakes that happen on it ----
    const bool in_ready = dut_.in_ready;
    const bool out_valid = dut_.out_valid;
    ++mm_.checks;
    if (in_ready != (!out_valid || ready))
      mm_.report("cycle %llu: in_ready %d but out_valid %d, out_ready %d (contract: in_ready = "
                 "!out_valid || out_ready)", ull(cycle_), in_ready, out_valid, ready);
    if (out_valid && ready) take_output();
    const bool accepted = stim && in_ready;
    StageView entering;
    if (accepted) entering = model_view(*stim);

    // ---- the edge ----
    dut_.clk = 1;
    dut_.eval();
    if (in_ready) {  // advance: every stage moves
      for (int s = 3; s > 0; --s) shadow_[s] = shadow_[s - 1];
      shadow_[0] = entering;
      if (accepted) pending_.push_back({entering.seq, cycle_, entering.out});
    }
    ++cycle_;
    check_probes();
    return accepted;
  }

  // Run until every accepted block has left (out_ready held high).
  void drain() {
    for (int i = 0; i < 8 && !pending_.empty(); ++i) cycle(nullptr, true);
    ++mm_.checks;
    if (!pending_.empty())
      mm_.report("%zu accepted blocks never came out (first: block %llu)", pending_.size(),
                 ull(pending_.front().seq));
  }

  uint64_t accepted() const { return next_seq_; }
  uint64_t delivered() const { return delivered_; }
  void expect_latency(int cycles) { expected_latency_ = cycles; }

 private:
  static unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

  void drive(const Stimulus& s) {
    put_lanes(dut_.in_data.data(), s.lanes);
    dut_.in_block_index = s.block_index;
    dut_.cfg_sr_seed = s.cfg.sr_seed;
    dut_.cfg_scale_rounding = static_cast<uint8_t>(s.cfg.scale_rounding);
    dut_.cfg_payload_rounding = static_cast<uint8_t>(s.cfg.payload_rounding);
    dut_.cfg_threshold_product = static_cast<uint8_t>(s.cfg.threshold_product);
    dut_.cfg_payload_product = static_cast<uint8_t>(s.cfg.payload_product);
    dut_.cfg_negative_zero = static_cast<uint8_t>(s.cfg.negative_zero);
    dut_.cfg_scale_overflow = static_cast<uint8_t>(s.cfg.scale_overflow);
    dut_.cfg_scale_underflow = static_cast<uint8_t>(s.cfg.scale_underflow);
    dut_.cfg_non_finite = static_cast<uint8_t>(s.cfg.non_finite);
  }

  StageView model_view(const Stimulus& s) {
    BlockTrace t;
    const Block b = quantize_block(s.lanes, s.cfg, s.block_index, &t);
    StageView v;
    v.valid = true;
    v.seq = next_seq_++;
    v.vmax = t.peaks.vmax;
    v.flags = static_cast<uint8_t>((t.peaks.has_inf ? 2 : 0) | (t.peaks.has_nan ? 1 : 0));
    v.sf = t.sf;
    v.e6m2 = t.scale.code;
    v.rec = t.rec;
    v.e1 = static_cast<uint32_t>(b.e1_16) << 8 | b.e1_8;
    pack_block(b, v.out.data());
    if (s.file_expected && *s.file_expected != v.out)
      model_disagrees_with_file_ = true;  // reported once by the caller's summary
    if (s.file_expected) v.out = *s.file_expected;
    return v;
  }

  void take_output() {
    Packed got;
    for (unsigned k = 0; k < kPackedBytes; ++k)
      got[k] = static_cast<uint8_t>(get_bits(dut_.out_data.data(), 8 * k, 8));
    ++mm_.checks;
    if (pending_.empty()) {
      mm_.report("cycle %llu: out_valid with no block outstanding (duplicated or invented block)",
                 ull(cycle_));
      return;
    }
    const Expected e = pending_.front();
    pending_.pop_front();
    ++delivered_;
    if (got != e.out) {
      std::string diff;
      for (unsigned k = 0; k < kPackedBytes; ++k)
        if (got[k] != e.out[k]) {
          char buf[48];
          std::snprintf(buf, sizeof buf, " byte %u: rtl %02X want %02X;", k, got[k], e.out[k]);
          diff += buf;
        }
      mm_.report("cycle %llu: block %llu (accepted at cycle %llu) out_data differs:%s",
                 ull(cycle_), ull(e.seq), ull(e.accept_cycle), diff.c_str());
    }
    if (expected_latency_ >= 0) {
      ++mm_.checks;
      if (cycle_ - e.accept_cycle != static_cast<uint64_t>(expected_latency_))
        mm_.report("block %llu accepted at cycle %llu left at cycle %llu: latency %llu, want %d",
                   ull(e.seq), ull(e.accept_cycle), ull(cycle_), ull(cycle_ - e.accept_cycle),
                   expected_latency_);
    }
  }

  void check_probes() {
    const bool valid[4] = {dut_.probe_s1_valid != 0, dut_.probe_s2_valid != 0,
                           dut_.probe_s3_valid != 0, dut_.out_valid != 0};
    for (int s = 0; s < 4; ++s) {
      ++mm_.checks;
      if (valid[s] != shadow_[s].valid)
        mm_.report("cycle %llu: stage S%d valid %d, want %d (block lost, duplicated or out of place)",
                   ull(cycle_), s + 1, valid[s], shadow_[s].valid);
    }
    const StageView& s1 = shadow_[0];
    if (s1.valid && valid[0]) {
      mm_.checks += 2;
      if (dut_.probe_s1_vmax != s1.vmax && first_report(kVmax, s1.seq))
        mm_.report("block %llu S1 Vmax: rtl 0x%04X model 0x%04X", ull(s1.seq), dut_.probe_s1_vmax, s1.vmax);
      if (dut_.probe_s1_flags != s1.flags && first_report(kFlags, s1.seq))
        mm_.report("block %llu S1 flags: rtl %u model %u", ull(s1.seq), dut_.probe_s1_flags, s1.flags);
    }
    const StageView& s2 = shadow_[1];
    if (s2.valid && valid[1]) {
      mm_.checks += 3;
      if (dut_.probe_s2_sf != s2.sf && first_report(kSf, s2.seq))
        mm_.report("block %llu S2 SF: rtl 0x%04X model 0x%04X", ull(s2.seq), dut_.probe_s2_sf, s2.sf);
      if (dut_.probe_s2_e6m2 != s2.e6m2 && first_report(kE6m2, s2.seq))
        mm_.report("block %llu S2 E6M2: rtl 0x%02X model 0x%02X", ull(s2.seq), dut_.probe_s2_e6m2, s2.e6m2);
      if (dut_.probe_s2_rec != s2.rec && first_report(kRec, s2.seq))
        mm_.report("block %llu S2 REC: rtl 0x%04X model 0x%04X", ull(s2.seq), dut_.probe_s2_rec, s2.rec);
    }
    const StageView& s3 = shadow_[2];
    if (s3.valid && valid[2]) {
      ++mm_.checks;
      if (dut_.probe_s3_e1 != s3.e1 && first_report(kE1, s3.seq))
        mm_.report("block %llu S3 E1: rtl 0x%06X model 0x%06X", ull(s3.seq), dut_.probe_s3_e1, s3.e1);
    }
  }

  // A block sits in a stage for as many cycles as the output stalls; a wrong probe is
  // reported (and counted) once per block and field, not once per cycle.
  enum ProbeField { kVmax, kFlags, kSf, kE6m2, kRec, kE1, kProbeFields };
  bool first_report(ProbeField f, uint64_t seq) {
    if (reported_[f] == seq + 1) return false;
    reported_[f] = seq + 1;
    return true;
  }

  void tick_raw() {
    dut_.clk = 0;
    dut_.eval();
    dut_.clk = 1;
    dut_.eval();
    ++cycle_;
  }

 public:
  bool model_disagrees_with_file_ = false;

 private:
  Dut& dut_;
  Mismatches& mm_;
  StageView shadow_[4];
  std::deque<Expected> pending_;
  uint64_t cycle_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t delivered_ = 0;
  int expected_latency_ = -1;
  uint64_t reported_[kProbeFields] = {};
};

// Random flow control: bubbles and stalls, sometimes in long streaks.
struct FlowControl {
  Rng rng{0xF10C};
  unsigned stall_streak = 0;
  bool chance(unsigned percent) { return rng.below(100) < percent; }
  bool offer() { return !chance(25); }
  bool ready() {
    if (stall_streak) {
      --stall_streak;
      return false;
    }
    if (chance(2)) stall_streak = 1 + static_cast<unsigned>(rng.below(12));
    return !chance(25);
  }
};

// Without flow control every offered block must be taken at once: one block per clock.
template <class Dut>
void run_stream(TopBench<Dut>& tb, Mismatches& mm, const std::vector<Stimulus>& blocks,
                bool flow_control) {
  FlowControl fc;
  size_t next = 0;
  while (next < blocks.size()) {
    const bool offer = flow_control ? fc.offer() : true;
    const bool ready = flow_control ? fc.ready() : true;
    const bool taken = tb.cycle(offer ? &blocks[next] : nullptr, ready);
    if (!flow_control) {
      ++mm.checks;
      if (!taken) mm.report("block %zu not accepted although out_ready was held high", next);
    }
    if (taken || !flow_control) ++next;
  }
  tb.drain();
}

Config random_config(Rng& rng) {
  Config c;
  for (const Knob& k : knobs()) k.set(c, static_cast<uint8_t>(rng.below(k.values.size())));
  c.sr_seed = rng.next();
  return c;
}

std::vector<char> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

// The seed suites: NAME.in.bf16 (64 values a block, or rows of L values for rowsL, each row
// zero-padded to whole blocks as the seed does) and NAME.out.hif4 (36 bytes a block).
struct Suite {
  std::string name;
  std::vector<Stimulus> blocks;
  std::vector<Packed> expected;
};

Suite load_suite(const std::string& dir, const std::string& name, const Config& cfg) {
  Suite s;
  s.name = name;
  const std::vector<char> in = read_file(dir + "/" + name + ".in.bf16");
  const std::vector<char> out = read_file(dir + "/" + name + ".out.hif4");
  if (in.size() % 2 || out.size() % kPackedBytes)
    throw std::runtime_error(name + ": file sizes are not whole values / blocks");
  const size_t values = in.size() / 2;
  size_t row_len = kBlockValues;
  if (name.rfind("rows", 0) == 0) row_len = std::stoul(name.substr(4));
  const size_t blocks_per_row = (row_len + kBlockValues - 1) / kBlockValues;
  const size_t rows = values / row_len;
  if (rows * row_len != values || rows * blocks_per_row * kPackedBytes != out.size())
    throw std::runtime_error(name + ": input and output sizes do not match");
  s.expected.resize(rows * blocks_per_row);
  for (size_t b = 0; b < s.expected.size(); ++b)
    std::memcpy(s.expected[b].data(), out.data() + b * kPackedBytes, kPackedBytes);
  for (size_t r = 0; r < rows; ++r)
    for (size_t b = 0; b < blocks_per_row; ++b) {
      Stimulus st{};
      for (unsigned i = 0; i < kBlockValues; ++i) {
        const size_t col = b * kBlockValues + i;
        uint16_t v = 0;
        if (col < row_len) {
          const size_t at = 2 * (r * row_len + col);
          v = static_cast<uint16_t>(static_cast<uint8_t>(in[at]) | (static_cast<uint8_t>(in[at + 1]) << 8));
        }
        st.lanes[i] = v;
      }
      st.cfg = cfg;
      st.block_index = s.blocks.size();
      s.blocks.push_back(st);
    }
  for (size_t b = 0; b < s.blocks.size(); ++b) s.blocks[b].file_expected = &s.expected[b];
  return s;
}

template <class Dut>
int run(const std::vector<std::string>& args, const std::string& label) {
  VerilatedContext ctx;
  auto dut = std::make_unique<Dut>(&ctx);
  Mismatches mm;
  TopBench<Dut> tb(*dut, mm);
  tb.reset();
  const std::string& what = args[0];
  // Blocks and the draws that go with them (knobs, block indices) from streams of their own.
  CornerBlocks corner_blocks(0x70B0 + args.size());
  Rng rng(0xC0F1 + args.size());

  if (what == "seed-vectors" && args.size() == 2) {
    const Config seed = find_profile("seed").config;
    const char* names[] = {"random", "peaks", "grid", "thresholds", "tiny", "huge",
                           "rows1", "rows63", "rows65", "rows130", "rows200"};
    uint64_t total = 0;
    for (const char* n : names) {
      const Suite s = load_suite(args[1], n, seed);
      run_stream(tb, mm, s.blocks, true);
      total += s.blocks.size();
      std::printf("  %s: %zu blocks\n", n, s.blocks.size());
    }
    ++mm.checks;
    if (tb.delivered() != total) mm.report("delivered %llu blocks, want %llu",
                                           static_cast<unsigned long long>(tb.delivered()),
                                           static_cast<unsigned long long>(total));
    if (tb.model_disagrees_with_file_)
      std::printf("note: the reference model differs from a seed vector file somewhere "
                  "(the RTL was checked against the file)\n");
    return mm.finish(label + " seed vectors (" + std::to_string(total) + " blocks, seed profile)");
  }
  if (what == "random-profiles" && args.size() == 2) {
    // Every profile of the profile table, one after the other through the same pipeline. With
    // CTest's 20000 corner blocks a profile this reaches every bin of check/coverage.h but
    // scale.max under seed and cann, which the seed vectors reach (79 blocks).
    const size_t n = std::stoul(args[1]);
    std::string names;
    for (const Profile& p : profiles()) {
      std::vector<Stimulus> blocks(n);
      for (Stimulus& s : blocks) {
        corner_blocks.next(s.lanes);
        s.cfg = p.config;
        s.block_index = rng.next();
      }
      const uint64_t before = tb.delivered();
      run_stream(tb, mm, blocks, true);
      ++mm.checks;
      if (tb.delivered() - before != n)
        mm.report("profile %s: delivered %llu blocks, want %zu", p.name,
                  static_cast<unsigned long long>(tb.delivered() - before), n);
      std::printf("  profile %s: %zu blocks\n", p.name, n);
      names += std::string(names.empty() ? "" : ", ") + p.name;
    }
    return mm.finish(label + " random blocks, profiles " + names + " (" + std::to_string(n) + " blocks each)");
  }
  if ((what == "random" && args.size() == 3) || (what == "random-knobs" && args.size() == 2) ||
      (what == "throughput" && args.size() == 2)) {
    const size_t n = std::stoul(args.back());
    const Config* profile = what == "random" ? &find_profile(args[1]).config : nullptr;
    std::vector<Stimulus> blocks(n);
    for (Stimulus& s : blocks) {
      corner_blocks.next(s.lanes);
      s.cfg = profile ? *profile : random_config(rng);
      s.block_index = rng.next();
    }
    const bool flow_control = what != "throughput";
    if (!flow_control) tb.expect_latency(4);
    run_stream(tb, mm, blocks, flow_control);
    ++mm.checks;
    if (tb.delivered() != n) mm.report("delivered %llu blocks, want %zu",
                                       static_cast<unsigned long long>(tb.delivered()), n);
    std::string name = what + (profile ? " " + args[1] : std::string());
    return mm.finish(label + " " + name + " (" + std::to_string(n) + " blocks)");
  }
  std::fprintf(stderr,
               "usage: test_rtl_top [--faulty] seed-vectors DIR | random PROFILE N | "
               "random-profiles N | random-knobs N | throughput N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool faulty = false;
  if (!args.empty() && args[0] == "--faulty") {
    faulty = true;
    args.erase(args.begin());
  }
  if (args.empty()) {
    std::fprintf(stderr, "usage: test_rtl_top [--faulty] seed-vectors DIR | random PROFILE N | "
                         "random-knobs N | throughput N\n");
    return 2;
  }
  try {
    return faulty ? run<Vhif4_quantizer_faulty>(args, "faulty top (HIF4_INJECT_FAULT)")
                  : run<Vhif4_quantizer>(args, "top");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test_rtl_top: error: %s\n", e.what());
    return 2;
  }
}
