/* The C interface between hif4-cosim and a user's design built at run time (`hif4 cosim
 * --rtl FILELIST --top NAME`). hif4-cosim verilates the design, compiles hif4_dut_adaptor.cpp
 * (beside this file) against the Verilated model into a shared library, and loads it with
 * dlopen; everything it does with the design goes through the table below.
 *
 * Ports are named by their index in the port contract (contract/include/hif4/ports.def, the
 * order of hif4::contract::kPorts). A value travels as little-endian 32-bit words: word w holds
 * bits 32w+31:32w, so a 1024-bit port is 32 words, a 64-bit port 2, a 1-bit port 1.
 *
 * Plain C, so the adaptor needs no header of the project: only this file, Verilator's own
 * headers and the port list hif4-cosim writes for the design (hif4_dut_ports.h).
 */
#ifndef HIF4_DUT_ABI_H
#define HIF4_DUT_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever the table changes; hif4-cosim refuses a library of another version (and the
 * build cache key includes this file, so a stale library is rebuilt, not loaded). */
#define HIF4_DUT_ABI_VERSION 1

typedef struct hif4_dut hif4_dut;

typedef struct hif4_dut_api {
  uint32_t abi_version;
  /* A new instance of the design. randomize: registers without a reset start random (seeded
   * with seed: Verilator's +verilator+rand+reset+2), not 0. trace: the instance can write an
   * FST file (trace_open). plusargs: `count` arguments such as "+drop=3", which the design
   * reads with $test$plusargs / $value$plusargs. Returns NULL with a message in *error
   * (static storage) on failure. */
  hif4_dut* (*create)(uint32_t randomize, uint32_t seed, uint32_t trace, const char* const* plusargs,
                      uint32_t count, const char** error);
  void (*destroy)(hif4_dut* dut);
  /* An input port's new value (port: contract index); takes effect at the next eval. */
  void (*set_input)(hif4_dut* dut, uint32_t port, const uint32_t* words);
  /* An output port's value after the last eval. */
  void (*get_output)(hif4_dut* dut, uint32_t port, uint32_t* words);
  /* Evaluates the design with the inputs set so far (one call per clock edge or input change),
   * at a time in picoseconds (what $time shows, in the design's own units). */
  void (*eval)(hif4_dut* dut, uint64_t time_ps);
  /* A $finish, $stop, $fatal or failed assertion seen by the last eval, as
   * "$fatal at FILE:LINE: message"; NULL when none. */
  const char* (*event)(hif4_dut* dut);
  /* FST waves of every signal of the design (only for an instance created with trace != 0):
   * open a file (0 on success), dump the values at the time of the last eval, close. */
  int (*trace_open)(hif4_dut* dut, const char* path);
  void (*trace_dump)(hif4_dut* dut);
  void (*trace_close)(hif4_dut* dut);
} hif4_dut_api;

/* The one symbol hif4-cosim looks up: exported although the library is built with
 * -fvisibility=hidden (its Verilator runtime stays private to it). */
__attribute__((visibility("default"))) const hif4_dut_api* hif4_dut_api_get(void);
#define HIF4_DUT_API_SYMBOL "hif4_dut_api_get"

#ifdef __cplusplus
}
#endif

#endif /* HIF4_DUT_ABI_H */
