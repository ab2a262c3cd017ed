// hif4_quantizer_sva: the handshake and pipeline contract of docs/microarchitecture.md as
// assertions over the ports of hif4_quantizer (probes included), for every simulator and for
// the formal proof (formal/, scripts/formal.sh):
//
//   ready_is_advance          in_ready == !out_valid || out_ready, every cycle after reset: a
//                             function of the output register and out_ready alone
//   reset_clears_valids       after a reset edge S1, S2, S3 and the output hold no block
//   output_held_while_stalled an offered block stays offered, with the same out_data, until
//                             it is taken (out_valid && !out_ready on an edge)
//   frozen_while_stalled      on an edge without advance no valid bit changes, nor the probe
//                             data of a stage holding a block (the data of an empty stage is
//                             undefined: a bubble carries whatever the inputs held)
//   valids_shift_on_advance   on an edge with advance every stage takes the one before it
//                             (S1 takes in_valid): bubbles travel, nothing is squeezed out
//   latency_four              a block accepted on edge t is on out_data after edge t+3 when
//                             the three edges between move the pipeline
//   in_flight_matches_valids  blocks accepted since the last reset minus blocks delivered
//                             equals the number of valid stages: nothing is lost, made up or
//                             duplicated, and the blocks in flight at a reset are dropped
//                             (none of them appears after it)
//
// Accepted: in_valid && in_ready on an edge without reset; delivered: out_valid && out_ready
// on such an edge. The checks start at the first reset edge (before it the valid bits are
// undefined). The data order (which block comes out) needs the data: the simulation
// scoreboards check it, and the formal harness proves it with tagged blocks.
//
// Portable to Verilator (bound by hif4_quantizer_bind.sv, --assert), Yosys (read_verilog
// -formal) and Icarus Verilog 11 (instantiated beside the bench): immediate assertions in
// clocked blocks, the past kept in registers of its own (no $past, no sequences), and
// HIF4_SVA_CHECK spelled per tool (Yosys takes a label but no action block, Icarus an action
// block but no label).
`ifdef FORMAL
`define HIF4_SVA_CHECK(name, cond) name: assert (cond);
`elsif __ICARUS__
`define HIF4_SVA_CHECK(name, cond) assert (cond) else $fatal(1, "hif4_quantizer_sva: %s failed", `"name`");
`else
`define HIF4_SVA_CHECK(name, cond) name: assert (cond) else $error("hif4_quantizer_sva: %s failed", `"name`");
`endif

module hif4_quantizer_sva (
  input logic         clk,
  input logic         rst_n,
  input logic         in_valid,
  input logic         in_ready,
  input logic         out_valid,
  input logic         out_ready,
  input logic [287:0] out_data,
  input logic         probe_s1_valid,
  input logic [15:0]  probe_s1_vmax,
  input logic [1:0]   probe_s1_flags,
  input logic         probe_s2_valid,
  input logic [15:0]  probe_s2_sf,
  input logic [7:0]   probe_s2_e6m2,
  input logic [15:0]  probe_s2_rec,
  input logic         probe_s3_valid,
  input logic [23:0]  probe_s3_e1
);
  logic advance, accepted, delivered;
  assign advance   = !out_valid || out_ready;
  assign accepted  = rst_n && in_valid && in_ready;
  assign delivered = rst_n && out_valid && out_ready;

  // The valid bits as one vector {out, S3, S2, S1}, and the probes' data of the stages that
  // hold a block (0 for an empty stage).
  logic [3:0] valids;
  assign valids = {out_valid, probe_s3_valid, probe_s2_valid, probe_s1_valid};
  logic [81:0] probes;
  assign probes = {probe_s1_valid ? {probe_s1_vmax, probe_s1_flags} : 18'd0,
                   probe_s2_valid ? {probe_s2_sf, probe_s2_e6m2, probe_s2_rec} : 40'd0,
                   probe_s3_valid ? probe_s3_e1 : 24'd0};

  // What the last edge saw (valid once an edge has passed since the first reset).
  logic         reset_seen = 1'b0;  // a reset edge has passed: the valid bits are defined
  logic         past_checked = 1'b0;  // the registers below hold the edge before, after reset
  logic         past_rst_n, past_advance, past_in_valid, past_stalled;
  logic [3:0]   past_valids;
  logic [287:0] past_out_data;
  logic [81:0]  past_probes;
  // The last edges, cleared by a reset: the pipeline moved on edge t-1, t-2, t-3 (bits 0, 1,
  // 2); a block was accepted on edge t-k (accepted_ago[k-1]).
  logic [2:0]   recent_moved;
  logic [3:0]   accepted_ago;
  logic [2:0]   in_flight;  // 0..4 blocks accepted and not delivered since the last reset

  always @(posedge clk) begin
    reset_seen    <= reset_seen || !rst_n;
    past_checked  <= reset_seen || !rst_n;
    past_rst_n    <= rst_n;
    past_advance  <= advance;
    past_in_valid <= in_valid;
    past_stalled  <= out_valid && !out_ready;
    past_valids   <= valids;
    past_out_data <= out_data;
    past_probes   <= probes;
    if (!rst_n) begin
      recent_moved <= 3'b000;
      accepted_ago <= 4'b0000;
      in_flight    <= 3'd0;
    end else begin
      recent_moved <= {recent_moved[1:0], advance};
      accepted_ago <= {accepted_ago[2:0], accepted};
      in_flight    <= in_flight + {2'd0, accepted} - {2'd0, delivered};
    end
  end

  // The number of valid stages.
  logic [2:0] valid_stages;
  assign valid_stages = {2'd0, valids[0]} + {2'd0, valids[1]} + {2'd0, valids[2]} + {2'd0, valids[3]};

  always @(posedge clk) begin
    if (reset_seen) begin
      `HIF4_SVA_CHECK(ready_is_advance, in_ready == advance)
      `HIF4_SVA_CHECK(in_flight_matches_valids, in_flight == valid_stages)
    end
    if (past_checked) begin
      if (!past_rst_n) begin
        `HIF4_SVA_CHECK(reset_clears_valids, valids == 4'b0000)
      end else if (past_advance) begin
        `HIF4_SVA_CHECK(valids_shift_on_advance, valids == {past_valids[2:0], past_in_valid})
      end else begin
        `HIF4_SVA_CHECK(frozen_while_stalled, valids == past_valids && probes == past_probes)
      end
      if (past_rst_n && past_stalled) begin
        `HIF4_SVA_CHECK(output_held_while_stalled, out_valid && out_data == past_out_data)
      end
    end
  end

  // latency_four, checked before edge t+4: accepted on edge t, moved on edges t+1..t+3.
  always @(posedge clk) begin
    if (reset_seen && accepted_ago[3] && recent_moved == 3'b111) begin
      `HIF4_SVA_CHECK(latency_four, out_valid)
    end
  end
endmodule

`undef HIF4_SVA_CHECK
