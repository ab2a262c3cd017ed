// A test design for `hif4 cosim --rtl`: the quantizer behind one more pipeline register (latency
// 5, one block per clock), without probes. hif4_retimed_faulty.f builds it with the quantizer's
// test-only rounding fault (-DHIF4_INJECT_FAULT: ties to even go toward zero), so that the
// transaction-level check must fail it under a nearest-even profile, naming block and field.
module hif4_retimed_dut (
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
  input  logic           cfg_non_finite,
  input  logic           cfg_scale_binade,
  output logic           out_valid,
  input  logic           out_ready,
  output logic [287:0]   out_data
);
  logic q_out_valid, q_out_ready;
  logic [287:0] q_out_data;
  /* verilator lint_off PINCONNECTEMPTY */  // the probes are left open
  hif4_quantizer u_q (
    .clk(clk), .rst_n(rst_n),
    .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
    .in_block_index(in_block_index), .cfg_sr_seed(cfg_sr_seed),
    .cfg_scale_rounding(cfg_scale_rounding), .cfg_payload_rounding(cfg_payload_rounding),
    .cfg_threshold_product(cfg_threshold_product), .cfg_payload_product(cfg_payload_product),
    .cfg_negative_zero(cfg_negative_zero), .cfg_scale_overflow(cfg_scale_overflow),
    .cfg_scale_underflow(cfg_scale_underflow), .cfg_non_finite(cfg_non_finite),
    .cfg_scale_binade(cfg_scale_binade),
    .out_valid(q_out_valid), .out_ready(q_out_ready), .out_data(q_out_data),
    .probe_s1_valid(), .probe_s1_vmax(), .probe_s1_flags(), .probe_s2_valid(), .probe_s2_sf(),
    .probe_s2_e6m2(), .probe_s2_rec(), .probe_s3_valid(), .probe_s3_e1());
  /* verilator lint_on PINCONNECTEMPTY */

  // One more register stage under the same kind of global enable.
  assign q_out_ready = !out_valid || out_ready;
  always_ff @(posedge clk) begin
    if (!rst_n) out_valid <= 1'b0;
    else if (q_out_ready) out_valid <= q_out_valid;
  end
  always_ff @(posedge clk) begin
    if (q_out_ready) out_data <= q_out_data;
  end
endmodule
