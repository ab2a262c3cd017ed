// hif4_s1p2_lane: the code magnitude of one payload lane under stochastic rounding.
//
//   4|s| = |x| * REC * 2^-(E1_8 + E1_16) * 4, clamped to 7 quarters, rounded to an integer.
//
// The deterministic roundings need no product (hif4_s1p2_encoder counts thresholds, four
// lanes at a time); stochastic rounding needs the 16 fraction bits of 4|s|, so this lane
// computes the product. With `enable` low (the block is not stochastic) the output is 0 and
// the datapath is skipped (a cycle simulator does no work for it):
//   1. Only normal x can give a nonzero code: a BF16 subnormal is below 2^-126 and REC is
//      at most 2^48, so 4|s| < 2^-76, and 16 fraction bits of it are 0. For a normal x the
//      product of the 8-bit significands lies in [2^14, 2^16) and one bit (P[15])
//      normalises it. The exponent of 4|s|'s leading bit is T = Ex + P[15] + exp_base, where
//      exp_base = Er - 252 - shift is block-wide (formed once in the encoder).
//   2. payload-product = bf16: the normalised product is rounded to 8 significant bits
//      (nearest even, hif4_pkg::round_up); a carry out adds one to T. Products below the
//      BF16 normal range would round on a coarser grid, but they are below 2^-124, where
//      the code is 0 either way.
//   3. T >= 3 means 4|s| >= 8: saturate. Otherwise one right shift (by 2 - T, at most 20,
//      the rest folded into sticky) aligns 4|s| as 3 integer bits and 16 fraction bits.
//   4. An integer part of 7 is 7 whatever the rounding (the model's clamp); otherwise the
//      rounding increment is added (it cannot pass 7).
// Inf (and NaN, which the top never lets through) is 7. The sign is the encoder's.
// Precondition: REC comes from hif4_e6m2_recip (a normal BF16 in 2^-16 .. 2^48).
module hif4_s1p2_lane (
  input  logic [15:0]                  x,             // BF16 input lane
  input  logic [6:0]                   rec_mant,      // REC's mantissa field (hidden 1 implied)
  input  logic signed [10:0]           exp_base,      // Er - 252 - (E1_8 + E1_16) of this lane
  input  logic                         enable,        // payload rounding is stochastic
  input  logic                         bf16_product,  // payload-product = bf16
  input  logic [hif4_pkg::SR_BITS-1:0] random,        // stochastic bits of this lane
  output logic [2:0]                   quarters,      // code magnitude (0 unless stochastic)
  // The BF16 product's rounding carried into the next binade (step 2 below). Nothing reads
  // it: it is this lane's own toggle point for code coverage, which merges the 64 lanes'
  // points of this module into one (the encoder gathers it per lane).
  output logic                         product_carry
);
  // Always flattened into the parent by Verilator: 5.006 mis-generates some non-inlined
  // instances of this module (references to parent signals), and inlining is faster anyway.
  /* verilator inline_module */

  always_comb begin
    logic [7:0]  x_exp;
    logic [15:0] prod, prod_norm, prod_used;
    logic        prod_up, prod_carry, round_up;
    logic signed [10:0] t_exp;
    logic [4:0]  right;
    logic [38:0] window;
    x_exp      = x[14:7];
    prod       = 16'd0;
    prod_norm  = 16'd0;
    prod_used  = 16'd0;
    prod_up    = 1'b0;
    prod_carry = 1'b0;
    round_up   = 1'b0;
    t_exp      = 11'sd0;
    right      = 5'd0;
    window     = 39'd0;
    quarters   = 3'd0;
    product_carry = 1'b0;
    if (enable) begin
      // ---- stochastic: 1. product ----
      prod      = {8'd0, 1'b1, x[6:0]} * {8'd0, 1'b1, rec_mant};
      prod_norm = prod[15] ? prod : {prod[14:0], 1'b0};
      // 2. optional BF16 rounding of the product
      prod_up    = hif4_pkg::round_up(hif4_pkg::RM_NEAREST_EVEN, prod_norm[8], prod_norm[7],
                                      |prod_norm[6:0], '0, '0);
      prod_carry = bf16_product && prod_up && (&prod_norm[15:8]);
      product_carry = prod_carry;
      if (!bf16_product) prod_used = prod_norm;
      else if (prod_carry) prod_used = 16'h8000;                    // 1.0 of the next binade
      else prod_used = {prod_norm[15:8] + {7'd0, prod_up}, 8'd0};
      t_exp = $signed({3'b000, x_exp}) + $signed({10'd0, prod[15]})
            + $signed({10'd0, prod_carry}) + exp_base;
      // 3. alignment: {prod_used, 3'b0} is 4|s| * 2^16 when T = 2 (leading bit at 2^2)
      if (t_exp < -11'sd18) right = 5'd20;
      else right = 5'(11'sd2 - t_exp);
      window   = {prod_used, 3'b000, 20'd0} >> right;
      round_up = hif4_pkg::round_up(hif4_pkg::RM_STOCHASTIC, window[36], window[35], |window[34:0],
                                    window[35:20], random);
      // 4. magnitude
      if (x_exp == 8'd0) quarters = 3'd0;
      else if (x_exp == 8'hFF || t_exp >= 11'sd3 || window[38:36] == hif4_pkg::S1P2_MAX_MAG)
        quarters = hif4_pkg::S1P2_MAX_MAG;
      else quarters = window[38:36] + {2'd0, round_up};
    end
  end

  logic unused_sign;
  assign unused_sign = x[15];  // the encoder applies the sign
endmodule
