// Golden-vector throughput, one core: `hif4 gen` (suite inputs -> reference model -> framed,
// CRC'd .hif4v written to a file) and `hif4 verify` (read + CRC-check the vectors, read the
// DUT's raw output, compare), plus the parts on their own so the overhead beyond the model's
// quantize cost is visible. Prints M blocks/s ("blocks/s"). Run: build/bench/bench_vectors
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/simd.h"
#include "hif4/suites.h"
#include "hif4/vector_file.h"
#include "hif4/verify.h"

namespace {

constexpr uint64_t kRecords = 1 << 17;  // 131072 blocks: 22.5 MB of vectors per iteration

std::string temp_path(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/hif4_bench_" + name;
}

// Writes a whole .hif4v file (the `hif4 gen` path without argument parsing).
void gen_file(const std::string& path, const std::string& suite, const hif4::Config& cfg,
              const hif4::ExpectedFn& expected, unsigned threads = 1, uint64_t records = kRecords) {
  const hif4::GenerationPlan plan = hif4::make_plan(suite, 2, suite == "all" ? 0 : records);
  const hif4::VectorHeader h = hif4::make_header(plan, suite, 2, 1, "seed", cfg);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::vector<char> buf(1 << 20);
  std::setvbuf(f, buf.data(), _IOFBF, buf.size());
  hif4::VectorWriter w(h, [&](const void* p, size_t n) { std::fwrite(p, 1, n, f); });
  hif4::generate(plan, 1, 2, cfg, expected, [&](const hif4::GeneratedChunk& c) {
    w.write(c.inputs, c.expected, c.first_record, c.count);
  }, hif4::kGenChunkRecords, threads);
  w.finish();
  std::fclose(f);
}

// `hif4 gen` on one thread: the expected bytes from the model's fast path
// (quantize_blocks_fast, bit-identical to the scalar model), as the command takes them; with
// `scalar_model`, from the scalar model itself (quantize_blocks).
void BM_Gen(benchmark::State& state, std::string suite, std::string profile, bool scalar_model) {
  const hif4::Config cfg = hif4::find_profile(profile).config;
  const std::string path = temp_path("gen.hif4v");
  const hif4::ExpectedFn expected = scalar_model ? hif4::ExpectedFn(hif4::reference_expected)
                                                 : hif4::ExpectedFn(hif4::quantize_blocks_fast);
  uint64_t blocks = 0;
  for (auto _ : state) {
    gen_file(path, suite, cfg, expected);
    blocks += hif4::make_plan(suite, 2, suite == "all" ? 0 : kRecords).total();
  }
  std::remove(path.c_str());
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

// `hif4 gen --threads N`: inputs on N threads, expected bytes from the SIMD path on N threads,
// one writer (framing, CRC, file).
void BM_GenThreads(benchmark::State& state, unsigned threads) {
  const hif4::Config cfg = hif4::find_profile("seed").config;
  const std::string path = temp_path("gent.hif4v");
  const hif4::ExpectedFn expected = [threads](const uint16_t* in, size_t n, const hif4::Config& c, uint64_t first,
                                              uint8_t* out) { hif4::quantize_blocks_parallel(in, n, c, first, out, threads); };
  uint64_t blocks = 0;
  // 8x the records of the other runs: with threads, generate() makes chunks of 16 shares a
  // thread and overlaps writing one with making the next, which needs many chunks to show.
  for (auto _ : state) {
    gen_file(path, "random", cfg, expected, threads, 8 * kRecords);
    blocks += 8 * kRecords;
  }
  std::remove(path.c_str());
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

// The generator without the model: what gen costs beyond quantize.
void BM_GenWithoutModel(benchmark::State& state) {
  const hif4::Config cfg = hif4::find_profile("seed").config;
  const std::string path = temp_path("gen0.hif4v");
  const hif4::ExpectedFn zeros = [](const uint16_t*, size_t n, const hif4::Config&, uint64_t, uint8_t* out) {
    std::fill(out, out + n * hif4::kPackedBytes, 0);
  };
  uint64_t blocks = 0;
  for (auto _ : state) {
    gen_file(path, "random", cfg, zeros);
    blocks += kRecords;
  }
  std::remove(path.c_str());
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

void BM_SuiteInputs(benchmark::State& state, std::string suite) {
  const hif4::Suite& s = hif4::find_suite(suite);
  std::vector<uint16_t> in(4096 * hif4::kBlockValues);
  uint64_t first = 0;
  for (auto _ : state) {
    hif4::make_suite_inputs(s, 1, 2, first, 4096, in.data());
    benchmark::DoNotOptimize(in.data());
    first += 4096;
  }
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(first), benchmark::Counter::kIsRate);
}

void BM_QuantizeOnly(benchmark::State& state, bool simd) {
  const hif4::Config cfg = hif4::find_profile("seed").config;
  std::vector<uint16_t> in(4096 * hif4::kBlockValues);
  hif4::make_suite_inputs(hif4::find_suite("random"), 1, 2, 0, 4096, in.data());
  std::vector<uint8_t> out(4096 * hif4::kPackedBytes);
  uint64_t blocks = 0;
  for (auto _ : state) {
    if (simd) hif4::quantize_blocks_fast(in.data(), 4096, cfg, blocks, out.data());
    else hif4::quantize_blocks(in.data(), 4096, cfg, blocks, out.data());
    benchmark::DoNotOptimize(out.data());
    blocks += 4096;
  }
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

void BM_Crc32(benchmark::State& state) {
  std::vector<uint8_t> buf(1 << 20, 0x5A);
  uint32_t crc = 0;
  for (auto _ : state) crc = hif4::crc32_update(crc, buf.data(), buf.size());
  benchmark::DoNotOptimize(crc);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}

// `hif4 verify` on files: the vectors and a matching raw DUT output (all blocks pass, the
// common case; a mismatch costs a trace and a report, bounded by --max-errors).
void BM_Verify(benchmark::State& state) {
  const hif4::Config cfg = hif4::find_profile("seed").config;
  const std::string vec = temp_path("verify.hif4v"), dut = temp_path("verify.dut");
  gen_file(vec, "random", cfg, hif4::reference_expected);
  {
    hif4::VectorReader r(vec);
    std::FILE* f = std::fopen(dut.c_str(), "wb");
    hif4::VectorRecord rec;
    while (r.next(rec)) std::fwrite(rec.expected, 1, hif4::kPackedBytes, f);
    std::fclose(f);
  }
  uint64_t blocks = 0;
  for (auto _ : state) {
    hif4::VectorReader r(vec);
    hif4::DutReader d(hif4::open_file_source(dut), hif4::DutFormat::Raw, r.header().record_count);
    const hif4::VerifySummary s =
        hif4::verify_stream(r, d, hif4::VerifyContext{cfg, "seed", &r.header()}, [](const hif4::BlockMismatch&) {});
    if (s.failed) state.SkipWithError("unexpected mismatches");
    blocks += s.passed;
  }
  std::remove(vec.c_str());
  std::remove(dut.c_str());
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

int register_all() {
  benchmark::RegisterBenchmark("gen/random/seed", BM_Gen, "random", "seed", false)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("gen/random/cann", BM_Gen, "random", "cann", false)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("gen/random/seed/scalar-model", BM_Gen, "random", "seed", true)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("gen/all-level2/seed", BM_Gen, "all", "seed", false)->Unit(benchmark::kMillisecond)->Iterations(1);
  benchmark::RegisterBenchmark("gen/random/without-model", BM_GenWithoutModel)->Unit(benchmark::kMillisecond);
  for (unsigned t : {2u, 4u, 8u})
    if (t <= hif4::hardware_threads())
      benchmark::RegisterBenchmark(("gen/random/threads:" + std::to_string(t)).c_str(), BM_GenThreads, t)
          ->Unit(benchmark::kMillisecond)->UseRealTime();
  for (const hif4::Suite& s : hif4::suites())
    benchmark::RegisterBenchmark((std::string("inputs/") + s.name).c_str(), BM_SuiteInputs, s.name);
  benchmark::RegisterBenchmark("quantize-only/seed", BM_QuantizeOnly, false);
  benchmark::RegisterBenchmark("quantize-simd-only/seed", BM_QuantizeOnly, true);
  benchmark::RegisterBenchmark("crc32", BM_Crc32);
  benchmark::RegisterBenchmark("verify/raw/seed", BM_Verify)->Unit(benchmark::kMillisecond);
  return 0;
}
const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
