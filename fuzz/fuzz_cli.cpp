// libFuzzer target: the command-line parsing every `hif4` command shares, and `hif4 explain`,
// whose --values list is the richest option text.
//
// Input: byte 0 picks the mode, the rest is split at NUL bytes into argv[1..].
//   mode bit 0 = 0: hif4::Args with the shared knob options (--profile, --set, --sr-seed),
//     a flag and a repeatable option, then config_from_args (find_profile, apply_setting,
//     parse_u64) and the numeric getters (parse_u64, parse_double).
//   mode bit 0 = 1: the registered `explain` command, run as main() runs it. Options naming a
//     file (--in) are dropped so the fuzzer never reads arbitrary files of this machine.
// Every rejection must be a hif4::Error (or HelpRequested); anything else escaping is a
// crash. Explain's trace goes to /dev/null.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "command.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();
  return 0;
}

namespace {

std::vector<std::string> split_args(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(cur);
  return args;
}

void run_args(int argc, char** argv) {
  using hif4::Args;
  std::vector<Args::Spec> specs = hif4::config_specs();
  specs.push_back({"count", true, false, "a number"});
  specs.push_back({"scale", true, false, "a real number"});
  specs.push_back({"tag", true, true, "repeatable"});
  specs.push_back({"quiet", false, false, "a flag"});
  Args args("fuzz", specs, "[OPTIONS] FILE...");
  args.parse(argc, argv);
  (void)hif4::config_from_args(args, "seed");
  (void)args.get_u64("count", 1);
  (void)args.get_double("scale", 1.0);
  (void)args.all("tag");
  (void)args.has("quiet");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  const bool explain = data[0] & 1;
  std::vector<std::string> words = split_args(data + 1, size - 1);
  std::vector<std::string> kept{explain ? "explain" : "fuzz"};
  for (size_t i = 0; i < words.size(); ++i) {
    if (explain && words[i].compare(0, 4, "--in") == 0) {
      if (words[i].find('=') == std::string::npos) ++i;  // drop its value too
      continue;
    }
    kept.push_back(words[i]);
  }
  std::vector<char*> argv;
  for (std::string& w : kept) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(kept.size());
  try {
    if (!explain) {
      run_args(argc, argv.data());
    } else {
      for (const hif4::cli::Command& c : hif4::cli::commands())
        if (c.name == "explain") c.run(argc, argv.data());
    }
  } catch (const hif4::Error&) {
  } catch (const hif4::HelpRequested&) {
  }
  return 0;
}
