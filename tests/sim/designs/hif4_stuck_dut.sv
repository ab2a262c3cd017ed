// A test design for `hif4 cosim --rtl`: takes three blocks and never delivers one. The run must
// end as a hang (--timeout-cycles), not run forever.
module hif4_stuck_dut (
  input  logic           clk,
  input  logic           rst_n,
  input  logic           in_valid,
  output logic           in_ready,
  /* verilator lint_off UNUSEDSIGNAL */  // a design that ignores its data
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
  input  logic           cfg_non_finite,
  input  logic           cfg_scale_binade,
  input  logic           out_ready,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic           out_valid,
  output logic [287:0]   out_data
);
  logic [1:0] taken;
  assign in_ready = taken != 2'd3;
  assign out_valid = 1'b0;
  assign out_data = '0;
  always_ff @(posedge clk) begin
    if (!rst_n) taken <= '0;
    else if (in_valid && in_ready) taken <= taken + 2'd1;
  end
endmodule
