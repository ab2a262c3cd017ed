// The co-simulation bench: driver, shadow pipeline and scoreboard (see cosim.h).
#include "hif4sim/cosim.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "hif4/block.h"
#include "hif4/trace_format.h"

namespace hif4::sim {

double now_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

namespace {

// "0x3F80 (1)" style: a BF16 pattern and its value.
std::string bf16_text(uint32_t bits) {
  std::ostringstream os;
  os << hex(bits & 0xFFFF, 4) << " (" << bf16_to_double(static_cast<uint16_t>(bits)) << ")";
  return os.str();
}

std::string e6m2_text(uint32_t code) {
  if (code == kE6M2NaN) return hex(code, 2) + " (NaN block)";
  const Dyadic v = e6m2_value(static_cast<uint8_t>(code));
  std::ostringstream os;
  os << hex(code, 2) << " (" << (static_cast<double>(v.sig) / 4.0) << "*2^" << (v.exp + 2) << ")";
  return os.str();
}

uint32_t threshold(double p) {
  if (p <= 0) return 0;
  if (p >= 1) return 0xFFFFFFFFu;
  return static_cast<uint32_t>(p * 4294967296.0);
}

}  // namespace

std::string describe_packed(const PackedBlock& p, const PackedBlock* other) {
  const Block b = unpack_block(p.bytes);
  std::string s = "E6M2 " + e6m2_text(b.e6m2) + "  E1_8 " + hex(b.e1_8, 2) + "  E1_16 " +
                  hex(b.e1_16, 4);
  if (other) {
    const Block o = unpack_block(other->bytes);
    unsigned shown = 0, differ = 0;
    std::string lanes;
    for (unsigned i = 0; i < kBlockValues; ++i) {
      if (b.codes[i] == o.codes[i]) continue;
      ++differ;
      if (shown++ < 6) lanes += " " + std::to_string(i) + ":" + hex(b.codes[i], 1);
    }
    if (differ) s += "  lanes differing (" + std::to_string(differ) + "):" + lanes + (differ > 6 ? " ..." : "");
  }
  return s;
}

CosimBench::CosimBench(sc_core::sc_module_name name, Stimulus& stimulus, const CosimOptions& options)
    : sc_core::sc_module(name),
      clk("clk", 10, sc_core::SC_NS),
      model("model"),
      stimulus_(stimulus),
      options_(options),
      rng_(options.handshake_seed ^ 0x68616E647368616Bull) {
  model.clk(clk);
  model.rst_n(rst_n);
  model.in_valid(in_valid);
  model.in_ready(in_ready_model);
  model.in_data(in_data_model);
  model.in_block_index(in_block_index);
  model.cfg_sr_seed(cfg_sr_seed);
  model.cfg_scale_rounding(cfg_scale_rounding);
  model.cfg_payload_rounding(cfg_payload_rounding);
  model.cfg_threshold_product(cfg_threshold_product);
  model.cfg_payload_product(cfg_payload_product);
  model.cfg_negative_zero(cfg_negative_zero);
  model.cfg_scale_overflow(cfg_scale_overflow);
  model.cfg_scale_underflow(cfg_scale_underflow);
  model.cfg_non_finite(cfg_non_finite);
  model.out_valid(out_valid_model);
  model.out_ready(out_ready);
  model.out_data(out_data_model);
  model.probe_s1_valid(probe_s1_valid);
  model.probe_s1_vmax(probe_s1_vmax);
  model.probe_s1_flags(probe_s1_flags);
  model.probe_s2_valid(probe_s2_valid);
  model.probe_s2_sf(probe_s2_sf);
  model.probe_s2_e6m2(probe_s2_e6m2);
  model.probe_s2_rec(probe_s2_rec);
  model.probe_s3_valid(probe_s3_valid);
  model.probe_s3_e1(probe_s3_e1);
  model.inject(options.fault);

  // sc_stop() is how a run ends, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  stall_threshold_ = threshold(options.stall_prob);
  bubble_threshold_ = threshold(options.bubble_prob);
  start_seconds_ = last_progress_ = now_seconds();

  half_period_ = clk.period() / 2;
  if (clk.duty_cycle() != 0.5 || !clk.posedge_first())
    throw std::logic_error("the bench drives at the falling edge, half a period after the rising one");

  SC_METHOD(edge);
  sensitive << clk.posedge_event();
  dont_initialize();
  SC_METHOD(drive);
  sensitive << drive_event_;
  dont_initialize();
}

void CosimBench::sample_model(DutSample& s) const {
  s.in_ready = in_ready_model.read();
  s.out_valid = out_valid_model.read();
  s.out_data = out_data_model.read();
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

CosimBench::InFlight* CosimBench::find(int64_t seq) {
  for (InFlight& f : in_flight_)
    if (static_cast<int64_t>(f.seq) == seq) return &f;
  return nullptr;
}

void CosimBench::mark_failed(int64_t seq) {
  if (InFlight* f = find(seq)) f->failed = true;
}

void CosimBench::report(const std::string& text) {
  if (result_.first_mismatch_cycle == 0) result_.first_mismatch_cycle = cycle_;
  if (result_.reports.size() < options_.max_reports) result_.reports.push_back(text);
}

std::string CosimBench::describe_block(int64_t seq) const {
  for (const InFlight& f : in_flight_) {
    if (static_cast<int64_t>(f.seq) != seq) continue;
    const StimulusBlock& b = f.block;
    std::ostringstream os;
    os << "block " << f.seq << " (" << (b.origin ? *b.origin : std::string("?")) << ", block " << b.origin_block
       << ", in_block_index " << b.block_index << ", accepted at cycle " << f.accept_cycle << ")";
    // A one-block replay through the reference model: `hif4 explain` with the 64 lanes.
    const Profile* p = matching_profile(b.cfg);
    const Config base = p ? p->config : profiles().front().config;
    os << "\n    explain: hif4 explain --profile " << (p ? p->name : profiles().front().name);
    for (const Knob& k : knobs())
      if (k.get(b.cfg) != k.get(base)) os << " --set " << k.name << "=" << knob_value_name(k, b.cfg);
    if (b.cfg.sr_seed) os << " --sr-seed " << b.cfg.sr_seed;
    os << " --block-index " << b.block_index << " --values ";
    for (unsigned i = 0; i < kBlockValues; ++i) os << (i ? "," : "") << hex(b.lanes.v[i], 4);
    return os.str();
  }
  return seq < 0 ? "a bubble (no block)" : "block " + std::to_string(seq);
}

void CosimBench::compare_designs(const DutSample& m, const DutSample& r) {
  // Find the first stage (in pipeline order) where the designs disagree; 0 = handshake.
  struct Diff {
    unsigned stage;
    std::string field, model, rtl;
  };
  std::vector<Diff> diffs;
  const auto flag = [&](unsigned st, const char* f, bool a, bool b) {
    if (a != b) diffs.push_back({st, f, a ? "1" : "0", b ? "1" : "0"});
  };
  const auto field = [&](unsigned st, const char* f, uint32_t a, uint32_t b,
                         std::string (*text)(uint32_t)) {
    if (a != b) diffs.push_back({st, f, text(a), text(b)});
  };
  const auto hex2 = [](uint32_t v) { return hex(v, 2); };
  const auto hex6 = [](uint32_t v) {
    return hex(v, 6) + " (E1_16 " + hex(v >> 8, 4) + ", E1_8 " + hex(v & 0xFF, 2) + ")";
  };
  const auto flags = [](uint32_t v) {
    return std::string("{has_inf=") + ((v & 2) ? "1" : "0") + ", has_nan=" + ((v & 1) ? "1" : "0") + "}";
  };
  flag(0, "in_ready", m.in_ready, r.in_ready);
  flag(1, "probe_s1_valid", m.s1_valid, r.s1_valid);
  if (m.s1_valid && r.s1_valid) {
    field(1, "probe_s1_vmax", m.s1_vmax, r.s1_vmax, bf16_text);
    field(1, "probe_s1_flags", m.s1_flags, r.s1_flags, flags);
  }
  flag(2, "probe_s2_valid", m.s2_valid, r.s2_valid);
  if (m.s2_valid && r.s2_valid) {
    field(2, "probe_s2_sf", m.s2_sf, r.s2_sf, bf16_text);
    field(2, "probe_s2_e6m2", m.s2_e6m2, r.s2_e6m2, e6m2_text);
    field(2, "probe_s2_rec", m.s2_rec, r.s2_rec, bf16_text);
  }
  flag(3, "probe_s3_valid", m.s3_valid, r.s3_valid);
  if (m.s3_valid && r.s3_valid) field(3, "probe_s3_e1", m.s3_e1, r.s3_e1, hex6);
  flag(4, "out_valid", m.out_valid, r.out_valid);
  if (m.out_valid && r.out_valid && !(m.out_data == r.out_data))
    diffs.push_back({4, "out_data", describe_packed(m.out_data, &r.out_data),
                     describe_packed(r.out_data, &m.out_data)});
  (void)hex2;
  if (diffs.empty()) return;

  ++result_.port_mismatch_cycles;
  // Every block whose stage disagrees took part in the mismatch.
  for (const Diff& d : diffs)
    if (d.stage) mark_failed(shadow_[d.stage - 1]);
  if (result_.first_mismatch_cycle != 0 && result_.reports.size() >= options_.max_reports) {
    if (result_.first_mismatch_cycle == 0) result_.first_mismatch_cycle = cycle_;
    return;
  }
  const unsigned stage = diffs.front().stage;
  std::ostringstream os;
  os << "MISMATCH at cycle " << cycle_ << ": SystemC model and " << rtl_->name()
     << " disagree first at " << (stage ? "stage S" + std::to_string(stage) : std::string("the input handshake"))
     << "\n  " << (stage ? describe_block(shadow_[stage - 1]) : describe_block(-1)) << "\n";
  for (const Diff& d : diffs) {
    os << "  S" << d.stage << " " << d.field << ":\n      SystemC " << d.model << "\n      "
       << rtl_->name() << "    " << d.rtl << "\n";
  }
  if (options_.fault.active()) os << "  (fault injected into the SystemC model: " << options_.fault.text << ")\n";
  os << "  replay: " << options_.replay;
  report(os.str());
}

void CosimBench::check_output(const InFlight& f, const DutSample& m, const DutSample* r) {
  const PackedBlock& want = f.block.expected;
  const bool model_bad = !(m.out_data == want);
  const bool rtl_bad = r && r->out_valid && !(r->out_data == want);
  if (!model_bad && !rtl_bad) return;
  ++result_.output_mismatches;
  const_cast<InFlight&>(f).failed = true;
  std::ostringstream os;
  os << "MISMATCH at cycle " << cycle_ << ": output block differs from the expectation ("
     << (model_bad && rtl_bad ? "SystemC model and " + std::string(r ? rtl_->name() : "")
         : model_bad          ? std::string("SystemC model")
                              : std::string(rtl_->name()))
     << ")\n  " << describe_block(static_cast<int64_t>(f.seq)) << "\n";
  os << "  expected " << describe_packed(want) << "\n";
  os << "  SystemC  " << describe_packed(m.out_data, &want) << "\n";
  if (r) os << "  " << rtl_->name() << "     " << describe_packed(r->out_data, &want) << "\n";
  if (options_.fault.active()) os << "  (fault injected into the SystemC model: " << options_.fault.text << ")\n";
  os << "  replay: " << options_.replay;
  report(os.str());
}

void CosimBench::drive() {
  rst_n.write(true);
  out_ready.write(next_out_ready_);
  in_valid.write(next_in_valid_);
  if (next_block_) {
    drive_block(offered_);
    next_block_ = false;
  }
}

void CosimBench::drive_block(const StimulusBlock& b) {
  in_data_model.write(b.lanes);
  if (rtl_) rtl_->set_in_data(b.lanes);
  in_block_index.write(b.block_index);
  if (have_cfg_ && b.cfg == driven_cfg_) return;  // the cfg_* signals already hold it
  driven_cfg_ = b.cfg;
  have_cfg_ = true;
  const CfgWord w = to_cfg_word(b.cfg);
  cfg_scale_rounding.write(w.knob[0]);
  cfg_payload_rounding.write(w.knob[1]);
  cfg_threshold_product.write(w.knob[2]);
  cfg_payload_product.write(w.knob[3]);
  cfg_negative_zero.write(w.knob[4]);
  cfg_scale_overflow.write(w.knob[5]);
  cfg_scale_underflow.write(w.knob[6]);
  cfg_non_finite.write(w.knob[7]);
  cfg_sr_seed.write(w.sr_seed);
}

void CosimBench::finish(bool lost_blocks) {
  if (lost_blocks && !in_flight_.empty()) {
    result_.lost = in_flight_.size();
    std::ostringstream os;
    os << "LOST at cycle " << cycle_ << ": " << in_flight_.size()
       << " accepted block(s) never came out (no output for " << (cycle_ - last_output_cycle_)
       << " cycles); first: " << describe_block(static_cast<int64_t>(in_flight_.front().seq))
       << "\n  replay: " << options_.replay;
    report(os.str());
  }
  result_.cycles = cycle_;
  finished_ = true;
  progress_line(true);
  sc_core::sc_stop();
}

void CosimBench::progress_line(bool final_line) {
  if (!options_.progress) return;
  const double t = now_seconds();
  if (!final_line && t - last_progress_ < 0.5) return;
  last_progress_ = t;
  const double rate = static_cast<double>(result_.blocks_out) / std::max(t - start_seconds_, 1e-9);
  const uint64_t total = stimulus_.total();
  std::fprintf(stderr, "\r  %llu", static_cast<unsigned long long>(result_.blocks_out));
  if (total) std::fprintf(stderr, "/%llu", static_cast<unsigned long long>(total));
  std::fprintf(stderr, " blocks, %.0f k blocks/s", rate / 1e3);
  if (total && rate > 0 && !final_line)
    std::fprintf(stderr, ", %.0f s left", static_cast<double>(total - result_.blocks_out) / rate);
  std::fprintf(stderr, final_line ? "\n" : "   ");
}

void CosimBench::edge() {
  ++cycle_;
  DutSample m;
  sample_model(m);
  DutSample r;
  const bool in_reset = !rst_n.read();
  // Cycle 1 samples the designs before their first (reset) edge: nothing defined to compare.
  if (rtl_ && cycle_ > 1) {
    rtl_->sample(r);
    compare_designs(m, r);
  }
  const bool in_v = in_valid.read();
  const bool o_ready = out_ready.read();
  if (!in_reset) {
    if (m.out_valid && o_ready) {
      if (in_flight_.empty()) {
        ++result_.output_mismatches;
        report("MISMATCH at cycle " + std::to_string(cycle_) +
               ": the SystemC model delivered a block that was never accepted\n  replay: " +
               options_.replay);
      } else {
        const InFlight& f = in_flight_.front();
        check_output(f, m, rtl_ ? &r : nullptr);
        const uint64_t latency = cycle_ - f.accept_cycle;
        if (result_.blocks_out == 0 || latency < result_.min_latency) result_.min_latency = latency;
        if (latency > result_.max_latency) result_.max_latency = latency;
        ++result_.blocks_out;
        if (f.failed) ++result_.blocks_failed;
        if (options_.coverage) {
          // The bins come from the model's trace of the block (what the RTL was checked against).
          Coverage* cov = nullptr;
          for (auto& c : coverage_)
            if (c->config() == f.block.cfg) cov = c.get();
          if (!cov) {
            coverage_.push_back(std::make_unique<Coverage>(f.block.cfg));
            cov = coverage_.back().get();
          }
          quantize_block(f.block.lanes.v, f.block.cfg, f.block.block_index, &trace_);
          cov->add(trace_);
        }
        in_flight_.pop_front();
      }
      last_output_cycle_ = cycle_;
    }
    const bool advance = !m.out_valid || o_ready;
    const bool accepted = in_v && m.in_ready;
    int64_t entered = -1;
    if (accepted) {
      entered = static_cast<int64_t>(next_seq_);
      in_flight_.push_back({next_seq_++, std::move(offered_), cycle_});  // next() refills it
      if (in_flight_.size() == 1) last_output_cycle_ = cycle_;
      offering_ = false;
      ++result_.blocks_in;
    }
    if (advance) {
      shadow_[3] = shadow_[2];
      shadow_[2] = shadow_[1];
      shadow_[1] = shadow_[0];
      shadow_[0] = entered;
    }
  } else {
    shadow_[0] = shadow_[1] = shadow_[2] = shadow_[3] = -1;
  }
  if (edge_hook_) edge_hook_(cycle_);

  if ((cycle_ & 0x3FFF) == 0) progress_line(false);
  if (source_done_ && !offering_ && in_flight_.empty()) return finish(false);
  if (!in_flight_.empty() && cycle_ - last_output_cycle_ > options_.stuck_cycles) return finish(true);
  if (options_.stop_after_cycle && cycle_ >= options_.stop_after_cycle) {
    result_.stopped_early = true;
    return finish(false);
  }

  // The next cycle's inputs, written by drive() at the falling edge (the designs sample them at
  // the next rising edge). Reset is held through edge 1.
  next_out_ready_ = static_cast<uint32_t>(rng_.next() >> 32) >= stall_threshold_;
  if (!offering_ && !source_done_) {
    if (bubble_threshold_ && static_cast<uint32_t>(rng_.next() >> 32) < bubble_threshold_) {
      next_in_valid_ = false;
    } else if (stimulus_.next(offered_)) {
      next_block_ = true;
      next_in_valid_ = true;
      offering_ = true;
    } else {
      source_done_ = true;
      next_in_valid_ = false;
    }
  } else if (!offering_) {
    next_in_valid_ = false;
  }
  drive_event_.notify(half_period_);
}

}  // namespace hif4::sim
