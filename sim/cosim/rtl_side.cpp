// The Verilated RTL side of the co-simulation and the FST waves.
#include "rtl_side.h"

#include <sys/stat.h>

#include <stdexcept>
#include <vector>

#include "Vhif4_quantizer.h"
#include "gtkwave/fstapi.h"
#include "verilated.h"
#include "verilated_fst_sc.h"

namespace hif4::sim {

namespace {

constexpr unsigned kInWords = kBlockValues * 16 / 32;  // 32 words of in_data
constexpr unsigned kOutWords = kPackedBytes / 4;         // 9 words of out_data

class VerilatedRtl final : public RtlPorts {
 public:
  explicit VerilatedRtl(CosimBench& b)
      : top("rtl"),
        in_data("rtl_in_data"),
        in_ready("rtl_in_ready"),
        out_valid("rtl_out_valid"),
        out_data("rtl_out_data"),
        probe_s1_valid("rtl_probe_s1_valid"),
        probe_s2_valid("rtl_probe_s2_valid"),
        probe_s3_valid("rtl_probe_s3_valid"),
        probe_s1_vmax("rtl_probe_s1_vmax"),
        probe_s1_flags("rtl_probe_s1_flags"),
        probe_s2_sf("rtl_probe_s2_sf"),
        probe_s2_e6m2("rtl_probe_s2_e6m2"),
        probe_s2_rec("rtl_probe_s2_rec"),
        probe_s3_e1("rtl_probe_s3_e1") {
    top.clk(b.clk);
    top.rst_n(b.rst_n);
    top.in_valid(b.in_valid);
    top.in_ready(in_ready);
    top.in_data(in_data);
    top.in_block_index(b.in_block_index);
    top.cfg_sr_seed(b.cfg_sr_seed);
    top.cfg_scale_rounding(b.cfg_scale_rounding);
    top.cfg_payload_rounding(b.cfg_payload_rounding);
    top.cfg_threshold_product(b.cfg_threshold_product);
    top.cfg_payload_product(b.cfg_payload_product);
    top.cfg_negative_zero(b.cfg_negative_zero);
    top.cfg_scale_overflow(b.cfg_scale_overflow);
    top.cfg_scale_underflow(b.cfg_scale_underflow);
    top.cfg_non_finite(b.cfg_non_finite);
    top.out_valid(out_valid);
    top.out_ready(b.out_ready);
    top.out_data(out_data);
    top.probe_s1_valid(probe_s1_valid);
    top.probe_s1_vmax(probe_s1_vmax);
    top.probe_s1_flags(probe_s1_flags);
    top.probe_s2_valid(probe_s2_valid);
    top.probe_s2_sf(probe_s2_sf);
    top.probe_s2_e6m2(probe_s2_e6m2);
    top.probe_s2_rec(probe_s2_rec);
    top.probe_s3_valid(probe_s3_valid);
    top.probe_s3_e1(probe_s3_e1);
  }

  const char* name() const override { return "RTL"; }

  // Whole 32-bit words: lanes 2w and 2w+1 make word w (lane i in bits 16i+15:16i).
  void set_in_data(const Lanes& l) override {
    for (unsigned w = 0; w < kInWords; ++w)
      scratch_.set_word(static_cast<int>(w), static_cast<sc_dt::sc_digit>(l.v[2 * w]) |
                                                 static_cast<sc_dt::sc_digit>(l.v[2 * w + 1]) << 16);
    in_data.write(scratch_);
  }

  void sample(DutSample& s) const override {
    s.in_ready = in_ready.read();
    s.out_valid = out_valid.read();
    const sc_dt::sc_bv<kPackedBytes * 8>& o = out_data.read();
    for (unsigned w = 0; w < kOutWords; ++w) {
      const uint32_t word = o.get_word(static_cast<int>(w));
      for (unsigned k = 0; k < 4; ++k) s.out_data.bytes[4 * w + k] = static_cast<uint8_t>(word >> (8 * k));
    }
    s.s1_valid = probe_s1_valid.read();
    s.s1_vmax = probe_s1_vmax.read();
    s.s1_flags = probe_s1_flags.read();
    s.s2_valid = probe_s2_valid.read();
    s.s2_sf = probe_s2_sf.read();
    s.s2_e6m2 = probe_s2_e6m2.read();
    s.s2_rec = probe_s2_rec.read();
    s.s3_valid = probe_s3_valid.read();
    s.s3_e1 = probe_s3_e1.read();
  }

  Vhif4_quantizer top;
  Signal<sc_dt::sc_bv<kBlockValues * 16>> in_data;
  Signal<bool> in_ready, out_valid;
  Signal<sc_dt::sc_bv<kPackedBytes * 8>> out_data;
  Signal<bool> probe_s1_valid, probe_s2_valid, probe_s3_valid;
  Signal<uint32_t> probe_s1_vmax, probe_s1_flags, probe_s2_sf, probe_s2_e6m2,
      probe_s2_rec, probe_s3_e1;

 private:
  sc_dt::sc_bv<kBlockValues * 16> scratch_;
};

}  // namespace

void enable_rtl_tracing() { Verilated::traceEverOn(true); }

std::unique_ptr<RtlPorts> make_verilated_rtl(CosimBench& bench) {
  return std::make_unique<VerilatedRtl>(bench);
}

// ---- Waves ----------------------------------------------------------------------------------

struct Waves::Impl {
  CosimBench& bench;
  VerilatedRtl& rtl;
  std::string dir;
  VerilatedFstSc* rtl_fst = nullptr;
  void* fst = nullptr;  // the SystemC side's FST writer (gtkwave fstapi)
  struct Var {
    fstHandle h;
    uint32_t bits;
  };
  Var clk{}, in_valid{}, in_ready{}, in_block_index{}, out_ready{}, out_valid{}, out_data{},
      s1_valid{}, s1_vmax{}, s1_flags{}, s2_valid{}, s2_sf{}, s2_e6m2{}, s2_rec{}, s3_valid{},
      s3_e1{}, cycle{}, seq[4]{}, mismatch{}, rtl_in_ready{}, rtl_out_valid{};
  uint64_t last_mismatch_cycles = 0;

  Var var(const char* name, uint32_t bits) {
    return {fstWriterCreateVar(fst, FST_VT_VCD_WIRE, FST_VD_OUTPUT, bits, name, 0), bits};
  }
  void emit(const Var& v, uint64_t value) { fstWriterEmitValueChange64(fst, v.h, v.bits, value); }
};

Waves::Waves(CosimBench& bench, RtlPorts& rtl, std::string dir)
    : impl_(new Impl{bench, static_cast<VerilatedRtl&>(rtl), std::move(dir)}) {
  if (::mkdir(impl_->dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create waves directory '" + impl_->dir + "'");
}

Waves::~Waves() { close(); }

void Waves::open() {
  Impl& w = *impl_;
  w.rtl_fst = new VerilatedFstSc;
  w.rtl.top.trace(w.rtl_fst, 99);
  w.rtl_fst->open((w.dir + "/rtl.fst").c_str());

  w.fst = fstWriterCreate((w.dir + "/systemc.fst").c_str(), 1);
  if (!w.fst) throw std::runtime_error("cannot write '" + w.dir + "/systemc.fst'");
  fstWriterSetTimescaleFromString(w.fst, "1ps");  // as rtl.fst (the SystemC resolution)
  fstWriterSetScope(w.fst, FST_ST_VCD_MODULE, "systemc_model", nullptr);
  w.clk = w.var("clk", 1);
  w.in_valid = w.var("in_valid", 1);
  w.in_ready = w.var("in_ready", 1);
  w.in_block_index = w.var("in_block_index", 64);
  w.out_ready = w.var("out_ready", 1);
  w.out_valid = w.var("out_valid", 1);
  w.out_data = {fstWriterCreateVar(w.fst, FST_VT_VCD_WIRE, FST_VD_OUTPUT, kPackedBytes * 8, "out_data", 0),
                kPackedBytes * 8};
  w.s1_valid = w.var("probe_s1_valid", 1);
  w.s1_vmax = w.var("probe_s1_vmax", 16);
  w.s1_flags = w.var("probe_s1_flags", 2);
  w.s2_valid = w.var("probe_s2_valid", 1);
  w.s2_sf = w.var("probe_s2_sf", 16);
  w.s2_e6m2 = w.var("probe_s2_e6m2", 8);
  w.s2_rec = w.var("probe_s2_rec", 16);
  w.s3_valid = w.var("probe_s3_valid", 1);
  w.s3_e1 = w.var("probe_s3_e1", 24);
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
  fstWriterEmitTimeChange(w.fst, rise_ps);
  w.emit(w.clk, 1);
  w.emit(w.out_valid, b.out_valid_model.read());
  const PackedBlock& o = b.out_data_model.read();
  uint64_t words[(kPackedBytes * 8 + 63) / 64] = {};
  for (unsigned k = 0; k < kPackedBytes; ++k) words[k / 8] |= static_cast<uint64_t>(o.bytes[k]) << (8 * (k % 8));
  // fstapi's Vec64 wants the most significant word first.
  uint64_t msw_first[(kPackedBytes * 8 + 63) / 64];
  constexpr unsigned kN = (kPackedBytes * 8 + 63) / 64;
  for (unsigned i = 0; i < kN; ++i) msw_first[i] = words[kN - 1 - i];
  fstWriterEmitValueChangeVec64(w.fst, w.out_data.h, w.out_data.bits, msw_first);
  w.emit(w.s1_valid, b.probe_s1_valid.read());
  w.emit(w.s1_vmax, b.probe_s1_vmax.read());
  w.emit(w.s1_flags, b.probe_s1_flags.read());
  w.emit(w.s2_valid, b.probe_s2_valid.read());
  w.emit(w.s2_sf, b.probe_s2_sf.read());
  w.emit(w.s2_e6m2, b.probe_s2_e6m2.read());
  w.emit(w.s2_rec, b.probe_s2_rec.read());
  w.emit(w.s3_valid, b.probe_s3_valid.read());
  w.emit(w.s3_e1, b.probe_s3_e1.read());
  w.emit(w.rtl_out_valid, w.rtl.out_valid.read());
  w.emit(w.cycle, cycle);
  const uint64_t mismatches = b.result().port_mismatch_cycles + b.result().output_mismatches;
  w.emit(w.mismatch, mismatches != w.last_mismatch_cycles);
  w.last_mismatch_cycles = mismatches;
  // in_ready follows out_ready combinationally, so it is drawn with the inputs.
  fstWriterEmitTimeChange(w.fst, fall_ps);
  w.emit(w.clk, 0);
  w.emit(w.in_valid, b.in_valid.read());
  w.emit(w.in_block_index, b.in_block_index.read());
  w.emit(w.out_ready, b.out_ready.read());
  w.emit(w.in_ready, b.in_ready_model.read());
  w.emit(w.rtl_in_ready, w.rtl.in_ready.read());
  fstWriterEmitTimeChange(w.fst, now_ps);
  w.emit(w.clk, 1);
  for (unsigned s = 0; s < 4; ++s)
    w.emit(w.seq[s], static_cast<uint64_t>(b.block_in_stage(s + 1)));
}

void Waves::close() {
  Impl& w = *impl_;
  if (w.rtl_fst) {
    w.rtl_fst->close();
    delete w.rtl_fst;
    w.rtl_fst = nullptr;
  }
  if (w.fst) {
    fstWriterClose(w.fst);
    w.fst = nullptr;
  }
}

std::string Waves::files() const { return impl_->dir + "/rtl.fst, " + impl_->dir + "/systemc.fst"; }

}  // namespace hif4::sim
