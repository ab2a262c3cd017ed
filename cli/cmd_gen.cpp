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
    s += std::string("\n      ") + suite.name + " (" + std::to_string(suite_count(suite, 1)) + " / " +
         std::to_string(suite_count(suite, 2)) + " / " + std::to_string(suite_count(suite, 3)) + "): " + suite.doc;
  return s;
}

int run(int argc, char** argv) {
  auto specs = config_specs();
  specs.push_back({"suite", true, false, "a suite name or all (default all); level-1 / level-2 / level-3 counts:" + suite_list()});
  specs.push_back({"level", true, false, "1 (small, for CI; default), 2 (sign-off) or 3 (a farm's sign-off: level 2 "
                                         "with 10^9 random records; use --shard)"});
  specs.push_back({"count", true, false, "records per suite, instead of the level's counts"});
  specs.push_back({"seed", true, false, "generator seed (default 1); same arguments, same bytes"});
  specs.push_back({"shard", true, false, "K/N: write only shard K (from 0) of N of the records; `hif4 merge` joins "
                                         "the N files into the unsharded file"});
  specs.push_back({"out", true, false, "output .hif4v file (- for standard output)"});
  specs.push_back(backend_spec());
  specs.push_back(threads_spec());
  Args args("gen", specs,
            "--profile P [--set KNOB=VALUE]... [--sr-seed N] [--suite NAME|all] [--level 1|2|3] "
            "[--count N] [--seed S] [--shard K/N] [--backend model|cuda] [--threads N] --out FILE.hif4v");
  args.parse(argc, argv);
  const Config cfg = config_from_args(args);
  const std::string profile = args.required("profile");
  const std::string selection = args.get("suite", "all");
  const uint64_t level = args.get_u64("level", 1);
  if (level < 1 || level > kMaxLevel) throw Error("--level must be 1, 2 or 3, not " + args.get("level"));
  const uint64_t count = args.get_u64("count", 0);
  if (args.has("count") && count == 0) throw Error("--count must be at least 1");
  const uint64_t seed = args.get_u64("seed", 1);
  const Shard shard = args.has("shard") ? parse_shard("--shard", args.get("shard")) : Shard{};
  const std::string out_path = args.required("out");
  check_output_path("--out", out_path, {});  // before any work
  const Backend backend = parse_backend("--backend", args.get("backend", "model"));
  const unsigned threads = parse_threads(args);

  GenerationPlan plan;
  try {
    plan = shard_plan(make_plan(selection, static_cast<unsigned>(level), count), shard);
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
  const std::string part =
      header.is_part() ? ", shard " + shard_text(shard) + " of " + std::to_string(header.part.whole_records) : "";
  std::fprintf(out.is_stdout() ? stderr : stdout, "wrote %llu records (%s, level %llu, seed %llu, profile %s%s) to %s\n",
              static_cast<unsigned long long>(header.record_count), selection.c_str(),
              static_cast<unsigned long long>(level), static_cast<unsigned long long>(seed),
              profile.c_str(), part.c_str(), out_path.c_str());
  return kExitOk;
}

Registration reg("gen", "generate golden vectors (.hif4v) from named suites", run);

}  // namespace
}  // namespace hif4::cli
