// hif4_round_decide: the one rounding decision of the design.
//
// Every rounding in the quantizer (SF to BF16, SF to the two E6M2 mantissa bits, the BF16
// threshold and payload products, and the S1P2 payload) truncates a magnitude and then asks
// this module whether to add one unit in the last kept place. Keeping that decision in one
// place mirrors the model's round_shift_right() (bf16.h), so the roundings cannot drift apart.
//
// Inputs describe the discarded part of the magnitude:
//   lsb    the least significant kept bit (ties to even look at it)
//   guard  the first discarded bit (worth one half of the last place)
//   sticky the OR of every discarded bit below guard
//   frac   the discarded fraction truncated to SR_BITS bits (frac[SR_BITS-1] == guard);
//          only stochastic rounding reads it
//   random SR_BITS uniformly distributed bits (stochastic only)
// Units that never round stochastically tie frac and random to zero; synthesis then removes
// the adder.
module hif4_round_decide (
  input  logic [2:0]                     mode,   // hif4_pkg::RM_*
  input  logic                           lsb,
  input  logic                           guard,
  input  logic                           sticky,
  input  logic [hif4_pkg::SR_BITS-1:0]   frac,
  input  logic [hif4_pkg::SR_BITS-1:0]   random,
  output logic                           round_up
);
  // Always flattened into the parent by Verilator: 5.006 mis-generates some non-inlined
  // instances of this module (references to parent signals), and inlining is faster anyway.
  /* verilator inline_module */
  // Stochastic: the fraction plus the random bits carries out with probability
  // floor(frac * 2^16) / 2^16 (the model's Rounding::Stochastic).
  logic [hif4_pkg::SR_BITS:0] sr_sum;
  assign sr_sum = {1'b0, frac} + {1'b0, random};

  always_comb begin
    unique case (mode)
      hif4_pkg::RM_NEAREST_AWAY: round_up = guard;
`ifdef HIF4_INJECT_FAULT
      // Test-only fault (rtl/CMakeLists.txt builds a separate top with it): ties to even
      // never round an odd last place up, i.e. ties go toward zero. The rtl tests must fail.
      hif4_pkg::RM_NEAREST_EVEN: round_up = guard & sticky;
`else
      hif4_pkg::RM_NEAREST_EVEN: round_up = guard & (sticky | lsb);
`endif
      hif4_pkg::RM_TOWARD_ZERO:  round_up = 1'b0;
      hif4_pkg::RM_UP:           round_up = guard | sticky;
      hif4_pkg::RM_STOCHASTIC:   round_up = sr_sum[hif4_pkg::SR_BITS];
      default:                   round_up = 1'b0;
    endcase
  end
`ifdef HIF4_INJECT_FAULT
  logic unused_fault_lsb;
  assign unused_fault_lsb = lsb;  // the faulty tie rule ignores the last kept bit
`endif
endmodule
