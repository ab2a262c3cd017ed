#include "cli.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

namespace hif4::cli {

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

// ---- files ------------------------------------------------------------------------------

int open_regular_file(const std::string& path, const std::string& what, uint64_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + what + "'" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(what + "'" + path + "' is not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

InputFile::InputFile(const std::string& path) : path_(path) {
  fd_ = open_regular_file(path, "input ", &size_);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

size_t InputFile::read_some(void* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd_, static_cast<char*>(dst) + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read input '" + path_ + "': " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

void InputFile::read(void* dst, size_t n) {
  if (read_some(dst, n) != n) throw Error("input '" + path_ + "' ended early (truncated?)");
}

int create_temp_beside(const std::string& path, std::string* tmp) {
  std::random_device rd;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%08x", static_cast<unsigned>(rd()));
    *tmp = path + suffix;
    fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  return fd;
}

AtomicOutput::AtomicOutput(const std::string& path) : path_(path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw Error("output '" + path + "' is a directory");
  fd_ = create_temp_beside(path, &tmp_);
  if (fd_ < 0) throw Error("cannot create output '" + path + "': " + std::strerror(errno));
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicOutput::write(const void* src, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd_, static_cast<const char*>(src) + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write output '" + path_ + "': " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  written_ += n;
}

void AtomicOutput::reserve(uint64_t bytes) {
  // Not on tmpfs: there fallocate allocates and zeroes every page, which the writes then fill
  // again (10% more kernel time for `hif4 gen` to /dev/shm), and a full tmpfs still fails the
  // write with a clear error.
  struct statfs fs;
  if (::fstatfs(fd_, &fs) == 0 && fs.f_type == TMPFS_MAGIC) return;
  if (::fallocate(fd_, 0, 0, static_cast<off_t>(bytes)) == 0) {
    reserved_ = bytes;
    return;
  }
  if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) return;  // not supported here: skip
  throw Error("cannot write output '" + path_ + "': " + std::strerror(errno) + " (allocating " +
              std::to_string(bytes) + " bytes)");
}

void AtomicOutput::commit() {
  // A reservation larger than what was written (a writer that stopped short) must not leave
  // zeros at the end of the file.
  if (reserved_ > written_ && ::ftruncate(fd_, static_cast<off_t>(written_)) != 0)
    throw Error("cannot write output '" + path_ + "': " + std::strerror(errno));
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS)
    throw Error("cannot write output '" + path_ + "': " + std::strerror(errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw Error("cannot write output '" + path_ + "': " + std::strerror(errno));
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error("cannot rename output into '" + path_ + "': " + std::strerror(errno));
  committed_ = true;
}

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
