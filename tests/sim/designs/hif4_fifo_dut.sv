// A test design for `hif4 cosim --rtl` that is not hif4_quantizer as written: the quantizer
// behind an output FIFO whose entries each wait a pseudo-random 0..15 cycles before they may
// leave, and an input that refuses blocks on pseudo-random cycles. Its latency varies from
// block to block (4 to about 40 edges) and its in_ready is not the quantizer's; it has the
// contract's ports without the probes. The transaction-level check must pass it.
//
// Faults the check must catch, chosen at run time (hif4 cosim --plusarg):
//   +hif4_drop=N       the N-th block out of the quantizer (from 0) never enters the FIFO
//   +hif4_duplicate=N  the N-th block leaving the FIFO is delivered twice
//   +hif4_fatal=N      the design stops the simulation ($fatal) when the N-th block enters
module hif4_fifo_dut (
`include "hif4_contract_ports.svh"  // the contract's ports without the probes (generated)
);
  localparam int Depth = 4;

  // A 16-bit LFSR: the input gate and each entry's delay.
  logic [15:0] lfsr;
  always_ff @(posedge clk) begin
    if (!rst_n) lfsr <= 16'hACE1;
    else lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
  end
  logic gate;  // the input takes nothing on about one cycle in four
  assign gate = lfsr[1] | lfsr[6];

  logic q_in_ready, q_out_valid, q_out_ready;
  logic [287:0] q_out_data;
  /* verilator lint_off PINCONNECTEMPTY */  // the probes are left open
  hif4_quantizer u_q (
    .*,  // every port of the same name; the ones this wrapper intercepts below
    .in_valid(in_valid && gate), .in_ready(q_in_ready),
    .out_valid(q_out_valid), .out_ready(q_out_ready), .out_data(q_out_data),
    .probe_s1_valid(), .probe_s1_vmax(), .probe_s1_flags(), .probe_s2_valid(), .probe_s2_sf(),
    .probe_s2_e6m2(), .probe_s2_rec(), .probe_s3_valid(), .probe_s3_e1());
  /* verilator lint_on PINCONNECTEMPTY */
  assign in_ready = q_in_ready && gate;

  int drop_at, duplicate_at, fatal_at;
  initial begin
    if (!$value$plusargs("hif4_drop=%d", drop_at)) drop_at = -1;
    if (!$value$plusargs("hif4_duplicate=%d", duplicate_at)) duplicate_at = -1;
    if (!$value$plusargs("hif4_fatal=%d", fatal_at)) fatal_at = -1;
  end

  // The FIFO: entries leave in order, each once its wait has run out.
  logic [287:0] data [Depth];
  logic [3:0]   wait_left [Depth];
  logic [1:0]   head, tail;
  logic [2:0]   count;
  logic push, pop, store, leave, repeat_now, repeated;
  int pushed, popped;
  assign q_out_ready = count != 3'(Depth);
  assign push = q_out_valid && q_out_ready;
  assign out_valid = count != 0 && wait_left[head] == 0;
  assign out_data = data[head];
  assign pop = out_valid && out_ready;
  assign store = push && pushed != drop_at;
  assign repeat_now = popped == duplicate_at && !repeated;
  assign leave = pop && !repeat_now;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      head <= '0;
      tail <= '0;
      count <= '0;
      pushed <= 0;
      popped <= 0;
      repeated <= 1'b0;
    end else begin
      if (store) tail <= tail + 2'd1;
      if (leave) head <= head + 2'd1;
      count <= count + {2'd0, store} - {2'd0, leave};
      if (push) pushed <= pushed + 1;
      if (leave) popped <= popped + 1;
      if (pop && repeat_now) repeated <= 1'b1;
    end
  end
  always_ff @(posedge clk) begin
    if (push && pushed == fatal_at) $fatal(1, "hif4_fifo_dut: told to stop at block %0d", pushed);
  end
  always_ff @(posedge clk) begin
    for (int i = 0; i < Depth; i++)
      if (wait_left[i] != 0) wait_left[i] <= wait_left[i] - 4'd1;
    if (store) begin
      data[tail] <= q_out_data;
      wait_left[tail] <= lfsr[15:12];
    end
  end
endmodule
