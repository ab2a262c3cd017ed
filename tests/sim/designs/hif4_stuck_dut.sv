// A test design for `hif4 cosim --rtl`: takes three blocks and never delivers one. The run must
// end as a hang (--timeout-cycles), not run forever.
module hif4_stuck_dut (
/* verilator lint_off UNUSEDSIGNAL */  // a design that ignores its data
`include "hif4_contract_ports.svh"  // the contract's ports without the probes (generated)
/* verilator lint_on UNUSEDSIGNAL */
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
