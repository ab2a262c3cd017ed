// hif4 gen: golden vectors (.hif4v) from the named input suites and the reference model.
//
// The generator is "suite inputs -> expected outputs -> VectorWriter". The expected outputs
// come from an ExpectedFn (suites.h): the model's fast path (on `--threads N`) or the CUDA
// golden (`--backend cuda`), plugged in without touching the rest.
#include <cstdio>

#include "backend.h"
#include "command.h"
#include "hif4/files.h"
#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/suites.h"
#include "hif4/vector_file.h"
#include "hif4/threads.h"

namespace hif4::cli {
namespace {

std::string suite_list() {
  std::string s;
  for (const Suite& suite : suites())
    s += std::string("\n      ") + suite.name + " (" + std::to_string(suite.level1_count) + " / " +
         std::to_string(suite.level2_count) + "): " + suite.doc;
  return s;
}

int run(int argc, char** argv) {
  auto specs = config_specs();
  specs.push_back({"suite", true, false, "a suite name or all (default all); level-1 / level-2 counts:" + suite_list()});
  specs.push_back({"level", true, false, "1 (small, for CI; default) or 2 (sign-off)"});
  specs.push_back({"count", true, false, "records per suite, instead of the level's counts"});
  specs.push_back({"seed", true, false, "generator seed (default 1); same arguments, same bytes"});
  specs.push_back({"out", true, false, "output .hif4v file (- for standard output)"});
  specs.push_back(backend_spec());
  specs.push_back(threads_spec());
  Args args("gen", specs,
            "--profile P [--set KNOB=VALUE]... [--sr-seed N] [--suite NAME|all] [--level 1|2] "
            "[--count N] [--seed S] [--backend model|cuda] [--threads N] --out FILE.hif4v");
  args.parse(argc, argv);
  const Config cfg = config_from_args(args);
  const std::string profile = args.required("profile");
  const std::string selection = args.get("suite", "all");
  const uint64_t level = args.get_u64("level", 1);
  if (level != 1 && level != 2) throw Error("--level must be 1 or 2, not " + args.get("level"));
  const uint64_t count = args.get_u64("count", 0);
  if (args.has("count") && count == 0) throw Error("--count must be at least 1");
  const uint64_t seed = args.get_u64("seed", 1);
  const std::string out_path = args.required("out");
  check_output_path("--out", out_path, {});  // before any work
  const Backend backend = parse_backend("--backend", args.get("backend", "model"));
  const unsigned threads = parse_threads(args);

  GenerationPlan plan;
  try {
    plan = make_plan(selection, static_cast<unsigned>(level), count);
  } catch (const SuiteError& e) {
    // A plan fails on an unknown suite, or on too many records (only --count can ask for them).
    throw Error((e.message.compare(0, 8, "too many") == 0 ? "--count: " : "--suite: ") + e.message);
  }
  const VectorHeader header = make_header(plan, selection, static_cast<unsigned>(level), seed, profile, cfg);

  require_backend(backend);
  // --backend cuda: the expected bytes come from the CUDA golden (same bytes as the model).
  // --backend model: from the model's fast path (quantize_blocks_fast: AVX2 where the CPU has
  // it, bit-identical to the scalar model, as tests/model/test_simd.cpp proves on every suite
  // and 10^7 random blocks per profile; HIF4_SIMD=scalar forces the scalar model), on
  // --threads N threads (same bytes for every N).
  const ExpectedFn expected =
      backend == Backend::Cuda
          ? ExpectedFn([](const uint16_t* in, size_t n, const Config& c, uint64_t first, uint8_t* o) {
              quantize_blocks_with(Backend::Cuda, in, n, c, first, o);
            })
          : ExpectedFn([threads](const uint16_t* in, size_t n, const Config& c, uint64_t first, uint8_t* o) {
              quantize_blocks_parallel(in, n, c, first, o, threads);
            });
  AtomicOutput out(out_path);
  VectorWriter writer(header, [&](const void* p, size_t n) { out.write(p, n); });
  out.reserve(writer.file_size());
  generate(plan, seed, static_cast<unsigned>(level), cfg, expected,
           [&](const GeneratedChunk& c) { writer.write(c.inputs, c.expected, c.first_record, c.count); },
           kGenChunkRecords, threads);
  writer.finish();
  out.commit();
  // With --out -, standard output carries the file: the summary goes to standard error.
  std::fprintf(out.is_stdout() ? stderr : stdout, "wrote %llu records (%s, level %llu, seed %llu, profile %s) to %s\n",
              static_cast<unsigned long long>(header.record_count), selection.c_str(),
              static_cast<unsigned long long>(level), static_cast<unsigned long long>(seed),
              profile.c_str(), out_path.c_str());
  return kExitOk;
}

Registration reg("gen", "generate golden vectors (.hif4v) from named suites", run);

}  // namespace
}  // namespace hif4::cli
