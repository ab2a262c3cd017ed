// hif4_e1_unit: the micro-exponent decisions of a block.
//   E1_8[g]  = V8[g] * REC >= 4
//   E1_16[j] = V16[j] * REC * 2^-E1_8[j/2] >= 2     (i.e. >= 2^(1 + E1_8[j/2]))
// Each product is exact or rounded to BF16 first (cfg_threshold_product).
//
// Why no multiplier: for a fixed REC, V * REC >= 2^k (and BF16_RNE(V * REC) >= 2^k) is
// monotone in V, and BF16 magnitudes order as 15-bit integers, so each decision is one
// comparison V >= T_k against the smallest magnitude T_k that passes. T_k depends on the block
// only through REC, exactly as a payload threshold does: it is hif4_pkg::payload_threshold
// for toward-zero rounding and k = 1 (y = V * REC * 2^(2-s) >= 1, i.e. V * REC >= 2^(s-2))
// with s = 3 (>= 2) and s = 4 (>= 4): a constant {OFFSET, MANT} per (REC significand,
// product mode), then field = OFFSET + s - Er. Two thresholds a block, 24 comparators.
//   Inf (and NaN patterns, which the top never lets through) pass every T_k: the decision
//   is 1, as the model's ThresholdProduct::infinite. Zero and subnormal V stay below T_k
//   (a normal BF16 for every REC of an E6M2 code, 2^-16 .. 2^48): the decision is 0.
// Precondition: REC comes from hif4_e6m2_recip (a normal BF16 in 2^-16 .. 2^48); for a NaN
// block (REC 0) the decisions are meaningless and the top forces them to 0.
module hif4_e1_unit (
  input  logic [hif4_pkg::NUM_G8*hif4_pkg::MAG_W-1:0]  v8,
  input  logic [hif4_pkg::NUM_G16*hif4_pkg::MAG_W-1:0] v16,
  input  logic [15:0]                                  rec,
  input  logic                                         bf16_product,  // threshold-product = bf16
  output logic [hif4_pkg::NUM_G8-1:0]                  e1_8,
  output logic [hif4_pkg::NUM_G16-1:0]                 e1_16
);
  localparam int W = hif4_pkg::MAG_W;
  localparam int THR_W = 15;  // {OFFSET[7:0], MANT[6:0]}

  // {OFFSET, MANT} for (REC significand index r, product mode p), entry 2r + p.
  logic [8*THR_W-1:0] thr_table;
  genvar r, p;
  generate
    for (r = 0; r < 4; r++) begin : g_rec
      for (p = 0; p < 2; p++) begin : g_product
        localparam logic [THR_W-1:0] ENTRY =
            hif4_pkg::payload_threshold(r, hif4_cfg_pkg::PAYLOAD_ROUNDING_TOWARD_ZERO, p, 1);
        assign thr_table[THR_W*(2*r+p) +: THR_W] = ENTRY;
      end
    end
  endgenerate

  logic [1:0]       rec_idx;
  logic [THR_W-1:0] entry;
  logic [W-1:0]     t2, t4;  // V * REC >= 2 and >= 4 exactly when V >= t2, t4
  always_comb begin
    rec_idx = hif4_pkg::rec_index(rec[6:0]);
    entry = thr_table[THR_W*(2*32'(rec_idx) + 32'(bf16_product)) +: THR_W];
    t2 = {entry[THR_W-1:7] + 8'd3 - rec[14:7], entry[6:0]};
    t4 = {entry[THR_W-1:7] + 8'd4 - rec[14:7], entry[6:0]};
  end

  genvar g, j;
  generate
    for (g = 0; g < hif4_pkg::NUM_G8; g++) begin : g_e1_8
      assign e1_8[g] = v8[W*g +: W] >= t4;
    end
    for (j = 0; j < hif4_pkg::NUM_G16; j++) begin : g_e1_16
      assign e1_16[j] = v16[W*j +: W] >= (e1_8[j / 2] ? t4 : t2);
    end
  endgenerate

  logic unused_rec_sign;
  assign unused_rec_sign = rec[15];  // REC is positive
endmodule
