// The option parser of every hif4 program (the `hif4` command line and the co-simulation):
// --name VALUE, --name=VALUE, repeatable options, flags, positionals, strict numbers, and the
// knob options shared by every command that quantizes.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hif4/config.h"
#include "hif4/error.h"

namespace hif4 {

// Thrown by Args::parse for --help / -h: main() prints the usage and exits 0.
struct HelpRequested {
  std::string usage;
};

// What a command takes besides options: none by default, so a stray word is an error.
struct Positionals {
  size_t min = 0, max = 0;
  std::string what;  // "vector file": named in the error messages
};

class Args {
 public:
  struct Spec {
    std::string name;  // without the leading dashes
    bool takes_value = true;
    bool repeatable = false;
    std::string help;
  };
  Args(std::string command, std::vector<Spec> specs, std::string usage,
       Positionals positionals = {});
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
  Positionals positional_spec_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// The one number parser of the command line: decimal (leading zeros are still decimal) or
// 0x hexadecimal, nothing else; a value above 2^64 - 1 is an overflow error that says so.
uint64_t parse_u64(const std::string& option, const std::string& text);
double parse_double(const std::string& option, const std::string& text);

// The standard knob options shared by every command that quantizes.
std::vector<Args::Spec> config_specs();
// --profile P (default `fallback`), then every --set KNOB=VALUE in order, then --sr-seed N.
Config config_from_args(const Args& args, const std::string& fallback_profile = "");

}  // namespace hif4
