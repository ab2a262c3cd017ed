#include "command.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

// Where share/hif4 sits relative to bin/ in an install (cli/CMakeLists.txt defines it from the
// install layout; targets that compile this file elsewhere, the fuzzers, get the usual layout).
#ifndef HIF4_SHARE_FROM_BIN
#define HIF4_SHARE_FROM_BIN "../share/hif4"
#endif

namespace hif4::cli {

std::vector<Command>& commands() {
  static std::vector<Command> list;
  return list;
}

Registration::Registration(std::string name, std::string summary, CommandFn fn) {
  commands().push_back({std::move(name), std::move(summary), std::move(fn)});
}

std::string program_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Error(std::string("cannot find the hif4 binary (/proc/self/exe): ") + std::strerror(errno));
  const std::string path(buf, static_cast<size_t>(n));
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string installed_or(const std::string& installed, const std::string& in_source) {
  const std::string path = program_dir() + "/" + HIF4_SHARE_FROM_BIN + "/" + installed;
  return ::access(path.c_str(), F_OK) == 0 ? path : in_source;
}

std::string data_dir() {
  if (const char* env = std::getenv("HIF4_DATA_DIR")) return env;
  return installed_or("data", HIF4_DEFAULT_DATA_DIR);
}

}  // namespace hif4::cli
