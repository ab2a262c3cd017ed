// hif4_s1p2_lane: one payload lane, x -> S1P2 code.
//
//   4|s| = |x| * REC * 2^-(E1_8 + E1_16) * 4, clamped to 7 quarters, rounded to an integer.
//
// Datapath (why it is shaped this way):
//  1. Only normal x can give a nonzero code: a BF16 subnormal is below 2^-126 and REC is at
//     most 2^48, so 4|s| < 2^-76, which every payload rounding mode (stochastic reads only 16
//     fraction bits) sends to 0. So no leading-zero count: subnormals are zeros here (their
//     sign still counts, see 5). For a normal x the product of the 8-bit significands lies
//     in [2^14, 2^16) and a single bit (P[15]) normalises it. The exponent of 4|s|'s leading
//     bit is T = Ex + P[15] + exp_base, where exp_base = Er - 252 - shift is block-wide (the
//     encoder forms it once per E1 shift value, not once per lane).
//  2. payload-product = bf16: the normalised product is rounded to 8 significant bits
//     (nearest even, hif4_round_decide); a carry out adds one to T. Products below the BF16
//     normal range would round on a coarser grid, but they are below 2^-124, where every
//     payload rounding mode gives 0, so the normal grid gives the same code.
//  3. T >= 3 means 4|s| >= 8: saturate. Otherwise one right shift (by 2 - T, at most 20 with
//     the rest folded into sticky) aligns 4|s| as 3 integer bits and 16 fraction bits: the
//     integer part, the guard/sticky bits for the nearest modes and the 16-bit fraction for
//     stochastic rounding all come out of the same window.
//  4. An integer part of 7 is 7 whatever the rounding (the model's clamp); otherwise the
//     rounding increment is added (it cannot pass 7).
//  5. Sign: a negative x (not -0.0; a negative subnormal is negative) keeps its sign unless
//     the code is 0 and negative-zero is plus-zero. Inf (and NaN, which the top never lets
//     through) is +-7.
// Precondition: REC is a normal BF16 not above 2^48 (hif4_e6m2_recip guarantees it).
module hif4_s1p2_lane (
  input  logic [15:0]                  x,             // BF16 input lane
  input  logic [6:0]                   rec_mant,      // REC's mantissa field (hidden 1 implied)
  input  logic signed [10:0]           exp_base,      // Er - 252 - (E1_8 + E1_16) of this lane
  input  logic [2:0]                   mode,          // hif4_pkg::RM_* (payload rounding)
  input  logic                         bf16_product,  // cfg_payload_product
  input  logic                         keep_sign,     // cfg_negative_zero
  input  logic [hif4_pkg::SR_BITS-1:0] random,        // stochastic bits of this lane
  output logic [3:0]                   code
);
  // Always flattened into the parent by Verilator: 5.006 mis-generates some non-inlined
  // instances of this module (references to parent signals), and inlining is faster anyway.
  /* verilator inline_module */
  // ---- 1. operands, product ----
  logic [7:0]  x_exp;
  logic        x_zero, x_subnormal_or_zero, x_nonfinite;
  logic [15:0] prod, prod_norm, prod_used;
  logic        prod_up, prod_carry;
  logic signed [10:0] t_exp;    // exponent of the leading bit of 4|s|

  assign x_exp               = x[14:7];
  assign x_zero              = x[14:0] == 15'd0;
  assign x_subnormal_or_zero = x_exp == 8'd0;
  assign x_nonfinite         = x_exp == 8'hFF;

  assign prod      = {8'd0, 1'b1, x[6:0]} * {8'd0, 1'b1, rec_mant};
  assign prod_norm = prod[15] ? prod : {prod[14:0], 1'b0};

  // ---- 2. optional BF16 rounding of the product ----
  hif4_round_decide u_product_round (
    .mode    (hif4_pkg::RM_NEAREST_EVEN),
    .lsb     (prod_norm[8]),
    .guard   (prod_norm[7]),
    .sticky  (|prod_norm[6:0]),
    .frac    ('0),
    .random  ('0),
    .round_up(prod_up)
  );
  assign prod_carry = bf16_product && prod_up && (&prod_norm[15:8]);

  always_comb begin
    if (!bf16_product) prod_used = prod_norm;
    else if (prod_carry) prod_used = 16'h8000;                      // 1.0 of the next binade
    else prod_used = {prod_norm[15:8] + {7'd0, prod_up}, 8'd0};
  end

  assign t_exp = $signed({3'b000, x_exp}) + $signed({10'd0, prod[15]})
               + $signed({10'd0, prod_carry}) + exp_base;

  // ---- 3. alignment: 4|s| as 3 integer + 16 fraction bits, plus a sticky ----
  logic        saturate;
  logic [4:0]  right;          // 2 - T, clamped to 20
  logic [38:0] window;         // {int[2:0], frac[15:0]} in 38:20, bits shifted further below
  logic [2:0]  int_part;
  logic [15:0] frac16;
  logic        sticky, round_up;

  assign saturate = t_exp >= 11'sd3;
  always_comb begin
    if (t_exp < -11'sd18) right = 5'd20;
    else right = 5'(11'sd2 - t_exp);
  end
  // {prod_used, 3'b0} is 4|s| * 2^16 when right = 0 (T = 2: leading bit at 2^2).
  assign window   = {prod_used, 3'b000, 20'd0} >> right;
  assign int_part = window[38:36];
  assign frac16   = window[35:20];
  // Below the guard bit: the rest of the fraction and everything shifted past it. A shift
  // clamped at 20 still leaves every bit of prod_used in the window, so nothing is lost.
  assign sticky   = |window[34:0];

  hif4_round_decide u_payload_round (
    .mode    (mode),
    .lsb     (window[36]),
    .guard   (window[35]),
    .sticky  (sticky),
    .frac    (frac16),
    .random  (random),
    .round_up(round_up)
  );

  // ---- 4. magnitude, 5. sign ----
  logic [2:0] quarters;
  always_comb begin
    if (x_subnormal_or_zero) quarters = 3'd0;
    else if (x_nonfinite || saturate || int_part == hif4_pkg::S1P2_MAX_MAG)
      quarters = hif4_pkg::S1P2_MAX_MAG;
    else quarters = int_part + {2'd0, round_up};
  end

  logic negative;
  assign negative = x[15] && !x_zero;
  assign code = {negative && (quarters != 3'd0 || keep_sign), quarters};
endmodule
