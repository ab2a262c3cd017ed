// A user's design, built by build_dut() into a shared library, loaded and driven through the C
// table of harness/hif4_dut_abi.h: set the contract's input ports, evaluate, read its outputs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dut_ports.h"
#include "harness/hif4_dut_abi.h"
#include "hif4sim/payloads.h"

namespace hif4::sim {

// The loaded library (dlopen); instances of the design are made from it.
class DutLibrary {
 public:
  // Throws hif4::Error when the library cannot be loaded or is of another ABI version.
  DutLibrary(const std::string& path, const DutPorts& ports);
  ~DutLibrary();
  DutLibrary(const DutLibrary&) = delete;
  DutLibrary& operator=(const DutLibrary&) = delete;
  const hif4_dut_api& api() const { return *api_; }
  const DutPorts& ports() const { return ports_; }

 private:
  void* handle_ = nullptr;
  const hif4_dut_api* api_ = nullptr;
  DutPorts ports_;
};

// One instance of the design. Inputs of the contract the design lacks (the probes are outputs,
// so none: every input is required) are ignored; ports outside the contract stay 0.
class DutModel {
 public:
  // randomize: registers without a reset start random, from `seed` (deterministic per seed);
  // plusargs ("+name=value") are what the design's $value$plusargs read.
  DutModel(const DutLibrary& library, bool randomize, uint32_t seed, bool trace,
           const std::vector<std::string>& plusargs = {});
  ~DutModel();
  DutModel(const DutModel&) = delete;
  DutModel& operator=(const DutModel&) = delete;

  bool has(contract::Port p) const { return library_.ports().has_port(p); }
  // An input of up to 64 bits; in_data from its lanes.
  void set(contract::Port p, uint64_t value);
  void set_lanes(const Lanes& lanes);
  // An output of up to 64 bits; out_data as the packed block.
  uint64_t get(contract::Port p) const;
  void get_block(PackedBlock& block) const;
  void eval(uint64_t time_ps);
  // "$fatal at FILE:LINE: ..." once the design has stopped itself; nullptr before.
  const char* event() const;

  // FST waves of every signal (instances made with trace only).
  bool trace_open(const std::string& path);
  void trace_dump();
  void trace_close();

 private:
  const DutLibrary& library_;
  const hif4_dut_api& api_;
  hif4_dut* dut_ = nullptr;
};

}  // namespace hif4::sim
