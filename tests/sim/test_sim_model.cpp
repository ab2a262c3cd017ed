// The SystemC model on its own (no Verilator): the contract's latency and global-enable
// handshake, bit-exactness against hif4::quantize_block under every profile, fault injection.
#include <systemc>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "hif4/block.h"
#include "hif4sim/cosim.h"

// libsystemc refers to sc_main; these tests drive sc_start themselves from Catch's main.
int sc_main(int, char**) { return 0; }

namespace {

using namespace hif4;
using namespace hif4::sim;

// SystemC elaborates once per simulation context: each run gets a new one (the old one is
// left behind on purpose; a test process runs a handful).
void fresh_simulation() {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
}

struct Edge {
  bool in_valid, in_ready, out_valid, out_ready;
  PackedBlock out;
  S4Reg s4;
};

struct Run {
  CosimResult result;
  std::vector<Edge> edges;  // what the designs showed at each edge (when recorded)
};

Run run(Stimulus& stim, CosimOptions opt, bool record = false) {
  fresh_simulation();
  Run r;
  auto* bench = new CosimBench("bench", stim, opt);
  if (record)
    bench->on_edge([&r, bench](uint64_t) {
      r.edges.push_back({bench->in_valid.read(), bench->in_ready.read(), bench->out_valid.read(),
                         bench->out_ready.read(), bench->out_data.read(), bench->model.s4()});
    });
  sc_core::sc_start();
  r.result = bench->result();
  return r;
}

Config profile_config(const Profile& p) { return p.config; }

}  // namespace

TEST_CASE("SystemC model: latency is 4 edges and one block per clock without stalls", "[cosim]") {
  auto stim = random_stimulus(500, 3, profiles().front().config);
  const Run r = run(*stim, CosimOptions{});
  REQUIRE(r.result.blocks_out == 500);
  REQUIRE(r.result.output_mismatches == 0);
  CHECK(r.result.min_latency == 4);
  CHECK(r.result.max_latency == 4);
  // Edge 1 is reset, blocks are accepted on edges 2..501, the last leaves on edge 505.
  CHECK(r.result.cycles == 505);
}

TEST_CASE("SystemC model equals hif4::quantize_block under every profile, with stalls and bubbles",
          "[cosim]") {
  for (const Profile& p : profiles()) {
    CAPTURE(p.name);
    CosimOptions opt;
    opt.stall_prob = 0.3;
    opt.bubble_prob = 0.25;
    opt.handshake_seed = 11;
    auto stim = random_stimulus(3000, 17, profile_config(p));
    const Run r = run(*stim, opt);
    CHECK(r.result.blocks_in == 3000);
    CHECK(r.result.blocks_out == 3000);
    CHECK(r.result.output_mismatches == 0);
    CHECK(r.result.lost == 0);
    CHECK(r.result.min_latency >= 4);
    CHECK(r.result.max_latency > 4);  // the stalls really held blocks back
  }
}

TEST_CASE("SystemC model: stochastic rounding and every knob value", "[cosim]") {
  // Walk each knob through each of its values on top of the first profile.
  for (const Knob& k : knobs())
    for (size_t v = 0; v < k.values.size(); ++v) {
      Config cfg = profiles().front().config;
      k.set(cfg, static_cast<uint8_t>(v));
      cfg.sr_seed = 0x1234567890ABCDEFull;
      CAPTURE(k.name, k.values[v].name);
      CosimOptions opt;
      opt.stall_prob = 0.2;
      auto stim = random_stimulus(600, 5 + v, cfg);
      const Run r = run(*stim, opt);
      CHECK(r.result.blocks_out == 600);
      CHECK(r.result.output_mismatches == 0);
    }
}

TEST_CASE("SystemC model: global enable holds every stage while the output stalls", "[cosim]") {
  CosimOptions opt;
  opt.stall_prob = 0.6;
  opt.bubble_prob = 0.3;
  opt.handshake_seed = 99;
  auto stim = random_stimulus(400, 8, profiles().back().config);
  const Run r = run(*stim, opt, true);
  REQUIRE(r.result.blocks_out == 400);
  REQUIRE(r.result.output_mismatches == 0);
  unsigned held = 0;
  for (size_t t = 1; t < r.edges.size(); ++t) {
    const Edge& e = r.edges[t];
    // in_ready = advance = !out_valid || out_ready, every cycle.
    REQUIRE(e.in_ready == (!e.out_valid || e.out_ready));
    const Edge& prev = r.edges[t - 1];
    if (t >= 2 && prev.out_valid && !prev.out_ready) {
      // Nothing moved on that edge: the same block is still offered, unchanged.
      REQUIRE(e.out_valid);
      REQUIRE(e.s4.block_index == prev.s4.block_index);
      REQUIRE(e.out == prev.out);
      ++held;
    }
  }
  CHECK(held > 50);
}

TEST_CASE("SystemC model: a flipped register bit reaches the output and is reported", "[cosim]") {
  CosimOptions opt;
  opt.fault = parse_fault("s2.e6m2.bit0@7");
  opt.replay = "replay-marker";
  // Peaks around 1.0 keep E6M2 in range, so a flipped mantissa bit changes the output.
  std::vector<StimulusBlock> blocks(20);
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (unsigned l = 0; l < kBlockValues; ++l)
      blocks[i].lanes.v[l] = static_cast<uint16_t>(0x3F80 + ((l * 7 + i) & 0x7F));
    blocks[i].block_index = i;
    blocks[i].cfg = profiles().front().config;
    blocks[i].origin = std::make_shared<const std::string>("list");
    blocks[i].origin_block = i;
    pack_block(quantize_block(blocks[i].lanes.v, blocks[i].cfg, i), blocks[i].expected.bytes);
  }
  auto stim = list_stimulus(blocks);
  const Run r = run(*stim, opt);
  CHECK(r.result.blocks_out == 20);
  CHECK(r.result.output_mismatches == 1);
  CHECK(r.result.blocks_failed == 1);
  REQUIRE(r.result.reports.size() == 1);
  CHECK(r.result.reports[0].find("block 7 ") != std::string::npos);
  CHECK(r.result.reports[0].find("replay-marker") != std::string::npos);
  CHECK(r.result.reports[0].find("s2.e6m2.bit0@7") != std::string::npos);
}

TEST_CASE("fault names: parsed, and bad ones rejected with the valid list", "[cosim]") {
  const Fault f = parse_fault("out.byte5.bit2");
  CHECK(f.site == Fault::Site::OutByte);
  CHECK(f.byte == 5);
  CHECK(f.bit == 2);
  CHECK(f.stage() == 4);
  CHECK(parse_fault("s3.e1_8.bit3").stage() == 3);
  CHECK(parse_fault("s1.vmax.bit15@4").block_index == 4);
  CHECK_THROWS_WITH(parse_fault("s2.e6m2.bit8"), Catch::Contains("8 bits"));
  CHECK_THROWS_WITH(parse_fault("s9.x.bit0"), Catch::Contains("unknown field"));
  CHECK_THROWS_WITH(parse_fault("out.byte36.bit0"), Catch::Contains("0..35"));
  CHECK_THROWS_WITH(parse_fault("s2.e6m2"), Catch::Contains("valid:"));
  CHECK(parse_fault("reset.keep-s3-valid").is(Fault::Site::ResetKeepsS3Valid));
  CHECK(parse_fault("cfg.stale-seed").is(Fault::Site::StaleSeed));
}

TEST_CASE("SystemC model: knobs and the SR seed change from block to block", "[cosim]") {
  CosimOptions opt;
  opt.stall_prob = 0.3;
  opt.bubble_prob = 0.2;
  opt.handshake_seed = 5;
  // Pairs of blocks share their knobs (the SR seed alone changes between them), every knob
  // changes between pairs, and the walk passes every value of every knob.
  for (uint64_t b = 0; b < 64; b += 2) {
    Config odd = knob_walk_config(3, b + 1);
    CHECK(odd.sr_seed != knob_walk_config(3, b).sr_seed);
    odd.sr_seed = knob_walk_config(3, b).sr_seed;
    CHECK(odd == knob_walk_config(3, b));
    for (const Knob& k : knobs()) CHECK(k.get(knob_walk_config(3, b + 2)) != k.get(odd));
  }
  for (const Knob& k : knobs())
    for (size_t v = 0; v < k.values.size(); ++v) {
      bool seen = false;
      for (uint64_t b = 0; b < 64 && !seen; ++b) seen = k.get(knob_walk_config(3, b)) == v;
      CHECK(seen);
    }
  auto stim = knob_walk_stimulus(2000, 3);
  const Run r = run(*stim, opt);
  CHECK(r.result.blocks_out == 2000);
  CHECK(r.result.output_mismatches == 0);

  SECTION("a model that decodes again only when a knob changes misses the seed alone") {
    opt.fault = parse_fault("cfg.stale-seed");
    auto faulty = knob_walk_stimulus(2000, 3);
    const Run f = run(*faulty, opt);
    CHECK(f.result.blocks_out == 2000);
    CHECK(f.result.output_mismatches > 0);
  }
}

TEST_CASE("SystemC model: a reset with the pipeline full and the output stalled drops the blocks in flight",
          "[cosim]") {
  CosimOptions opt;
  opt.stall_prob = 0.2;
  opt.bubble_prob = 0.2;
  opt.reset_every = 30;
  auto stim = random_stimulus(600, 21, profiles()[1].config);
  const Run r = run(*stim, opt, true);
  CHECK(r.result.resets >= 15);
  CHECK(r.result.dropped == 4 * r.result.resets);  // every stage held a block
  CHECK(r.result.blocks_out == 600);                // the dropped blocks came again
  CHECK(r.result.output_mismatches == 0);
  CHECK(r.result.lost == 0);
  // At a reset edge the output was stalled with a block offered; after it, no valid bit.
  unsigned full_resets = 0;
  for (size_t t = 1; t < r.edges.size(); ++t)
    if (r.edges[t - 1].s4.valid && r.edges[t - 1].out_valid && !r.edges[t - 1].out_ready &&
        !r.edges[t].out_valid)
      ++full_resets;
  CHECK(full_resets == r.result.resets);

  SECTION("a reset that leaves the S3 valid bit set lets a dropped block come out") {
    opt.fault = parse_fault("reset.keep-s3-valid");
    auto faulty = random_stimulus(600, 21, profiles()[1].config);
    const Run f = run(*faulty, opt);
    CHECK(f.result.output_mismatches > 0);
  }
}
