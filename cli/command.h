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

// The folder of the running hif4 binary.
std::string program_dir();
// A file or folder the programs read at run time: `installed` under the install's share folder
// (share/hif4, found from program_dir()) where that exists, else `in_source` (the build tree's
// source checkout).
std::string installed_or(const std::string& installed, const std::string& in_source);
// Where built-in data lives: HIF4_DATA_DIR, or share/hif4/data of an install, or the source
// tree's tests/data.
std::string data_dir();

}  // namespace hif4::cli
