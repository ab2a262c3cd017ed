// hif4 profiles: every profile and knob with its value, from the one profile table.
#include <cstdio>
#include <string>

#include "cli.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  Args args("profiles", {}, "");
  args.parse(argc, argv);
  const auto& profs = profiles();
  std::printf("%-18s", "knob");
  for (const Profile& p : profs) std::printf(" %-14s", p.name);
  std::printf("\n");
  for (const Knob& k : knobs()) {
    std::printf("%-18s", k.name);
    for (const Profile& p : profs) std::printf(" %-14s", knob_value_name(k, p.config));
    std::printf("\n");
  }
  std::printf("\nprofiles:\n");
  for (const Profile& p : profs) std::printf("  %-6s %s\n", p.name, p.doc);
  std::printf("\nknobs (--set KNOB=VALUE):\n");
  for (const Knob& k : knobs()) {
    std::printf("  %s: %s\n", k.name, k.doc);
    for (const KnobValue& v : k.values) std::printf("      %-14s %s\n", v.name, v.doc);
  }
  return kExitOk;
}

Registration reg("profiles", "list every profile and knob with its value", run);

}  // namespace
}  // namespace hif4::cli
