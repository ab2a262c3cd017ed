// A test design for `hif4 cosim --rtl` with an undeclared signal, an error of the Verilator run:
// `hif4 cosim` must exit 2 and quote the first error lines, not crash.
module hif4_broken_dut (
  input  logic clk,
  output logic out_valid
);
  always_ff @(posedge clk) out_valid <= undeclared_signal;
endmodule
