// hif4_pkg: the parameters and encodings every HiF4 RTL unit shares (in the manner of FPnew's
// fpnew_pkg). The numbers mirror model/include/hif4/format.h and the knob table of
// model/src/config.cpp; the unit tests compare the RTL against that model, so a drift here
// shows up as a mismatch there.
//
// Yosys 0.23 does not parse `import pkg::*` (neither in a module header nor in its body), so
// units refer to these names as hif4_pkg::NAME.
// The package is a catalogue: not every unit uses every entry, hence the UNUSEDPARAM waiver.
/* verilator lint_off UNUSEDPARAM */
package hif4_pkg;

  // ---- Block shape (format.h) --------------------------------------------------------------
  localparam int unsigned NUM_LANES = 64;        // values per block
  localparam int unsigned NUM_G8 = 8;            // E1_8 groups (8 lanes each)
  localparam int unsigned NUM_G16 = 16;          // E1_16 groups (4 lanes each)
  localparam int unsigned LANES_PER_G8 = 8;
  localparam int unsigned LANES_PER_G16 = 4;
  localparam int unsigned BF16_W = 16;
  localparam int unsigned MAG_W = 15;            // a BF16 magnitude (sign bit dropped)
  localparam int unsigned E6M2_W = 8;
  localparam int unsigned S1P2_W = 4;
  localparam int unsigned PACKED_BYTES = 36;
  localparam int unsigned BLOCK_W = 8 * PACKED_BYTES;          // 288
  localparam int unsigned IN_W = BF16_W * NUM_LANES;           // 1024
  localparam int unsigned CODES_W = S1P2_W * NUM_LANES;        // 256

  // ---- BF16 ---------------------------------------------------------------------------------
  localparam logic [14:0] BF16_INF_MAG = 15'h7F80;  // +Inf; larger magnitudes are NaN
  localparam logic [15:0] BF16_INF = 16'h7F80;
  localparam int BF16_BIAS = 127;
  // A normal BF16 (E, M) is (128 + M) * 2^(E - 134): 8-bit significand, exponent offset
  // BF16_BIAS + 7. The product of two such significands is worth 2^(Ea + Eb - 268).
  localparam int BF16_SIG_OFFSET = BF16_BIAS + 7;   // 134
  // BF16(1/7) = 0x3E12 = 146 * 2^-10: the constant of SF = Vmax / 7.
  localparam logic [15:0] BF16_ONE_SEVENTH = 16'h3E12;

  // ---- E6M2 ---------------------------------------------------------------------------------
  localparam int E6M2_BIAS = 48;
  localparam logic [7:0] E6M2_MIN = 8'h00;          // 2^-48
  localparam logic [7:0] E6M2_MAX_FINITE = 8'hFE;   // 1.5 * 2^15 = 49152
  localparam logic [7:0] E6M2_NAN = 8'hFF;
  // 2^-48 as a BF16: an SF below it underflows the scale.
  localparam logic [15:0] BF16_E6M2_MIN = 16'((BF16_BIAS - E6M2_BIAS) << 7);  // 0x2780
  // REC = BF16_RNE(1 / 1.mm): BF16 mantissa fields for E6M2 mantissa 0..3 (never a tie:
  // 4/5, 2/3 and 4/7 are not dyadic; the model's test derives them by long division).
  localparam logic [6:0] REC_MANT_0 = 7'h00;
  localparam logic [6:0] REC_MANT_1 = 7'h4D;
  localparam logic [6:0] REC_MANT_2 = 7'h2B;
  localparam logic [6:0] REC_MANT_3 = 7'h12;

  // ---- S1P2 ---------------------------------------------------------------------------------
  localparam logic [2:0] S1P2_MAX_MAG = 3'd7;       // 1.75 = 7 quarters

  // ---- Rounding modes of hif4_round_decide (values = hif4::Rounding in bf16.h) -------------
  localparam logic [2:0] RM_NEAREST_AWAY = 3'd0;
  localparam logic [2:0] RM_NEAREST_EVEN = 3'd1;
  localparam logic [2:0] RM_TOWARD_ZERO = 3'd2;
  localparam logic [2:0] RM_UP = 3'd3;
  localparam logic [2:0] RM_STOCHASTIC = 3'd4;
  localparam int unsigned SR_BITS = 16;             // random bits per lane (kSrBits)

  // ---- Configuration encodings (value index in the knob table, docs/microarchitecture.md) --
  // cfg_scale_rounding: 0 nearest-away, 1 nearest-even, 2 toward-zero, 3 up   (= RM_* 0..3)
  // cfg_payload_rounding: 0 nearest-away, 1 nearest-even, 2 toward-zero, 3 stochastic
  localparam logic [1:0] PAYLOAD_STOCHASTIC = 2'd3;
  localparam logic PRODUCT_EXACT = 1'b0;            // cfg_threshold_product / cfg_payload_product
  localparam logic PRODUCT_BF16 = 1'b1;
  localparam logic NEGZERO_PLUS = 1'b0;             // cfg_negative_zero
  localparam logic NEGZERO_KEEP_SIGN = 1'b1;
  localparam logic OVERFLOW_SATURATE = 1'b0;        // cfg_scale_overflow
  localparam logic OVERFLOW_NAN = 1'b1;
  localparam logic UNDERFLOW_MIN = 1'b0;            // cfg_scale_underflow
  localparam logic UNDERFLOW_NAN = 1'b1;
  localparam logic NONFINITE_NAN_BLOCK = 1'b0;      // cfg_non_finite
  localparam logic NONFINITE_SATURATE_INF = 1'b1;

  // ---- Stochastic rounding hash (stages.h: mix32, sr_block_key, sr_lane_bits) --------------
  localparam logic [31:0] MIX32_MUL_A = 32'h7FEB352D;
  localparam logic [31:0] MIX32_MUL_B = 32'h846CA68B;
  localparam logic [31:0] SR_BLOCK_SALT = 32'h48694634;
  localparam logic [31:0] SR_LANE_MUL = 32'h9E3779B9;

endpackage
/* verilator lint_on UNUSEDPARAM */
