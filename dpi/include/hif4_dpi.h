/* hif4_dpi: the HiF4 reference model for SystemVerilog testbenches, through DPI-C.
 *
 * The shared library libhif4_dpi.so exports these C functions; dpi/hif4_dpi_pkg.sv imports them
 * ("DPI-C") into the package hif4_dpi_pkg. The types are the standard DPI mapping of the
 * SystemVerilog argument types (IEEE 1800, annex H; svdpi.h comes with every simulator):
 *
 *   SystemVerilog                C
 *   input  bit [N-1:0]           const svBitVecVal*  (N/32 words, bit 32w+b in word w bit b)
 *   output bit [N-1:0]           svBitVecVal*
 *   input  hif4_cfg_t            const svBitVecVal*  (a packed struct: HIF4_CFG_BITS bits)
 *   input  longint unsigned      unsigned long long
 *   input  int                   int
 *   int / real / string result   int / double / const char*
 *
 * Bit layouts are those of the hif4_quantizer ports (docs/microarchitecture.md): in_data lane i
 * in bits 16i+15:16i; a packed block's byte k in bits 8k+7:8k; hif4_cfg_t holds the cfg_* ports
 * in contract order, each with the encoding of its port (hif4_cfg_pkg, `hif4 profiles`).
 * A returned string stays valid until the next call of the same thread. docs/dpi.md explains
 * the functions and how to load the library in each simulator.
 */
#ifndef HIF4_DPI_H
#define HIF4_DPI_H

#include "svdpi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The block `in_data` (1024 bits) quantized under `cfg` with block index `in_block_index` (it
 * feeds only stochastic rounding) into `out_data` (288 bits): what hif4_quantizer must deliver.
 * Returns 0; -1 when a cfg field holds no value of its knob (out_data is then all 0 and
 * hif4_dpi_last_error() says which field). */
int hif4_dpi_quantize(const svBitVecVal* in_data, unsigned long long in_block_index,
                      const svBitVecVal* cfg, svBitVecVal* out_data);

/* The fields of a packed block: E6M2 (8 bits), E1_8 (8), E1_16 (16), the 64 S1P2 codes (256
 * bits, code i in bits 4i+3:4i) and the 64 decoded values as FP32 bit patterns (2048 bits,
 * value i in bits 32i+31:32i; every HiF4 value is exact in FP32; a NaN block gives 64 NaNs).
 * Returns 1 for a NaN block (E6M2 0xFF), else 0. */
int hif4_dpi_decode(const svBitVecVal* block, svBitVecVal* e6m2, svBitVecVal* e1_8,
                    svBitVecVal* e1_16, svBitVecVal* codes, svBitVecVal* values);

/* The decoded value of lane `lane` (0..63) of a packed block; NaN for a NaN block or a lane
 * outside 0..63. */
double hif4_dpi_lane_value(const svBitVecVal* block, int lane);

/* Where `got` differs from `expected` for the block `in_data` under `cfg`, in one line: the
 * fields and lanes that differ, expected and got values of the first of each, the first
 * differing pipeline stage with the reference model's values there, and a `hif4 explain`
 * command replaying the block. "" when the blocks are equal. */
const char* hif4_dpi_explain(const svBitVecVal* in_data, unsigned long long in_block_index,
                             const svBitVecVal* cfg, const svBitVecVal* expected,
                             const svBitVecVal* got);

/* A packed block in one line: E6M2 with its value, E1_8, E1_16 and the 64 codes. */
const char* hif4_dpi_format_block(const svBitVecVal* block);

/* Seeded random test data, the same on every machine for the same (seed, index): the corner
 * blocks of `hif4 cosim --random` (peaks at every exponent, ties, zeros, subnormals, NaN/Inf,
 * huge and tiny blocks) and a configuration with every knob at a valid value. */
void hif4_dpi_random_block(unsigned long long seed, unsigned long long index, svBitVecVal* in_data);
void hif4_dpi_random_cfg(unsigned long long seed, unsigned long long index, svBitVecVal* cfg);

/* The width of hif4_cfg_t this library was built for (the package checks it against its own),
 * the library's version and the message of the last failed call ("" when none). */
int hif4_dpi_cfg_bits(void);
const char* hif4_dpi_version(void);
const char* hif4_dpi_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* HIF4_DPI_H */
