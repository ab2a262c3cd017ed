// The Verilated RTL as the co-simulation's second design, and the waves writers.
#pragma once
#include <memory>
#include <string>

#include "hif4sim/cosim.h"

namespace hif4::sim {

// Instantiates `verilator --sc` hif4_quantizer, binds it to the bench's shared input signals
// and owns its wide in_data / out_data signals and its outputs.
std::unique_ptr<RtlPorts> make_verilated_rtl(CosimBench& bench);

// Waves of one window of cycles [from, to]: DIR/rtl.fst (every RTL signal, Verilator's FST
// tracer) and DIR/systemc.fst (the SystemC model's ports and probes, the bench's shadow
// pipeline and a mismatch marker, written with the same FST library). Call open() just
// before the edge of cycle `from` and close() after the run.
class Waves {
 public:
  Waves(CosimBench& bench, RtlPorts& rtl, std::string dir);
  ~Waves();
  void open();
  void close();
  void on_edge(uint64_t cycle);  // from CosimBench::on_edge
  std::string files() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Before any Verilated model is built (tracing must be enabled at construction).
void enable_rtl_tracing();

}  // namespace hif4::sim
