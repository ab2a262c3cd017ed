// hif4: the command line of the HiF4 reference toolkit. Each subcommand lives in its own
// cmd_*.cpp and registers itself; this file only dispatches and turns errors into exit 2.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "command.h"
#include "hif4/cleanup.h"
#include "hif4/version.h"

using hif4::cli::commands;

namespace {

void print_help(FILE* f) {
  std::fprintf(f, "usage: hif4 COMMAND [OPTIONS]   (hif4 COMMAND --help for its options; hif4 --version)\n\n");
  auto list = commands();
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& c : list) std::fprintf(f, "  %-12s %s\n", c.name.c_str(), c.summary.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  // Over a file-size limit (ulimit -f), the kernel's default for SIGXFSZ kills the process
  // mid-write and leaves the temporary output behind; ignored, the write fails with EFBIG,
  // which AtomicOutput reports as an error and cleans up like any other write error.
  std::signal(SIGXFSZ, SIG_IGN);
  // SIGINT, SIGTERM, SIGHUP, SIGPIPE: remove unfinished outputs, then end by the signal.
  hif4::install_cleanup_handlers();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? hif4::kExitError : hif4::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("%s\n", hif4::version_line().c_str());
    return hif4::kExitOk;
  }
  const std::string name = argv[1];
  for (const auto& c : commands()) {
    if (c.name != name) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const hif4::HelpRequested& h) {
      std::fputs(h.usage.c_str(), stdout);
      return hif4::kExitOk;
    } catch (const hif4::Error& e) {
      std::fprintf(stderr, "hif4 %s: error: %s\n", name.c_str(), hif4::printable(e.message).c_str());
      return hif4::kExitError;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "hif4 %s: error: out of memory\n", name.c_str());
      return hif4::kExitError;
    }
  }
  std::fprintf(stderr, "hif4: unknown command '%s'\n\n", name.c_str());
  print_help(stderr);
  return hif4::kExitError;
}
