// hif4 explain: the stage trace of one block, for a person reading it.
#include <cstdio>
#include <sstream>
#include <vector>

#include "command.h"
#include "hif4/block.h"
#include "hif4/trace_format.h"
#include "hif4/samples.h"

namespace hif4::cli {
namespace {

// "7.875,0,-1e-3,0x40FC": decimal numbers (FP32, then BF16 RNE) or 0x BF16 bit patterns.
std::vector<uint16_t> parse_values(const std::string& text) {
  std::vector<uint16_t> v;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
    if (a == std::string::npos) throw Error("--values: empty entry in '" + text + "'");
    item = item.substr(a, b - a + 1);
    if (item.size() > 2 && item[0] == '0' && (item[1] == 'x' || item[1] == 'X')) {
      const uint64_t bits = parse_u64("--values", item);
      if (bits > 0xFFFF) throw Error("--values: '" + item + "' is not a 16-bit BF16 pattern");
      v.push_back(static_cast<uint16_t>(bits));
    } else {
      const double d = parse_double("--values", item);
      v.push_back(f32_bits_to_bf16(float_to_bits(static_cast<float>(d))));
    }
  }
  if (v.empty() || v.size() > kBlockValues)
    throw Error("--values: expected 1 to 64 values, got " + std::to_string(v.size()));
  v.resize(kBlockValues, 0);  // the rest of the block is zero, as a padded row would be
  return v;
}

int run(int argc, char** argv) {
  auto specs = config_specs();
  specs.push_back({"in", true, false, "raw BF16 (or FP32) input file"});
  specs.push_back({"input-format", true, false, "bf16 (default) or f32"});
  specs.push_back({"row-length", true, false, "rows of L values, zero-padded, as quantize reads them"});
  specs.push_back({"block", true, false, "block index in --in (0-based)"});
  specs.push_back({"values", true, false, "comma-separated values (decimal or 0x BF16 bits); fewer than 64 are zero-padded"});
  specs.push_back({"block-index", true, false, "block index for stochastic rounding with --values (default 0)"});
  Args args("explain", specs,
            "--profile P [--set KNOB=VALUE]... [--sr-seed N] (--in FILE --block N | --values \"v0,v1,...\")");
  args.parse(argc, argv);
  const Config cfg = config_from_args(args);
  std::vector<uint16_t> values;
  uint64_t index = 0;
  if (args.has("values") == args.has("in"))
    throw Error("give exactly one of --values and --in\n" + args.usage());
  if (args.has("values")) {
    values = parse_values(args.get("values"));
    index = args.get_u64("block-index", 0);
  } else {
    index = parse_u64("--block", args.required("block"));
    InputFile in(args.get("in"));
    const InputFormat fmt = parse_input_format("--input-format", args.get("input-format", "bf16"));
    const uint64_t row_length = args.get_u64("row-length", 0);
    const uint64_t total = count_input_blocks(in, fmt, row_length);
    if (index >= total)
      throw Error("--block " + std::to_string(index) + ": '" + in.path() + "' holds only " +
                  std::to_string(total) + " blocks");
    for_each_block_chunk(in, fmt, row_length, [&](const uint16_t* b, size_t n, uint64_t first) {
      if (index >= first && index < first + n)
        values.assign(b + (index - first) * kBlockValues, b + (index - first + 1) * kBlockValues);
    });
  }
  BlockTrace trace;
  quantize_block(values.data(), cfg, index, &trace);
  std::fputs(format_trace(trace, cfg).c_str(), stdout);
  return kExitOk;
}

Registration reg("explain", "print the stage trace of one block", run);

}  // namespace
}  // namespace hif4::cli
