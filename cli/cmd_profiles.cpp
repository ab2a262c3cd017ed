// hif4 profiles: every profile and knob with its value, from the one profile table.
#include <algorithm>
#include <cstdio>
#include <string>

#include "command.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  Args args("profiles", {}, "");
  args.parse(argc, argv);
  const auto& profs = profiles();
  // Columns padded to 14 characters, the last one not (no trailing blanks).
  auto row = [&](const char* first, auto cell) {
    std::string line = first;
    line.resize(18, ' ');
    for (size_t i = 0; i < profs.size(); ++i) {
      std::string c = cell(profs[i]);
      if (i + 1 < profs.size()) c.resize(14, ' ');
      line += " " + c;
    }
    std::printf("%s\n", line.c_str());
  };
  row("knob", [](const Profile& p) { return std::string(p.name); });
  for (const Knob& k : knobs())
    row(k.name, [&](const Profile& p) { return std::string(knob_value_name(k, p.config)); });
  std::printf("\nprofiles:\n");
  int name_width = 0;
  for (const Profile& p : profs) name_width = std::max(name_width, static_cast<int>(std::string(p.name).size()));
  for (const Profile& p : profs) std::printf("  %-*s %s\n", name_width, p.name, p.doc);
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
