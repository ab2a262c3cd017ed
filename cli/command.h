// The subcommands of `hif4`: each cmd_*.cpp registers itself through a static Registration;
// main.cpp dispatches on the first argument.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "hif4/args.h"
#include "hif4/error.h"

namespace hif4::cli {

using CommandFn = std::function<int(int argc, char** argv)>;
struct Command {
  std::string name;
  std::string summary;
  CommandFn run;
};
std::vector<Command>& commands();
struct Registration {
  Registration(std::string name, std::string summary, CommandFn fn);
};

// Where built-in data lives (the source tree's tests/data), overridable by HIF4_DATA_DIR.
std::string data_dir();

}  // namespace hif4::cli
