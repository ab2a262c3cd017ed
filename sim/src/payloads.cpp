// operator<< and sc_trace for the structs on the SystemC model's signals, and the mapping
// between the cfg_* port values and hif4::Config (through the knob table, never by name).
#include "hif4sim/payloads.h"

#include <systemc>

#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "hif4/trace_format.h"

namespace hif4::sim {

Config to_config(const CfgWord& w) {
  const auto& table = knobs();
  Config c;
  for (size_t k = 0; k < table.size(); ++k) table[k].set(c, w.knob[k]);
  c.sr_seed = w.sr_seed;
  return c;
}

CfgWord to_cfg_word(const Config& c) {
  const auto& table = knobs();
  if (table.size() > sizeof(CfgWord{}.knob))
    throw std::logic_error("the knob table has more knobs than the cfg_* ports of the contract");
  CfgWord w;
  for (size_t k = 0; k < table.size(); ++k) w.knob[k] = table[k].get(c);
  w.sr_seed = c.sr_seed;
  return w;
}

bool S1Reg::operator==(const S1Reg& o) const {
  return StageCarry::operator==(o) && PeakResult{peaks} == PeakResult{o.peaks};
}

bool S2Reg::operator==(const S2Reg& o) const {
  return StageCarry::operator==(o) && std::memcmp(v16, o.v16, sizeof v16) == 0 && std::memcmp(v8, o.v8, sizeof v8) == 0 &&
         sf == o.sf && e6m2 == o.e6m2 && rec == o.rec && sr_key == o.sr_key;
}

bool S3Reg::operator==(const S3Reg& o) const {
  return StageCarry::operator==(o) && e6m2 == o.e6m2 && rec == o.rec && sr_key == o.sr_key && e1_8 == o.e1_8 &&
         e1_16 == o.e1_16;
}

bool PeakResult::operator==(const PeakResult& o) const {
  return std::memcmp(peaks.v16, o.peaks.v16, sizeof peaks.v16) == 0 &&
         std::memcmp(peaks.v8, o.peaks.v8, sizeof peaks.v8) == 0 && peaks.vmax == o.peaks.vmax &&
         peaks.has_nan == o.peaks.has_nan && peaks.has_inf == o.peaks.has_inf;
}

std::ostream& operator<<(std::ostream& os, const Lanes& v) {
  os << "lanes[" << hex(v.v[0], 4) << " " << hex(v.v[1], 4) << " ... " << hex(v.v[63], 4) << "]";
  return os;
}

std::ostream& operator<<(std::ostream& os, const PackedBlock& v) {
  for (unsigned k = 0; k < kPackedBytes; ++k) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X", v.bytes[k]);
    os << buf;
  }
  return os;
}

std::ostream& operator<<(std::ostream& os, const CfgWord& v) {
  os << describe(to_config(v)) << " sr-seed=" << v.sr_seed;
  return os;
}

std::ostream& operator<<(std::ostream& os, const S1Reg& v) {
  return os << "S1{valid=" << v.valid << " block=" << v.block_index
            << " vmax=" << hex(v.peaks.vmax, 4) << " nan=" << v.peaks.has_nan
            << " inf=" << v.peaks.has_inf << "}";
}

std::ostream& operator<<(std::ostream& os, const S2Reg& v) {
  return os << "S2{valid=" << v.valid << " block=" << v.block_index << " sf=" << hex(v.sf, 4)
            << " e6m2=" << hex(v.e6m2, 2) << " rec=" << hex(v.rec, 4) << "}";
}

std::ostream& operator<<(std::ostream& os, const S3Reg& v) {
  return os << "S3{valid=" << v.valid << " block=" << v.block_index
            << " e1_8=" << hex(v.e1_8, 2) << " e1_16=" << hex(v.e1_16, 4) << "}";
}

std::ostream& operator<<(std::ostream& os, const S4Reg& v) {
  return os << "S4{valid=" << v.valid << " block=" << v.block_index << " data=" << v.data << "}";
}

std::ostream& operator<<(std::ostream& os, const PeakResult& v) {
  return os << "peaks{vmax=" << hex(v.peaks.vmax, 4) << "}";
}

std::ostream& operator<<(std::ostream& os, const ScaleResult& v) {
  return os << "scale{sf=" << hex(v.sf, 4) << " e6m2=" << hex(v.e6m2, 2)
            << " rec=" << hex(v.rec, 4) << "}";
}

std::ostream& operator<<(std::ostream& os, const E1Result& v) {
  return os << "e1{e1_8=" << hex(v.e1_8, 2) << " e1_16=" << hex(v.e1_16, 4) << "}";
}

// sc_trace: the scalar fields a reader of a SystemC VCD wants (valid, the stage's results).
void sc_trace(sc_core::sc_trace_file* tf, const Lanes& v, const std::string& name) {
  sc_core::sc_trace(tf, v.v[0], name + ".lane0", 16);
}
void sc_trace(sc_core::sc_trace_file* tf, const PackedBlock& v, const std::string& name) {
  sc_core::sc_trace(tf, v.bytes[kOffsetE6M2], name + ".e6m2", 8);
  sc_core::sc_trace(tf, v.bytes[kOffsetE1_8], name + ".e1_8", 8);
}
void sc_trace(sc_core::sc_trace_file* tf, const CfgWord& v, const std::string& name) {
  sc_core::sc_trace(tf, v.sr_seed, name + ".sr_seed", 64);
}
void sc_trace(sc_core::sc_trace_file* tf, const S1Reg& v, const std::string& name) {
  sc_core::sc_trace(tf, v.valid, name + ".valid");
  sc_core::sc_trace(tf, v.peaks.vmax, name + ".vmax", 16);
}
void sc_trace(sc_core::sc_trace_file* tf, const S2Reg& v, const std::string& name) {
  sc_core::sc_trace(tf, v.valid, name + ".valid");
  sc_core::sc_trace(tf, v.sf, name + ".sf", 16);
  sc_core::sc_trace(tf, v.e6m2, name + ".e6m2", 8);
  sc_core::sc_trace(tf, v.rec, name + ".rec", 16);
}
void sc_trace(sc_core::sc_trace_file* tf, const S3Reg& v, const std::string& name) {
  sc_core::sc_trace(tf, v.valid, name + ".valid");
  sc_core::sc_trace(tf, v.e1_8, name + ".e1_8", 8);
  sc_core::sc_trace(tf, v.e1_16, name + ".e1_16", 16);
}
void sc_trace(sc_core::sc_trace_file* tf, const S4Reg& v, const std::string& name) {
  sc_core::sc_trace(tf, v.valid, name + ".valid");
  sc_trace(tf, v.data, name + ".data");
}
void sc_trace(sc_core::sc_trace_file* tf, const PeakResult& v, const std::string& name) {
  sc_core::sc_trace(tf, v.peaks.vmax, name + ".vmax", 16);
}
void sc_trace(sc_core::sc_trace_file* tf, const ScaleResult& v, const std::string& name) {
  sc_core::sc_trace(tf, v.e6m2, name + ".e6m2", 8);
}
void sc_trace(sc_core::sc_trace_file* tf, const E1Result& v, const std::string& name) {
  sc_core::sc_trace(tf, v.e1_8, name + ".e1_8", 8);
  sc_core::sc_trace(tf, v.e1_16, name + ".e1_16", 16);
}

}  // namespace hif4::sim
