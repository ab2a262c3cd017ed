#include "command.h"

#include <cstdlib>

namespace hif4::cli {

std::vector<Command>& commands() {
  static std::vector<Command> list;
  return list;
}

Registration::Registration(std::string name, std::string summary, CommandFn fn) {
  commands().push_back({std::move(name), std::move(summary), std::move(fn)});
}

std::string data_dir() {
  if (const char* env = std::getenv("HIF4_DATA_DIR")) return env;
  return HIF4_DEFAULT_DATA_DIR;
}

}  // namespace hif4::cli
