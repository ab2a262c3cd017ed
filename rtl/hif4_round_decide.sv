// hif4_round_decide: the one rounding decision of the design, as a module for the units
// that instantiate it (the SF and E6M2 roundings, the threshold products); the S1P2 lane
// calls the same function, hif4_pkg::round_up, directly. See the package for the rule.
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
  assign round_up = hif4_pkg::round_up(mode, lsb, guard, sticky, frac, random);
endmodule
