// hif4_pkg: the parameters and encodings every HiF4 RTL unit shares (in the manner of FPnew's
// fpnew_pkg). The numbers mirror model/include/hif4/format.h; the unit tests compare the RTL
// against that model, so a drift here shows up as a mismatch there. The encodings of the cfg_*
// ports are hif4_cfg_pkg's, generated from the knob table.
//
// Yosys 0.23 does not parse `import pkg::*` (neither in a module header nor in its body), so
// units refer to these names as hif4_pkg::NAME. Icarus Verilog 11 does not parse
// `localparam int unsigned`, so integer parameters here and in the units are plain `int`.
// The package is a catalogue: not every unit uses every entry, hence the UNUSEDPARAM waiver.
/* verilator lint_off UNUSEDPARAM */
package hif4_pkg;

  // ---- Block shape (format.h) --------------------------------------------------------------
  localparam int NUM_LANES = 64;        // values per block
  localparam int NUM_G8 = 8;            // E1_8 groups (8 lanes each)
  localparam int NUM_G16 = 16;          // E1_16 groups (4 lanes each)
  localparam int LANES_PER_G8 = 8;
  localparam int LANES_PER_G16 = 4;
  localparam int BF16_W = 16;
  localparam int MAG_W = 15;            // a BF16 magnitude (sign bit dropped)
  localparam int E6M2_W = 8;
  localparam int S1P2_W = 4;
  localparam int PACKED_BYTES = 36;
  localparam int BLOCK_W = 8 * PACKED_BYTES;          // 288
  localparam int IN_W = BF16_W * NUM_LANES;           // 1024
  localparam int CODES_W = S1P2_W * NUM_LANES;        // 256

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
  // SF >= 1.625 * 2^15 = 53248 (0x4750): scale-overflow = nan-unrounded's test before rounding,
  // the midpoint of E6M2_MAX_FINITE (1.5 * 2^15) and the next step of its binade (format.h,
  // kBf16ScaleOverflowBeforeRounding).
  localparam logic [15:0] BF16_SCALE_OVERFLOW_UNROUNDED =
      16'(((BF16_BIAS - E6M2_BIAS + {26'd0, E6M2_MAX_FINITE[7:2]}) << 7)
          | ({30'd0, E6M2_MAX_FINITE[1:0]} << 5) | 16);

  // scale-binade = log2-bf16: SF = 1.m * 2^e is rounded one binade up when its 7-bit mantissa
  // field m is at least log2_bf16_binade_up(n), n = e (e >= 1) or -e - 1 (e <= -2), 0 otherwise;
  // 128 = never. The thresholds by floor(log2 n) are the model's kLog2Bf16BinadeUp (stages.h
  // derives them); test_rtl_units scale proves this table against the model for every SF.
  function automatic logic [7:0] log2_bf16_binade_up(input logic [7:0] n);
    if (n >= 8'd64)      log2_bf16_binade_up = 8'd88;
    else if (n >= 8'd32) log2_bf16_binade_up = 8'd107;
    else if (n >= 8'd16) log2_bf16_binade_up = 8'd118;
    else if (n >= 8'd8)  log2_bf16_binade_up = 8'd123;
    else if (n >= 8'd4)  log2_bf16_binade_up = 8'd126;
    else if (n >= 8'd2)  log2_bf16_binade_up = 8'd127;
    else                 log2_bf16_binade_up = 8'd128;  // n = 1 and n = 0: never
  endfunction

  localparam logic [6:0] REC_MANT_0 = 7'h00;
  localparam logic [6:0] REC_MANT_1 = 7'h4D;
  localparam logic [6:0] REC_MANT_2 = 7'h2B;
  localparam logic [6:0] REC_MANT_3 = 7'h12;

  // Which of the four REC significands a REC has (0..3, the order above): the index of the
  // per-significand threshold tables of the E1 unit and the S1P2 encoder.
  function automatic logic [1:0] rec_index(input logic [6:0] rec_mant);
    unique case (rec_mant)
      REC_MANT_0: rec_index = 2'd0;
      REC_MANT_1: rec_index = 2'd1;
      REC_MANT_2: rec_index = 2'd2;
      default:    rec_index = 2'd3;
    endcase
  endfunction

  // ---- S1P2 ---------------------------------------------------------------------------------
  localparam logic [2:0] S1P2_MAX_MAG = 3'd7;       // 1.75 = 7 quarters

  // ---- Rounding modes of hif4_round_decide (values = hif4::Rounding in bf16.h) -------------
  localparam logic [2:0] RM_NEAREST_AWAY = 3'd0;
  localparam logic [2:0] RM_NEAREST_EVEN = 3'd1;
  localparam logic [2:0] RM_TOWARD_ZERO = 3'd2;
  localparam logic [2:0] RM_UP = 3'd3;
  localparam logic [2:0] RM_STOCHASTIC = 3'd4;
  localparam int SR_BITS = 16;             // random bits per lane (kSrBits)

  // ---- The rounding decision (hif4_round_decide wraps it) ----------------------------------
  // Whether to add one unit in the last kept place of a truncated magnitude, given its last
  // kept bit (lsb), the first discarded bit (guard, one half), the OR of the discarded bits
  // below it (sticky) and, for stochastic rounding, the discarded fraction truncated to
  // SR_BITS bits (frac) and SR_BITS random bits: frac + random carrying out rounds up, i.e.
  // up with probability floor(frac * 2^16) / 2^16. This mirrors the model's
  // round_shift_right() (bf16.h): every rounding of the design goes through here.
  // The carry of frac + random is written as frac > ~random (frac + random >= 2^16), with no
  // local variable: Icarus Verilog 11 shares a function's locals between the always_comb
  // blocks that call it and re-triggers them forever at time zero (two stochastic lanes do).
  function automatic logic round_up(input logic [2:0] mode, input logic lsb,
                                    input logic guard, input logic sticky,
                                    input logic [SR_BITS-1:0] frac,
                                    input logic [SR_BITS-1:0] random);
    begin
      case (mode)
        RM_NEAREST_AWAY: round_up = guard;
`ifdef HIF4_INJECT_FAULT
        // Test-only fault (rtl/CMakeLists.txt builds a separate top with it): ties to even
        // never round an odd last place up (ties go toward zero). The rtl tests must fail.
        // (lsb | ~lsb) only keeps lsb read, so that the faulty build lints as clean.
        RM_NEAREST_EVEN: round_up = guard & sticky & (lsb | ~lsb);
`else
        RM_NEAREST_EVEN: round_up = guard & (sticky | lsb);
`endif
        RM_TOWARD_ZERO:  round_up = 1'b0;
        RM_UP:           round_up = guard | sticky;
        RM_STOCHASTIC:   round_up = frac > ~random;
        default:         round_up = 1'b0;
      endcase
    end
  endfunction

  // ---- Payload thresholds (hif4_s1p2_encoder) -----------------------------------------------
  // Under the deterministic payload roundings the code magnitude q of a lane is monotone in
  // |x|, so q = #{k in 1..7 : |x| >= T_k}, where T_k is the smallest BF16 magnitude whose code
  // reaches k. T_k depends on the block only through REC (one of four significands, index
  // rec_idx, and its exponent Er) and the lane's E1 shift s:
  //   T_k = {field = OFFSET + s - Er, mantissa = MANT}
  // This function gives {OFFSET mod 256, MANT} (8 + 7 bits; the field sums are taken mod 256,
  // exact since every true field is within 0..255) for (rec_idx, mode = a deterministic
  // payload rounding as cfg_payload_rounding encodes it, bf16_product = 1 when the product is
  // rounded to BF16, k); it runs at elaboration only, filling a 168-entry constant table.
  // Derivation. q >= k when the scaled value y = |x| * REC * 2^(2-s) passes the rounding
  // boundary b = cn / 2^cd: nearest-away y >= k - 1/2; nearest-even y >= k - 1/2 for even k
  // and y > k - 1/2 for odd k (the tie goes to the even k - 1); toward-zero y >= k.
  // payload-product = bf16 rounds P = |x| * REC to BF16 (nearest even) first; a boundary
  // C = b * 2^(s-2) has at most 4 significant bits, so an even last place, and
  //   BF16(P) >= C  <=>  P >= C - (gap to the BF16 below C) / 2   (a tie goes to C, even)
  //   BF16(P) >  C  <=>  P >  C + ulp(C) / 2                       (a tie goes to C)
  // Either way: vsig * 2^Ev (>= or >) cn' * 2^(s + 266 - cd' - Er) / rsig. With
  // A = cn' * 2^16 / rsig = a * 2^t, a in [128, 256): the smallest 8-bit significand is
  // m = ceil(a) (non-strict) or floor(a) + 1 (strict), Ev = t + s + 250 - cd' - Er.
  // For REC from an E6M2 code (2^-16 .. 2^48) every T_k is a normal BF16 (field 64..156), so
  // zero and subnormal lanes stay below T_1 and Inf lanes reach T_7, as the model has it.
  function automatic logic [14:0] payload_threshold(input integer rec_idx, input logic [1:0] mode,
                                                    input integer bf16_product, input integer k);
    integer rsig, cn, cd, strict, msb, t, m;
    logic [31:0] offset;  // only its low 8 bits are kept (see the range note above)
    logic [23:0] unused_offset_high;
    begin
      rsig = (rec_idx == 0) ? 128 + {25'd0, REC_MANT_0} : (rec_idx == 1) ? 128 + {25'd0, REC_MANT_1} :
             (rec_idx == 2) ? 128 + {25'd0, REC_MANT_2} : 128 + {25'd0, REC_MANT_3};
      if (mode == hif4_cfg_pkg::PAYLOAD_ROUNDING_TOWARD_ZERO) begin  // y >= k
        cn = k;
        cd = 0;
        strict = 0;
      end else begin                   // nearest: y >= k - 1/2 (or > for nearest-even, odd k)
        cn = 2 * k - 1;
        cd = 1;
        strict = (mode == hif4_cfg_pkg::PAYLOAD_ROUNDING_NEAREST_EVEN && (k % 2) == 1) ? 1 : 0;
      end
      if (bf16_product != 0) begin
        msb = 0;
        while ((cn >> (msb + 1)) != 0) msb = msb + 1;
        if (strict != 0)
          cn = (cn << 10) + (1 << (msb + 2));            // C + ulp(C)/2, strict
        else if (cn == (1 << msb))
          cn = (cn << 10) - (1 << (msb + 1));            // power of two: the gap below is half
        else
          cn = (cn << 10) - (1 << (msb + 2));
        cd = cd + 10;
      end
      // A = cn * 2^16 / rsig; normalise to [128, 256) * 2^t.
      t = 0;
      while (((cn << 16) / rsig) >= (256 << t)) t = t + 1;
      if (strict != 0) m = ((cn << 16) / (rsig << t)) + 1;
      else m = ((cn << 16) + (rsig << t) - 1) / (rsig << t);
      if (m == 256) begin
        m = 128;
        t = t + 1;
      end
      offset = t + 250 - cd;
      unused_offset_high = offset[31:8];
      payload_threshold = {offset[7:0], m[6:0]};
    end
  endfunction

  // ---- Stochastic rounding hash (stages.h: mix32, sr_block_key, sr_lane_bits) --------------
  localparam logic [31:0] MIX32_MUL_A = 32'h7FEB352D;
  localparam logic [31:0] MIX32_MUL_B = 32'h846CA68B;
  localparam logic [31:0] SR_BLOCK_SALT = 32'h48694634;
  localparam logic [31:0] SR_LANE_MUL = 32'h9E3779B9;

endpackage
/* verilator lint_on UNUSEDPARAM */
