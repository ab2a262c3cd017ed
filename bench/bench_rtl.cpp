// Speed of the Verilated top (--cc, -O3) on one core: blocks per second with in_valid and
// out_ready held high (one block per clock), cycling through 256 random corner blocks and
// folding every out_data into a checksum so that nothing is optimised away. Prints figures;
// asserts nothing (tests never assert on time).
//   bench_rtl [SECONDS] [--stochastic]   (default 3 s, payload rounding nearest-even)
#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "Vhif4_quantizer.h"
#include "hif4/corner_blocks.h"
#include "hif4/config.h"
#include "hif4/format.h"
#include "hif4/ports.h"
#include "rtl_harness.h"
#include "verilated.h"

int main(int argc, char** argv) {
  using namespace hif4;
  using clock = std::chrono::steady_clock;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const bool stochastic = argc > 2 && std::strcmp(argv[2], "--stochastic") == 0;
  if (!(seconds > 0)) {
    std::fprintf(stderr, "bench_rtl: error: SECONDS must be a positive number, not '%s'\n", argv[1]);
    return 2;
  }
  VerilatedContext ctx;
  auto dut = std::make_unique<Vhif4_quantizer>(&ctx);
  CornerBlocks corner_blocks(0x5EED);
  constexpr unsigned kBlocks = 256;
  std::vector<std::array<uint32_t, kBlockValues / 2>> blocks(kBlocks);
  for (auto& b : blocks) {
    uint16_t lanes[kBlockValues];
    corner_blocks.next(lanes);
    rtl_test::put_lanes(b.data(), lanes);
  }
  dut->rst_n = 0;
  for (int i = 0; i < 2; ++i) {
    dut->clk = 0; dut->eval(); dut->clk = 1; dut->eval();
  }
  dut->rst_n = 1;
  dut->in_valid = 1;
  dut->out_ready = 1;
  // Knobs through the contract (one place maps a Config onto the cfg_* ports): the gcc
  // profile, or with stochastic payload rounding.
  Config cfg = find_profile("gcc").config;
  if (stochastic) cfg.payload_rounding = PayloadRounding::Stochastic;
  cfg.sr_seed = 0x1234;
  const contract::CfgPorts ports = contract::cfg_ports(cfg);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, dut->name = ports.name;)
#include "hif4/ports.def"

  uint64_t cycles = 0, outputs = 0;
  uint32_t checksum = 0;
  const std::clock_t cpu_start = std::clock();
  const auto start = clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (unsigned n = 0; n < 4096; ++n) {
      const auto& b = blocks[cycles % kBlocks];
      std::copy(b.begin(), b.end(), dut->in_data.data());
      dut->in_block_index = cycles;
      dut->clk = 0;
      dut->eval();
      dut->clk = 1;
      dut->eval();
      ++cycles;
      if (dut->out_valid) {
        ++outputs;
        checksum = checksum * 31 + dut->out_data[cycles % 9];
      }
    }
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  // Wall-clock and CPU-time rates: on a shared machine the process gets only part of a core,
  // and the CPU-time figure is the one-core speed.
  std::printf("Verilated hif4_quantizer (profile gcc, payload-rounding %s): %llu cycles, %llu blocks out\n"
              "  wall %.2f s: %.2f M blocks/s;  cpu %.2f s: %.2f M blocks/s  (checksum %08x)\n",
              knob_value_name(find_knob("payload-rounding"), cfg), static_cast<unsigned long long>(cycles),
              static_cast<unsigned long long>(outputs), elapsed, outputs / elapsed / 1e6, cpu,
              outputs / cpu / 1e6, checksum);
  return 0;
}
