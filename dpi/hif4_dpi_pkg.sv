// hif4_dpi_pkg: the HiF4 reference model inside a SystemVerilog testbench, through DPI-C. The
// functions are those of libhif4_dpi.so (dpi/include/hif4_dpi.h has their C side); docs/dpi.md
// shows how to compile and load them in Verilator and in the commercial simulators.
//
//   hif4_dpi_check_library()  once at time 0: the library matches this package
//   hif4_dpi_quantize         the block hif4_quantizer must deliver for an input and a cfg
//   hif4_dpi_explain          where a DUT's block differs from it, in one line
//   hif4_dpi_decode, hif4_dpi_lane_value, hif4_dpi_format_block   a packed block's contents
//   hif4_dpi_random_block, hif4_dpi_random_cfg                     seeded random test data
//
// Bit layouts are the ports' (docs/microarchitecture.md): in_data lane i in bits 16i+15:16i,
// a packed block's byte k in bits 8k+7:8k.
package hif4_dpi_pkg;

  // The configuration as hif4_quantizer's cfg_* ports carry it: one field per port, named as
  // the port, with its encoding (hif4_cfg_pkg, `hif4 profiles`), so `.cfg_x(cfg.cfg_x)` wires a
  // DUT. The field list is generated; HIF4_CFG_BITS is its width.
  // hif4_cfg_t generated from contract/include/hif4/ports.def (build/hif4-contract write .)
  typedef struct packed {
    bit [63:0] cfg_sr_seed;
    bit [1:0]  cfg_scale_rounding;
    bit [1:0]  cfg_payload_rounding;
    bit        cfg_threshold_product;
    bit        cfg_payload_product;
    bit [1:0]  cfg_negative_zero;
    bit [1:0]  cfg_scale_overflow;
    bit        cfg_scale_underflow;
    bit        cfg_non_finite;
    bit        cfg_scale_binade;
  } hif4_cfg_t;
  localparam int HIF4_CFG_BITS = 77;
  // end of the generated hif4_cfg_t

  // 0, or -1 when a cfg field holds no value of its knob (hif4_dpi_last_error() says which).
  import "DPI-C" function int hif4_dpi_quantize(input bit [1023:0] in_data,
                                                input longint unsigned in_block_index,
                                                input hif4_cfg_t cfg, output bit [287:0] out_data);
  // "" when got == expected, else one line: fields and lanes, expected and got, the first
  // differing stage with the model's values there, and a `hif4 explain` replay command.
  import "DPI-C" function string hif4_dpi_explain(input bit [1023:0] in_data,
                                                  input longint unsigned in_block_index,
                                                  input hif4_cfg_t cfg, input bit [287:0] expected,
                                                  input bit [287:0] got);
  // 1 for a NaN block. codes: code i in bits 4i+3:4i; values: FP32 value i in bits 32i+31:32i.
  import "DPI-C" function int hif4_dpi_decode(input bit [287:0] block, output bit [7:0] e6m2,
                                              output bit [7:0] e1_8, output bit [15:0] e1_16,
                                              output bit [255:0] codes, output bit [2047:0] values);
  import "DPI-C" function real hif4_dpi_lane_value(input bit [287:0] block, input int lane);
  import "DPI-C" function string hif4_dpi_format_block(input bit [287:0] block);
  import "DPI-C" function void hif4_dpi_random_block(input longint unsigned seed,
                                                     input longint unsigned index,
                                                     output bit [1023:0] in_data);
  import "DPI-C" function void hif4_dpi_random_cfg(input longint unsigned seed,
                                                   input longint unsigned index,
                                                   output hif4_cfg_t cfg);
  import "DPI-C" function int hif4_dpi_cfg_bits();
  import "DPI-C" function string hif4_dpi_version();
  import "DPI-C" function string hif4_dpi_last_error();

  // Stops the simulation when the loaded library was built for another cfg layout (a package
  // and a library of different versions of the port contract).
  function automatic void hif4_dpi_check_library();
    if (hif4_dpi_cfg_bits() != HIF4_CFG_BITS)
      $fatal(1, "hif4_dpi_pkg: the library (%s) takes a %0d-bit hif4_cfg_t, this package %0d bits",
             hif4_dpi_version(), hif4_dpi_cfg_bits(), HIF4_CFG_BITS);
  endfunction

endpackage
