// hif4 convert: a safetensors checkpoint in, the seed's packed HiF4 safetensors layout out
// (and back with --dequantize). The conversion itself is convert/ (hif4/convert.h).
#include "command.h"
#include "hif4/convert.h"
#include "hif4/threads.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  auto specs = config_specs();
  specs.push_back({"in", true, false, "checkpoint: a folder (model.safetensors or "
                   "model.safetensors.index.json), a .safetensors file or an index file"});
  specs.push_back({"out", true, false, "output folder; must not exist (written under a temporary "
                   "name and renamed when complete)"});
  specs.push_back({"skip", true, true, "keep tensors whose module name contains KEYWORD "
                   "(case-insensitive; repeatable; added to the defaults)"});
  specs.push_back({"no-default-skip", false, false, "drop the seed's default skip keywords "
                   "(embed, embedding, lm_head, gate, gating, router)"});
  specs.push_back({"dequantize", false, false, "turn a HiF4 folder back into a plain BF16 checkpoint"});
  specs.push_back({"report", false, false, "print per-tensor NMSE and SQNR against the original"});
  specs.push_back(threads_spec());
  Args args("convert", specs,
            "--in DIR_OR_FILE --out DIR [--profile P (default seed)] [--set KNOB=VALUE]... "
            "[--sr-seed N] [--skip KEYWORD]... [--no-default-skip] [--report] [--threads N]\n"
            "       hif4 convert --dequantize --in HIF4_DIR --out DIR");
  args.parse(argc, argv);
  const unsigned threads = parse_threads(args);
  if (args.has("dequantize")) {
    for (const char* o : {"profile", "set", "sr-seed", "skip", "no-default-skip", "report"})
      if (args.has(o))
        throw Error(std::string("--") + o +
                    " does not apply to --dequantize (the packed bits decode one way)");
    convert::DequantizeOptions d;
    d.in = args.required("in");
    d.out = args.required("out");
    d.threads = threads;
    return convert::dequantize_checkpoint(d);
  }
  convert::ConvertOptions c;
  c.config = config_from_args(args, "seed");
  c.in = args.required("in");
  c.out = args.required("out");
  c.skip = args.all("skip");
  c.default_skip = !args.has("no-default-skip");
  c.report = args.has("report");
  c.threads = threads;
  return convert::convert_checkpoint(c);
}

Registration reg("convert",
                 "convert a safetensors checkpoint to the seed's packed HiF4 layout (and back)", run);

}  // namespace
}  // namespace hif4::cli
