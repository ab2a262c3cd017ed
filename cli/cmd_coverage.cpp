// hif4 coverage: which named corners of the datapath vector files reach. Several files (the
// shards of a run, or files of different suites) add their bins up, per configuration.
#include <cstdio>
#include <cstring>
#include <vector>

#include "command.h"
#include "hif4/block.h"
#include "hif4/coverage.h"
#include "hif4/result_files.h"
#include "hif4/summary.h"
#include "hif4/vector_file.h"
#include "hif4/version.h"

namespace hif4::cli {
namespace {

// One file's bins into `results` (its collector for the file's configuration), and a row for
// the file: its records, and those whose expected block differs from this model.
void add_file(const std::string& path, Results& results) {
  const double t0 = monotonic_seconds();
  VectorReader reader(path);
  const VectorHeader& h = reader.header();
  Coverage& cov = coverage_for(results.coverage, h.config);
  ResultRow row;
  row.suite = h.selection.empty() ? path : h.selection;
  const Profile* p = matching_profile(h.config);
  row.profile = p ? p->name : h.profile;
  std::vector<VectorRecord> records(4096);
  for (;;) {
    const uint64_t first = reader.position();
    const size_t n = reader.read(records.data(), records.size());
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      const VectorRecord& r = records[i];
      uint8_t packed[kPackedBytes];
      quantize_blocks(r.input, 1, h.config, r.block_index, packed);
      if (std::memcmp(packed, r.expected, kPackedBytes) != 0 && row.failed++ == 0)
        row.first = {true, first + i, "record " + std::to_string(first + i) + " of " + path +
                                          ": the expected block differs from this model"};
      cov.add_block(r.input, r.block_index, packed);
    }
  }
  row.blocks = h.record_count;
  row.mismatches = row.failed;
  row.seconds = monotonic_seconds() - t0;
  results.rows.push_back(std::move(row));
  results.heading.push_back("coverage of " + path);
  std::string header = format_header(h);
  if (!header.empty() && header.back() == '\n') header.pop_back();
  results.heading.push_back(header);
}

int run(int argc, char** argv) {
  std::vector<Args::Spec> specs = {
      {"missed", false, false, "print only the applicable bins that no block hit"},
      {"require-all", false, false, "exit 1 unless every applicable bin is hit"}};
  for (const Args::Spec& s : result_file_specs()) specs.push_back(s);
  Args args("coverage", specs, "FILE.hif4v... [--missed] [--require-all] [--junit FILE] [--json FILE]",
            {1, SIZE_MAX, "vector file"});
  args.parse(argc, argv);
  const std::vector<std::string>& paths = args.positionals();
  const ResultFiles outputs(args, paths);
  Results results;
  results.command = "coverage";
  results.hif4_version = version_line();
  results.require_all_bins = args.has("require-all");
  const double t0 = monotonic_seconds();
  for (const std::string& path : paths) {
    add_file(path, results);
    results.run += (results.run.empty() ? "hif4 coverage " : " ") + path;
  }
  results.seconds = monotonic_seconds() - t0;
  std::fputs(format_coverage(results, args.has("missed")).c_str(), stdout);
  std::fflush(stdout);
  outputs.write(results);
  // Disagreeing expected bytes always fail; missed bins only with --require-all.
  return results.passed() ? kExitOk : kExitMismatch;
}

Registration reg("coverage", "print the coverage bins vector files hit (several files: bins added up)", run);

}  // namespace
}  // namespace hif4::cli
