// hif4_s1p2_encoder: the 64 payload lanes of a block, and their stochastic rounding bits.
//
// Lane i shifts by E1_8[i/8] + E1_16[i/4] and, under stochastic rounding, uses
//   bits = mix32(key ^ (i + 1) * 0x9E3779B9) >> 16        (stages.h, sr_lane_bits)
// where (i + 1) * 0x9E3779B9 is a per-lane constant. The cfg payload rounding maps onto the
// shared rounding modes: 0..2 are RM_NEAREST_AWAY..RM_TOWARD_ZERO, 3 is RM_STOCHASTIC.
// The NaN-block override (all codes 0) is applied by the top, not here.
module hif4_s1p2_encoder (
  input  logic [hif4_pkg::IN_W-1:0]    lanes,
  input  logic [15:0]                  rec,
  input  logic [hif4_pkg::NUM_G8-1:0]  e1_8,
  input  logic [hif4_pkg::NUM_G16-1:0] e1_16,
  input  logic [1:0]                   payload_rounding,  // cfg_payload_rounding
  input  logic                         bf16_product,      // cfg_payload_product
  input  logic                         keep_sign,         // cfg_negative_zero
  input  logic [31:0]                  sr_key,            // hif4_sr_block_key of this block
  output logic [hif4_pkg::CODES_W-1:0] codes              // lane i in bits 4i+3:4i
);
  logic [2:0] mode;
  logic       stochastic;
  assign stochastic = payload_rounding == hif4_pkg::PAYLOAD_STOCHASTIC;
  assign mode = stochastic ? hif4_pkg::RM_STOCHASTIC : {1'b0, payload_rounding};

  // Block-wide exponent arithmetic, shared by the lanes: the exponent of 4|s|'s leading bit
  // is Ex + P[15] + (Er - 252 - shift) (hif4_s1p2_lane), so the three possible bases are
  // formed once here. 252 = 2 * 134 - 14 (significand offsets and product width) - 2 (4|s|).
  localparam logic signed [10:0] EXP_OFFSET = 11'sd252;
  logic signed [10:0] exp_base [3];
  always_comb
    for (int s = 0; s < 3; s++)
      exp_base[s] = $signed({3'b000, rec[14:7]}) - EXP_OFFSET - 11'(s);

  genvar i;
  generate
    for (i = 0; i < hif4_pkg::NUM_LANES; i++) begin : g_lane
      // (i + 1) * 0x9E3779B9 mod 2^32, folded at elaboration time.
      localparam logic [63:0] LANE_SALT_WIDE = 64'(i + 1) * {32'd0, hif4_pkg::SR_LANE_MUL};
      localparam logic [31:0] LANE_SALT = LANE_SALT_WIDE[31:0];

      logic [31:0] hash;
      logic [1:0]  shift;

      hif4_mix32 u_mix (.enable(stochastic), .x(sr_key ^ LANE_SALT), .y(hash));

      assign shift = {1'b0, e1_8[i / hif4_pkg::LANES_PER_G8]}
                   + {1'b0, e1_16[i / hif4_pkg::LANES_PER_G16]};

      hif4_s1p2_lane u_lane (
        .x           (lanes[16*i +: 16]),
        .rec_mant    (rec[6:0]),
        .exp_base    (exp_base[shift]),
        .mode        (mode),
        .bf16_product(bf16_product),
        .keep_sign   (keep_sign),
        .random      (hash[31:32-hif4_pkg::SR_BITS]),
        .code        (codes[4*i +: 4])
      );

      logic [31-hif4_pkg::SR_BITS:0] unused_hash_low;  // sr_lane_bits keeps the top 16 bits
      assign unused_hash_low = hash[31-hif4_pkg::SR_BITS:0];
    end
  endgenerate

  logic unused_rec_sign;
  assign unused_rec_sign = rec[15];  // REC is positive
endmodule
