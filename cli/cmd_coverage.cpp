// hif4 coverage: which named corners of the datapath a vector file reaches.
#include <cstdio>
#include <cstring>
#include <vector>

#include "command.h"
#include "hif4/block.h"
#include "hif4/coverage.h"
#include "hif4/vector_file.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  Args args("coverage",
            {{"missed", false, false, "print only the applicable bins that no block hit"},
             {"require-all", false, false, "exit 1 unless every applicable bin is hit"}},
            "FILE.hif4v [--missed] [--require-all]", {1, 1, "vector file"});
  args.parse(argc, argv);
  const std::string path = args.positionals()[0];  // exactly one: Args checked it
  uint64_t disagree = 0, first_disagree = 0;
  VectorReader reader(path);
  const VectorHeader& h = reader.header();
  Coverage cov(h.config);
  std::vector<VectorRecord> records(4096);
  BlockTrace trace;
  for (;;) {
    const uint64_t first = reader.position();
    const size_t n = reader.read(records.data(), records.size());
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      const Block b = quantize_block(records[i].input, h.config, records[i].block_index, &trace);
      uint8_t packed[kPackedBytes];
      pack_block(b, packed);
      if (std::memcmp(packed, records[i].expected, kPackedBytes) != 0 && disagree++ == 0)
        first_disagree = first + i;
      cov.add(trace);
    }
  }
  std::printf("coverage of %s\n%s\n", path.c_str(), format_header(h).c_str());
  std::fputs(format_coverage(cov, args.has("missed")).c_str(), stdout);
  size_t applicable = 0;
  for (size_t i = 0; i < coverage_bins().size(); ++i) applicable += cov.applicable(i);
  const size_t missed = cov.missed().size();
  std::printf("\n%zu of %zu applicable bins hit, %zu missed, %zu not applicable under these knobs\n",
              applicable - missed, applicable, missed, coverage_bins().size() - applicable);
  if (disagree)
    std::printf("warning: %llu records' expected blocks differ from this model (first: record %llu); "
                "the coverage above is the model's\n",
                static_cast<unsigned long long>(disagree), static_cast<unsigned long long>(first_disagree));
  if (disagree || (args.has("require-all") && missed)) return kExitMismatch;
  return kExitOk;
}

Registration reg("coverage", "print the coverage bins a vector file hits", run);

}  // namespace
}  // namespace hif4::cli
