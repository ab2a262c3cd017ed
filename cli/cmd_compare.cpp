// hif4 compare: quantization error of HiF4 profiles and knob variants, NVFP4 and MXFP4 on
// synthetic studies, a raw tensor or matrix products; markdown tables on stdout, with
// differences and intervals over repeated seeds, the bias and variance of stochastic rounding,
// a CSV, a plot and a self-contained HTML report.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "command.h"
#include "hif4/compare.h"
#include "hif4/compare_figures.h"
#include "hif4/compare_matmul.h"
#include "hif4/compare_progress.h"
#include "hif4/compare_report.h"
#include "hif4/folders.h"
#include "hif4/samples.h"
#include "hif4/version.h"

extern char** environ;

namespace hif4::cli {
namespace {

#ifndef HIF4_PLOT_SCRIPT
#define HIF4_PLOT_SCRIPT "compare/plot_compare.py"
#endif

// What a --report folder may hold (AtomicFolder replaces only a folder holding these).
const char kReportPage[] = "report.html";
const char kReportCsv[] = "compare.csv";
const char kReportFigures[] = "figures.json";
constexpr uint64_t kMaxPngBytes = 64ull << 20;

std::vector<std::string> report_files() {
  std::vector<std::string> names = {kReportPage, kReportCsv, kReportFigures};
  for (const std::string& id : compare::figure_ids()) names.push_back(id + ".png");
  return names;
}

std::string plot_script() {
  if (const char* env = std::getenv("HIF4_PLOT_SCRIPT")) return env;
  return installed_or("compare/plot_compare.py", HIF4_PLOT_SCRIPT);
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void write_text(const std::string& path, const std::string& shown, const std::string& text) {
  AtomicOutput out(AtomicOutput::staged, path, shown);
  out.write(text.data(), text.size());
  out.commit();
}

// A private folder under $TMPDIR for the plotting script, removed with its files when
// destroyed (and by the signal handler).
class ScratchFolder {
 public:
  ScratchFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/hif4-compare-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (!::mkdtemp(name.data()))
      throw Error("cannot create a temporary folder for --plot in '" + directory_of(pattern) +
                  "': " + std::strerror(errno));
    path_ = name.data();
    cleanup_ = CleanupEntry(path_, CleanupEntry::Kind::Folder);
  }
  ~ScratchFolder() {
    for (const std::string& n : report_files()) ::unlink((path_ + "/" + n).c_str());
    ::rmdir(path_.c_str());
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  CleanupEntry cleanup_;
};

// Runs `PYTHON plot_compare.py --quiet-import JSON FOLDER [ID]` and returns its exit status
// (-1: killed).
int run_plot_script(const std::string& python, const std::vector<std::string>& script_args) {
  std::vector<std::string> argv_s = {python, plot_script(), "--quiet-import"};
  argv_s.insert(argv_s.end(), script_args.begin(), script_args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw Error("cannot run " + python + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("waiting for " + python + " failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Draws the figures of `json` (or only figure `only`) into `folder` with python3 from PATH
// ($HIF4_PYTHON overrides it). Debian's python3-matplotlib lives in /usr/bin/python3's
// site-packages; when PATH finds another python3 (pyenv, a venv) that lacks matplotlib,
// /usr/bin/python3 is tried too.
void draw_figures(const std::string& json, const std::string& folder, const std::string& only,
                  const std::string& option) {
  constexpr int kNoMatplotlib = 3;  // plot_compare.py's exit status for a failed import
  const std::string json_path = folder + "/" + kReportFigures;
  write_text(json_path, json_path, json);
  std::vector<std::string> args = {json_path, folder};
  if (!only.empty()) args.push_back(only);
  const char* env_python = std::getenv("HIF4_PYTHON");
  const std::string python = env_python && *env_python ? env_python : "python3";
  int code;
  try {
    code = run_plot_script(python, args);
  } catch (const Error& e) {
    throw Error(option + ": " + e.message);
  }
  std::string tried = python;
  if (code == kNoMatplotlib && !env_python && ::access("/usr/bin/python3", X_OK) == 0) {
    code = run_plot_script("/usr/bin/python3", args);
    tried += " and /usr/bin/python3";
  }
  const std::string nothing = option == "--plot" ? "no plot written" : "no report written";
  if (code == kNoMatplotlib)
    throw Error(option + ": " + tried + " cannot import matplotlib (install python3-matplotlib, "
                "or point HIF4_PYTHON at a python3 that has it); " + nothing);
  if (code != 0)
    throw Error(option + ": " + plot_script() + " failed (exit status " + std::to_string(code) +
                "); " + nothing);
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// The studies asked for, in order: --study is repeatable; "all" is every synthetic study, the
// file (with --input) and the matrix products.
std::vector<std::string> study_names(const std::vector<std::string>& asked, bool has_input) {
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) != names.end())
      throw Error("--study " + n + " given twice");
    names.push_back(n);
  };
  for (const std::string& s : asked) {
    if (s == "all") {
      for (const auto& spec : compare::studies()) add(spec.name);
      if (has_input) add("file");
      add("matmul");
    } else if (s == "file" || s == "matmul") {
      add(s);
    } else {
      try {
        add(compare::find_study(s).name);
      } catch (const ConfigError& e) {
        throw Error("--study: " + e.message);
      }
    }
  }
  return names;
}

std::vector<uint16_t> read_tensor(const std::string& path, const std::string& format_text,
                                  std::string* label) {
  const InputFormat fmt = parse_input_format("--input-format", format_text);
  InputFile in(path);
  const uint64_t blocks = count_input_blocks(in, fmt, 0);
  std::vector<uint16_t> values;
  values.reserve(blocks * kBlockValues);
  for_each_block_chunk(in, fmt, 0, [&](const uint16_t* b, size_t n, uint64_t) {
    values.insert(values.end(), b, b + n * kBlockValues);
  });
  *label = base_of(in.path());
  return values;
}

int run(int argc, char** argv) {
  const std::string default_baseline = profiles().front().name;
  Args args("compare",
            {
                {"study", true, true,
                 "gaussian (default), laplace, student-t, uniform, llm-mix, matmul (matrix "
                 "products of LLaMA-7B-like layers), file (the --input tensor; the default when "
                 "--input is given) or all (repeatable)"},
                {"profile", true, true,
                 "a HiF4 profile, or nvfp4 / nvfp4-div6 / mxfp4 (repeatable; default: every "
                 "profile, nvfp4, mxfp4)"},
                {"vary", true, true,
                 "KNOB=V1,V2,... : one variant per value, crossed with each HiF4 profile named "
                 "(default base: the --baseline profile) and with the other --vary (repeatable)"},
                {"reference", true, false,
                 "the variant that ratios and differences are relative to: its name as listed, "
                 "or its number (default: the first)"},
                {"baseline", true, false,
                 "the profile whose packed bits the 'blocks !=' column compares with (default " +
                     default_baseline + ")"},
                {"repeats", true, false,
                 "seeds S, S+1, ..., each a new draw of the data and of the stochastic-rounding "
                 "bits; 2 or more give 95% t-intervals of every difference (default 1)"},
                {"sr-seeds", true, false,
                 "stochastic-rounding seeds per value; 2 or more give the bias and variance "
                 "table (default 1)"},
                {"input", true, false, "a raw tensor (little-endian), a multiple of 64 values"},
                {"input-format", true, false, "bf16 (default) or f32 (rounded to BF16 RNE first)"},
                {"csv", true, false, "write every figure per study, matrix and variant as CSV (- for "
                                     "standard output; the tables then go to standard error)"},
                {"plot", true, false,
                 "draw the first figure of the report (MSE relative to the reference per variant) "
                 "into a PNG (python3 + matplotlib)"},
                {"report", true, false,
                 "write DIR/report.html (one self-contained page: tables, figures, command, "
                 "configuration, version), with the CSV, the figures and their data"},
                {"threads", true, false, "worker threads (default: every core)"},
                {"seed", true, false,
                 "seed of the synthetic data and of stochastic rounding (default 1)"},
                {"rows", true, false, "rows of 1024 values per synthetic matrix (default 1024)"},
                {"tokens", true, false,
                 "rows of the activations of a matrix product (default " +
                     std::to_string(compare::kMatmulTokens) + ")"},
            },
            "[--study NAME|matmul|file|all]... [--profile P]... [--vary KNOB=V1,V2,...]... "
            "[--reference VARIANT] [--baseline P] [--repeats N] [--sr-seeds K] "
            "[--input FILE [--input-format bf16|f32]] [--csv FILE] [--plot FILE.png] "
            "[--report DIR] [--threads N] [--seed S] [--rows R] [--tokens T]");
  args.parse(argc, argv);

  // Validate every option before reading or computing anything.
  compare::RunOptions options;
  compare::RunSettings& set = options.settings;
  set.seed = args.get_u64("seed", 1);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t threads = args.get_u64("threads", hw);
  if (threads == 0 || threads > 1024) throw Error("--threads must be between 1 and 1024");
  options.threads = static_cast<unsigned>(threads);
  const uint64_t rows = args.get_u64("rows", compare::kStudyRows);
  if (rows == 0 || rows > 65536) throw Error("--rows must be between 1 and 65536");
  set.rows = rows;
  const uint64_t tokens = args.get_u64("tokens", compare::kMatmulTokens);
  if (tokens == 0 || tokens > 4096) throw Error("--tokens must be between 1 and 4096");
  set.tokens = tokens;
  const uint64_t repeats = args.get_u64("repeats", 1);
  if (repeats == 0 || repeats > 1000) throw Error("--repeats must be between 1 and 1000");
  set.repeats = static_cast<unsigned>(repeats);
  const uint64_t sr_seeds = args.get_u64("sr-seeds", 1);
  if (sr_seeds == 0 || sr_seeds > 1024) throw Error("--sr-seeds must be between 1 and 1024");
  set.sr_seeds = static_cast<unsigned>(sr_seeds);
  if (set.seed + set.repeats < set.seed) throw Error("--seed + --repeats overflows");

  const bool has_input = args.has("input");
  const std::vector<std::string> names =
      study_names(args.has("study") ? args.all("study")
                                    : std::vector<std::string>{has_input ? "file" : "gaussian"},
                  has_input);
  const bool want_file = std::find(names.begin(), names.end(), "file") != names.end();
  if (want_file && !has_input) throw Error("--study file needs --input FILE");
  if (has_input && !want_file)
    throw Error("--input is only read by --study file or --study all (got --study " +
                names.front() + ")");
  if (args.has("input-format") && !has_input) throw Error("--input-format needs --input");
  options.baseline_profile = args.get("baseline", default_baseline);
  std::vector<compare::Variant> variants;
  try {
    variants = compare::build_variants(args.all("profile"), args.all("vary"),
                                       options.baseline_profile, set.seed);
    if (args.has("reference")) options.reference = compare::find_variant(variants, args.get("reference"));
  } catch (const ConfigError& e) {
    throw Error((args.has("reference") && variants.size() ? "--reference: " : "") + e.message);
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

  // Outputs are checked (and their temporaries created) now, so a bad path fails before the
  // work; none appears unless everything succeeds.
  const std::vector<std::string> inputs =
      want_file ? std::vector<std::string>{args.required("input")} : std::vector<std::string>{};
  std::unique_ptr<AtomicOutput> csv;
  if (args.has("csv"))
    csv = std::make_unique<AtomicOutput>(args.get("csv"), inputs, AtomicOutput::Content::Text, "--csv");
  std::unique_ptr<AtomicOutput> png;
  if (args.has("plot")) png = std::make_unique<AtomicOutput>(plot, inputs, AtomicOutput::Content::Binary, "--plot");
  std::unique_ptr<AtomicFolder> report_dir;
  if (args.has("report"))
    report_dir = std::make_unique<AtomicFolder>("--report", args.get("report"),
                                                AtomicFolder::Existing::ReplaceOwn, report_files(),
                                                inputs);

  std::vector<compare::StudyPlan> plans;
  for (const std::string& n : names) {
    compare::StudyPlan p;
    if (n == "file") {
      p.kind = compare::StudyKind::Tensor;
      std::string label;
      std::vector<uint16_t> values =
          read_tensor(args.required("input"), args.get("input-format", "bf16"), &label);
      p.tensor = compare::tensor_study(label, std::move(values));
      plans.push_back(std::move(p));
    } else if (n == "matmul") {
      for (const compare::MatmulCase& c : compare::matmul_cases()) {
        compare::StudyPlan m;
        m.kind = compare::StudyKind::Matmul;
        m.matmul = &c;
        plans.push_back(std::move(m));
      }
    } else {
      p.spec = &compare::find_study(n);
      plans.push_back(std::move(p));
    }
  }

  const auto start = std::chrono::steady_clock::now();
  // Progress shows once a run has taken a second; HIF4_PROGRESS_DELAY (seconds) changes that.
  double delay_s = 1.0;
  if (const char* env = std::getenv("HIF4_PROGRESS_DELAY"))
    delay_s = parse_double("HIF4_PROGRESS_DELAY", env);
  compare::Progress progress(::isatty(STDERR_FILENO) == 1, stderr, "hif4 compare", delay_s);
  options.progress = &progress;
  compare::Report report;
  try {
    report = compare::run_studies(plans, variants, options);
  } catch (const ConfigError& e) {
    throw Error(e.message);
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t values = 0;
  size_t matrices = 0;
  for (const compare::StudyResult& r : report.studies) {
    matrices += r.matrix_labels.size() * set.repeats;
    if (!r.total.empty()) values += r.total[0].values + r.total[0].nonfinite_inputs;
  }
  std::fprintf(stderr,
               "hif4 compare: %zu variants x %zu matrices (%llu values in all%s) in %.2f s on %u "
               "threads\n",
               variants.size(), matrices, static_cast<unsigned long long>(values),
               set.repeats > 1 ? (", " + std::to_string(set.repeats) + " seeds").c_str() : "",
               seconds, options.threads);

  std::vector<std::string> command = {"hif4"};
  for (int i = 0; i < argc; ++i) command.emplace_back(argv[i]);
  const std::string command_line = compare::shell_command(command);
  const std::string version = project_version() + " (revision " + source_revision() + ")";
  const std::vector<compare::FigureSpec> figures = compare::report_figures(report);
  const std::string figures_json = compare::figures_json(figures, command_line, version);
  const std::string csv_text = compare::format_csv(report);

  if (report_dir) {
    const std::string folder = report_dir->file(".");
    draw_figures(figures_json, folder, "", "--report");
    std::vector<std::string> pngs;
    for (const compare::FigureSpec& f : figures)
      pngs.push_back(read_small_file(report_dir->file(f.id + ".png"), kMaxPngBytes, "--report"));
    compare::ReportPage page{command_line, version, utc_now(), options.threads};
    write_text(report_dir->file(kReportPage), report_dir->shown(kReportPage),
               compare::html_report(report, page, figures, pngs));
    write_text(report_dir->file(kReportCsv), report_dir->shown(kReportCsv), csv_text);
    if (png) png->write(pngs.front().data(), pngs.front().size());  // --plot: the first figure
  } else if (png) {
    ScratchFolder scratch;
    draw_figures(figures_json, scratch.path(), figures.front().id, "--plot");
    const std::string bytes =
        read_small_file(scratch.path() + "/" + figures.front().id + ".png", kMaxPngBytes, "--plot");
    png->write(bytes.data(), bytes.size());
  }
  // Commit only when every output is complete.
  if (csv) csv->write(csv_text.data(), csv_text.size());
  if (png) png->commit();
  if (report_dir) report_dir->commit();
  if (csv) csv->commit();
  const std::string table = compare::format_markdown(report);
  std::fwrite(table.data(), 1, table.size(), csv && csv->is_stdout() ? stderr : stdout);
  return kExitOk;
}

Registration reg("compare",
                 "quantization error of HiF4 profiles / knob variants vs NVFP4 and MXFP4: "
                 "tensors, matrix products, intervals, report",
                 run);

}  // namespace
}  // namespace hif4::cli
