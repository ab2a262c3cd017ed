// hif4-cosim: the SystemC model and the Verilated RTL in lockstep on one clock, driven with
// the same blocks, bubbles and back-pressure, checked every cycle against each other and every
// output block against the reference model (or the vector file). With --rtl FILELIST --top
// NAME, a user's design takes the RTL's place (user_design.h): in the same lockstep when it
// has the probe ports and the contract's latency, else in the transaction-level bench
// (txn_bench.h). `hif4 cosim` runs this.
#include <sys/wait.h>
#include <unistd.h>

#include <systemc>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <sstream>

#include "hif4/args.h"
#include "hif4/block.h"
#include "hif4/coverage.h"
#include "hif4/suites.h"
#include "hif4/vector_file.h"
#include "cosim_results.h"
#include "dut_lockstep.h"
#include "hif4/result_files.h"
#include "hif4/summary.h"
#include "hif4sim/cosim.h"
#include "rtl_side.h"
#include "txn_bench.h"
#include "txn_waves.h"
#include "user_design.h"

namespace {

using namespace hif4;
using namespace hif4::sim;


constexpr uint64_t kCyclesBeforeFailure = 32;  // waves window around the first mismatch
constexpr uint64_t kCyclesAfterFailure = 8;
constexpr double kClockNs = 10;

// Blocks of a .hif4v file, with the file's own configuration and expectations.
class VectorFileStimulus final : public Stimulus {
 public:
  explicit VectorFileStimulus(const std::string& path) : path_(path), reader_(path) {}
  bool next(StimulusBlock& b) override {
    VectorRecord r;
    // A damaged frame is found only when it is read, inside the simulation: end the stimulus
    // there and report the damage as bad input once the simulation has stopped.
    try {
      if (!reader_.next(r)) return false;
    } catch (const VectorFileError& e) {
      error_ = e.message;
      return false;
    }
    const uint64_t n = reader_.position() - 1;
    std::memcpy(b.lanes.v, r.input, sizeof b.lanes.v);
    std::memcpy(b.expected.bytes, r.expected, sizeof b.expected.bytes);
    b.block_index = r.block_index;
    b.cfg = reader_.header().config;
    const SuiteRange* s = reader_.header().suite_of(n);
    if (s != origin_suite_ || !origin_) {
      origin_suite_ = s;
      origin_ = std::make_shared<const std::string>(path_ + (s ? " suite " + s->name : std::string()));
    }
    b.origin = origin_;
    b.origin_block = n;
    return true;
  }
  uint64_t total() const override { return reader_.header().record_count; }
  void skip(uint64_t n) override { reader_.skip(n); }
  const VectorHeader& header() const { return reader_.header(); }
  // The damage that ended the stimulus early, or "".
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  std::string path_;
  VectorReader reader_;
  const SuiteRange* origin_suite_ = nullptr;
  std::shared_ptr<const std::string> origin_;
};

// Blocks of the built-in suites (suites.h), made in process; the expectation is the model's.
class SuiteStimulus final : public Stimulus {
 public:
  SuiteStimulus(GenerationPlan plan, uint64_t seed, unsigned level, const Config& cfg)
      : plan_(std::move(plan)), seed_(seed), level_(level), cfg_(cfg) {}
  bool next(StimulusBlock& b) override {
    while (run_ < plan_.runs.size() && in_run_ == plan_.runs[run_].count) {
      ++run_;
      in_run_ = 0;
    }
    if (run_ == plan_.runs.size()) return false;
    const Suite& s = *plan_.runs[run_].suite;
    make_suite_inputs(s, seed_, level_, in_run_, 1, b.lanes.v);
    b.block_index = made_;
    b.cfg = cfg_;
    if (in_run_ == 0 || !origin_)
      origin_ = std::make_shared<const std::string>(std::string("suite ") + s.name + " (level " +
                                                    std::to_string(level_) + ", seed " +
                                                    std::to_string(seed_) + ")");
    b.origin = origin_;
    b.origin_block = in_run_;
    quantize_blocks(b.lanes.v, 1, cfg_, b.block_index, b.expected.bytes);
    ++in_run_;
    ++made_;
    return true;
  }
  uint64_t total() const override { return plan_.total(); }
  void skip(uint64_t n) override {
    for (n = std::min(n, plan_.total() - made_); n;) {
      const uint64_t k = std::min(n, plan_.runs[run_].count - in_run_);
      in_run_ += k;
      made_ += k;
      n -= k;
      if (in_run_ == plan_.runs[run_].count && run_ + 1 < plan_.runs.size()) {
        ++run_;
        in_run_ = 0;
      }
    }
  }

 private:
  GenerationPlan plan_;
  uint64_t seed_;
  unsigned level_;
  Config cfg_;
  size_t run_ = 0;
  uint64_t in_run_ = 0, made_ = 0;
  std::shared_ptr<const std::string> origin_;
};

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_=./:,@+") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

double probability(const Args& args, const std::string& name) {
  const double p = args.get_double(name, 0.0);
  if (!(p >= 0.0 && p < 1.0)) throw Error("--" + name + " must be in [0, 1), got " + args.get(name));
  return p;
}

// Re-runs this program with the same arguments and a trace window; it writes the waves.
int run_waves_child(int argc, char** argv, uint64_t from, uint64_t to) {
  std::vector<std::string> args(argv + 1, argv + argc);
  args.push_back("--trace-window");
  args.push_back(std::to_string(from) + ":" + std::to_string(to));
  std::vector<char*> cargv;
  std::string self = "/proc/self/exe";
  cargv.push_back(argv[0]);
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    execv(self.c_str(), cargv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run(int argc, char** argv) {
  std::vector<Args::Spec> specs = {
      {"vectors", true, true, ".hif4v file (repeatable): its blocks, configuration and expected output"},
      {"random", true, false, "N seeded random blocks (expected output from the reference model)"},
      {"knob-walk", true, false, "N seeded random blocks whose knobs and SR seed change from block to block "
                                 "(every knob value; the seed alone between pairs; block indices over 64 bits)"},
      {"label", true, false, "the configuration's name in the results table (default: the vector file's "
                             "profile; scripts/regression.sh names its knob corners)"},
      {"reset-every", true, false, "N: after every N accepted blocks, a reset with the pipeline full and the "
                                   "output stalled (the blocks in flight are dropped, then offered again)"},
      {"suite", true, false, "built-in suite name or 'all' (suites of `hif4 gen`), made in process"},
      {"level", true, false, "suite level, 1, 2 or 3 (default 1)"},
      {"seed", true, false, "seed of --random / --suite blocks and of the bubbles and stalls (default 1)"},
      {"stall-prob", true, false, "probability that out_ready is low in a cycle (default 0)"},
      {"bubble-prob", true, false, "probability that the driver offers no block in a cycle (default 0)"},
      {"waves", true, false, "DIR: write FST waves around the first mismatch (the design's and the bench's)"},
      {"full", false, false, "with --waves: the whole run, not just around the first mismatch"},
      {"waves-all", true, false, "DIR: FST waves of the whole run (same as --waves DIR --full)"},
      {"inject", true, false, std::string("a fault in the SystemC model (test use): ") + fault_syntax()},
      {"max-reports", true, false, "detailed mismatch reports to print (default 1)"},
      {"timeout-cycles", true, false,
       "a hang: no block taken or delivered for N cycles with work pending (default 10000)"},
      {"no-coverage", false, false, "skip the coverage bins"},
      {"trace-window", true, false, "FROM:TO cycles to trace (used by --waves when re-running)"},
      {"list-suites", false, false, "print the built-in suite names, one a line, and exit"},
      {"shard", true, false, "K/N: run only shard K (from 0) of N of the blocks of all sources; `hif4 merge` adds up "
                             "the shards' --json files"},
  };
  for (const auto& s : config_specs()) specs.push_back(s);
  for (const auto& s : result_file_specs()) specs.push_back(s);
  for (const auto& s : user_design_specs()) specs.push_back(s);
  Args args("cosim", specs,
                 "[--vectors FILE.hif4v]... [--random N] [--knob-walk N] [--suite NAME|all [--level L]] [--seed S]\n"
                 "  [--profile P] [--set KNOB=VALUE]... [--sr-seed N] [--stall-prob X] [--bubble-prob X]\n"
                 "  [--reset-every N] [--waves DIR [--full] | --waves-all DIR] [--inject FAULT] [--timeout-cycles N]\n"
                 "  [--shard K/N] [--junit FILE] [--json FILE]\n"
                 "  [--rtl FILELIST --top NAME [--build-dir DIR] [--rtl-opt N] [--verilator-arg ARG]... [--plusarg +ARG]...\n"
                 "   [--mode auto|lockstep|transaction]]");
  args.parse(argc, argv);
  if (args.has("list-suites")) {
    for (const Suite& s : suites()) std::printf("%s\n", s.name);
    return kExitOk;
  }

  const bool child = args.has("trace-window");
  const uint64_t seed = args.get_u64("seed", 1);
  const Config cfg = config_from_args(args, "seed");
  const bool profile_given = args.has("profile") || !args.all("set").empty() || args.has("sr-seed");

  std::vector<std::unique_ptr<Stimulus>> parts;
  std::vector<std::string> source_names;
  std::vector<const VectorFileStimulus*> vector_sources;
  for (const std::string& path : args.all("vectors")) {
    auto v = std::make_unique<VectorFileStimulus>(path);  // a bad file throws VectorFileError, an Error
    if (profile_given && v->header().config != cfg)
      throw Error("vector file '" + path + "' was made with " + describe(v->header().config) +
                  " sr-seed=" + std::to_string(v->header().config.sr_seed) +
                  ", not the configuration given on the command line");
    source_names.push_back(path + " (" + std::to_string(v->total()) + " blocks, " +
                           describe(v->header().config) + ")");
    vector_sources.push_back(v.get());
    parts.push_back(std::move(v));
  }
  if (args.has("suite")) {
    const uint64_t level = args.get_u64("level", 1);
    if (level < 1 || level > kMaxLevel) throw Error("--level must be 1, 2 or 3");
    GenerationPlan plan;
    try {
      plan = make_plan(args.get("suite"), static_cast<unsigned>(level), 0);
    } catch (const SuiteError& e) {
      throw Error(e.message);
    }
    source_names.push_back("suite " + args.get("suite") + " level " + std::to_string(level) + " (" +
                           std::to_string(plan.total()) + " blocks, seed " + std::to_string(seed) + ")");
    parts.push_back(std::make_unique<SuiteStimulus>(std::move(plan), seed, static_cast<unsigned>(level), cfg));
  }
  if (args.has("random")) {
    const uint64_t n = args.get_u64("random", 0);
    source_names.push_back("random " + std::to_string(n) + " blocks (seed " + std::to_string(seed) + ")");
    parts.push_back(random_stimulus(n, seed, cfg));
  }
  if (args.has("knob-walk")) {
    if (profile_given) throw Error("--knob-walk sets every block's knobs and SR seed: give no --profile, --set or --sr-seed");
    const uint64_t n = args.get_u64("knob-walk", 0);
    source_names.push_back("knob-walk " + std::to_string(n) + " blocks (seed " + std::to_string(seed) +
                           "; knobs and SR seed per block)");
    parts.push_back(knob_walk_stimulus(n, seed));
  }
  if (parts.empty()) throw Error("nothing to run: give --vectors FILE, --random N, --knob-walk N or --suite NAME");
  const ResultFiles outputs(args, args.all("vectors"));

  CosimOptions opt;
  opt.stall_prob = probability(args, "stall-prob");
  opt.bubble_prob = probability(args, "bubble-prob");
  opt.handshake_seed = seed;
  opt.max_reports = args.get_u64("max-reports", 1);
  opt.coverage = !args.has("no-coverage");
  opt.reset_every = args.get_u64("reset-every", 0);
  opt.stuck_cycles = args.get_u64("timeout-cycles", opt.stuck_cycles);
  if (opt.stuck_cycles == 0) throw Error("--timeout-cycles must be at least 1");
  if (args.has("inject")) {
    try {
      opt.fault = parse_fault(args.get("inject"));
    } catch (const std::invalid_argument& e) {
      throw Error(std::string("--inject: ") + e.what());
    }
  }
  std::string waves_dir = args.get("waves");
  bool full_waves = args.has("full");
  if (args.has("waves-all")) {
    if (!waves_dir.empty()) throw Error("give --waves or --waves-all, not both");
    waves_dir = args.get("waves-all");
    full_waves = true;
  }
  if (full_waves && waves_dir.empty()) throw Error("--full needs --waves DIR");
  uint64_t trace_from = 0;
  if (child) {
    const std::string w = args.get("trace-window");
    const size_t colon = w.find(':');
    if (colon == std::string::npos) throw Error("--trace-window wants FROM:TO");
    trace_from = parse_u64("--trace-window", w.substr(0, colon));
    opt.stop_after_cycle = parse_u64("--trace-window", w.substr(colon + 1));
    if (waves_dir.empty() || trace_from == 0 || opt.stop_after_cycle < trace_from)
      throw Error("--trace-window needs --waves DIR and 1 <= FROM <= TO");
  } else {
    opt.progress = isatty(2);
  }
  std::vector<VectorSourceInfo> files;
  for (size_t i = 0; i < vector_sources.size(); ++i)
    files.push_back({args.all("vectors")[i], &vector_sources[i]->header()});
  CosimRunInfo info;
  auto stimulus = cosim_stimulus(std::move(parts), args, files, cfg, opt, info);
  info.results.heading = cosim_heading(source_names, opt, seed);
  std::unique_ptr<UserDesign> design;
  if (args.has("rtl")) {
    design = open_user_design(args, seed);
    if (!design->lockstep && opt.fault.active())
      throw Error("--inject flips a register of the SystemC model, which only the lockstep runs; " + design->title() +
                  " runs transaction-level (" + design->mode_reason + ")");
    design->describe_run(info.results);
  } else {
    for (const Args::Spec& s : user_design_specs())
      if (args.has(s.name)) throw Error("--" + s.name + " needs --rtl FILELIST");
  }
  const bool transaction = design && !design->lockstep;
  if (transaction && opt.reset_every)
    throw Error("--reset-every needs the lockstep bench; " + design->title() + " runs transaction-level (" +
                design->mode_reason + ")");
  std::string replay = "hif4 cosim";
  for (int i = 1; i < argc; ++i) {
    bool value = false;
    if (is_result_file_option(argv[i], &value)) i += value;  // a replay must not overwrite them
    else replay += " " + shell_quote(argv[i]);
  }
  if (waves_dir.empty()) replay += " --waves /tmp/hif4-cosim-waves";
  opt.replay = replay;

  const bool tracing = !waves_dir.empty();
  std::unique_ptr<DutModel> dut;
  if (design) dut = design->instantiate(tracing);

  if (!child) {
    std::fputs(heading_text(info).c_str(), stdout);
    if (design) std::printf("  build       %s\n", design->build_line().c_str());
    std::fflush(stdout);
  }

  // One of the two benches runs; the report below reads its result and coverage.
  std::unique_ptr<CosimBench> bench;
  std::unique_ptr<RtlPorts> rtl;
  std::unique_ptr<Waves> waves;
  std::unique_ptr<TransactionBench> txn;
  std::unique_ptr<TransactionWaves> txn_waves;
  const bool write_waves = tracing && (full_waves || child);
  const double t0 = now_seconds();
  const std::clock_t cpu0 = std::clock();
  if (transaction) {
    txn = std::make_unique<TransactionBench>(*dut, *stimulus, opt);
    if (write_waves) txn_waves = std::make_unique<TransactionWaves>(*txn, *dut, waves_dir);
    if (txn_waves && trace_from <= 1) txn_waves->open();
    txn->run([&](uint64_t c) {
      if (!txn_waves) return;
      if (c + 1 == trace_from) txn_waves->open();  // from the next edge on
      txn_waves->on_edge(c);
    });
    if (txn_waves) txn_waves->close();
  } else {
    if (tracing && !design) enable_rtl_tracing();
    bench = std::make_unique<CosimBench>("bench", *stimulus, opt);
    rtl = design ? make_dut_lockstep(*bench, *dut) : make_verilated_rtl(*bench);
    bench->attach(rtl.get());
    if (write_waves) {
      try {
        waves = std::make_unique<Waves>(*bench, *rtl, waves_dir);
      } catch (const std::runtime_error& e) {
        throw Error(e.what());
      }
      bench->on_edge([&waves](uint64_t c) { waves->on_edge(c); });
    }
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate, so the RTL can be traced
    if (waves) {
      if (trace_from > 1) {
        // Edge c is at (c - 1) clock periods; stop just before the window's first edge.
        sc_core::sc_start(static_cast<double>(trace_from - 1) * kClockNs - 1, sc_core::SC_NS);
      }
      waves->open();
    }
    if (!bench->finished() && !rtl->stopped()) sc_core::sc_start();
    if (waves) waves->close();
  }
  const double seconds = now_seconds() - t0;
  const double cpu_seconds = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  CosimResult r = transaction ? txn->result() : bench->result();
  const auto& coverage = transaction ? txn->coverage() : bench->coverage();
  if (rtl && rtl->stopped()) {
    r.dut_stopped = rtl->stopped();
    if (!r.first_mismatch_cycle) r.first_mismatch_cycle = bench->cycle();
    r.reports.push_back("DESIGN STOPPED at cycle " + std::to_string(bench->cycle()) + ": " + r.dut_stopped +
                        "\n  replay: " + opt.replay);
  }
  for (const VectorFileStimulus* v : vector_sources)
    if (!v->error().empty()) throw Error(v->error());
  if (child) return 0;

  const Results results = cosim_results(info, r, coverage, transaction, seconds, cpu_seconds);
  std::fputs(format_cosim_figures(results).c_str(), stdout);

  if (!waves_dir.empty()) {
    if (full_waves) {
      std::printf("\n  waves       %s (whole run)\n", (waves ? waves->files() : txn_waves->files()).c_str());
    } else if (r.first_mismatch_cycle) {
      const uint64_t from = r.first_mismatch_cycle > kCyclesBeforeFailure
                                ? r.first_mismatch_cycle - kCyclesBeforeFailure : 1;
      const uint64_t to = r.first_mismatch_cycle + kCyclesAfterFailure;
      const int rc = run_waves_child(argc, argv, from, to);
      const std::string files = transaction ? waves_dir + "/dut.fst, " + waves_dir + "/bench.fst"
                                : waves_dir + (design ? "/dut.fst, " : "/rtl.fst, ") + waves_dir + "/systemc.fst";
      if (rc == 0)
        std::printf("\n  waves       %s (cycles %llu..%llu, first mismatch at %llu)\n", files.c_str(),
                    static_cast<unsigned long long>(from), static_cast<unsigned long long>(to),
                    static_cast<unsigned long long>(r.first_mismatch_cycle));
      else
        std::printf("\n  waves       FAILED to write (re-run exited %d)\n", rc);
    } else {
      std::printf("\n  waves       none written: no mismatch\n");
    }
  }

  std::fputs(cosim_pass_line(results).c_str(), stdout);
  std::fflush(stdout);
  outputs.write(results);
  return results.cosim.failed ? kExitMismatch : kExitOk;
}

}  // namespace

// SystemC prints its banner on stderr from the first simulation object, which the Verilator
// tracing runtime may build during static initialisation: switch it off before anything runs,
// so that the summary is the only output.
__attribute__((constructor(101))) static void quiet_systemc_banner() {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
}

int sc_main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const HelpRequested& h) {
    std::fputs(h.usage.c_str(), stdout);
    return kExitOk;
  } catch (const Error& e) {  // VectorFileError included
    std::fprintf(stderr, "hif4 cosim: error: %s\n", e.message.c_str());
    return kExitError;
  }
}
