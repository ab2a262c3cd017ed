// Example testbench: golden vectors from `hif4 export --format readmemh` through the HiF4
// quantizer (the hif4_quantizer contract of docs/microarchitecture.md), checked in the bench
// and written back with $writememh for `hif4 verify`.
//
//   hif4 gen --profile seed --out v.hif4v
//   hif4 export v.hif4v --format readmemh --out vec        # vec/inputs.hex, expected.hex, index.hex
//   <simulate> +dir=vec +blocks=N +scale_rounding=0 ...   # N and the knobs: vec/header.txt
//   hif4 verify --vectors v.hif4v --dut vec/dut.hex         # the full report, with replay commands
//
// Plusargs: +dir=DIR +blocks=N (required), the knob values as the cfg_* port encodings
// (+scale_rounding= +payload_rounding= +threshold_product= +payload_product= +negative_zero=
// +scale_overflow= +scale_underflow= +non_finite= +scale_binade=, default 0), +sr_seed=N,
// +stall=P (percent of cycles the output is not taken, default 0). With Verilator 5, from the repository root:
//   cd hif4 && verilator --binary --timing -f rtl/hif4.f docs/examples/tb_readmemh.sv --top-module tb_readmemh
module tb_readmemh;
  localparam int MaxBlocks = 1 << 16;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  // The exported files: one word per block.
  logic [1023:0] inputs[MaxBlocks];    // lane i in bits 16i+15:16i
  logic [287:0] expected[MaxBlocks];   // byte k of the packed block in bits 8k+7:8k
  logic [63:0] block_index[MaxBlocks]; // what stochastic rounding uses
  logic [287:0] actual[MaxBlocks];     // the DUT's outputs, written back for `hif4 verify`

  string dir;
  int blocks = 0;
  int stall_percent = 0;
  int cfg[9];
  logic [63:0] sr_seed = 64'd0;

  logic in_valid, in_ready, out_valid, out_ready;
  logic [1023:0] in_data;
  logic [63:0] in_block_index;
  logic [287:0] out_data;
  int sent = 0, received = 0, mismatches = 0;

  hif4_quantizer dut (
      .clk(clk), .rst_n(rst_n),
      .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data), .in_block_index(in_block_index),
      .cfg_sr_seed(sr_seed),
      .cfg_scale_rounding(cfg[0][1:0]), .cfg_payload_rounding(cfg[1][1:0]),
      .cfg_threshold_product(cfg[2][0]), .cfg_payload_product(cfg[3][0]),
      .cfg_negative_zero(cfg[4][1:0]), .cfg_scale_overflow(cfg[5][1:0]),
      .cfg_scale_underflow(cfg[6][0]), .cfg_non_finite(cfg[7][0]), .cfg_scale_binade(cfg[8][0]),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data),
      .probe_s1_valid(), .probe_s1_vmax(), .probe_s1_flags(), .probe_s2_valid(), .probe_s2_sf(),
      .probe_s2_e6m2(), .probe_s2_rec(), .probe_s3_valid(), .probe_s3_e1());

  assign in_valid = rst_n && sent < blocks;
  assign in_data = inputs[sent];
  assign in_block_index = block_index[sent];

  initial begin
    if (!$value$plusargs("dir=%s", dir)) dir = ".";
    if (!$value$plusargs("blocks=%d", blocks) || blocks < 1 || blocks > MaxBlocks) begin
      $display("tb_readmemh: give +blocks=N (1..%0d), the record count in header.txt", MaxBlocks);
      $finish;
    end
    void'($value$plusargs("scale_rounding=%d", cfg[0]));
    void'($value$plusargs("payload_rounding=%d", cfg[1]));
    void'($value$plusargs("threshold_product=%d", cfg[2]));
    void'($value$plusargs("payload_product=%d", cfg[3]));
    void'($value$plusargs("negative_zero=%d", cfg[4]));
    void'($value$plusargs("scale_overflow=%d", cfg[5]));
    void'($value$plusargs("scale_underflow=%d", cfg[6]));
    void'($value$plusargs("non_finite=%d", cfg[7]));
    void'($value$plusargs("scale_binade=%d", cfg[8]));
    void'($value$plusargs("sr_seed=%d", sr_seed));
    void'($value$plusargs("stall=%d", stall_percent));
    $readmemh({dir, "/inputs.hex"}, inputs, 0, blocks - 1);
    $readmemh({dir, "/expected.hex"}, expected, 0, blocks - 1);
    $readmemh({dir, "/index.hex"}, block_index, 0, blocks - 1);
    repeat (2) @(posedge clk);
    @(negedge clk) rst_n = 1'b1;
  end

  initial cfg = '{default: 0};

  // Output back-pressure: take the output on most cycles.
  always @(posedge clk) out_ready <= ($urandom % 100) >= stall_percent;

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
    if (received == blocks) begin
      $writememh({dir, "/dut.hex"}, actual, 0, blocks - 1);
      $display("tb_readmemh: %0d blocks, %0d mismatches; dut.hex written (run hif4 verify for details)",
               blocks, mismatches);
      $finish;
    end
  end
endmodule
