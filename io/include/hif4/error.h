// The error every tool of the project reports for bad input or usage, and the exit statuses.
#pragma once
#include <exception>
#include <string>

namespace hif4 {

// Exit status of every hif4 program: 0 success, 1 a check found mismatches, 2 bad input or
// usage (with a message naming the file or option), as testfloat_ver and friends do.
constexpr int kExitOk = 0;
constexpr int kExitMismatch = 1;
constexpr int kExitError = 2;

// Bad input or usage: the message names the file or option and what is wrong. The program's
// main() prints "hif4 CMD: error: MESSAGE" and exits kExitError.
struct Error : std::exception {
  std::string message;
  explicit Error(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// `text` safe to print on a terminal: control characters (C0, DEL and the C1 range, which
// terminals obey as commands) shown as \xNN, so a name read from a file (a tensor name, a
// path) cannot move the cursor, recolour or retitle the terminal. Other bytes, UTF-8
// included, pass unchanged.
std::string printable(const std::string& text);

}  // namespace hif4
