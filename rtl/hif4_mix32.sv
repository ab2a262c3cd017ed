// hif4_mix32: the 32-bit integer hash of the stochastic rounding bits (stages.h, mix32):
//   x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16   (mod 2^32)
// Two constant multipliers (shift-and-add after synthesis) and three xor-shifts.
module hif4_mix32 (
  input  logic [31:0] x,
  output logic [31:0] y
);
  logic [31:0] a, b, c, d;
  assign a = x ^ (x >> 16);
  assign b = a * hif4_pkg::MIX32_MUL_A;
  assign c = b ^ (b >> 15);
  assign d = c * hif4_pkg::MIX32_MUL_B;
  assign y = d ^ (d >> 16);
endmodule
