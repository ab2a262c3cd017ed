// libFuzzer target: the results-file reader of `hif4 merge` (hif4::results_from_json) and the
// merge behind it.
//
// Input: the file's text. Invariants checked on success (a violation aborts, which libFuzzer
// reports as a crash): what was read writes back to JSON that reads back to the same JSON (the
// writer and the reader agree), and merging what was read either succeeds, with every run's
// block count the sum of its shards', or is refused with a hif4::Error.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hif4/results_json.h"
#include "hif4/summary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<hif4::Results> runs;
  try {
    runs = hif4::results_from_json(text, "fuzz.json");
  } catch (const hif4::Error&) {
    return 0;  // refused with a message: the expected outcome for most inputs
  }
  const std::string again = hif4::results_to_json(runs);
  if (hif4::results_to_json(hif4::results_from_json(again, "again.json")) != again) std::abort();
  std::vector<hif4::NamedResults> named;
  uint64_t blocks = 0;
  for (const hif4::Results& r : runs) {
    named.push_back({"fuzz.json", r});
    blocks += r.blocks();
  }
  try {
    const std::vector<hif4::Results> merged = hif4::merge_results(named);
    uint64_t merged_blocks = 0;
    for (const hif4::Results& r : merged) merged_blocks += r.blocks();
    if (merged_blocks != blocks) std::abort();
    (void)hif4::format_merged(merged);
  } catch (const hif4::Error&) {
  }
  return 0;
}
