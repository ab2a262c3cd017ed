// hif4 compare: quantization error of HiF4 profiles and knob variants, NVFP4 and MXFP4 on
// synthetic studies or a raw tensor; a markdown table on stdout, optional CSV and plot.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "command.h"
#include "hif4/compare.h"
#include "hif4/samples.h"

extern char** environ;

namespace hif4::cli {
namespace {

#ifndef HIF4_PLOT_SCRIPT
#define HIF4_PLOT_SCRIPT "compare/plot_compare.py"
#endif

std::string plot_script() {
  if (const char* env = std::getenv("HIF4_PLOT_SCRIPT")) return env;
  return installed_or("compare/plot_compare.py", HIF4_PLOT_SCRIPT);
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A CSV in a temporary file for the plotting script; removed when destroyed.
class TempCsv {
 public:
  explicit TempCsv(const std::string& text) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/hif4-compare-XXXXXX";
    std::vector<char> name(path_.begin(), path_.end());
    name.push_back('\0');
    const int fd = mkstemp(name.data());
    if (fd < 0) throw Error("cannot create a temporary file for --plot: " + std::string(std::strerror(errno)));
    path_ = name.data();
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) {
      ::unlink(path_.c_str());
      throw Error("cannot write a temporary file for --plot");
    }
  }
  ~TempCsv() { ::unlink(path_.c_str()); }
  TempCsv(const TempCsv&) = delete;
  TempCsv& operator=(const TempCsv&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `PYTHON plot_compare.py CSV PNG` and returns its exit status (-1: killed).
int run_plot_script(const std::string& python, const std::string& script,
                    const std::string& csv, const std::string& png) {
  std::vector<std::string> argv_s = {python, script, "--quiet-import", csv, png};
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw Error("--plot: cannot run " + python + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("--plot: waiting for " + python + " failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Draws the plot with python3 from PATH ($HIF4_PYTHON overrides it). Debian's
// python3-matplotlib lives in /usr/bin/python3's site-packages; when PATH finds another python3
// (pyenv, a venv) that lacks matplotlib, /usr/bin/python3 is tried too. The script writes the
// PNG through a temporary name, so a failed plot leaves no partial image.
void draw_plot(const std::string& csv_text, const std::string& png) {
  constexpr int kNoMatplotlib = 3;  // plot_compare.py's exit status for a failed import
  TempCsv csv(csv_text);
  const std::string script = plot_script();
  const char* env_python = std::getenv("HIF4_PYTHON");
  const std::string python = env_python && *env_python ? env_python : "python3";
  int code = run_plot_script(python, script, csv.path(), png);
  std::string tried = python;
  if (code == kNoMatplotlib && !env_python && ::access("/usr/bin/python3", X_OK) == 0) {
    code = run_plot_script("/usr/bin/python3", script, csv.path(), png);
    tried += " and /usr/bin/python3";
  }
  if (code == kNoMatplotlib)
    throw Error("--plot: " + tried + " cannot import matplotlib (install python3-matplotlib, "
                "or point HIF4_PYTHON at a python3 that has it); no plot written");
  if (code != 0)
    throw Error("--plot: " + script + " failed (exit status " + std::to_string(code) +
                "); no plot written");
}

int run(int argc, char** argv) {
  const std::string default_baseline = profiles().front().name;
  Args args("compare",
            {
                {"study", true, false,
                 "gaussian (default), laplace, student-t, uniform, llm-mix, all, or file "
                 "(the --input tensor; the default when --input is given)"},
                {"profile", true, true,
                 "a HiF4 profile, or nvfp4 / mxfp4 (repeatable; default: every profile, nvfp4, "
                 "mxfp4)"},
                {"vary", true, true,
                 "KNOB=V1,V2,... : one variant per value, crossed with each HiF4 profile named "
                 "(default base: the --baseline profile) and with the other --vary (repeatable)"},
                {"baseline", true, false,
                 "the profile whose packed bits the 'blocks !=' column compares with (default " +
                     default_baseline + ")"},
                {"input", true, false, "a raw tensor (little-endian), a multiple of 64 values"},
                {"input-format", true, false, "bf16 (default) or f32 (rounded to BF16 RNE first)"},
                {"csv", true, false, "write every figure per study, matrix and variant as CSV (- for "
                                     "standard output; the table then goes to standard error)"},
                {"plot", true, false, "draw SQNR against sigma into a PNG (python3 + matplotlib)"},
                {"threads", true, false, "worker threads (default: every core)"},
                {"seed", true, false, "seed of the synthetic data and of stochastic rounding (default 1)"},
                {"rows", true, false, "rows of 1024 values per synthetic matrix (default 1024)"},
            },
            "[--study NAME|all|file] [--profile P]... [--vary KNOB=V1,V2,...]... [--baseline P] "
            "[--input FILE [--input-format bf16|f32]] [--csv FILE] [--plot FILE.png] "
            "[--threads N] [--seed S] [--rows R]");
  args.parse(argc, argv);

  // Validate every option before reading or computing anything.
  const uint64_t seed = args.get_u64("seed", 1);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t threads = args.get_u64("threads", hw);
  if (threads == 0 || threads > 1024) throw Error("--threads must be between 1 and 1024");
  const uint64_t rows = args.get_u64("rows", compare::kStudyRows);
  if (rows == 0 || rows > 65536) throw Error("--rows must be between 1 and 65536");
  const bool has_input = args.has("input");
  const std::string study = args.get("study", has_input ? "file" : "gaussian");
  std::vector<const compare::StudySpec*> synthetic;
  bool want_file = false;
  try {
    if (study == "all") {
      for (const auto& s : compare::studies()) synthetic.push_back(&s);
      want_file = has_input;
    } else if (study == "file") {
      want_file = true;
    } else {
      synthetic.push_back(&compare::find_study(study));
    }
  } catch (const ConfigError& e) {
    throw Error("--study: " + e.message);
  }
  if (want_file && !has_input) throw Error("--study file needs --input FILE");
  if (has_input && !want_file)
    throw Error("--input is only read by --study file or --study all (got --study " + study + ")");
  if (args.has("input-format") && !has_input) throw Error("--input-format needs --input");
  const std::string baseline = args.get("baseline", default_baseline);
  std::vector<compare::Variant> variants;
  try {
    variants = compare::build_variants(args.all("profile"), args.all("vary"), baseline, seed);
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  const std::string plot = args.get("plot");
  if (args.has("plot")) {
    if (plot.size() < 5 || plot.compare(plot.size() - 4, 4, ".png") != 0)
      throw Error("--plot '" + plot + "': the file name must end in .png");
    const std::string dir = directory_of(plot);
    if (::access(dir.c_str(), W_OK) != 0)
      throw Error("--plot '" + plot + "': cannot write into directory '" + dir + "': " +
                  std::strerror(errno));
  }

  // The CSV's temporary file is created now, so an unwritable path fails before the work.
  const std::vector<std::string> inputs =
      want_file ? std::vector<std::string>{args.required("input")} : std::vector<std::string>{};
  std::unique_ptr<AtomicOutput> csv;
  if (args.has("csv"))
    csv = std::make_unique<AtomicOutput>(args.get("csv"), inputs, AtomicOutput::Content::Text, "--csv");
  if (args.has("plot")) check_output_path("--plot", plot, inputs);

  std::vector<compare::StudyData> data;
  if (want_file) {
    const InputFormat fmt = parse_input_format("--input-format", args.get("input-format", "bf16"));
    InputFile in(args.required("input"));
    const uint64_t blocks = count_input_blocks(in, fmt, 0);
    std::vector<uint16_t> values;
    values.reserve(blocks * kBlockValues);
    for_each_block_chunk(in, fmt, 0, [&](const uint16_t* b, size_t n, uint64_t) {
      values.insert(values.end(), b, b + n * kBlockValues);
    });
    data.push_back(compare::tensor_study(base_name(in.path()), std::move(values)));
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<compare::StudyData> generated;
  for (const compare::StudySpec* s : synthetic)
    generated.push_back(compare::generate_study(*s, rows, seed, static_cast<unsigned>(threads)));
  for (auto& d : data) generated.push_back(std::move(d));
  compare::Report report;
  try {
    report = compare::run_compare(generated, variants, baseline, seed,
                                  static_cast<unsigned>(threads));
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t values = 0;
  size_t matrices = 0;
  for (const auto& d : generated)
    for (const auto& m : d.matrices) {
      values += m.values.size();
      ++matrices;
    }
  std::fprintf(stderr,
               "hif4 compare: %zu variants x %zu matrices (%llu values in all) in %.2f s on %llu "
               "threads\n",
               variants.size(), matrices, static_cast<unsigned long long>(values), seconds,
               static_cast<unsigned long long>(threads));

  const std::string csv_text = compare::format_csv(report);
  if (args.has("plot")) draw_plot(csv_text, plot);
  if (csv) {
    csv->write(csv_text.data(), csv_text.size());
    csv->commit();
  }
  const std::string table = compare::format_markdown(report);
  std::fwrite(table.data(), 1, table.size(), csv && csv->is_stdout() ? stderr : stdout);
  return kExitOk;
}

Registration reg("compare",
                 "quantization error of HiF4 profiles / knob variants vs NVFP4 and MXFP4", run);

}  // namespace
}  // namespace hif4::cli
