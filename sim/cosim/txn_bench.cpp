// The transaction-level bench (see txn_bench.h).
#include "txn_bench.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "hif4/verify.h"

namespace hif4::sim {

namespace {

constexpr uint64_t kPeriodPs = 10000;  // edge n at (n - 1) * 10 ns, as in the lockstep bench

// "  " before every line of a multi-line text (its last line break kept).
std::string indent(const std::string& text) {
  std::string s;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    s += "  " + text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return s;
}

}  // namespace

TransactionBench::TransactionBench(DutModel& dut, Stimulus& stimulus, const CosimOptions& options)
    : dut_(dut),
      stimulus_(stimulus),
      options_(options),
      rng_(options.handshake_seed ^ 0x68616E647368616Bull),  // the lockstep bench's draws
      stall_threshold_(probability_threshold(options.stall_prob)),
      bubble_threshold_(probability_threshold(options.bubble_prob)) {}

void TransactionBench::report(const std::string& text, bool always) {
  if (result_.first_mismatch_cycle == 0) result_.first_mismatch_cycle = cycle_;
  mismatch_now_ = true;
  if (always || result_.reports.size() < options_.max_reports) result_.reports.push_back(text);
}

std::string TransactionBench::describe(const InFlight& f) const {
  return "block " + std::to_string(f.seq) + " (" + block_origin(f.block) + ", accepted at cycle " +
         std::to_string(f.accept_cycle) + ")";
}

void TransactionBench::remember(std::deque<Recent>& list, const InFlight& f) {
  list.push_back({f.seq, cycle_, f.block.expected, describe(f)});
  if (list.size() > kRecentBlocks) list.pop_front();
}

void TransactionBench::report_mismatch(const InFlight& f, const PackedBlock& out) {
  VectorRecord record;
  std::memcpy(record.input, f.block.lanes.v, sizeof record.input);
  std::memcpy(record.expected, f.block.expected.bytes, sizeof record.expected);
  record.block_index = f.block.block_index;
  const Profile* profile = matching_profile(f.block.cfg);
  const VerifyContext ctx{f.block.cfg, profile ? profile->name : profiles().front().name, nullptr};
  BlockMismatch m;
  std::ostringstream os;
  os << "MISMATCH at cycle " << cycle_ << ": the design's output block differs from the reference model's ("
     << "latency " << (cycle_ - f.accept_cycle) << " edges)\n  " << describe(f) << "\n";
  if (compare_block(ctx, f.seq, record, out.bytes, m)) os << indent(format_mismatch(m));
  os << "  replay: " << options_.replay;
  report(os.str());
}

void TransactionBench::declare_lost(size_t count, const InFlight& found) {
  std::ostringstream os;
  os << "LOST at cycle " << cycle_ << ": the design delivered " << describe(found) << " before " << count
     << " block(s) accepted ahead of it; first missing: " << describe(in_flight_.front())
     << "\n  replay: " << options_.replay;
  report(os.str());
  for (size_t i = 0; i < count; ++i) {
    remember(lost_recent_, in_flight_.front());
    in_flight_.pop_front();
  }
  result_.lost += count;
}

void TransactionBench::deliver(const PackedBlock& out) {
  delivered_ = -1;
  // In order and equal: the common case. Otherwise, in this order: a block delivered again, a
  // block reported missing that turns up late, an output with nothing in flight, a later
  // block's output (the ones before it were dropped), and last a wrong output.
  if (in_flight_.empty() || !(out == in_flight_.front().block.expected)) {
    for (auto it = delivered_recent_.rbegin(); it != delivered_recent_.rend(); ++it) {
      if (!(it->expected == out)) continue;
      ++result_.unexpected;
      report("DUPLICATE at cycle " + std::to_string(cycle_) + ": the design delivered the output of " + it->name +
             " again (first delivered at cycle " + std::to_string(it->cycle) + ")\n  replay: " + options_.replay);
      return;
    }
    for (auto it = lost_recent_.begin(); it != lost_recent_.end(); ++it) {
      if (!(it->expected == out)) continue;
      report("OUT OF ORDER at cycle " + std::to_string(cycle_) + ": the design delivered " + it->name +
             " after later blocks (it was reported missing at cycle " + std::to_string(it->cycle) +
             ")\n  replay: " + options_.replay);
      --result_.lost;
      ++result_.blocks_out;
      ++result_.blocks_failed;
      delivered_ = static_cast<int64_t>(it->seq);
      lost_recent_.erase(it);
      return;
    }
    if (in_flight_.empty()) {
      ++result_.unexpected;
      report("UNEXPECTED output at cycle " + std::to_string(cycle_) + ": the design delivered a block while none " +
             "was in flight (" + std::to_string(result_.blocks_in) + " taken, " + std::to_string(result_.blocks_out) +
             " delivered)\n  block: " + describe_packed(out) + "\n  replay: " + options_.replay);
      return;
    }
    size_t later = 1;
    while (later < in_flight_.size() && later <= kRecentBlocks && !(in_flight_[later].block.expected == out)) ++later;
    if (later < in_flight_.size() && later <= kRecentBlocks) {
      declare_lost(later, in_flight_[later]);
    } else {
      ++result_.output_mismatches;
      ++result_.blocks_failed;
      report_mismatch(in_flight_.front(), out);
    }
  }
  const InFlight& f = in_flight_.front();
  const uint64_t latency = cycle_ - f.accept_cycle;
  if (result_.blocks_out == 0 || latency < result_.min_latency) result_.min_latency = latency;
  result_.max_latency = std::max(result_.max_latency, latency);
  ++result_.blocks_out;
  if (options_.coverage) add_coverage(coverage_, f.block, nullptr);
  delivered_ = static_cast<int64_t>(f.seq);
  remember(delivered_recent_, f);
  in_flight_.pop_front();
}

void TransactionBench::hang() {
  result_.hang = true;
  std::ostringstream os;
  os << "HANG at cycle " << cycle_ << ": no block taken or delivered in " << stuck_
     << " cycles with out_ready high (--timeout-cycles " << options_.stuck_cycles << "); in_ready "
     << dut_.get(contract::Port::in_ready) << ", out_valid " << dut_.get(contract::Port::out_valid) << ", "
     << in_flight_.size() << " block(s) in flight";
  if (!in_flight_.empty()) os << ", lost, first: " << describe(in_flight_.front());
  else if (offering_) os << ", block " << next_seq_ << " offered and never taken";
  os << "\n  replay: " << options_.replay;
  report(os.str(), true);
  result_.lost += in_flight_.size();
}

void TransactionBench::drive_inputs() {
  using contract::Port;
  dut_.set(Port::rst_n, rst_n_);
  dut_.set(Port::in_valid, in_valid_);
  dut_.set(Port::out_ready, out_ready_);
  if (!offering_) return;
  dut_.set_lanes(offered_.lanes);
  dut_.set(Port::in_block_index, offered_.block_index);
  if (have_cfg_ && offered_.cfg == driven_cfg_) return;  // the cfg ports already hold it
  driven_cfg_ = offered_.cfg;
  have_cfg_ = true;
  const contract::CfgPorts cfg = contract::cfg_ports(offered_.cfg);
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, dut_.set(Port::name, cfg.name);)
#include "hif4/ports.def"
}

void TransactionBench::run(const std::function<void(uint64_t)>& on_edge) {
  using contract::Port;
  start_seconds_ = last_progress_ = now_seconds();
  // Every input defined before the first edge: clock low, reset asserted, nothing offered.
  dut_.set(Port::clk, 0);
  dut_.set_lanes(Lanes{});
  dut_.set(Port::in_block_index, 0);
  const contract::CfgPorts cfg0 = contract::cfg_ports(Config{});
#define HIF4_PORT(name, dir, width, role, ...) HIF4_IF_CFG(role, dut_.set(Port::name, cfg0.name);)
#include "hif4/ports.def"
  drive_inputs();
  dut_.eval(0);
  dut_.trace_dump();
  uint64_t drain_left = 0;
  bool draining = false;
  for (;;) {
    ++cycle_;
    const uint64_t rise_ps = (cycle_ - 1) * kPeriodPs;
    taken_ = delivered_ = -1;
    mismatch_now_ = false;
    // What the design's registers sample at this edge: settled since the falling edge.
    const bool in_ready = dut_.get(Port::in_ready) != 0;
    const bool out_valid = dut_.get(Port::out_valid) != 0;
    if (rst_n_) {
      const bool pending = offering_ || !in_flight_.empty();
      bool moved = false;
      if (out_valid && out_ready_) {
        PackedBlock out;
        dut_.get_block(out);
        deliver(out);
        moved = true;
      }
      if (in_valid_ && in_ready) {
        taken_ = static_cast<int64_t>(next_seq_);
        in_flight_.push_back({next_seq_++, std::move(offered_), cycle_});
        offering_ = false;
        ++result_.blocks_in;
        moved = true;
      }
      // Only cycles in which the bench took outputs count: a stall is the bench's doing.
      if (moved) stuck_ = 0;
      else if (pending && out_ready_) ++stuck_;
    }
    dut_.set(Port::clk, 1);
    dut_.eval(rise_ps);
    dut_.trace_dump();
    if (on_edge) on_edge(cycle_);
    if (const char* e = dut_.event()) {
      result_.dut_stopped = e;
      report("DESIGN STOPPED at cycle " + std::to_string(cycle_) + ": " + e + " (" + std::to_string(in_flight_.size()) +
             " block(s) in flight, lost)\n  replay: " + options_.replay,
             true);
      result_.lost += in_flight_.size();
      break;
    }
    if (options_.progress && (cycle_ & 0x3FFF) == 0 && now_seconds() - last_progress_ >= 0.5) {
      last_progress_ = now_seconds();
      print_progress(result_.blocks_out, stimulus_.total(), last_progress_ - start_seconds_, false);
    }
    if (source_done_ && !offering_ && in_flight_.empty()) {
      // Everything came out; a few more cycles, taking whatever is offered, catch extra outputs.
      if (!draining) drain_left = result_.max_latency + 16;
      draining = true;
      if (drain_left-- == 0) break;
    } else if (stuck_ >= options_.stuck_cycles) {
      hang();
      break;
    }
    if (options_.stop_after_cycle && cycle_ >= options_.stop_after_cycle) {
      result_.stopped_early = true;
      break;
    }

    // The next cycle's inputs, driven at the falling edge.
    rst_n_ = cycle_ >= kResetEdges;
    if (!rst_n_) {
      out_ready_ = false;
    } else if (draining) {
      out_ready_ = true;
    } else {
      out_ready_ = static_cast<uint32_t>(rng_.next() >> 32) >= stall_threshold_;
      if (!offering_ && !source_done_) {
        if (bubble_threshold_ && static_cast<uint32_t>(rng_.next() >> 32) < bubble_threshold_) {
        } else if (stimulus_.next(offered_)) {
          offering_ = true;
        } else {
          source_done_ = true;
        }
      }
    }
    in_valid_ = offering_;
    dut_.set(Port::clk, 0);
    drive_inputs();
    dut_.eval(rise_ps + kPeriodPs / 2);
    dut_.trace_dump();
  }
  result_.cycles = cycle_;
  if (options_.progress) print_progress(result_.blocks_out, stimulus_.total(), now_seconds() - start_seconds_, true);
}

}  // namespace hif4::sim
