// Example self-checking testbench with the DPI-C predictor (docs/dpi.md): hif4_quantizer (the
// contract of docs/microarchitecture.md) driven with seeded random corner blocks, a random
// configuration per block and random input bubbles and output stalls; every block the DUT
// takes is predicted by the reference model (hif4_dpi_quantize) into a queue, and every block
// it delivers is checked against the head of that queue, with the model's one-line diagnosis
// (hif4_dpi_explain) for a mismatch. Any mismatch, a block never delivered or one delivered
// unasked ends the run with $fatal (a non-zero exit status).
//
// Plusargs: +blocks=N (default 2000), +seed=S (blocks, knobs, bubbles and stalls; default 1),
// +stall=P and +bubble=P (percent of cycles, defaults 30 and 20), +reports=N (mismatches shown
// in full, default 5). With Verilator 5, from the repository root (docs/dpi.md for others):
//   $ verilator --binary --timing -f rtl/hif4.f dpi/hif4_dpi_pkg.sv docs/examples/tb_dpi.sv \
//       --top-module tb_dpi build/libhif4_dpi.so -LDFLAGS -Wl,-rpath,$PWD/build
//   $ obj_dir/Vtb_dpi +blocks=5000 +seed=7
module tb_dpi;
  import hif4_dpi_pkg::*;

  localparam int HangCycles = 1000;  // no output this long with blocks in flight: a hang

  int blocks, seed, stall_percent, bubble_percent, max_reports;
  int unsigned rng;  // bubbles and stalls: a xorshift32 state, the same draws in every simulator

  logic clk = 1'b0;
  always #5 clk <= ~clk;
  logic rst_n = 1'b0;

  logic in_valid = 1'b0, out_ready = 1'b0;
  logic in_ready, out_valid;
  logic [1023:0] in_data = '0;
  logic [63:0] in_block_index = '0;
  hif4_cfg_t cfg = '0;
  logic [287:0] out_data;

  /* verilator lint_off PINCONNECTEMPTY */  // the probes are not needed here
  hif4_quantizer dut (
      .clk(clk), .rst_n(rst_n),
      .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data), .in_block_index(in_block_index),
      .cfg_sr_seed(cfg.cfg_sr_seed),
      .cfg_scale_rounding(cfg.cfg_scale_rounding), .cfg_payload_rounding(cfg.cfg_payload_rounding),
      .cfg_threshold_product(cfg.cfg_threshold_product), .cfg_payload_product(cfg.cfg_payload_product),
      .cfg_negative_zero(cfg.cfg_negative_zero), .cfg_scale_overflow(cfg.cfg_scale_overflow),
      .cfg_scale_underflow(cfg.cfg_scale_underflow), .cfg_non_finite(cfg.cfg_non_finite),
      .cfg_scale_binade(cfg.cfg_scale_binade),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data),
      .probe_s1_valid(), .probe_s1_vmax(), .probe_s1_flags(), .probe_s2_valid(), .probe_s2_sf(),
      .probe_s2_e6m2(), .probe_s2_rec(), .probe_s3_valid(), .probe_s3_e1());
  /* verilator lint_on PINCONNECTEMPTY */

  // The scoreboard: one entry per block the DUT took, with what the model says it must become.
  typedef struct packed {
    int n;                    // the block's number in the stream
    logic [1023:0] data;
    logic [63:0] index;
    hif4_cfg_t cfg;
    logic [287:0] expected;
  } txn_t;
  txn_t pending[$];

  int offered = 0, received = 0, mismatches = 0, idle = 0;

  initial begin
    if (!$value$plusargs("blocks=%d", blocks)) blocks = 2000;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if (!$value$plusargs("stall=%d", stall_percent)) stall_percent = 30;
    if (!$value$plusargs("bubble=%d", bubble_percent)) bubble_percent = 20;
    if (!$value$plusargs("reports=%d", max_reports)) max_reports = 5;
    rng = 32'(seed) | 32'h1;  // xorshift32 needs a nonzero state
    hif4_dpi_check_library();
    $display("tb_dpi: %s; %0d blocks, seed %0d, stalls %0d%%, bubbles %0d%%", hif4_dpi_version(), blocks, seed,
             stall_percent, bubble_percent);
    repeat (2) @(posedge clk);
    @(negedge clk) rst_n = 1'b1;
  end

  // True with probability percent / 100.
  function automatic bit draw(input int percent);
    rng = rng ^ (rng << 13);
    rng = rng ^ (rng >> 17);
    rng = rng ^ (rng << 5);
    return (rng % 100) < 32'(percent);
  endfunction

  // Driver and predictor: at each edge, book what the DUT took, then offer the next block.
  always @(posedge clk) begin
    if (rst_n) begin
      if (in_valid && in_ready) begin
        txn_t t;
        t.n = offered - 1;
        t.data = in_data;
        t.index = in_block_index;
        t.cfg = cfg;
        if (hif4_dpi_quantize(in_data, in_block_index, cfg, t.expected) != 0)
          $fatal(1, "tb_dpi: %s", hif4_dpi_last_error());
        pending.push_back(t);
      end
      if (!in_valid || in_ready) begin
        if (offered < blocks && !draw(bubble_percent)) begin
          bit [1023:0] lanes;
          hif4_cfg_t c;
          hif4_dpi_random_block(longint'(seed), longint'(offered), lanes);
          hif4_dpi_random_cfg(longint'(seed), longint'(offered), c);
          in_data <= lanes;
          cfg <= c;
          in_block_index <= 64'(offered);
          in_valid <= 1'b1;
          offered <= offered + 1;
        end else begin
          in_valid <= 1'b0;
        end
      end
      out_ready <= !draw(stall_percent);
    end
  end

  // Monitor and checker: every delivered block against the head of the queue.
  always @(posedge clk) begin
    if (rst_n && out_valid && out_ready) begin
      idle <= 0;
      if (pending.size() == 0) begin
        $fatal(1, "tb_dpi: the DUT delivered a block while none was in flight: %s",
               hif4_dpi_format_block(out_data));
      end else begin
        txn_t t;
        t = pending.pop_front();
        if ($isunknown(out_data)) begin
          mismatches <= mismatches + 1;
          $display("tb_dpi: MISMATCH block %0d: x/z bits in the output %h", t.n, out_data);
        end else if (out_data != t.expected) begin
          mismatches <= mismatches + 1;
          if (mismatches < max_reports)
            $display("tb_dpi: MISMATCH %s", hif4_dpi_explain(t.data, t.index, t.cfg, t.expected, out_data));
        end
        received <= received + 1;
      end
    end else if (pending.size() != 0) begin
      idle <= idle + 1;
      if (idle > HangCycles)
        $fatal(1, "tb_dpi: no output for %0d cycles with %0d block(s) in flight (first: block %0d)", HangCycles,
               pending.size(), pending[0].n);
    end
  end

  always @(posedge clk) begin
    if (received == blocks) begin
      $display("tb_dpi: %0d blocks checked, %0d mismatches", received, mismatches);
      if (mismatches != 0) $fatal(1, "tb_dpi: FAILED");
      $display("tb_dpi: PASSED");
      $finish;
    end
  end
endmodule
