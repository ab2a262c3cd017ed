// hif4 profiles: every profile and knob with its value, from the one profile table, and the
// number each knob value is on its cfg_* port (the contract, ports.def).
#include <algorithm>
#include <cstdio>
#include <string>

#include "command.h"
#include "hif4/ports.h"

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
  std::printf("\nknobs (--set KNOB=VALUE; after each value, the number its cfg_* port of hif4_quantizer takes):\n");
  for (const Knob& k : knobs()) {
    // The knob's port in the contract (ports.def), named with its width.
    std::string port;
    for (const contract::PortInfo& p : contract::kPorts)
      if (p.carries == contract::Carries::knob && std::string(p.knob) == k.name)
        port = " [" + std::string(p.name) + ", " + std::to_string(p.width) + (p.width == 1 ? " bit]" : " bits]");
    std::printf("  %s%s: %s\n", k.name, port.c_str(), k.doc);
    for (size_t i = 0; i < k.values.size(); ++i)
      std::printf("      %-14s %zu  %s\n", k.values[i].name, i, k.values[i].doc);
  }
  return kExitOk;
}

Registration reg("profiles", "list every profile and knob with its value", run);

}  // namespace
}  // namespace hif4::cli
