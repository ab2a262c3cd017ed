// Shared pieces of the `hif4` command line: argument parsing, errors, safe file I/O.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hif4/config.h"

namespace hif4::cli {

// Exit status of every hif4 command: 0 success, 1 a check found mismatches, 2 bad input or
// usage (with a message naming the file or option), as testfloat_ver and friends do.
constexpr int kExitOk = 0;
constexpr int kExitMismatch = 1;
constexpr int kExitError = 2;

// Thrown for any bad input; main() prints "hif4 CMD: error: MESSAGE" and exits 2.
struct Error : std::exception {
  std::string message;
  explicit Error(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// Thrown by Args::parse for --help / -h: main() prints the usage and exits 0.
struct HelpRequested {
  std::string usage;
};

// A small option parser: --name VALUE, --name=VALUE, repeatable options, flags, positionals.
class Args {
 public:
  struct Spec {
    std::string name;  // without the leading dashes
    bool takes_value = true;
    bool repeatable = false;
    std::string help;
  };
  Args(std::string command, std::vector<Spec> specs, std::string usage);
  void parse(int argc, char** argv);  // argv[0] is the command name
  bool has(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::string required(const std::string& name) const;
  const std::vector<std::string>& all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  uint64_t get_u64(const std::string& name, uint64_t fallback) const;
  double get_double(const std::string& name, double fallback) const;
  std::string usage() const;

 private:
  std::string command_;
  std::vector<Spec> specs_;
  std::string usage_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

uint64_t parse_u64(const std::string& option, const std::string& text);
double parse_double(const std::string& option, const std::string& text);

// The standard knob options shared by every command that quantizes.
std::vector<Args::Spec> config_specs();
// --profile P (default `fallback`), then every --set KNOB=VALUE in order, then --sr-seed N.
Config config_from_args(const Args& args, const std::string& fallback_profile = "");

// Opens `path` read-only and requires a regular file; returns the descriptor and, in *size,
// its size. O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before the
// regular-file check could refuse it (it changes nothing for regular files). Messages read
// "cannot open WHAT'PATH': ..." and "WHAT'PATH' is not a regular file" (`what` may be "").
int open_regular_file(const std::string& path, const std::string& what, uint64_t* size);

// Input: the whole size up front (for validation) and sequential reads with clear errors.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly n bytes (throws if the file ends early).
  void read(void* dst, size_t n);
  // Reads up to n bytes; returns the count (0 at the end).
  size_t read_some(void* dst, size_t n);

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// Creates a new file `path.tmp.XXXXXXXX` beside `path` (exclusive, mode 0644) for writing and
// returns its descriptor, with its name in *tmp; -1 with errno set when it cannot.
int create_temp_beside(const std::string& path, std::string* tmp);

// Output written to a temporary name beside the target and renamed over it by commit();
// destroyed without commit(), it removes the temporary, so no partial file is ever left.
class AtomicOutput {
 public:
  explicit AtomicOutput(const std::string& path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  void write(const void* src, size_t n);
  // Allocates the output's final size up front where the file system can (fallocate): a full
  // disk is reported before anything is generated, and the file system allocates the blocks
  // once instead of at every write that extends the file (ext4: about half the kernel time
  // of writing a large file). Where fallocate is not supported, and on tmpfs, it does nothing.
  void reserve(uint64_t bytes);
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  uint64_t written_ = 0;
  uint64_t reserved_ = 0;
  bool committed_ = false;
};

// Register a subcommand (called from each cmd_*.cpp through a static Registration).
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

// Where built-in data lives (the source tree's tests/vectors), overridable by HIF4_DATA_DIR.
std::string data_dir();

}  // namespace hif4::cli
