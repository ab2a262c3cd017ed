// A test design for `hif4 cosim --rtl`: the quantizer behind one more pipeline register (latency
// 5, one block per clock), without probes. hif4_retimed_faulty.f builds it with the quantizer's
// test-only rounding fault (-DHIF4_INJECT_FAULT: ties to even go toward zero), so that the
// transaction-level check must fail it under a nearest-even profile, naming block and field.
module hif4_retimed_dut (
`include "hif4_contract_ports.svh"  // the contract's ports without the probes (generated)
);
  logic q_out_valid, q_out_ready;
  logic [287:0] q_out_data;
  /* verilator lint_off PINCONNECTEMPTY */  // the probes are left open
  hif4_quantizer u_q (
    .*,  // every port of the same name; the output side is this wrapper's
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
