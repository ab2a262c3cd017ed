// Scalar reference model throughput, one core, streaming Gaussian blocks (bench_inputs.h),
// per profile.
// Prints M blocks/s (the "blocks/s" counter). Run: build/bench/bench_model
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "bench_inputs.h"
#include "hif4/block.h"

namespace {

// 64 MiB of BF16 input (512 Ki blocks): larger than the caches, so the data streams.
constexpr size_t kBlocks = 512 * 1024;

const std::vector<uint16_t>& input() {
  static const std::vector<uint16_t> data = hif4::bench::gaussian_blocks(kBlocks, 12345, 20);
  return data;
}

void BM_Quantize(benchmark::State& state, hif4::Config cfg) {
  const auto& in = input();
  std::vector<uint8_t> out(kBlocks * hif4::kPackedBytes);
  constexpr size_t kChunk = 4096;
  size_t pos = 0;
  for (auto _ : state) {
    hif4::quantize_blocks(in.data() + pos * hif4::kBlockValues, kChunk, cfg, pos,
                          out.data() + pos * hif4::kPackedBytes);
    benchmark::DoNotOptimize(out.data());
    pos = (pos + kChunk) % kBlocks;
  }
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kChunk), benchmark::Counter::kIsRate);
}

void BM_Decode(benchmark::State& state) {
  std::vector<uint8_t> packed(kBlocks * hif4::kPackedBytes);
  hif4::quantize_blocks(input().data(), kBlocks, hif4::find_profile("seed").config, 0, packed.data());
  std::vector<uint32_t> out(hif4::kBlockValues);
  size_t pos = 0;
  for (auto _ : state) {
    const hif4::Block b = hif4::unpack_block(&packed[pos * hif4::kPackedBytes]);
    hif4::decode_block_f32(b, out.data());
    benchmark::DoNotOptimize(out.data());
    pos = (pos + 1) % kBlocks;
  }
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

int register_all() {
  for (const hif4::Profile& p : hif4::profiles()) {
    benchmark::RegisterBenchmark((std::string("quantize/") + p.name).c_str(), BM_Quantize, p.config);
  }
  hif4::Config sr = hif4::find_profile("seed").config;
  sr.payload_rounding = hif4::PayloadRounding::Stochastic;
  benchmark::RegisterBenchmark("quantize/seed+stochastic", BM_Quantize, sr);
  benchmark::RegisterBenchmark("decode_f32", BM_Decode);
  return 0;
}
const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
