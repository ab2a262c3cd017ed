// hif4 quantize: raw BF16 / FP32 in, packed 36-byte HiF4 blocks out, streamed.
#include <vector>

#include "backend.h"
#include "command.h"
#include "hif4/block.h"
#include "hif4/parallel.h"
#include "hif4/pipeline.h"
#include "hif4/samples.h"
#include "hif4/threads.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  auto specs = config_specs();
  specs.push_back({"input-format", true, false, "bf16 (default) or f32 (rounded to BF16 RNE first)"});
  specs.push_back({"row-length", true, false, "values per row; each row is zero-padded to a multiple of 64"});
  specs.push_back({"in", true, false, "input file: raw little-endian values (- for standard input)"});
  specs.push_back({"out", true, false, "output file: 36-byte blocks (- for standard output)"});
  specs.push_back(backend_spec());
  specs.push_back(threads_spec());
  Args args("quantize", specs,
            "--profile P [--set KNOB=VALUE]... [--sr-seed N] [--input-format bf16|f32] "
            "[--row-length L] [--backend model|cuda] [--threads N] --in FILE --out FILE");
  args.parse(argc, argv);
  const Config cfg = config_from_args(args);
  const Backend backend = parse_backend("--backend", args.get("backend", "model"));
  const unsigned threads = parse_threads(args);
  const InputFormat fmt = parse_input_format("--input-format", args.get("input-format", "bf16"));
  const uint64_t row_length = args.get_u64("row-length", 0);
  if (args.has("row-length") && row_length == 0) throw Error("--row-length must be at least 1");
  const std::string in_path = args.required("in");
  const std::string out_path = args.required("out");
  check_output_path("--out", out_path, {in_path});  // before reading anything
  InputFile in(in_path);
  count_input_blocks(in, fmt, row_length);  // validate before creating anything
  require_backend(backend);
  AtomicOutput out(out_path, {in_path});
  // Read, quantize and write overlap (pipeline.h): three slots of blocks in flight. The model
  // backend runs the SIMD path (simd.h, bit-identical to the scalar model) over `threads`
  // threads, with slots that grow with the thread count so each thread gets a full share
  // (threads are capped at the machine's, so memory stays bounded); the CUDA backend gets
  // page-locked slots, which its transfers read and write at the link's full rate.
  constexpr unsigned kSlots = 3;
  const size_t slot_blocks = backend == Backend::Cuda ? size_t{1} << 18 : size_t{16384} * threads;
  std::vector<HostBuffer> inputs, outputs;
  for (unsigned k = 0; k < kSlots; ++k) {
    inputs.emplace_back(backend, slot_blocks * kInputBytes);
    outputs.emplace_back(backend, slot_blocks * kPackedBytes);
  }
  BlockReader reader(in, fmt, row_length);
  PipelineStages stages;
  stages.read = [&](unsigned slot) { return reader.read(inputs[slot].as<uint16_t>(), slot_blocks); };
  stages.work = [&](unsigned slot, size_t n, uint64_t first) {
    if (backend == Backend::Model)
      quantize_blocks_parallel(inputs[slot].as<uint16_t>(), n, cfg, first, outputs[slot].as<uint8_t>(), threads);
    else
      quantize_blocks_with(backend, inputs[slot].as<uint16_t>(), n, cfg, first, outputs[slot].as<uint8_t>());
  };
  stages.write = [&](unsigned slot, size_t n) { out.write(outputs[slot].as<uint8_t>(), n * kPackedBytes); };
  run_pipeline(kSlots, slot_blocks, stages);
  out.commit();
  return kExitOk;
}

Registration reg("quantize", "quantize raw BF16/FP32 values into packed HiF4 blocks", run);

}  // namespace
}  // namespace hif4::cli
