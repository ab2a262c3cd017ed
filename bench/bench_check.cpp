// What checking costs, one core: the coverage bins of a block counted from the stage trace
// (Coverage::add of quantize_block's trace) and from the packed path (Coverage::add_block,
// making the 36 bytes, or given them as the co-simulation and `hif4 coverage` hold them), over
// random corner blocks (`hif4 cosim --random`), per profile; and the DUT readers of
// `hif4 verify`, raw and $readmemh, on a file in the page cache.
// Prints M blocks/s ("blocks/s"). Run: build/bench/bench_check
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hif4/block.h"
#include "hif4/corner_blocks.h"
#include "hif4/coverage.h"
#include "hif4/verify.h"

namespace {

constexpr size_t kBlocks = 1 << 14;  // 2 MiB of inputs: the co-simulation's blocks are in cache

struct Blocks {
  std::vector<uint16_t> in;
  std::vector<uint8_t> packed;
};

Blocks corner_blocks(const hif4::Config& cfg) {
  Blocks b{std::vector<uint16_t>(kBlocks * hif4::kBlockValues), std::vector<uint8_t>(kBlocks * hif4::kPackedBytes)};
  hif4::CornerBlocks(1).fill(b.in.data(), kBlocks);
  hif4::quantize_blocks(b.in.data(), kBlocks, cfg, 0, b.packed.data());
  return b;
}

enum class Way { Traced, Packed, PackedGiven, QuantizeOnly };

void BM_Coverage(benchmark::State& state, hif4::Config cfg, Way way) {
  const Blocks b = corner_blocks(cfg);
  hif4::Coverage cov(cfg);
  hif4::BlockTrace trace;
  uint8_t packed[hif4::kPackedBytes];
  size_t i = 0;
  for (auto _ : state) {
    const uint16_t* in = &b.in[i * hif4::kBlockValues];
    switch (way) {
      case Way::Traced:
        hif4::quantize_block(in, cfg, i, &trace);
        cov.add(trace);
        break;
      case Way::Packed: cov.add_block(in, i); break;
      case Way::PackedGiven: cov.add_block(in, i, &b.packed[i * hif4::kPackedBytes]); break;
      case Way::QuantizeOnly:
        hif4::quantize_blocks(in, 1, cfg, i, packed);
        benchmark::DoNotOptimize(packed);
        break;
    }
    i = (i + 1) % kBlocks;
  }
  benchmark::DoNotOptimize(cov.count(0));
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

std::string temp_path(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/hif4_bench_" + name;
}

// A DUT output file of kFileBlocks blocks in `format`, as `hif4 export` writes them (one
// 72-digit $readmemh word a line, byte 35 first), read through DutReader.
constexpr size_t kFileBlocks = 1 << 18;

void BM_DutReader(benchmark::State& state, hif4::DutFormat format) {
  const hif4::Config cfg = hif4::find_profile("seed").config;
  std::vector<uint16_t> in(kFileBlocks * hif4::kBlockValues);
  std::vector<uint8_t> packed(kFileBlocks * hif4::kPackedBytes);
  hif4::CornerBlocks(2).fill(in.data(), kFileBlocks);
  hif4::quantize_blocks(in.data(), kFileBlocks, cfg, 0, packed.data());
  const std::string path = temp_path(format == hif4::DutFormat::Raw ? "dut.raw" : "dut.hex");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
      state.SkipWithError(("cannot write " + path).c_str());
      return;
    }
    if (format == hif4::DutFormat::Raw) {
      std::fwrite(packed.data(), 1, packed.size(), f);
    } else {
      std::fputs("// $readmemh DUT output\n", f);
      for (size_t b = 0; b < kFileBlocks; ++b) {
        for (unsigned k = hif4::kPackedBytes; k-- > 0;) std::fprintf(f, "%02X", packed[b * hif4::kPackedBytes + k]);
        std::fputc('\n', f);
      }
    }
    std::fclose(f);
  }
  std::vector<uint8_t> out(4096 * hif4::kPackedBytes);
  uint64_t blocks = 0;
  for (auto _ : state) {
    hif4::DutReader r(hif4::open_file_source(path), format, kFileBlocks);
    for (size_t n; (n = r.read(out.data(), 4096)) != 0;) blocks += n;
    r.finish();
    if (std::memcmp(out.data(), &packed[(kFileBlocks - 4096) * hif4::kPackedBytes], out.size()) != 0)
      state.SkipWithError("the reader's blocks differ from the file's");
  }
  std::remove(path.c_str());
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

int register_all() {
  for (const hif4::Profile& p : hif4::profiles()) {
    const std::string name = p.name;
    benchmark::RegisterBenchmark(("coverage/traced/" + name).c_str(), BM_Coverage, p.config, Way::Traced);
    benchmark::RegisterBenchmark(("coverage/packed/" + name).c_str(), BM_Coverage, p.config, Way::Packed);
    benchmark::RegisterBenchmark(("coverage/packed-given/" + name).c_str(), BM_Coverage, p.config, Way::PackedGiven);
    benchmark::RegisterBenchmark(("quantize-one-block/" + name).c_str(), BM_Coverage, p.config, Way::QuantizeOnly);
  }
  benchmark::RegisterBenchmark("dut-reader/raw", BM_DutReader, hif4::DutFormat::Raw)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dut-reader/readmemh", BM_DutReader, hif4::DutFormat::Readmemh)
      ->Unit(benchmark::kMillisecond);
  return 0;
}
const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
