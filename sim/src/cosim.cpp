// The co-simulation bench: driver, shadow pipeline and scoreboard (see cosim.h).
#include "hif4sim/cosim.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <type_traits>

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

std::string flags_text(uint32_t v) {
  return std::string("{has_inf=") + ((v & 2) ? "1" : "0") + ", has_nan=" + ((v & 1) ? "1" : "0") + "}";
}

std::string e1_bits_text(uint32_t v) {
  return hex(v, 6) + " (E1_16 " + hex(v >> 8, 4) + ", E1_8 " + hex(v & 0xFF, 2) + ")";
}

// One output's value in a mismatch report, by what the port carries.
std::string port_value_text(contract::Carries c, uint32_t v) {
  using contract::Carries;
  switch (c) {
    case Carries::vmax:
    case Carries::sf:
    case Carries::rec: return bf16_text(v);
    case Carries::e6m2: return e6m2_text(v);
    case Carries::peak_flags: return flags_text(v);
    case Carries::e1_bits: return e1_bits_text(v);
    default: return hex(v, 2);
  }
}

// An output where the designs disagree.
struct PortDiff {
  unsigned stage;
  std::string field, model, rtl;
};

// A valid bit of a stage (the other outputs carry nothing to note).
void note_valid(contract::Port p, bool m, bool r, bool both_valid[]) {
  const contract::PortInfo& info = contract::port_info(p);
  if (info.carries == contract::Carries::valid) both_valid[info.stage] = m && r;
}
template <class T>
void note_valid(contract::Port, const T&, const T&, bool[]) {}

void add_diff(std::vector<PortDiff>& diffs, contract::Port p, bool m, bool r, const bool[]) {
  const contract::PortInfo& info = contract::port_info(p);
  if (m != r) diffs.push_back({info.stage, info.name, m ? "1" : "0", r ? "1" : "0"});
}
void add_diff(std::vector<PortDiff>& diffs, contract::Port p, uint32_t m, uint32_t r,
              const bool both_valid[]) {
  const contract::PortInfo& info = contract::port_info(p);
  if (both_valid[info.stage] && m != r)
    diffs.push_back({info.stage, info.name, port_value_text(info.carries, m),
                     port_value_text(info.carries, r)});
}
void add_diff(std::vector<PortDiff>& diffs, contract::Port p, const PackedBlock& m, const PackedBlock& r,
              const bool both_valid[]) {
  const contract::PortInfo& info = contract::port_info(p);
  if (both_valid[info.stage] && !(m == r))
    diffs.push_back({info.stage, info.name, describe_packed(m, &r), describe_packed(r, &m)});
}

}  // namespace

uint32_t probability_threshold(double p) {
  if (p <= 0) return 0;
  if (p >= 1) return 0xFFFFFFFFu;
  return static_cast<uint32_t>(p * 4294967296.0);
}

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
#define HIF4_PORT(name, ...) model.name(name);
#include "hif4/ports.def"
  model.inject(options.fault);

  // sc_stop() is how a run ends, not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  stall_threshold_ = probability_threshold(options.stall_prob);
  bubble_threshold_ = probability_threshold(options.bubble_prob);
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
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, s.name = name.read();)
#include "hif4/ports.def"
}

CosimBench::InFlight* CosimBench::find(int64_t seq) {
  for (InFlight& f : in_flight_)
    if (static_cast<int64_t>(f.seq) == seq) return &f;
  return nullptr;
}

void CosimBench::mark_failed(int64_t seq) {
  if (InFlight* f = find(seq)) f->failed = true;
}

void CosimBench::report(const std::string& text, bool always) {
  if (result_.first_mismatch_cycle == 0) result_.first_mismatch_cycle = cycle_;
  if (always || result_.reports.size() < options_.max_reports) result_.reports.push_back(text);
}

std::string CosimBench::describe_block(int64_t seq) const {
  for (const InFlight& f : in_flight_) {
    if (static_cast<int64_t>(f.seq) != seq) continue;
    const StimulusBlock& b = f.block;
    std::ostringstream os;
    os << "block " << f.seq << " (" << block_origin(b) << ", accepted at cycle " << f.accept_cycle << ")";
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
  // Every output where the designs disagree, first stage (in pipeline order) first; 0 = the
  // input handshake. A valid or ready bit is compared every cycle, the data a stage shows
  // only while that stage holds a block in both designs.
  bool both_valid[5] = {true, false, false, false, false};
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, note_valid(contract::Port::name, m.name, r.name, both_valid);)
#include "hif4/ports.def"
  std::vector<PortDiff> diffs;
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, add_diff(diffs, contract::Port::name, m.name, r.name, both_valid);)
#include "hif4/ports.def"
  std::stable_sort(diffs.begin(), diffs.end(),
                   [](const PortDiff& a, const PortDiff& b) { return a.stage < b.stage; });
  if (diffs.empty()) return;

  ++result_.port_mismatch_cycles;
  // Every block whose stage disagrees took part in the mismatch.
  for (const PortDiff& d : diffs)
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
  for (const PortDiff& d : diffs) {
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
  rst_n.write(!next_reset_);
  out_ready.write(next_out_ready_);
  in_valid.write(next_in_valid_);
  if (next_block_) {
    drive_block(offered_);
    next_block_ = false;
  }
}

void CosimBench::drive_block(const StimulusBlock& b) {
  in_data.write(b.lanes);
  if (rtl_) rtl_->set_in_data(b.lanes);
  in_block_index.write(b.block_index);
  if (have_cfg_ && b.cfg == driven_cfg_) return;  // the cfg_* signals already hold it
  driven_cfg_ = b.cfg;
  have_cfg_ = true;
  const contract::CfgPorts cfg = contract::cfg_ports(b.cfg);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, name.write(cfg.name);)
#include "hif4/ports.def"
}

bool CosimBench::next_block(StimulusBlock& b) {
  if (!dropped_.empty()) {
    b = std::move(dropped_.front());
    dropped_.pop_front();
    return true;
  }
  return stimulus_.next(b);
}

void CosimBench::finish(bool lost_blocks) {
  if (lost_blocks && !in_flight_.empty()) {
    result_.lost = in_flight_.size();
    result_.hang = true;
    std::ostringstream os;
    os << "HANG at cycle " << cycle_ << ": no output for " << (cycle_ - last_output_cycle_)
       << " cycles (--timeout-cycles " << options_.stuck_cycles << ") while " << in_flight_.size()
       << " accepted block(s) were in flight; lost, first: "
       << describe_block(static_cast<int64_t>(in_flight_.front().seq))
       << "\n  replay: " << options_.replay;
    report(os.str(), true);
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
  print_progress(result_.blocks_out, stimulus_.total(), t - start_seconds_, final_line);
}

void print_progress(uint64_t done, uint64_t total, double seconds, bool final_line) {
  const double rate = static_cast<double>(done) / std::max(seconds, 1e-9);
  std::fprintf(stderr, "\r  %llu", static_cast<unsigned long long>(done));
  if (total) std::fprintf(stderr, "/%llu", static_cast<unsigned long long>(total));
  std::fprintf(stderr, " blocks, %.0f k blocks/s", rate / 1e3);
  if (total && rate > 0 && !final_line)
    std::fprintf(stderr, ", %.0f s left", static_cast<double>(total - std::min(done, total)) / rate);
  std::fprintf(stderr, final_line ? "\n" : "   ");
}

void add_coverage(std::vector<std::unique_ptr<Coverage>>& collectors, const StimulusBlock& block,
                  const PackedBlock* model_output) {
  // The bins are the model's for the block (what the design was checked against), counted
  // from the model's packed bytes (Coverage::add_block), never from a design under test; one
  // collector per knob setting: blocks that differ only in the SR seed share one. Identical
  // bytes are the same setting (Config holds integers only), a test much cheaper than
  // Config's knob-by-knob comparison, which decides the rest.
  static_assert(std::is_trivially_copyable<Config>::value, "Config compared by its bytes first");
  Coverage* cov = nullptr;
  for (auto& c : collectors) {
    Config same_seed = block.cfg;
    same_seed.sr_seed = c->config().sr_seed;
    if (std::memcmp(&c->config(), &same_seed, sizeof same_seed) == 0 || c->config() == same_seed) {
      cov = c.get();
      break;
    }
  }
  if (!cov) {
    collectors.push_back(std::make_unique<Coverage>(block.cfg));
    cov = collectors.back().get();
  }
  if (block.cfg.payload_rounding == PayloadRounding::Stochastic) {
    // Random bits, which the tables do not hold: the trace, under the block's own SR seed
    // (the collector's may be another block's).
    static thread_local BlockTrace scratch;
    quantize_block(block.lanes.v, block.cfg, block.block_index, &scratch);
    cov->add(scratch);
  } else if (model_output) {
    cov->add_block(block.lanes.v, block.block_index, model_output->bytes);
  } else {
    cov->add_block(block.lanes.v, block.block_index);
  }
}

std::string block_origin(const StimulusBlock& b) {
  return (b.origin ? *b.origin : std::string("?")) + ", block " + std::to_string(b.origin_block) +
         ", in_block_index " + std::to_string(b.block_index);
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
          // The SystemC model runs the model's stage functions: without an injected fault, its
          // output, equal to the expectation, is the model's block, and the bins need not make
          // it again.
          const bool model_output = !options_.fault.active() && m.out_data == f.block.expected;
          add_coverage(coverage_, f.block, model_output ? &m.out_data : nullptr);
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
      ++accepted_since_reset_;
    }
    if (advance) {
      shadow_[3] = shadow_[2];
      shadow_[2] = shadow_[1];
      shadow_[1] = shadow_[0];
      shadow_[0] = entered;
    }
  } else {
    shadow_[0] = shadow_[1] = shadow_[2] = shadow_[3] = -1;
    if (reset_phase_ == ResetPhase::Resetting) {
      // The blocks in flight are gone from both designs: any of them delivered from now on is
      // a block never accepted (or a wrong one); they are offered again, in order.
      ++result_.resets;
      result_.dropped += in_flight_.size();
      for (auto f = in_flight_.rbegin(); f != in_flight_.rend(); ++f) dropped_.push_front(std::move(f->block));
      // (after the block on the input, which the reset did not take)
      in_flight_.clear();
      reset_phase_ = ResetPhase::Counting;
      accepted_since_reset_ = 0;
    }
  }
  if (edge_hook_) edge_hook_(cycle_);

  if ((cycle_ & 0x3FFF) == 0) progress_line(false);
  if (source_done_ && !offering_ && in_flight_.empty() && dropped_.empty()) return finish(false);
  if (!in_flight_.empty() && cycle_ - last_output_cycle_ > options_.stuck_cycles) return finish(true);
  if (options_.stop_after_cycle && cycle_ >= options_.stop_after_cycle) {
    result_.stopped_early = true;
    return finish(false);
  }

  // The next cycle's inputs, written by drive() at the falling edge (the designs sample them at
  // the next rising edge). Reset is held through edge 1.
  next_out_ready_ = static_cast<uint32_t>(rng_.next() >> 32) >= stall_threshold_;
  next_reset_ = false;
  if (options_.reset_every && !in_reset) {
    if (reset_phase_ == ResetPhase::Counting && accepted_since_reset_ >= options_.reset_every)
      reset_phase_ = ResetPhase::Filling;
    if (reset_phase_ == ResetPhase::Filling) {
      // Blocks come without bubbles and the output stalls until every stage of the model holds
      // one (the RTL's are compared every cycle); the output is taken only while a bubble must
      // move on. With no block left to offer, no reset.
      const bool full = shadow_[0] >= 0 && shadow_[1] >= 0 && shadow_[2] >= 0 && shadow_[3] >= 0;
      next_out_ready_ = !full && shadow_[3] >= 0;
      if (full) {
        reset_phase_ = ResetPhase::Resetting;
        next_reset_ = true;
      } else if (source_done_ && !offering_ && dropped_.empty()) {
        reset_phase_ = ResetPhase::Counting;
        accepted_since_reset_ = 0;
      }
    }
  }
  const bool filling = reset_phase_ == ResetPhase::Filling;
  if (!offering_ && (!source_done_ || !dropped_.empty())) {
    if (!filling && bubble_threshold_ && static_cast<uint32_t>(rng_.next() >> 32) < bubble_threshold_) {
      next_in_valid_ = false;
    } else if (next_block(offered_)) {
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
