// hif4_mix32: the 32-bit integer hash of the stochastic rounding bits (stages.h, mix32):
//   x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16   (mod 2^32)
// Two constant multipliers (shift-and-add after synthesis) and three xor-shifts.
//
// `enable` isolates the operands: with enable low the output is 0 and the multipliers see
// no toggling input (the 64 lane hashes only matter under stochastic rounding). The gating
// is written as a branch so that a cycle simulator skips the arithmetic too.
module hif4_mix32 (
  input  logic        enable,
  input  logic [31:0] x,
  output logic [31:0] y
);
  // Always flattened into the parent by Verilator: 5.006 mis-generates some non-inlined
  // instances of this module (references to parent signals), and inlining is faster anyway.
  /* verilator inline_module */
  logic [31:0] a, b, c, d;
  always_comb begin
    a = 32'd0;
    b = 32'd0;
    c = 32'd0;
    d = 32'd0;
    y = 32'd0;
    if (enable) begin
      a = x ^ (x >> 16);
      b = a * hif4_pkg::MIX32_MUL_A;
      c = b ^ (b >> 15);
      d = c * hif4_pkg::MIX32_MUL_B;
      y = d ^ (d >> 16);
    end
  end
endmodule
