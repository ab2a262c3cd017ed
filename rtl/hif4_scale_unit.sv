// hif4_scale_unit: Vmax -> SF = BF16_RNE(Vmax * BF16(1/7)) -> E6M2 code.
//
// SF: both factors are BF16, so the product of the 8-bit significands (16 bits) is exact and
// rounded once, to nearest even, like the model's scale_factor(). The constant significand
// 146 (= 0x92) is a shift-and-add multiplier after synthesis.
//
// E6M2: SF keeps 3 of its 8 significand bits (1.mm); the other 5 are rounded under
// cfg scale_rounding. The code {exponent - (127 - 48), mm} plus the rounding increment is
// formed as one 10-bit sum, so a mantissa carry (1.11 + 1 ulp = 10.0) moves into the
// exponent by itself, and "above 0xFE" is one comparison (0xFF is NaN, not a number).
// Under scale_binade = log2-bf16 some SF just below a power of two are rounded one binade up
// (hif4_pkg::log2_bf16_binade_up): SF keeps 2 bits (1.m), the other 6 are rounded, and the
// code {exponent, m, 0} plus twice the increment gives 1.0, 1.5 or the next power of two, the
// values 2, 3 and 4 units of 2^(e - 1) stand for.
//
// Out of range: SF < 2^-48 (zero, subnormal, tiny) is an underflow (0x00 or NaN per
// scale_underflow); SF = +Inf (Vmax is Inf or NaN), a rounded code above 0xFE, or under
// nan-unrounded SF >= 53248 before rounding, is an overflow (0xFE or NaN per scale_overflow).
// NaN-block decisions caused by the block's input are taken in the top; this unit only sees
// Vmax.
module hif4_scale_unit (
  input  logic [hif4_pkg::MAG_W-1:0] vmax,            // BF16 magnitude; Inf/NaN allowed
  input  logic [1:0]                 scale_rounding,  // cfg_scale_rounding
  input  logic                       scale_binade,    // cfg_scale_binade
  input  logic [1:0]                 scale_overflow,  // cfg_scale_overflow
  input  logic                       scale_underflow, // cfg_scale_underflow
  output logic [15:0]                sf,              // SF, a non-negative BF16 (+Inf allowed)
  output logic [7:0]                 e6m2             // E6M2 code; 0xFF under a NaN policy
);
  // ---------------- SF = BF16_RNE(Vmax * 1/7) ----------------
  localparam logic [7:0] K_SIG = {1'b1, hif4_pkg::BF16_ONE_SEVENTH[6:0]};  // 146
  localparam int K_EXP = {24'd0, hif4_pkg::BF16_ONE_SEVENTH[14:7]};           // 124
  // The product's unit is 2^(Eeff + K_EXP - 268); the BF16 subnormal quantum is 2^-133, so
  // at least SUB_SHIFT_BASE - Eeff low bits must go.
  localparam int SUB_SHIFT_BASE = 2 * hif4_pkg::BF16_SIG_OFFSET - 133 - K_EXP;  // 11

  logic [7:0]  v_exp;      // exponent field
  logic [7:0]  v_exp_eff;  // subnormals share the exponent of field 1
  logic [7:0]  v_sig;      // significand with the hidden bit
  logic [15:0] prod;
  logic [3:0]  shift_norm, shift_sub, shift;
  logic [23:0] aligned;  // kept bits 23:16, discarded bits 15:0
  logic [7:0]  sf_kept;
  logic        sf_up;
  logic [7:0]  sf_field;
  logic        v_nonfinite;

  assign v_exp       = vmax[14:7];
  assign v_nonfinite = v_exp == 8'hFF;
  assign v_exp_eff   = (v_exp == 8'd0) ? 8'd1 : v_exp;
  assign v_sig       = {v_exp != 8'd0, vmax[6:0]};
  assign prod        = {8'd0, v_sig} * {8'd0, K_SIG};

  // Keep 8 significant bits: a normal Vmax gives prod in [2^14, 2^16), so its MSB is bit 14
  // or 15 and 7 or 8 bits go. A subnormal Vmax (Eeff = 1) always lands in the BF16 subnormal
  // range, where SUB_SHIFT_BASE - Eeff = 10 bits go, more than prod's MSB would ask for; so
  // prod[15] is the only normalisation the datapath needs.
  assign shift_norm = prod[15] ? 4'd8 : 4'd7;
  assign shift_sub  = (v_exp_eff < 8'(SUB_SHIFT_BASE)) ? 4'(8'(SUB_SHIFT_BASE) - v_exp_eff) : 4'd0;
  assign shift      = (shift_sub > shift_norm) ? shift_sub : shift_norm;
  assign aligned    = 24'({prod, 16'd0} >> shift);  // shift >= 7 and <= 10: bits 31:24 are 0, none lost
  assign sf_kept    = aligned[23:16];

  hif4_round_decide u_sf_round (
    .mode    (hif4_pkg::RM_NEAREST_EVEN),
    .lsb     (aligned[16]),
    .guard   (aligned[15]),
    .sticky  (|aligned[14:0]),
    .frac    ('0),
    .random  ('0),
    .round_up(sf_up)
  );

  // BF16 bits = field * 128 + kept - 128 covers normal (kept >= 128, hidden bit absorbed by
  // the -128) and subnormal (field 1, kept < 128) results; a rounding carry to kept = 256
  // bumps the field by itself. field = Eeff + K_EXP - 2*134 + 134 + shift >= 1 here, and the
  // largest finite Vmax gives 0x7E80: the product never overflows to Inf.
  assign sf_field = 8'(v_exp_eff + 8'(K_EXP - hif4_pkg::BF16_SIG_OFFSET) + 8'(shift));
  always_comb begin
    if (v_nonfinite) sf = hif4_pkg::BF16_INF;
    else sf = {1'b0, sf_field, 7'd0} + {8'd0, sf_kept} + {15'd0, sf_up} - 16'd128;
  end

  // ---------------- SF -> E6M2 ----------------
  localparam logic [9:0] E6M2_EXP_OFFSET = 10'(hif4_pkg::BF16_BIAS - hif4_pkg::E6M2_BIAS);  // 79

  logic       under, sf_inf, e6m2_up, over, over_unrounded, binade_up;
  logic [7:0] e6m2_exp;  // exponent field of the E6M2 code, before the range check
  logic [7:0] binade_n;  // |log2 SF| rounded toward zero, as log2_bf16_binade_up takes it
  logic [9:0] code_trunc, code_wide;

  assign under      = sf < hif4_pkg::BF16_E6M2_MIN;
  assign sf_inf     = sf[14:7] == 8'hFF;
  // {E6M2 exponent, mm}, valid when not under (field >= 79, so the exponent is 0..175 and
  // fits 8 bits); the 10-bit sum leaves room for the rounding carry.
  assign e6m2_exp   = sf[14:7] - E6M2_EXP_OFFSET[7:0];
  // n = e for e >= 1 (field >= 128), -e - 1 for e <= -2 (field <= 125), else 0.
  assign binade_n   = sf[14:7] >= 8'd128 ? sf[14:7] - 8'd127
                    : sf[14:7] <= 8'd125 ? 8'd126 - sf[14:7] : 8'd0;
  assign binade_up  = scale_binade == hif4_cfg_pkg::SCALE_BINADE_LOG2_BF16
                      && {1'b0, sf[6:0]} >= hif4_pkg::log2_bf16_binade_up(binade_n);
  assign code_trunc = binade_up ? {e6m2_exp, sf[6], 1'b0} : {e6m2_exp, sf[6:5]};
  assign over_unrounded = scale_overflow == hif4_cfg_pkg::SCALE_OVERFLOW_NAN_UNROUNDED
                          && sf >= hif4_pkg::BF16_SCALE_OVERFLOW_UNROUNDED;

  // The cfg scale rounding as a mode of hif4_round_decide.
  logic [2:0] e6m2_mode;
  always_comb begin
    case (scale_rounding)
      hif4_cfg_pkg::SCALE_ROUNDING_NEAREST_AWAY: e6m2_mode = hif4_pkg::RM_NEAREST_AWAY;
      hif4_cfg_pkg::SCALE_ROUNDING_NEAREST_EVEN: e6m2_mode = hif4_pkg::RM_NEAREST_EVEN;
      hif4_cfg_pkg::SCALE_ROUNDING_TOWARD_ZERO:  e6m2_mode = hif4_pkg::RM_TOWARD_ZERO;
      default:                                   e6m2_mode = hif4_pkg::RM_UP;  // SCALE_ROUNDING_UP
    endcase
  end

  // One binade up the kept bits end at sf[6]: lsb, guard and sticky move up one place.
  hif4_round_decide u_e6m2_round (
    .mode    (e6m2_mode),
    .lsb     (binade_up ? sf[6] : sf[5]),
    .guard   (binade_up ? sf[5] : sf[4]),
    .sticky  (binade_up ? |sf[4:0] : |sf[3:0]),
    .frac    ('0),
    .random  ('0),
    .round_up(e6m2_up)
  );

  assign code_wide = code_trunc + (binade_up ? {8'd0, e6m2_up, 1'b0} : {9'd0, e6m2_up});
  assign over      = sf_inf || over_unrounded || code_wide > {2'b00, hif4_pkg::E6M2_MAX_FINITE};

  always_comb begin
    if (under)
      e6m2 = (scale_underflow == hif4_cfg_pkg::SCALE_UNDERFLOW_NAN) ? hif4_pkg::E6M2_NAN
                                                                    : hif4_pkg::E6M2_MIN;
    else if (over)
      e6m2 = (scale_overflow == hif4_cfg_pkg::SCALE_OVERFLOW_SATURATE) ? hif4_pkg::E6M2_MAX_FINITE
                                                                       : hif4_pkg::E6M2_NAN;
    else
      e6m2 = code_wide[7:0];
  end
endmodule
