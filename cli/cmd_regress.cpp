// hif4 regress: the main job. Runs the reference model over the built-in seed conformance
// vectors (tests/data/seed, made by the seed PyTorch reference) and prints suite / blocks /
// mismatches. Exit 0 only when every block of every suite is bit-exact.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "command.h"
#include "hif4/block.h"
#include "hif4/result_files.h"
#include "hif4/samples.h"
#include "hif4/shard.h"
#include "hif4/summary.h"
#include "hif4/version.h"

namespace hif4::cli {
namespace {

std::vector<std::string> list_suites(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) throw Error("cannot open vector directory '" + dir + "'");
  while (dirent* e = readdir(d)) {
    const std::string f = e->d_name;
    const std::string ext = ".in.bf16";
    if (f.size() > ext.size() && f.compare(f.size() - ext.size(), ext.size(), ext) == 0)
      names.push_back(f.substr(0, f.size() - ext.size()));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  if (names.empty()) throw Error("no *.in.bf16 suites in '" + dir + "'");
  return names;
}

// One suite's blocks of this shard (all of them for the whole run) against the seed's bytes.
ResultRow run_suite(const std::string& dir, const std::string& name, const Config& cfg,
                    const std::string& profile, const Shard& shard) {
  ResultRow r;
  r.suite = name;
  r.profile = profile;
  const double t0 = monotonic_seconds();
  // rowsL suites hold rows of L values; the seed pads each row to a multiple of 64.
  uint64_t row_length = 0;
  if (name.compare(0, 4, "rows") == 0) row_length = parse_u64("suite " + name, name.substr(4));
  const std::string in_path = dir + "/" + name + ".in.bf16";
  const std::string exp_path = dir + "/" + name + ".out.hif4";
  InputFile in(in_path);
  InputFile expected(exp_path);
  const uint64_t blocks = count_input_blocks(in, InputFormat::Bf16, row_length);
  if (expected.size() != blocks * kPackedBytes)
    throw Error("expected file '" + exp_path + "' holds " + std::to_string(expected.size()) +
                " bytes; " + std::to_string(blocks) + " blocks need " +
                std::to_string(blocks * kPackedBytes));
  // The shard's blocks of this suite; the files are read whole (they are small), in step.
  const ShardRange mine = shard_range(blocks, shard);
  std::vector<uint8_t> got, want;
  for_each_block_chunk(in, InputFormat::Bf16, row_length,
                       [&](const uint16_t* b, size_t n, uint64_t first) {
    want.resize(n * kPackedBytes);
    expected.read(want.data(), want.size());
    const uint64_t begin = std::max(first, mine.first), end = std::min(first + n, mine.first + mine.count);
    if (begin >= end) return;
    const size_t skip = static_cast<size_t>(begin - first), count = static_cast<size_t>(end - begin);
    got.resize(count * kPackedBytes);
    quantize_blocks(b + skip * kBlockValues, count, cfg, begin, got.data());
    for (size_t i = 0; i < count; ++i) {
      const uint8_t* w = &want[(skip + i) * kPackedBytes];
      if (std::memcmp(&got[i * kPackedBytes], w, kPackedBytes) == 0) continue;
      ++r.failed;
      if (r.first.found) continue;
      const uint64_t block = begin + i;
      const Block g = unpack_block(&got[i * kPackedBytes]), e = unpack_block(w);
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "block %llu: model E6M2 0x%02X E1_8 0x%02X E1_16 0x%04X, seed E6M2 0x%02X "
                    "E1_8 0x%02X E1_16 0x%04X",
                    static_cast<unsigned long long>(block), g.e6m2, g.e1_8, g.e1_16, e.e6m2, e.e1_8, e.e1_16);
      std::string report = buf;
      for (unsigned l = 0; l < kBlockValues; ++l)
        if (g.codes[l] != e.codes[l]) {
          std::snprintf(buf, sizeof buf, "; lane %u model 0x%X seed 0x%X", l, g.codes[l], e.codes[l]);
          report += buf;
          break;
        }
      report += "\n    replay: hif4 explain --profile " + profile + " --in " + in_path +
                (row_length ? " --row-length " + std::to_string(row_length) : "") + " --block " + std::to_string(block);
      r.first = {true, block, report};
    }
  });
  r.blocks = mine.count;
  r.mismatches = r.failed;
  r.seconds = monotonic_seconds() - t0;
  return r;
}

int run(int argc, char** argv) {
  std::vector<Args::Spec> specs = {
      {"vectors", true, false, "directory of NAME.in.bf16 / NAME.out.hif4 suites (default: built-in seed vectors)"},
      {"profile", true, false, "profile the vectors were made with (default seed)"},
      {"shard", true, false, "K/N: check only shard K (from 0) of N of every suite's blocks; `hif4 merge` adds up "
                             "the N shards' --json files into the unsharded summary"}};
  for (const Args::Spec& s : result_file_specs()) specs.push_back(s);
  Args args("regress", specs, "[--vectors DIR] [--profile P] [--shard K/N] [--junit FILE] [--json FILE]");
  args.parse(argc, argv);
  const std::string dir = args.get("vectors", data_dir() + "/seed");
  const std::string profile = args.get("profile", "seed");
  const Shard shard = args.has("shard") ? parse_shard("--shard", args.get("shard")) : Shard{};
  const ResultFiles outputs(args, {});
  Config cfg;
  try {
    cfg = find_profile(profile).config;
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  Results results;
  results.command = "regress";
  // The run's identity names the built-in vectors as such: shards may run from installs in
  // different places.
  results.run = "hif4 regress --profile " + profile + " --vectors " + (args.has("vectors") ? dir : "(built-in)");
  results.heading = {"HiF4 model regression: " + profile + " vs " + dir};
  results.shard = shard;
  results.hif4_version = version_line();
  const double t0 = monotonic_seconds();
  for (const std::string& name : list_suites(dir)) results.rows.push_back(run_suite(dir, name, cfg, profile, shard));
  results.seconds = monotonic_seconds() - t0;
  std::fputs(format_regress(results).c_str(), stdout);
  std::fflush(stdout);
  outputs.write(results);
  return results.passed() ? kExitOk : kExitMismatch;
}

Registration reg("regress", "main job: the model against the built-in seed vectors", run);

}  // namespace
}  // namespace hif4::cli
