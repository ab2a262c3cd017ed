// The Verilated user design behind the C table of hif4_dut_abi.h. hif4-cosim compiles this file
// at run time with the design's Verilated model (prefix Vdut) and the port list it wrote for
// that design (hif4_dut_ports.h: one HIF4_DUT_PORT(name, dir, width, index) per contract port
// the design has), into the shared library it then loads.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "Vdut.h"
#include "hif4_dut_abi.h"
#include "verilated.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
#endif

struct hif4_dut {
  std::unique_ptr<VerilatedContext> context;
  std::unique_ptr<Vdut> top;
#if VM_TRACE_FST
  std::unique_ptr<VerilatedFstC> fst;
#endif
  bool traced = false;  // created with tracing on (trace_open allowed)
  std::string event;    // the first $finish / $stop / $fatal, "" when none
  uint64_t ticks_per_ps_num = 1, ticks_per_ps_den = 1;
};

namespace {

// The instance being evaluated: vl_finish / vl_stop / vl_fatal (below) have no context argument.
hif4_dut* g_evaluating = nullptr;

void note_event(const char* what, const char* file, int line, const char* message) {
  if (!g_evaluating || !g_evaluating->event.empty()) return;  // the first one is the cause
  std::string e = std::string(what) + " at " + (file && file[0] ? file : "?") + ":" + std::to_string(line);
  if (message && message[0]) e += ": " + std::string(message);
  g_evaluating->event = e;
}

// Verilator's port types: CData/SData/IData/QData up to 64 bits, VlWide<N> beyond.
template <class T>
std::enable_if_t<std::is_integral<T>::value> put(T& port, const uint32_t* w, unsigned width) {
  uint64_t v = w[0];
  if (width > 32) v |= static_cast<uint64_t>(w[1]) << 32;
  if (width < 64) v &= (uint64_t{1} << width) - 1;  // Verilator wants the unused bits 0
  port = static_cast<T>(v);
}
template <std::size_t N>
void put(VlWide<N>& port, const uint32_t* w, unsigned width) {
  for (std::size_t i = 0; i < N; ++i) port[i] = w[i];
  if (width % 32) port[N - 1] &= (uint32_t{1} << (width % 32)) - 1;
}
template <class T>
std::enable_if_t<std::is_integral<T>::value> get(const T& port, uint32_t* w, unsigned width) {
  const uint64_t v = static_cast<uint64_t>(port);
  w[0] = static_cast<uint32_t>(v);
  if (width > 32) w[1] = static_cast<uint32_t>(v >> 32);
}
template <std::size_t N>
void get(const VlWide<N>& port, uint32_t* w, unsigned) {
  for (std::size_t i = 0; i < N; ++i) w[i] = port[i];
}

#define HIF4_DUT_IF_in(...) __VA_ARGS__
#define HIF4_DUT_IF_out(...)
#define HIF4_DUT_UNLESS_in(...)
#define HIF4_DUT_UNLESS_out(...) __VA_ARGS__

hif4_dut* create(uint32_t randomize, uint32_t seed, uint32_t trace, const char* const* plusargs, uint32_t count,
                 const char** error) {
  auto dut = std::make_unique<hif4_dut>();
  dut->context = std::make_unique<VerilatedContext>();
  std::vector<const char*> argv = {"hif4-cosim"};
  for (uint32_t i = 0; i < count; ++i) argv.push_back(plusargs[i]);
  dut->context->commandArgs(static_cast<int>(argv.size()), argv.data());
  dut->context->randReset(randomize ? 2 : 0);
  dut->context->randSeed(static_cast<int>(seed & 0x7FFFFFFF));
  dut->context->fatalOnError(false);  // an error ends the run through event(), not exit()
  if (trace) {
#if VM_TRACE_FST
    dut->context->traceEverOn(true);
    dut->traced = true;
#else
    *error = "the design was built without tracing";
    return nullptr;
#endif
  }
  dut->top = std::make_unique<Vdut>(dut->context.get(), "dut");
  // Picoseconds to the design's time precision (10^timeprecision seconds).
  const int precision = dut->context->timeprecision();  // e.g. -12 for 1 ps
  for (int p = precision; p < -12; ++p) dut->ticks_per_ps_num *= 10;
  for (int p = -12; p < precision; ++p) dut->ticks_per_ps_den *= 10;
  (void)error;
  return dut.release();
}

void destroy(hif4_dut* dut) {
  if (!dut) return;
  g_evaluating = dut;
  dut->top->final();
#if VM_TRACE_FST
  if (dut->fst) dut->fst->close();
#endif
  g_evaluating = nullptr;
  delete dut;
}

void set_input(hif4_dut* dut, uint32_t port, const uint32_t* words) {
  switch (port) {
#define HIF4_DUT_PORT(name, dir, width, index) \
  HIF4_DUT_IF_##dir(case index: put(dut->top->name, words, width); break;)
#include "hif4_dut_ports.h"
#undef HIF4_DUT_PORT
    default: break;
  }
}

void get_output(hif4_dut* dut, uint32_t port, uint32_t* words) {
  switch (port) {
#define HIF4_DUT_PORT(name, dir, width, index) \
  HIF4_DUT_UNLESS_##dir(case index: get(dut->top->name, words, width); break;)
#include "hif4_dut_ports.h"
#undef HIF4_DUT_PORT
    default: break;
  }
}

void eval(hif4_dut* dut, uint64_t time_ps) {
  g_evaluating = dut;
  dut->context->time(time_ps * dut->ticks_per_ps_num / dut->ticks_per_ps_den);
  dut->top->eval();
  g_evaluating = nullptr;
}

const char* event(hif4_dut* dut) { return dut->event.empty() ? nullptr : dut->event.c_str(); }

int trace_open(hif4_dut* dut, const char* path) {
#if VM_TRACE_FST
  if (!dut->traced) return -1;
  dut->fst = std::make_unique<VerilatedFstC>();
  dut->top->trace(dut->fst.get(), 99);
  dut->fst->open(path);
  return dut->fst->isOpen() ? 0 : -1;
#else
  (void)dut;
  (void)path;
  return -1;
#endif
}

void trace_dump(hif4_dut* dut) {
#if VM_TRACE_FST
  if (dut->fst) dut->fst->dump(dut->context->time());
#else
  (void)dut;
#endif
}

void trace_close(hif4_dut* dut) {
#if VM_TRACE_FST
  if (dut->fst) dut->fst->close();
  dut->fst.reset();
#else
  (void)dut;
#endif
}

const hif4_dut_api kApi = {HIF4_DUT_ABI_VERSION, create, destroy, set_input, get_output, eval,
                           event, trace_open, trace_dump, trace_close};

}  // namespace

extern "C" const hif4_dut_api* hif4_dut_api_get(void) { return &kApi; }

// The simulation-control calls of the Verilator runtime (built with VL_USER_FINISH,
// VL_USER_STOP and VL_USER_FATAL): recorded for hif4-cosim to report, never exit().
void vl_finish(const char* filename, int linenum, const char*) {
  note_event("$finish", filename, linenum, "");
}
// Verilator ends $stop, $fatal, $error and a failed assertion in vl_stop (it prints their
// message itself); vl_fatal is its own run-time errors.
void vl_stop(const char* filename, int linenum, const char*) {
  note_event("$stop, $fatal, $error or a failed assertion", filename, linenum, "");
}
void vl_fatal(const char* filename, int linenum, const char*, const char* msg) {
  note_event("a Verilator run-time error", filename, linenum, msg);
}
