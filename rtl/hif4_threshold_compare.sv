// hif4_threshold_compare: the E1 threshold tests of one group peak, V * REC >= 2 and >= 4
// (E1_8 reads ">= 4"; E1_16 reads ">= 2^(1 + E1_8)", since V16 * REC * 2^-E1_8 >= 2).
// Both come from the same product and exponent sum, so giving both costs one comparator.
//
// Why no full-width comparator: a value is >= 2^k exactly when its leading bit sits at or
// above 2^k. With V = (128+Mv) 2^(Ev-134) and REC = (128+Mr) 2^(Er-134) normal, the 16-bit
// product of the significands lies in [2^14, 2^16), so its leading bit is 2^(Ev+Er-254+P[15])
// and V * REC >= 2^k is the exponent sum Ev + Er + P[15] >= 254 + k.
//   bf16 mode: the product is first rounded to 8 significant bits, nearest even; that can
//   only move the leading bit by a carry out (P's top 8 bits all ones and rounding up).
//   BF16 product overflow to Inf needs Ev + Er > 300, far above the threshold: no extra case.
//   Subnormal V: V < 2^-126 and REC <= 2^48 give a product below 2^-78 (< 2, also after BF16
//   rounding, whose coarser subnormal quantum is irrelevant there): the decision is 0.
//   V = Inf (or a NaN pattern, which the top never lets through): the decision is 1, as the
//   model's ThresholdProduct::infinite.
// Precondition: REC is a normal BF16 not above 2^48 (hif4_e6m2_recip guarantees it).
module hif4_threshold_compare (
  input  logic [hif4_pkg::MAG_W-1:0] v,               // group peak (BF16 magnitude)
  input  logic [15:0]                rec,             // REC (BF16, normal; sign ignored)
  input  logic                       bf16_product,    // cfg_threshold_product
  output logic                       ge2,             // V * REC >= 2
  output logic                       ge4              // V * REC >= 4
);
  // Always flattened into the parent by Verilator: 5.006 mis-generates some non-inlined
  // instances of this module (references to parent signals), and inlining is faster anyway.
  /* verilator inline_module */
  localparam logic [9:0] THRESHOLD_BASE = 10'(2 * hif4_pkg::BF16_SIG_OFFSET - 14);  // 254

  logic [7:0]  v_exp, r_exp;
  logic [15:0] prod;
  logic        p_top, round_up, carry;
  logic [9:0]  exp_sum;

  assign v_exp = v[14:7];
  assign r_exp = rec[14:7];
  assign prod  = {8'd0, 1'b1, v[6:0]} * {8'd0, 1'b1, rec[6:0]};
  assign p_top = prod[15];

  // RNE of the product to 8 significant bits: the kept bits are prod[15:8] or prod[14:7].
  hif4_round_decide u_round (
    .mode    (hif4_pkg::RM_NEAREST_EVEN),
    .lsb     (p_top ? prod[8] : prod[7]),
    .guard   (p_top ? prod[7] : prod[6]),
    .sticky  (p_top ? |prod[6:0] : |prod[5:0]),
    .frac    ('0),
    .random  ('0),
    .round_up(round_up)
  );
  assign carry = bf16_product && round_up && (p_top ? &prod[15:8] : &prod[14:7]);

  assign exp_sum   = {2'b00, v_exp} + {2'b00, r_exp} + {9'd0, p_top} + {9'd0, carry};

  always_comb begin
    if (v_exp == 8'hFF) begin             // Inf (or NaN)
      ge2 = 1'b1;
      ge4 = 1'b1;
    end else if (v_exp == 8'd0) begin     // zero or subnormal
      ge2 = 1'b0;
      ge4 = 1'b0;
    end else begin
      ge2 = exp_sum >= THRESHOLD_BASE + 10'd1;
      ge4 = exp_sum >= THRESHOLD_BASE + 10'd2;
    end
  end

  // rec[15] (sign) is never read: REC is positive.
  logic unused_rec_sign;
  assign unused_rec_sign = rec[15];
endmodule
