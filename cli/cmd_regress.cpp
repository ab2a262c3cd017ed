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
#include "hif4/samples.h"

namespace hif4::cli {
namespace {

struct SuiteResult {
  std::string name;
  uint64_t blocks = 0;
  uint64_t mismatches = 0;
  std::string first_mismatch;
};

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

SuiteResult run_suite(const std::string& dir, const std::string& name, const Config& cfg,
                      const std::string& profile) {
  SuiteResult r;
  r.name = name;
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
  std::vector<uint8_t> got, want;
  for_each_block_chunk(in, InputFormat::Bf16, row_length,
                       [&](const uint16_t* b, size_t n, uint64_t first) {
    got.resize(n * kPackedBytes);
    want.resize(n * kPackedBytes);
    quantize_blocks(b, n, cfg, first, got.data());
    expected.read(want.data(), want.size());
    for (size_t i = 0; i < n; ++i) {
      if (std::memcmp(&got[i * kPackedBytes], &want[i * kPackedBytes], kPackedBytes) == 0) continue;
      if (r.mismatches++ == 0) {
        const Block g = unpack_block(&got[i * kPackedBytes]), w = unpack_block(&want[i * kPackedBytes]);
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "block %llu: model E6M2 0x%02X E1_8 0x%02X E1_16 0x%04X, seed E6M2 0x%02X "
                      "E1_8 0x%02X E1_16 0x%04X",
                      static_cast<unsigned long long>(first + i), g.e6m2, g.e1_8, g.e1_16, w.e6m2,
                      w.e1_8, w.e1_16);
        r.first_mismatch = buf;
        for (unsigned l = 0; l < kBlockValues; ++l)
          if (g.codes[l] != w.codes[l]) {
            std::snprintf(buf, sizeof buf, "; lane %u model 0x%X seed 0x%X", l, g.codes[l], w.codes[l]);
            r.first_mismatch += buf;
            break;
          }
        r.first_mismatch += "\n    replay: hif4 explain --profile " + profile + " --in " + in_path +
                            (row_length ? " --row-length " + std::to_string(row_length) : "") +
                            " --block " + std::to_string(first + i);
      }
    }
  });
  r.blocks = blocks;
  return r;
}

int run(int argc, char** argv) {
  Args args("regress",
            {{"vectors", true, false, "directory of NAME.in.bf16 / NAME.out.hif4 suites (default: built-in seed vectors)"},
             {"profile", true, false, "profile the vectors were made with (default seed)"}},
            "[--vectors DIR] [--profile P]");
  args.parse(argc, argv);
  const std::string dir = args.get("vectors", data_dir() + "/seed");
  const std::string profile = args.get("profile", "seed");
  Config cfg;
  try {
    cfg = find_profile(profile).config;
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  std::printf("HiF4 model regression: %s vs %s\n\n", profile.c_str(), dir.c_str());
  std::printf("| %-12s | %9s | %10s |\n", "suite", "blocks", "mismatches");
  std::printf("|--------------|-----------|------------|\n");
  uint64_t total = 0, bad = 0, passed = 0, failed = 0;
  std::vector<std::string> reports;
  for (const std::string& name : list_suites(dir)) {
    const SuiteResult r = run_suite(dir, name, cfg, profile);
    std::printf("| %-12s | %9llu | %10llu |\n", r.name.c_str(),
                static_cast<unsigned long long>(r.blocks),
                static_cast<unsigned long long>(r.mismatches));
    total += r.blocks;
    bad += r.mismatches;
    (r.mismatches ? failed : passed)++;
    if (r.mismatches) reports.push_back(r.name + ": first mismatch " + r.first_mismatch);
  }
  std::printf("| %-12s | %9llu | %10llu |\n\n", "total", static_cast<unsigned long long>(total),
              static_cast<unsigned long long>(bad));
  for (const std::string& s : reports) std::printf("%s\n", s.c_str());
  std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(passed),
              static_cast<unsigned long long>(failed));
  return failed ? kExitMismatch : kExitOk;
}

Registration reg("regress", "main job: the model against the built-in seed vectors", run);

}  // namespace
}  // namespace hif4::cli
