// Example testbench: golden vectors from `hif4 export --format readmemh` through the HiF4
// quantizer (the hif4_quantizer contract of docs/microarchitecture.md), checked in the bench
// and written back with $writememh for `hif4 verify`. The README's quick tour runs it:
//
//   build/hif4 gen --profile cann --level 1 --out l1.hif4v
//   build/hif4 export l1.hif4v --format readmemh --out tb        # tb/*.hex, plusargs.f, vectors.svh
//   <compile rtl/hif4.f and this file, top tb_readmemh>
//   <simulate> +dir=tb $(cat tb/plusargs.f) +stall=30             # writes tb/dut.hex
//   build/hif4 verify --vectors l1.hif4v --dut tb/dut.hex          # the full report
//
// The block count and the configuration come from what export wrote: at run time from the
// plusargs of DIR/plusargs.f (+blocks=N and one +cfg_PORT=VALUE per cfg_* port, in the port's
// encoding); or, compiled with +define+HIF4_VECTORS_SVH and the export folder on the include
// path, from the `define lines of DIR/vectors.svh (plusargs still override them). Other
// plusargs: +dir=DIR (default .), +stall=P (percent of cycles the output is not taken,
// default 0). Plain SystemVerilog-2012 that Verilator 5 (--binary --timing) and Icarus Verilog
// 11 (-g2012) both compile.
`ifdef HIF4_VECTORS_SVH
`include "vectors.svh"
`endif

module tb_readmemh;
  localparam integer MaxBlocks = 65536;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  // The exported files: one word per block.
  logic [1023:0] inputs[0:MaxBlocks-1];    // lane i in bits 16i+15:16i
  logic [287:0] expected[0:MaxBlocks-1];   // byte k of the packed block in bits 8k+7:8k
  logic [63:0] block_index[0:MaxBlocks-1]; // what stochastic rounding uses
  logic [287:0] actual[0:MaxBlocks-1];     // the DUT's outputs, written back for `hif4 verify`

  string dir;
  integer blocks, stall_percent, found;
  // The configuration, one variable per cfg_* port, in the port's encoding (hif4_cfg_pkg).
  logic [63:0] cfg_sr_seed;
  logic [1:0] cfg_scale_rounding, cfg_payload_rounding, cfg_negative_zero, cfg_scale_overflow;
  logic cfg_threshold_product, cfg_payload_product, cfg_scale_underflow, cfg_non_finite;
  logic cfg_scale_binade;
  logic started = 1'b0;  // the files are read: the driver may start

  logic in_valid, in_ready, out_valid, out_ready;
  logic [1023:0] in_data;
  logic [63:0] in_block_index;
  logic [287:0] out_data;
  integer sent = 0, received = 0, mismatches = 0;

  // Every port to the signal of its name (.*): the cfg_* variables above are named as the ports.
  hif4_quantizer dut (
      .*, .probe_s1_valid(), .probe_s1_vmax(), .probe_s1_flags(), .probe_s2_valid(), .probe_s2_sf(),
      .probe_s2_e6m2(), .probe_s2_rec(), .probe_s3_valid(), .probe_s3_e1());

  assign in_valid = rst_n && started && sent < blocks;
  assign in_data = inputs[sent];
  assign in_block_index = block_index[sent];

  // One initial block sets every knob: first the defaults (vectors.svh, or 0), then the
  // plusargs, so nothing else can reset them while they are parsed.
  initial begin
`ifdef HIF4_VECTORS_BLOCKS
    blocks = `HIF4_VECTORS_BLOCKS;
    cfg_sr_seed = `HIF4_VECTORS_CFG_SR_SEED;
    cfg_scale_rounding = `HIF4_VECTORS_CFG_SCALE_ROUNDING;
    cfg_payload_rounding = `HIF4_VECTORS_CFG_PAYLOAD_ROUNDING;
    cfg_threshold_product = `HIF4_VECTORS_CFG_THRESHOLD_PRODUCT;
    cfg_payload_product = `HIF4_VECTORS_CFG_PAYLOAD_PRODUCT;
    cfg_negative_zero = `HIF4_VECTORS_CFG_NEGATIVE_ZERO;
    cfg_scale_overflow = `HIF4_VECTORS_CFG_SCALE_OVERFLOW;
    cfg_scale_underflow = `HIF4_VECTORS_CFG_SCALE_UNDERFLOW;
    cfg_non_finite = `HIF4_VECTORS_CFG_NON_FINITE;
    cfg_scale_binade = `HIF4_VECTORS_CFG_SCALE_BINADE;
`else
    blocks = 0;
    cfg_sr_seed = 64'd0;
    cfg_scale_rounding = 2'd0;
    cfg_payload_rounding = 2'd0;
    cfg_threshold_product = 1'b0;
    cfg_payload_product = 1'b0;
    cfg_negative_zero = 2'd0;
    cfg_scale_overflow = 2'd0;
    cfg_scale_underflow = 1'b0;
    cfg_non_finite = 1'b0;
    cfg_scale_binade = 1'b0;
`endif
    stall_percent = 0;
    dir = ".";
    // Each call counts into `found`, which is printed: a result nobody reads may be optimised
    // away together with the call.
    found = $value$plusargs("dir=%s", dir);
    found = found + $value$plusargs("blocks=%d", blocks);
    found = found + $value$plusargs("stall=%d", stall_percent);
    found = found + $value$plusargs("cfg_sr_seed=%d", cfg_sr_seed);
    found = found + $value$plusargs("cfg_scale_rounding=%d", cfg_scale_rounding);
    found = found + $value$plusargs("cfg_payload_rounding=%d", cfg_payload_rounding);
    found = found + $value$plusargs("cfg_threshold_product=%d", cfg_threshold_product);
    found = found + $value$plusargs("cfg_payload_product=%d", cfg_payload_product);
    found = found + $value$plusargs("cfg_negative_zero=%d", cfg_negative_zero);
    found = found + $value$plusargs("cfg_scale_overflow=%d", cfg_scale_overflow);
    found = found + $value$plusargs("cfg_scale_underflow=%d", cfg_scale_underflow);
    found = found + $value$plusargs("cfg_non_finite=%d", cfg_non_finite);
    found = found + $value$plusargs("cfg_scale_binade=%d", cfg_scale_binade);
    if (blocks < 1 || blocks > MaxBlocks) begin
      $display("tb_readmemh: no block count: give +blocks=N (1..%0d) or the plusargs of DIR/plusargs.f",
               MaxBlocks);
      $finish;
    end else begin
      $display("tb_readmemh: %0d blocks from %0s (%0d plusargs); cfg_sr_seed %0d, cfg_* %0d %0d %0d %0d %0d %0d %0d %0d %0d",
               blocks, dir, found, cfg_sr_seed, cfg_scale_rounding, cfg_payload_rounding,
               cfg_threshold_product, cfg_payload_product, cfg_negative_zero, cfg_scale_overflow,
               cfg_scale_underflow, cfg_non_finite, cfg_scale_binade);
      $readmemh({dir, "/inputs.hex"}, inputs, 0, blocks - 1);
      $readmemh({dir, "/expected.hex"}, expected, 0, blocks - 1);
      $readmemh({dir, "/index.hex"}, block_index, 0, blocks - 1);
      started = 1'b1;
      repeat (2) @(posedge clk);
      @(negedge clk) rst_n = 1'b1;
    end
  end

  // Output back-pressure: take the output on most cycles.
  always @(posedge clk) out_ready <= ($unsigned($random) % 100) >= stall_percent;

  always @(posedge clk) begin
    if (in_valid && in_ready) sent <= sent + 1;
    if (rst_n && out_valid && out_ready) begin
      actual[received] <= out_data;
      if (out_data !== expected[received]) begin
        if (mismatches < 5) $display("block %0d: expected %h, DUT %h", received, expected[received], out_data);
        mismatches <= mismatches + 1;
      end
      received <= received + 1;
    end
  end

  always @(posedge clk) begin
    if (started && received == blocks) begin
      $writememh({dir, "/dut.hex"}, actual, 0, blocks - 1);
      $display("tb_readmemh: %0d blocks, %0d mismatches; %0s/dut.hex written (hif4 verify reports each one)",
               blocks, mismatches, dir);
      $finish;
    end
  end
endmodule
