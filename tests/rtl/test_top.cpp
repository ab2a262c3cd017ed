// Cycle tests of the Verilated top hif4_quantizer against the reference model, through the
// contract of docs/microarchitecture.md:
//   - out_data of every block equals the model (or the seed vector file), in order: a
//     scoreboard of accepted blocks catches lost, duplicated, extra and reordered blocks;
//   - in_ready == !out_valid || out_ready every cycle (the global-enable handshake);
//   - a shadow of the 4 pipeline registers, advanced on every edge with in_ready, predicts
//     every valid bit and every probe (Vmax, flags, SF, E6M2, REC, E1) from the model's
//     BlockTrace, so a block is always in the documented stage;
//   - `throughput`: no bubbles, no stalls: a block is accepted every cycle and each block
//     leaves exactly 4 edges after it was accepted (one block per clock, latency 4);
//   - `reset`: resets with the pipeline full and the output stalled, and at random moments:
//     every valid bit is 0 after the reset edge and none of the blocks in flight comes out;
//   - the contract assertions bound into the top (rtl/sva/hif4_quantizer_sva.sv) hold every
//     cycle: a failed one is a MISMATCH line naming the cycle (Verilator prints which).
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
//   test_rtl_top [--faulty] reset N               N random blocks with random knobs, a reset
//                                                 with the pipeline full and the output
//                                                 stalled every 40 blocks, and 1 in 200
//                                                 cycles a reset at a random moment
// --faulty runs the top built with HIF4_INJECT_FAULT (one broken rounding decision), and
// --reset-fault the top whose reset leaves the S3 valid bit set (HIF4_CONTROL_FAULT); the
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
#include <type_traits>
#include <vector>

#include "Vhif4_quantizer.h"
#include "Vhif4_quantizer_faulty.h"
#include "Vhif4_quantizer_reset_fault.h"
#include "hif4/block.h"
#include "hif4/config.h"
#include "hif4/ports.h"
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

// What the model says each stage register holds for one block, under the field names the
// contract's show_* read (contract/include/hif4/ports.h): a probe's expected value is
// show_<what it carries>(the view of its stage).
struct StageView {
  bool valid = false;
  uint64_t seq = 0;
  PeakTree peaks{};
  uint16_t sf = 0;
  uint8_t e6m2 = 0;
  uint16_t rec = 0;
  uint8_t e1_8 = 0;
  uint16_t e1_16 = 0;
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
  TopBench(Dut& dut, VerilatedContext& ctx, Mismatches& mm) : dut_(dut), ctx_(ctx), mm_(mm) {}

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
    dut_.rst_n = 1;
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
    check_assertions();
    return accepted;
  }

  // One cycle with rst_n low (offering `stim`, out_ready = `ready`): nothing is taken or
  // delivered, every valid bit is 0 after the edge, and the blocks in flight are dropped: the
  // scoreboard forgets them, so any of them coming out later is a block never accepted.
  void reset_cycle(const Stimulus* stim, bool ready) {
    dut_.rst_n = 0;
    dut_.in_valid = stim != nullptr;
    if (stim) drive(*stim);
    dut_.out_ready = ready;
    dut_.clk = 0;
    dut_.eval();
    dut_.clk = 1;
    dut_.eval();
    for (auto& s : shadow_) s.valid = false;
    dropped_ += pending_.size();
    pending_.clear();
    ++cycle_;
    check_probes();
    check_assertions();
  }

  // All four stages hold a block (so the output is offered).
  bool full() const {
    for (const StageView& s : shadow_)
      if (!s.valid) return false;
    return true;
  }
  bool output_valid() const { return shadow_[3].valid; }
  uint64_t dropped() const { return dropped_; }
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
    const contract::CfgPorts cfg = contract::cfg_ports(s.cfg);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, dut_.name = cfg.name;)
#include "hif4/ports.def"
  }

  StageView model_view(const Stimulus& s) {
    BlockTrace t;
    const Block b = quantize_block(s.lanes, s.cfg, s.block_index, &t);
    StageView v;
    v.valid = true;
    v.seq = next_seq_++;
    v.peaks = t.peaks;
    v.sf = t.sf;
    v.e6m2 = t.scale.code;
    v.rec = t.rec;
    v.e1_8 = b.e1_8;
    v.e1_16 = b.e1_16;
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

  // Every valid bit against the shadow pipeline, every probe's data while its stage holds a
  // block in both the RTL and the shadow: the outputs of ports.def, each against show_*.
  void check_probes() {
    bool dut_valid[5] = {};
#define HIF4_PORT(name, dir, width, role, stage, ...) \
  HIF4_IF_REGISTERED(stage, check_valid(contract::Port::name, dut_.name, dut_valid);)
#include "hif4/ports.def"
#define HIF4_PORT(name, dir, width, role, stage, carries, ...)                              \
  HIF4_IF_PROBE(role, check_probe(contract::Port::name, dut_.name,                          \
                                  contract::show_##carries(shadow_[stage - 1]), dut_valid);)
#include "hif4/ports.def"
  }

  template <class T>
  void check_valid(contract::Port p, const T& got, bool dut_valid[]) {
    const contract::PortInfo& info = contract::port_info(p);
    if constexpr (std::is_integral_v<T>) {
      if (info.carries != contract::Carries::valid) return;
      const bool want = shadow_[info.stage - 1].valid;
      dut_valid[info.stage] = got != 0;
      ++mm_.checks;
      if (dut_valid[info.stage] != want)
        mm_.report("cycle %llu: stage S%u valid %d, want %d (block lost, duplicated or out of place)",
                   ull(cycle_), info.stage, dut_valid[info.stage], want);
    }
  }

  void check_probe(contract::Port p, uint64_t got, uint64_t want, const bool dut_valid[]) {
    const contract::PortInfo& info = contract::port_info(p);
    const StageView& s = shadow_[info.stage - 1];
    if (info.carries == contract::Carries::valid || !s.valid || !dut_valid[info.stage]) return;
    ++mm_.checks;
    const int digits = static_cast<int>((info.width + 3) / 4);
    if (got != want && first_report(p, s.seq))
      mm_.report("block %llu S%u %s: rtl 0x%0*llX model 0x%0*llX", ull(s.seq), info.stage, info.name,
                 digits, ull(got), digits, ull(want));
  }

  // A block sits in a stage for as many cycles as the output stalls; a wrong probe is
  // reported (and counted) once per block and port, not once per cycle.
  bool first_report(contract::Port p, uint64_t seq) {
    uint64_t& last = reported_[static_cast<size_t>(p)];
    if (last == seq + 1) return false;
    last = seq + 1;
    return true;
  }

  // A failed contract assertion: Verilator has printed its %Error line (which assertion, in
  // which instance); the run goes on (fatalOnError off) and the cycle is reported once.
  void check_assertions() {
    ++mm_.checks;
    if (ctx_.gotError()) {
      mm_.report("cycle %llu: a contract assertion of rtl/sva/hif4_quantizer_sva.sv failed (the "
                 "%%Error line above names it)", ull(cycle_));
      ctx_.gotError(false);
      ctx_.gotFinish(false);
    }
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
  VerilatedContext& ctx_;
  Mismatches& mm_;
  StageView shadow_[4];
  std::deque<Expected> pending_;
  uint64_t cycle_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t delivered_ = 0;
  uint64_t dropped_ = 0;
  int expected_latency_ = -1;
  uint64_t reported_[contract::kPortCount] = {};
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

// Resets with the pipeline full and the output stalled, after every `every` accepted blocks:
// blocks come without bubbles and the output stalls (unless a bubble must move on) until all
// four stages hold one, then one reset cycle (a block offered, the output still stalled).
// Between them random flow control, and 1 in 200 cycles a reset at whatever moment it falls.
// The blocks dropped by a reset are not offered again; every other block must come out.
template <class Dut>
void run_with_resets(TopBench<Dut>& tb, Mismatches& mm, const std::vector<Stimulus>& blocks,
                     size_t every) {
  FlowControl fc;
  size_t next = 0, since_reset = 0;
  uint64_t full_resets = 0, random_resets = 0;
  while (next < blocks.size()) {
    if (since_reset >= every) {
      if (tb.full()) {
        tb.reset_cycle(&blocks[next], false);
        ++full_resets;
        since_reset = 0;
        continue;
      }
      // A bubble already in the pipeline moves on only when the output is taken.
      if (tb.cycle(&blocks[next], tb.output_valid())) ++next, ++since_reset;
      continue;
    }
    if (fc.rng.below(200) == 0) {
      tb.reset_cycle(fc.offer() ? &blocks[next] : nullptr, fc.ready());
      ++random_resets;
      since_reset = 0;
      continue;
    }
    const bool offer = fc.offer();
    if (tb.cycle(offer ? &blocks[next] : nullptr, fc.ready())) ++next, ++since_reset;
  }
  tb.drain();
  ++mm.checks;
  if (tb.delivered() + tb.dropped() != tb.accepted())
    mm.report("accepted %llu blocks, delivered %llu, dropped by resets %llu",
              static_cast<unsigned long long>(tb.accepted()),
              static_cast<unsigned long long>(tb.delivered()),
              static_cast<unsigned long long>(tb.dropped()));
  ++mm.checks;
  if (full_resets == 0) mm.report("no reset with the pipeline full happened");
  std::printf("  %llu resets with the pipeline full and the output stalled, %llu at random "
              "moments; %llu blocks dropped, %llu delivered\n",
              static_cast<unsigned long long>(full_resets),
              static_cast<unsigned long long>(random_resets),
              static_cast<unsigned long long>(tb.dropped()),
              static_cast<unsigned long long>(tb.delivered()));
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
  ctx.fatalOnError(false);  // a failed assertion is reported as a mismatch (check_assertions)
  auto dut = std::make_unique<Dut>(&ctx);
  Mismatches mm;
  TopBench<Dut> tb(*dut, ctx, mm);
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
  if (what == "reset" && args.size() == 2) {
    const size_t n = std::stoul(args[1]);
    std::vector<Stimulus> blocks(n);
    for (Stimulus& s : blocks) {
      corner_blocks.next(s.lanes);
      s.cfg = random_config(rng);
      s.block_index = rng.next();
    }
    run_with_resets(tb, mm, blocks, 40);
    return mm.finish(label + " reset (" + std::to_string(n) + " blocks)");
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
               "usage: test_rtl_top [--faulty | --reset-fault] seed-vectors DIR | random PROFILE N | "
               "random-profiles N | random-knobs N | throughput N | reset N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string model = "top";
  if (!args.empty() && (args[0] == "--faulty" || args[0] == "--reset-fault")) {
    model = args[0];
    args.erase(args.begin());
  }
  if (args.empty()) {
    std::fprintf(stderr, "usage: test_rtl_top [--faulty | --reset-fault] seed-vectors DIR | random PROFILE N | "
                         "random-profiles N | random-knobs N | throughput N | reset N\n");
    return 2;
  }
  try {
    if (model == "--faulty") return run<Vhif4_quantizer_faulty>(args, "faulty top (HIF4_INJECT_FAULT)");
    if (model == "--reset-fault")
      return run<Vhif4_quantizer_reset_fault>(args, "top with a reset fault (HIF4_CONTROL_FAULT)");
    return run<Vhif4_quantizer>(args, "top");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test_rtl_top: error: %s\n", e.what());
    return 2;
  }
}
