// The Verilated RTL side of the co-simulation and the FST waves.
#include "rtl_side.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "Vhif4_quantizer.h"
#include "gtkwave/fstapi.h"
#include "verilated.h"
#include "verilated_fst_sc.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

namespace hif4::sim {

namespace {

// The type `verilator --sc` gives a port: the scalar up to 64 bits, sc_bv beyond.
template <unsigned kWidth, bool kWide = (kWidth > 64)>
struct RtlValueOf {
  using type = contract::PortScalar<kWidth>;
};
template <unsigned kWidth>
struct RtlValueOf<kWidth, true> {
  using type = sc_dt::sc_bv<kWidth>;
};
template <unsigned kWidth>
using RtlValue = typename RtlValueOf<kWidth>::type;

// An input the Verilated top shares with the SystemC model: bound to the bench's signal.
struct BenchSignal {
  explicit BenchSignal(const char*) {}
};
// The RTL side's signal of a port: its own for every output and for an input whose Verilated
// type is not the model's (in_data: sc_bv, not Lanes); the bench's for the other inputs.
template <contract::Dir kDir, unsigned kWidth>
using RtlSignal = std::conditional_t<kDir == contract::Dir::out || (kWidth > 64),
                                     Signal<RtlValue<kWidth>>, BenchSignal>;

template <class Port, class Shared>
void bind_port(Port& port, Shared& bench_signal, BenchSignal&) {
  port(bench_signal);
}
template <class Port, class Shared, class T>
void bind_port(Port& port, Shared&, Signal<T>& own) {
  port(own);
}

// A Verilated output's value as the scoreboard keeps it (DutSample: the model's types).
template <class T>
void from_rtl(const T& value, T& sample) {
  sample = value;
}
void from_rtl(const sc_dt::sc_bv<8 * kPackedBytes>& bits, PackedBlock& sample) {
  // Whole 32-bit words: byte k of the block in bits 8k+7:8k.
  for (unsigned w = 0; w < kPackedBytes / 4; ++w) {
    const uint32_t word = bits.get_word(static_cast<int>(w));
    for (unsigned k = 0; k < 4; ++k) sample.bytes[4 * w + k] = static_cast<uint8_t>(word >> (8 * k));
  }
}

class VerilatedRtl final : public RtlPorts {
 public:
  explicit VerilatedRtl(CosimBench& b)
      : top("rtl")
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role, , name("rtl_" #name))
#include "hif4/ports.def"
  {
    top.clk(b.clk);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role, bind_port(top.name, b.name, name);)
#include "hif4/ports.def"
    // A failed contract assertion (rtl/sva, bound into the top) ends the run with a report
    // (stopped()) instead of Verilator's abort.
    Verilated::threadContextp()->fatalOnError(false);
  }

  ~VerilatedRtl() override { write_coverage(); }

  const char* name() const override { return "RTL"; }

  // Whole 32-bit words: lanes 2w and 2w+1 make word w (lane i in bits 16i+15:16i).
  void set_in_data(const Lanes& l) override {
    for (unsigned w = 0; w < kBlockValues / 2; ++w)
      scratch_.set_word(static_cast<int>(w), static_cast<sc_dt::sc_digit>(l.v[2 * w]) |
                                                 static_cast<sc_dt::sc_digit>(l.v[2 * w + 1]) << 16);
    in_data.write(scratch_);
  }

  void sample(DutSample& s) const override {
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, from_rtl(name.read(), s.name);)
#include "hif4/ports.def"
#if VM_COVERAGE
    // Counted from the end of reset on: the first evaluation sets every signal once (a
    // constant 1 would count as toggled), and reset settles the registers.
    if (!coverage_started_) {
      Verilated::threadContextp()->coveragep()->zero();
      coverage_started_ = true;
    }
#endif
    if (stopped_.empty() && Verilated::threadContextp()->gotError()) {
      stopped_ = "a contract assertion of rtl/sva/hif4_quantizer_sva.sv failed (Verilator's %Error line names it)";
      sc_core::sc_stop();
    }
  }
  const char* stopped() const override { return stopped_.empty() ? nullptr : stopped_.c_str(); }

  const char* trace_file() const override { return "rtl.fst"; }
  void trace_open(const std::string& path) override {
    fst_ = std::make_unique<VerilatedFstSc>();
    top.trace(fst_.get(), 99);
    fst_->open(path.c_str());
  }
  void trace_close() override {
    if (fst_) fst_->close();
    fst_.reset();
  }

  Vhif4_quantizer top;
  // One member per port but the clock, named as the port (RtlSignal).
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role, RtlSignal<contract::Dir::dir, width> name;)
#include "hif4/ports.def"

 private:
  // The coverage build (VM_COVERAGE, build/coverage/hif4-cosim): this run's counts (from the
  // first edge after reset on) into $HIF4_RTL_COVERAGE_DIR/cosim.PID.dat, written under a
  // temporary name and renamed, so a merge never reads half a file (scripts/rtl_coverage.sh
  // merges them).
  static void write_coverage() {
#if VM_COVERAGE
    const char* dir = std::getenv("HIF4_RTL_COVERAGE_DIR");
    if (!dir || !*dir) {
      std::fprintf(stderr, "hif4 cosim: coverage build: set HIF4_RTL_COVERAGE_DIR to keep the RTL's coverage\n");
      return;
    }
    const std::string name = std::string(dir) + "/cosim." + std::to_string(::getpid()) + ".dat";
    Verilated::threadContextp()->coveragep()->write((name + ".tmp").c_str());
    if (std::rename((name + ".tmp").c_str(), name.c_str()) != 0)
      std::fprintf(stderr, "hif4 cosim: cannot write %s\n", name.c_str());
#endif
  }

  sc_dt::sc_bv<16 * kBlockValues> scratch_;
  std::unique_ptr<VerilatedFstSc> fst_;
  mutable std::string stopped_;
  mutable bool coverage_started_ = false;
};

}  // namespace

void enable_rtl_tracing() { Verilated::traceEverOn(true); }

std::unique_ptr<RtlPorts> make_verilated_rtl(CosimBench& bench) {
  return std::make_unique<VerilatedRtl>(bench);
}

// ---- Waves ----------------------------------------------------------------------------------

struct Waves::Impl {
  CosimBench& bench;
  RtlPorts& rtl;
  std::string dir;
  bool rtl_open = false;
  void* fst = nullptr;  // the SystemC side's FST writer (gtkwave fstapi)
  struct Var {
    fstHandle h;
    uint32_t bits;
  };
  Var clk{}, port[contract::kPortCount]{};  // port: indexed by contract::Port
  Var cycle{}, seq[4]{}, mismatch{}, rtl_in_ready{}, rtl_out_valid{};
  uint64_t last_mismatch_cycles = 0;

  Var var(const char* name, uint32_t bits) {
    return {fstWriterCreateVar(fst, FST_VT_VCD_WIRE, FST_VD_OUTPUT, bits, name, 0), bits};
  }
  void emit(const Var& v, uint64_t value) { fstWriterEmitValueChange64(fst, v.h, v.bits, value); }
  // A wide value from its 64-bit words, least significant first (fstapi wants the most
  // significant word first).
  template <size_t kWords>
  void emit_words(const Var& v, const uint64_t (&words)[kWords]) {
    uint64_t msw_first[kWords];
    for (size_t i = 0; i < kWords; ++i) msw_first[i] = words[kWords - 1 - i];
    fstWriterEmitValueChangeVec64(fst, v.h, v.bits, msw_first);
  }
  void emit(const Var& v, const Lanes& l) {
    uint64_t words[16 * kBlockValues / 64] = {};
    for (unsigned i = 0; i < kBlockValues; ++i)
      words[i / 4] |= static_cast<uint64_t>(l.v[i]) << (16 * (i % 4));
    emit_words(v, words);
  }
  void emit(const Var& v, const PackedBlock& b) {
    uint64_t words[(8 * kPackedBytes + 63) / 64] = {};
    for (unsigned k = 0; k < kPackedBytes; ++k)
      words[k / 8] |= static_cast<uint64_t>(b.bytes[k]) << (8 * (k % 8));
    emit_words(v, words);
  }
  Var& of(contract::Port p) { return port[static_cast<size_t>(p)]; }
};

Waves::Waves(CosimBench& bench, RtlPorts& rtl, std::string dir)
    : impl_(new Impl{bench, rtl, std::move(dir)}) {
  if (::mkdir(impl_->dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create waves directory '" + impl_->dir + "'");
}

Waves::~Waves() { close(); }

void Waves::open() {
  Impl& w = *impl_;
  w.rtl.trace_open(w.dir + "/" + w.rtl.trace_file());
  w.rtl_open = true;

  w.fst = fstWriterCreate((w.dir + "/systemc.fst").c_str(), 1);
  if (!w.fst) throw std::runtime_error("cannot write '" + w.dir + "/systemc.fst'");
  fstWriterSetTimescaleFromString(w.fst, "1ps");  // as rtl.fst (the SystemC resolution)
  fstWriterSetScope(w.fst, FST_ST_VCD_MODULE, "systemc_model", nullptr);
  // The model's ports, as the bench's signals show them (the clock is drawn by on_edge).
  w.clk = w.var("clk", 1);
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_UNLESS_CLOCK(role, w.of(contract::Port::name) = w.var(#name, width);)
#include "hif4/ports.def"
  fstWriterSetUpscope(w.fst);
  fstWriterSetScope(w.fst, FST_ST_VCD_MODULE, "bench", nullptr);
  w.cycle = w.var("cycle", 64);
  w.seq[0] = w.var("block_seq_s1", 64);
  w.seq[1] = w.var("block_seq_s2", 64);
  w.seq[2] = w.var("block_seq_s3", 64);
  w.seq[3] = w.var("block_seq_s4", 64);
  w.mismatch = w.var("mismatch", 1);
  w.rtl_in_ready = w.var("rtl_in_ready", 1);
  w.rtl_out_valid = w.var("rtl_out_valid", 1);
  fstWriterSetUpscope(w.fst);
}

void Waves::on_edge(uint64_t cycle) {
  Impl& w = *impl_;
  if (!w.fst) return;
  CosimBench& b = w.bench;
  // What the bench read at this edge is what the designs held before it: their outputs and
  // probes since the previous rising edge, the inputs since the falling edge between (the bench
  // drives there). Put each at its time, so the SystemC values line up with rtl.fst; the clock
  // is drawn high from the previous rising edge to the falling edge.
  const uint64_t now_ps = static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5);
  const uint64_t period_ps = static_cast<uint64_t>(b.clk.period().to_seconds() * 1e12 + 0.5);
  const uint64_t rise_ps = now_ps >= period_ps ? now_ps - period_ps : 0;
  const uint64_t fall_ps = now_ps >= period_ps / 2 ? now_ps - period_ps / 2 : 0;
  // Outputs that show a stage register changed at the rising edge, the inputs (and in_ready,
  // which follows out_ready combinationally) at the falling edge.
  fstWriterEmitTimeChange(w.fst, rise_ps);
  w.emit(w.clk, 1);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role,   \
  if (contract::port_info(contract::Port::name).stage > 0)                \
    w.emit(w.of(contract::Port::name), b.name.read());)
#include "hif4/ports.def"
  DutSample rtl_now;
  w.rtl.sample(rtl_now);
  w.emit(w.rtl_out_valid, rtl_now.out_valid);
  w.emit(w.cycle, cycle);
  const uint64_t mismatches = b.result().port_mismatch_cycles + b.result().output_mismatches;
  w.emit(w.mismatch, mismatches != w.last_mismatch_cycles);
  w.last_mismatch_cycles = mismatches;
  fstWriterEmitTimeChange(w.fst, fall_ps);
  w.emit(w.clk, 0);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role,   \
  if (contract::port_info(contract::Port::name).stage == 0)               \
    w.emit(w.of(contract::Port::name), b.name.read());)
#include "hif4/ports.def"
  w.emit(w.rtl_in_ready, rtl_now.in_ready);
  fstWriterEmitTimeChange(w.fst, now_ps);
  w.emit(w.clk, 1);
  for (unsigned s = 0; s < 4; ++s)
    w.emit(w.seq[s], static_cast<uint64_t>(b.block_in_stage(s + 1)));
}

void Waves::close() {
  Impl& w = *impl_;
  if (w.rtl_open) {
    w.rtl.trace_close();
    w.rtl_open = false;
  }
  if (w.fst) {
    fstWriterClose(w.fst);
    w.fst = nullptr;
  }
}

std::string Waves::files() const {
  return impl_->dir + "/" + impl_->rtl.trace_file() + ", " + impl_->dir + "/systemc.fst";
}

}  // namespace hif4::sim
