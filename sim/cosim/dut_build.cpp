// Verilating, checking and compiling a user's design, with its cache (see dut_build.h).
#include "dut_build.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/uuid/detail/sha1.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hif4/error.h"
#include "hif4/files.h"
#include "hif4sim/cosim.h"

namespace hif4::sim {

namespace {

// Larger than any file list or source a design would have; a bigger file is still hashed
// (in pieces), this only bounds what is read into memory at once.
constexpr size_t kReadChunk = 1 << 16;

// The options every build gets. Registers without a reset start random (--x-initial unique,
// seeded at run time), X assignments too; delays are ignored (the harness is the clock);
// warnings are counted, not fatal; the model can trace (FST) when --waves asks for it.
const std::vector<std::string>& fixed_verilator_args() {
  static const std::vector<std::string> args = {
      "--cc", "--prefix", "Vdut", "--no-timing", "-Wno-fatal", "--x-assign", "unique",
      "--x-initial", "unique", "--trace-fst", "-o", "libhif4_dut.so"};
  return args;
}

// The harness files, in the order they enter the cache key.
const char* const kHarnessFiles[] = {"hif4_dut_abi.h", "hif4_dut_adaptor.cpp"};

std::string hex_digest(boost::uuids::detail::sha1& h) {
  boost::uuids::detail::sha1::digest_type d;
  h.get_digest(d);
  char buf[41];
  for (int i = 0; i < 5; ++i) std::snprintf(buf + 8 * i, 9, "%08x", d[i]);
  return buf;
}

std::string sha1_of(const std::string& data) {
  boost::uuids::detail::sha1 h;
  h.process_bytes(data.data(), data.size());
  return hex_digest(h);
}

// The SHA-1 of a file's contents, or "" when it cannot be read.
std::string sha1_of_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  boost::uuids::detail::sha1 h;
  std::vector<char> buf(kReadChunk);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.process_bytes(buf.data(), static_cast<size_t>(f.gcount()));
  }
  return hex_digest(h);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string current_dir() {
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf)) throw Error(std::string("cannot read the working folder: ") + std::strerror(errno));
  return buf;
}

std::string absolute(const std::string& path, const std::string& cwd) {
  return !path.empty() && path[0] == '/' ? path : cwd + "/" + path;
}

void make_dirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    const std::string part = path.substr(0, i);
    if (::mkdir(part.c_str(), 0777) != 0 && errno != EEXIST)
      throw Error("cannot create the build folder '" + part + "': " + std::strerror(errno));
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error("the build folder '" + path + "' is not a folder");
}

// Runs argv with stdin from /dev/null and stdout + stderr appended to `log` (or, when `log` is
// empty, captured into *captured). Returns the exit status, or -1 when it could not run.
int run_program(const std::vector<std::string>& argv, const std::string& log, std::string* captured = nullptr) {
  int pipe_fd[2] = {-1, -1};
  if (log.empty() && ::pipe(pipe_fd) != 0) return -1;
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = log.empty() ? pipe_fd[1] : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (in < 0 || out < 0) _exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    if (pipe_fd[0] >= 0) ::close(pipe_fd[0]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  if (log.empty()) {
    ::close(pipe_fd[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipe_fd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0 && captured) captured->append(buf, static_cast<size_t>(n));
    ::close(pipe_fd[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The first line of a program's --version output, or "" when it does not run.
std::string version_of(const std::string& program) {
  std::string out;
  if (run_program({program, "--version"}, "", &out) != 0) return "";
  return out.substr(0, out.find('\n'));
}

std::string self_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// An exclusive lock on a file of the cache folder, released when destroyed.
class FolderLock {
 public:
  explicit FolderLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw Error("cannot create the lock file '" + path + "': " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw Error("cannot lock '" + path + "': " + std::strerror(errno));
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// Every file Verilator read, from its dependency file (V<prefix>__ver.d: "TARGETS : DEPS"),
// as absolute paths; the Verilator binary itself is left out (its version is in the key).
std::vector<std::string> verilator_inputs(const std::string& dep_file, const std::string& cwd) {
  const std::string text = read_text(dep_file);
  const size_t colon = text.find(" : ");
  std::vector<std::string> files;
  if (colon == std::string::npos) return files;
  std::istringstream words(text.substr(colon + 3));
  std::string w;
  while (words >> w) {
    if (w == "\\" || w.find("verilator_bin") != std::string::npos) continue;
    files.push_back(absolute(w, cwd));
  }
  return files;
}

// "SHA1 PATH" per line; true when every file listed still has its hash.
bool manifest_current(const std::string& manifest) {
  std::ifstream f(manifest);
  if (!f) return false;
  std::string line;
  size_t entries = 0;
  while (std::getline(f, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) return false;
    if (sha1_of_file(line.substr(space + 1)) != line.substr(0, space)) return false;
    ++entries;
  }
  return entries > 0;
}

unsigned count_warnings(const std::string& log_text) {
  unsigned n = 0;
  for (size_t p = log_text.find("%Warning"); p != std::string::npos; p = log_text.find("%Warning", p + 1))
    if (p == 0 || log_text[p - 1] == '\n') ++n;
  return n;
}

void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) throw Error("cannot write '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error("cannot write '" + path + "': " + std::strerror(errno));
}

std::string jobs() {
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return std::to_string(n > 0 ? n : 1);
}

}  // namespace

std::string harness_dir() {
  // Installed: <prefix>/bin/hif4-cosim and <prefix>/HIF4_HARNESS_INSTALL_REL (set by CMake,
  // relative to the binary's folder). Otherwise the source folder of this build.
  const std::string installed = self_dir() + "/" HIF4_HARNESS_INSTALL_REL;
  if (is_file(installed + "/" + kHarnessFiles[0])) return installed;
  return HIF4_HARNESS_SOURCE_DIR;
}

std::string default_cache_root() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/hif4/cosim-rtl";
  const char* home = std::getenv("HOME");
  if (!home || !home[0]) throw Error("neither XDG_CACHE_HOME nor HOME is set: give --build-dir DIR");
  return std::string(home) + "/.cache/hif4/cosim-rtl";
}

std::string first_errors(const std::string& log_text, size_t max_lines) {
  std::istringstream in(log_text);
  std::string line, out;
  size_t kept = 0;
  bool started = false;
  while (std::getline(in, line) && kept < max_lines) {
    const bool error_line = line.rfind("%Error", 0) == 0 || line.find("error:") != std::string::npos ||
                            line.find("undefined reference") != std::string::npos;
    // Verilator's and make's closing lines repeat what the first lines say.
    if (line.rfind("%Error: Exiting due to", 0) == 0 || line.rfind("%Error: Command Failed", 0) == 0 ||
        line.rfind("%Error: make ", 0) == 0 || line.rfind("make", 0) == 0 || line.rfind("collect2", 0) == 0)
      continue;
    if (!started && !error_line) continue;
    started = true;
    out += "  " + line + "\n";
    ++kept;
  }
  return out;
}

DutBuild build_dut(const DutBuildRequest& r) {
  const double t0 = now_seconds();
  if (r.top.empty() || r.top.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") !=
                           std::string::npos)
    throw Error("--top: '" + printable(r.top) + "' is not a module name");
  if (r.opt_level > 3) throw Error("--rtl-opt must be 0, 1, 2 or 3");
  uint64_t size = 0;
  ::close(open_regular_file(r.filelist, "--rtl file list ", &size));  // names a missing or odd file
  const std::string verilator_version = version_of("verilator");
  if (verilator_version.empty())
    throw Error("verilator is not installed (or not on PATH): `hif4 cosim --rtl` verilates the design at run "
                "time (scripts/deps.sh installs it)");

  const std::string cwd = current_dir();
  const std::string harness = harness_dir();
  // The cache key: everything that decides the build but the sources' contents (the manifest's).
  std::string key = "hif4 cosim --rtl build\n";
  for (const char* f : kHarnessFiles) {
    const std::string h = sha1_of_file(harness + "/" + f);
    if (h.empty()) throw Error("the harness source '" + harness + "/" + f + "' is missing (a broken install?)");
    key += std::string("harness ") + f + " " + h + "\n";
  }
  key += "verilator " + verilator_version + "\ncompiler " + version_of("g++") + "\ncwd " + cwd + "\nfilelist " +
         absolute(r.filelist, cwd) + "\ntop " + r.top + "\nopt " + std::to_string(r.opt_level) + "\n";
  for (const std::string& a : fixed_verilator_args()) key += "fixed " + a + "\n";
  for (const std::string& a : r.verilator_args) key += "arg " + a + "\n";

  DutBuild b;
  const std::string root = r.cache_root.empty() ? default_cache_root() : absolute(r.cache_root, cwd);
  b.folder = root + "/" + r.top + "-" + sha1_of(key).substr(0, 16);
  b.library = b.folder + "/libhif4_dut.so";
  b.log = b.folder + "/build.log";
  const std::string obj = b.folder + "/obj";
  const std::string manifest = b.folder + "/manifest";
  make_dirs(b.folder);
  FolderLock lock(b.folder + "/lock");

  const auto read_ports = [&] {
    const std::string header = read_text(obj + "/Vdut.h");
    if (header.empty()) throw Error("Verilator wrote no header for '" + r.top + "' (" + obj + "/Vdut.h)");
    return check_dut_ports(parse_verilated_ports(header), r.top);
  };
  if (is_file(b.library) && is_file(obj + "/Vdut.h") && manifest_current(manifest)) {
    b.ports = read_ports();
    b.reused = true;
    b.warnings = count_warnings(read_text(b.log));
    b.seconds = now_seconds() - t0;
    return b;
  }

  // Build from scratch: a stale library and manifest go first, so a failed build leaves none.
  std::remove(manifest.c_str());
  std::remove(b.library.c_str());
  std::error_code ignored;
  std::filesystem::remove_all(obj, ignored);
  write_file(b.log, "# hif4 cosim --rtl " + r.filelist + " --top " + r.top + "\n# key:\n" + key);
  std::vector<std::string> verilate = {"verilator", "--exe", harness + "/hif4_dut_adaptor.cpp", "--top-module",
                                       r.top, "-f", r.filelist, "-Mdir", obj};
  for (const std::string& a : fixed_verilator_args()) verilate.push_back(a);
  verilate.push_back("-CFLAGS");
  verilate.push_back("-fPIC -fvisibility=hidden -I" + harness + " -DVL_USER_FINISH -DVL_USER_STOP -DVL_USER_FATAL");
  verilate.push_back("-LDFLAGS");
  verilate.push_back("-shared -Wl,-Bsymbolic");
  for (const std::string& a : r.verilator_args) verilate.push_back(a);
  if (run_program(verilate, b.log) != 0)
    throw Error("Verilator rejected design '" + r.top + "' (--rtl " + r.filelist + "):\n" +
                first_errors(read_text(b.log)) + "  full log: " + b.log);
  b.ports = read_ports();
  write_file(obj + "/hif4_dut_ports.h", adaptor_port_list(b.ports, r.top));

  const std::string o = "-O" + std::to_string(r.opt_level);
  if (run_program({"make", "-C", obj, "-f", "Vdut.mk", "-j", jobs(), "OPT_FAST=" + o, "OPT_SLOW=-O0",
                   "OPT_GLOBAL=" + (r.opt_level ? std::string("-O1") : o), "libhif4_dut.so"},
                  b.log) != 0)
    throw Error("compiling design '" + r.top + "' failed (--rtl " + r.filelist + "):\n" +
                first_errors(read_text(b.log)) + "  full log: " + b.log);
  if (std::rename((obj + "/libhif4_dut.so").c_str(), b.library.c_str()) != 0)
    throw Error("cannot move the built library into '" + b.folder + "': " + std::strerror(errno));

  std::string lines;
  for (const std::string& f : verilator_inputs(obj + "/Vdut__ver.d", cwd)) {
    const std::string h = sha1_of_file(f);
    if (!h.empty()) lines += h + " " + f + "\n";
  }
  write_file(manifest, lines);
  b.warnings = count_warnings(read_text(b.log));
  b.seconds = now_seconds() - t0;
  return b;
}

}  // namespace hif4::sim
