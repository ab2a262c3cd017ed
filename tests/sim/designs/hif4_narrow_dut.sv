// A test design for `hif4 cosim --rtl` that breaks the port contract: out_data is 256 bits, not
// 288, and cfg_non_finite is missing. `hif4 cosim` must refuse it (exit 2), naming both.
module hif4_narrow_dut (
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic           clk,
  input  logic           rst_n,
  input  logic           in_valid,
  output logic           in_ready,
  input  logic [1023:0]  in_data,
  input  logic [63:0]    in_block_index,
  input  logic [63:0]    cfg_sr_seed,
  input  logic [1:0]     cfg_scale_rounding,
  input  logic [1:0]     cfg_payload_rounding,
  input  logic           cfg_threshold_product,
  input  logic           cfg_payload_product,
  input  logic [1:0]     cfg_negative_zero,
  input  logic [1:0]     cfg_scale_overflow,
  input  logic           cfg_scale_underflow,
  input  logic           cfg_scale_binade,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic           out_valid,
  input  logic           out_ready,
  output logic [255:0]   out_data
);
  assign in_ready = out_ready;
  assign out_valid = 1'b0;
  assign out_data = '0;
endmodule
