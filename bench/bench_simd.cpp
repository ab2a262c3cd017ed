// Quantize and decode throughput: the scalar model, the AVX2 path, and AVX2 x threads, per
// profile (and each profile with stochastic rounding), on streaming data.
//
// One iteration quantizes the whole 64 MiB input (512 Ki blocks, larger than every cache) into
// an 18 MiB output, so every pass streams from memory. Two rates are printed:
//   Mblk/s_wall  blocks per wall-clock second (what a user sees; suffers from other load)
//   Mblk/s_cpu   blocks per second of CPU time of the whole process, all threads included:
//                per-core throughput, much less sensitive to other processes on a shared machine
// For one thread the two agree on an idle machine. Run: build-*/bench/bench_simd
// (--benchmark_filter=avx2 etc.; --benchmark_min_time=2 for steadier figures).
#include <benchmark/benchmark.h>

#include <ctime>
#include <string>
#include <vector>

#include "bench_inputs.h"
#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"

namespace {

constexpr size_t kBlocks = 512 * 1024;  // 64 MiB of BF16

// Gaussian blocks at scales 2^-30 .. 2^30 (bench_inputs.h).
const std::vector<uint16_t>& input() {
  static const std::vector<uint16_t> data = hif4::bench::gaussian_blocks(kBlocks, 2026, 30);
  return data;
}

// One output buffer for every benchmark, so that each sees the same (already mapped) pages.
std::vector<uint8_t>& output() {
  static std::vector<uint8_t> out(kBlocks * hif4::kPackedBytes);
  return out;
}

double seconds(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Runs `pass` once per iteration and reports blocks per wall and per process-CPU second.
template <typename Pass>
void measure(benchmark::State& state, size_t blocks_per_pass, Pass pass) {
  pass();  // untimed: builds the path's tables and faults the output pages in
  double wall = 0, cpu = 0;
  for (auto _ : state) {
    const double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    pass();
    const double w1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    state.SetIterationTime(w1 - w0);
    wall += w1 - w0;
    cpu += c1 - c0;
  }
  const double blocks = static_cast<double>(state.iterations() * blocks_per_pass);
  state.counters["Mblk/s_wall"] = blocks / wall / 1e6;
  state.counters["Mblk/s_cpu"] = blocks / cpu / 1e6;
  state.counters["GiB/s_in_wall"] = blocks * hif4::kInputBytes / wall / (1u << 30);
}

// threads == 0: one thread, no helper.
void BM_Quantize(benchmark::State& state, hif4::SimdPath path, hif4::Config cfg, unsigned threads) {
  if (!hif4::simd_path_available(path)) {
    state.SkipWithError("path not available on this CPU");
    return;
  }
  const auto& in = input();
  std::vector<uint8_t>& out = output();
  measure(state, kBlocks, [&] {
    if (threads == 0) {
      hif4::quantize_blocks_on(path, in.data(), kBlocks, cfg, 0, out.data());
    } else {
      hif4::parallel_for(kBlocks, threads, [&](size_t b, size_t e) {
        hif4::quantize_blocks_on(path, in.data() + b * hif4::kBlockValues, e - b, cfg, b,
                                 out.data() + b * hif4::kPackedBytes);
      });
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  });
}

void BM_DecodeF32(benchmark::State& state, hif4::SimdPath path) {
  if (!hif4::simd_path_available(path)) {
    state.SkipWithError("path not available on this CPU");
    return;
  }
  // 128 Ki blocks -> 32 MiB of FP32 out: streaming as well.
  constexpr size_t kDecodeBlocks = kBlocks / 4;
  std::vector<uint8_t> packed(kDecodeBlocks * hif4::kPackedBytes);
  hif4::quantize_blocks(input().data(), kDecodeBlocks, hif4::profiles()[0].config, 0, packed.data());
  std::vector<uint32_t> out(kDecodeBlocks * hif4::kBlockValues);
  measure(state, kDecodeBlocks, [&] {
    hif4::decode_blocks_on_f32(path, packed.data(), kDecodeBlocks, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  });
}

// Registered from the profile table, so a new profile is benchmarked without an edit here.
const bool registered = [] {
  const unsigned hw = hif4::hardware_threads();
  std::vector<unsigned> thread_counts = {2};
  if (hw > 2) thread_counts.push_back(hw);
  for (const hif4::Profile& p : hif4::profiles()) {
    hif4::Config sr = p.config;
    sr.payload_rounding = hif4::PayloadRounding::Stochastic;
    sr.sr_seed = 1;
    const std::pair<std::string, hif4::Config> variants[] = {{p.name, p.config}, {std::string(p.name) + "+sr", sr}};
    for (const auto& [name, cfg] : variants) {
      benchmark::RegisterBenchmark(("quantize/scalar/" + name).c_str(), BM_Quantize, hif4::SimdPath::Scalar, cfg, 0u)
          ->UseManualTime()->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("quantize/avx2/" + name).c_str(), BM_Quantize, hif4::SimdPath::Avx2, cfg, 0u)
          ->UseManualTime()->Unit(benchmark::kMillisecond);
      for (unsigned t : thread_counts)
        benchmark::RegisterBenchmark(("quantize/avx2x" + std::to_string(t) + "threads/" + name).c_str(),
                                     BM_Quantize, hif4::SimdPath::Avx2, cfg, t)
            ->UseManualTime()->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("decode_f32/scalar", BM_DecodeF32, hif4::SimdPath::Scalar)
      ->UseManualTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("decode_f32/avx2", BM_DecodeF32, hif4::SimdPath::Avx2)
      ->UseManualTime()->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
