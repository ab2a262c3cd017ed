// A loaded user design bound to the lockstep bench's signals (see dut_lockstep.h).
#include "dut_lockstep.h"

#include <string>

namespace hif4::sim {

namespace {

class DutLockstep final : public sc_core::sc_module, public RtlPorts {
  CosimBench& bench_;
  DutModel& dut_;

 public:
  SC_HAS_PROCESS(DutLockstep);
  DutLockstep(sc_core::sc_module_name name, CosimBench& bench, DutModel& dut)
      : sc_core::sc_module(name),
        bench_(bench),
        dut_(dut)
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, , name("dut_" #name))
#include "hif4/ports.def"
  {
    SC_METHOD(evaluate);
    sensitive << bench.clk;
#define HIF4_PORT(name, dir, width, role, ...) HIF4_UNLESS_CLOCK(role, HIF4_IF_IN(dir, sensitive << bench.name;))
#include "hif4/ports.def"
  }

  const char* name() const override { return "DUT"; }
  void set_in_data(const Lanes&) override {}  // read from the bench's in_data signal

  void sample(DutSample& s) const override {
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, s.name = name.read();)
#include "hif4/ports.def"
  }

  const char* trace_file() const override { return "dut.fst"; }
  void trace_open(const std::string& path) override { tracing_ = dut_.trace_open(path); }
  void trace_close() override {
    if (tracing_) dut_.trace_close();
    tracing_ = false;
  }
  const char* stopped() const override { return stopped_.empty() ? nullptr : stopped_.c_str(); }

  // The design's outputs, named as the ports.
#define HIF4_PORT(name, dir, width, ...) HIF4_IF_OUT(dir, Signal<ModelValue<width>> name;)
#include "hif4/ports.def"

 private:
  void put(contract::Port p, uint64_t v) { dut_.set(p, v); }
  void put(contract::Port, const Lanes& lanes) { dut_.set_lanes(lanes); }
  void take(contract::Port p, Signal<bool>& s) { s.write(dut_.get(p) != 0); }
  void take(contract::Port p, Signal<uint32_t>& s) { s.write(static_cast<uint32_t>(dut_.get(p))); }
  void take(contract::Port p, Signal<uint64_t>& s) { s.write(dut_.get(p)); }
  void take(contract::Port, Signal<PackedBlock>& s) {
    PackedBlock b;
    dut_.get_block(b);
    s.write(b);
  }

  void evaluate() {
    put(contract::Port::clk, bench_.clk.read());
#define HIF4_PORT(name, dir, width, role, ...) \
  HIF4_UNLESS_CLOCK(role, HIF4_IF_IN(dir, put(contract::Port::name, bench_.name.read());))
#include "hif4/ports.def"
    dut_.eval(static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5));
    if (tracing_) dut_.trace_dump();
#define HIF4_PORT(name, dir, ...) HIF4_IF_OUT(dir, take(contract::Port::name, name);)
#include "hif4/ports.def"
    if (stopped_.empty() && dut_.event()) {
      stopped_ = dut_.event();
      sc_core::sc_stop();
    }
  }

  bool tracing_ = false;
  std::string stopped_;
};

}  // namespace

std::unique_ptr<RtlPorts> make_dut_lockstep(CosimBench& bench, DutModel& dut) {
  return std::make_unique<DutLockstep>("dut", bench, dut);
}

}  // namespace hif4::sim
