// hif4 merge: puts the pieces of sharded runs back together.
//
//   vector files (`hif4 gen --shard K/N`): the whole run's file, byte for byte what the unsharded
//     `hif4 gen` writes (--out);
//   results files (`--json` of regress, cosim, verify, coverage): the summary the unsharded run
//     prints, and its JUnit and JSON. Shards of one run are added up; several runs (the rows of
//     a regression) become one table.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "command.h"
#include "hif4/files.h"
#include "hif4/result_files.h"
#include "hif4/results_json.h"
#include "hif4/summary.h"
#include "hif4/vector_merge.h"
#include "hif4/version.h"

namespace hif4::cli {
namespace {

// The most bytes a --list file may hold: a million paths of 60 characters.
constexpr uint64_t kMaxListBytes = uint64_t{64} << 20;

bool is_vector_file(const std::string& path) {
  InputFile in(path);
  char magic[sizeof kVectorMagic] = {};
  const size_t n = in.read_some(magic, sizeof magic);
  return n == sizeof magic && std::memcmp(magic, kVectorMagic, sizeof magic) == 0;
}

int merge_vectors(const std::vector<std::string>& paths, const std::string& out_path) {
  VectorMerge merge(paths);  // checks every header before anything is written
  AtomicOutput out(out_path, paths);
  merge.write([&](const void* p, size_t n) { out.write(p, n); });
  out.commit();
  std::fprintf(out.is_stdout() ? stderr : stdout, "merged %zu shard file%s (%llu records) into %s\n", paths.size(),
               paths.size() == 1 ? "" : "s", static_cast<unsigned long long>(merge.header().record_count),
               out_path.c_str());
  return kExitOk;
}

// The bins of every run, added up per configuration, as `hif4 coverage` prints them.
Results all_coverage(const std::vector<Results>& runs) {
  Results c;
  c.command = "coverage";
  c.heading = {"coverage bins over " + std::to_string(runs.size()) + " run" + (runs.size() == 1 ? "" : "s") + " merged"};
  for (const Results& r : runs)
    for (const Coverage& cov : r.coverage) coverage_for(c.coverage, cov.config()).merge(cov);
  return c;
}

int run(int argc, char** argv) {
  std::vector<Args::Spec> specs = {
      {"out", true, false, "FILE.hif4v: the merged vector file (when merging vector files)"},
      {"coverage", true, false, "FILE: the coverage bins of all the runs, added up per configuration, as text"},
      {"partial", false, false, "print results files as they are, without adding up shards (one shard's own summary)"},
      {"list", true, false, "FILE: more inputs, one path a line (a farm's thousands of results files do not fit on "
                            "a command line)"}};
  for (const Args::Spec& s : result_file_specs()) specs.push_back(s);
  Args args("merge", specs,
            "--out WHOLE.hif4v SHARD.hif4v...            (vector files of `hif4 gen --shard`)\n"
            "       hif4 merge [--junit FILE] [--json FILE] [--coverage FILE] [--partial] [--list FILE] RESULTS.json...",
            {0, SIZE_MAX, "vector or results file"});
  args.parse(argc, argv);
  std::vector<std::string> paths = args.positionals();
  if (args.has("list")) {
    const std::string list = read_small_file(args.get("list"), kMaxListBytes, "--list");
    for (size_t at = 0; at < list.size();) {
      const size_t end = std::min(list.find('\n', at), list.size());
      if (end > at) paths.push_back(list.substr(at, end - at));
      at = end + 1;
    }
  }
  if (paths.empty()) throw Error("nothing to merge: give vector or results files (or --list FILE)");
  const bool vectors = is_vector_file(paths.front());
  for (const std::string& p : paths)
    if (is_vector_file(p) != vectors)
      throw Error("'" + paths.front() + "' and '" + p + "' are not both vector files or both results files");
  if (vectors) {
    if (!args.has("out")) throw Error("merging vector files needs --out FILE.hif4v");
    for (const char* o : {"junit", "json", "coverage", "partial"})
      if (args.has(o)) throw Error(std::string("--") + o + " is for results files, not vector files");
    check_output_path("--out", args.get("out"), paths);
    return merge_vectors(paths, args.get("out"));
  }
  if (args.has("out")) throw Error("--out is for vector files; results are printed (and written by --junit, --json)");
  const ResultFiles outputs(args, paths);
  if (args.has("coverage")) check_output_path("--coverage", args.get("coverage"), paths);

  std::vector<NamedResults> inputs;
  for (const std::string& p : paths)
    for (Results& r : read_results_file(p)) inputs.push_back({p, std::move(r)});
  std::vector<Results> runs;
  if (args.has("partial"))
    for (NamedResults& in : inputs) runs.push_back(std::move(in.results));
  else
    runs = merge_results(inputs);
  std::fputs(format_merged(runs).c_str(), stdout);
  std::fflush(stdout);
  outputs.write(runs, runs.size() == 1 ? "hif4 " + runs.front().command : "hif4 regression");
  if (args.has("coverage")) {
    const std::string text = format_coverage(all_coverage(runs), false);
    AtomicOutput out(args.get("coverage"), paths, AtomicOutput::Content::Text, "--coverage");
    out.write(text.data(), text.size());
    out.commit();
  }
  bool passed = true;
  for (const Results& r : runs) passed = passed && r.passed();
  return passed ? kExitOk : kExitMismatch;
}

Registration reg("merge", "merge sharded runs: vector files into one, results into one summary, JUnit, JSON", run);

}  // namespace
}  // namespace hif4::cli
