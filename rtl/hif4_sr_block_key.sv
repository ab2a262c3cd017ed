// hif4_sr_block_key: the per-block key of the stochastic rounding bits (stages.h,
// sr_block_key): four chained mix32 over the block index and the seed, high halves first:
//   key = mix32(seed_lo ^ mix32(seed_hi ^ mix32(block_lo ^ mix32(block_hi ^ 0x48694634))))
// It sits in the scale stage (a block-level quantity, off the 64-lane path); the S1P2 stage
// derives each lane's bits from it (hif4_s1p2_encoder).
module hif4_sr_block_key (
  input  logic [63:0] seed,
  input  logic [63:0] block_index,
  output logic [31:0] key
);
  logic [31:0] h1, h2, h3;
  hif4_mix32 u_mix_block_hi (.enable(1'b1), .x(block_index[63:32] ^ hif4_pkg::SR_BLOCK_SALT), .y(h1));
  hif4_mix32 u_mix_block_lo (.enable(1'b1), .x(block_index[31:0] ^ h1), .y(h2));
  hif4_mix32 u_mix_seed_hi  (.enable(1'b1), .x(seed[63:32] ^ h2), .y(h3));
  hif4_mix32 u_mix_seed_lo  (.enable(1'b1), .x(seed[31:0] ^ h3), .y(key));
endmodule
