// hif4 cosim: the co-simulation of the SystemC model and the Verilated RTL. SystemC owns
// main() (it calls sc_main), so the co-simulation is its own program, hif4-cosim, built
// beside this binary when HIF4_SYSTEMC and HIF4_RTL are ON; this command runs it with the
// same arguments (see docs/cosim.md).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "command.h"

namespace hif4::cli {
namespace {

int run(int argc, char** argv) {
  const std::string program = program_dir() + "/hif4-cosim";
  if (::access(program.c_str(), X_OK) != 0)
    throw Error("the co-simulation is not built: " + program +
                " is missing. It needs SystemC and Verilator: configure with -DHIF4_SYSTEMC=ON "
                "-DHIF4_RTL=ON (scripts/deps.sh installs libsystemc-dev and verilator)");
  std::vector<char*> args;
  args.push_back(const_cast<char*>(program.c_str()));
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  ::execv(program.c_str(), args.data());
  throw Error("cannot run " + program + ": " + std::strerror(errno));
}

Registration reg("cosim",
                 "co-simulation: SystemC model and Verilated RTL in lockstep against the model",
                 run);

}  // namespace
}  // namespace hif4::cli
