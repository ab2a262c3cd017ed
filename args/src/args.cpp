#include "hif4/args.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace hif4 {

Args::Args(std::string command, std::vector<Spec> specs, std::string usage)
    : command_(std::move(command)), specs_(std::move(specs)), usage_(std::move(usage)) {}

void Args::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") throw HelpRequested{usage()};
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (!a.empty() && a[0] == '-' && a != "-") throw Error("unknown option '" + a + "'\n" + usage());
      positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool inline_value = false;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    const Spec* spec = nullptr;
    for (const Spec& s : specs_)
      if (s.name == name) spec = &s;
    if (!spec) throw Error("unknown option '--" + name + "'\n" + usage());
    if (spec->takes_value) {
      if (!inline_value) {
        if (i + 1 >= argc) throw Error("option --" + name + " needs a value");
        value = argv[++i];
      }
    } else if (inline_value) {
      throw Error("option --" + name + " takes no value");
    }
    auto& slot = values_[name];
    if (!slot.empty() && !spec->repeatable)
      throw Error("option --" + name + " given more than once");
    slot.push_back(value);
  }
}

bool Args::has(const std::string& name) const { return values_.count(name) != 0; }

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::string Args::required(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw Error("missing required option --" + name + "\n" + usage());
  return it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> empty;
  auto it = values_.find(name);
  return it == values_.end() ? empty : it->second;
}

uint64_t Args::get_u64(const std::string& name, uint64_t fallback) const {
  return has(name) ? parse_u64("--" + name, get(name)) : fallback;
}

double Args::get_double(const std::string& name, double fallback) const {
  return has(name) ? parse_double("--" + name, get(name)) : fallback;
}

const std::string& Args::only_positional(const std::string& what) const {
  if (positionals_.size() != 1) throw Error("give exactly one " + what + "\n" + usage());
  return positionals_[0];
}

std::string Args::usage() const {
  std::string s = "usage: hif4 " + command_ + " " + usage_ + "\n";
  for (const Spec& sp : specs_)
    s += "  --" + sp.name + (sp.takes_value ? " VALUE" : "") + "\n      " + sp.help + "\n";
  return s;
}

uint64_t parse_u64(const std::string& option, const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789xXabcdefABCDEF") != std::string::npos)
    throw Error(option + ": '" + text + "' is not a non-negative integer");
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (errno || *end) throw Error(option + ": '" + text + "' is not a non-negative integer");
  return v;
}

double parse_double(const std::string& option, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || errno || *end) throw Error(option + ": '" + text + "' is not a number");
  return v;
}

std::vector<Args::Spec> config_specs() {
  return {
      {"profile", true, false, "named profile: seed, gcc, cann (see `hif4 profiles`)"},
      {"set", true, true, "KNOB=VALUE, overrides one knob of the profile (repeatable)"},
      {"sr-seed", true, false, "seed of the stochastic rounding bits (default 0)"},
  };
}

Config config_from_args(const Args& args, const std::string& fallback_profile) {
  const std::string name = fallback_profile.empty() ? args.required("profile")
                                                    : args.get("profile", fallback_profile);
  Config c;
  try {
    c = find_profile(name).config;
    for (const std::string& s : args.all("set")) apply_setting(c, s);
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  c.sr_seed = args.get_u64("sr-seed", 0);
  return c;
}

}  // namespace hif4
