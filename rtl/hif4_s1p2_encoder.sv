// hif4_s1p2_encoder: the 64 payload lanes of a block, and their stochastic rounding bits.
//
// Deterministic roundings (nearest-away, nearest-even, toward-zero): the code magnitude is
// monotone in |x|, so it is the number of the 7 block-wide thresholds T_1..T_7 (for the
// lane's E1 shift) that the 15-bit magnitude reaches: seven comparators a lane, no
// multiplier. Zero and subnormal lanes stay below T_1, Inf lanes pass T_7
// (hif4_pkg::payload_threshold explains why). Stochastic rounding: hif4_s1p2_lane, one per
// lane. Only the datapath the block's rounding selects is active (the other's result is 0 and
// unused), so a cycle simulator skips it.
//
// Sign: a negative x (not -0.0; a negative subnormal is negative) keeps its sign unless the
// code is 0 and negative-zero is plus-zero; under negative-zero = sign-bit every x with its sign
// bit set is signed, -0.0 included.
//
// Lane i shifts by E1_8[i/8] + E1_16[i/4] and, under stochastic rounding, uses
//   bits = mix32(key ^ (i + 1) * 0x9E3779B9) >> 16        (stages.h, sr_lane_bits)
// where (i + 1) * 0x9E3779B9 is a per-lane constant. payload_rounding is the cfg encoding
// (hif4_cfg_pkg): stochastic goes to the lanes, the other values index the threshold table.
// The NaN-block override (all codes 0) is applied by the top, not here.
module hif4_s1p2_encoder (
  input  logic [hif4_pkg::IN_W-1:0]    lanes,
  input  logic [15:0]                  rec,
  input  logic [hif4_pkg::NUM_G8-1:0]  e1_8,
  input  logic [hif4_pkg::NUM_G16-1:0] e1_16,
  input  logic [1:0]                   payload_rounding,  // cfg_payload_rounding
  input  logic                         bf16_product,      // payload-product = bf16
  input  logic                         keep_sign,         // negative-zero = keep-sign or sign-bit
  input  logic                         sign_bit,          // negative-zero = sign-bit
  input  logic [31:0]                  sr_key,            // hif4_sr_block_key of this block
  output logic [hif4_pkg::CODES_W-1:0] codes              // lane i in bits 4i+3:4i
);
  logic       stochastic;
  assign stochastic = payload_rounding == hif4_cfg_pkg::PAYLOAD_ROUNDING_STOCHASTIC;

  // Block-wide exponent arithmetic, shared by the lanes: the exponent of 4|s|'s leading bit
  // is Ex + P[15] + (Er - 252 - shift) (hif4_s1p2_lane), so the three possible bases are
  // formed once here. 252 = 2 * 134 - 14 (significand offsets and product width) - 2 (4|s|).
  localparam logic signed [10:0] EXP_OFFSET = 11'sd252;
  logic signed [10:0] exp_base [3];
  always_comb
    for (int s = 0; s < 3; s++)
      exp_base[s] = $signed({3'b000, rec[14:7]}) - EXP_OFFSET - 11'(s);

  // ---- Payload thresholds of the deterministic roundings (hif4_pkg::payload_threshold) ----
  // A constant table of {OFFSET, MANT} for every (REC significand, rounding, product, k):
  // 4 x 3 x 2 x 7 entries, filled at elaboration. The rounding index is the cfg encoding of a
  // deterministic payload rounding (hif4_cfg_pkg: every value below PAYLOAD_ROUNDING_STOCHASTIC).
  // The block picks its 7 entries and adds s - Er: 21 thresholds (7 per E1 shift), shared by
  // all 64 lanes.
  localparam int THR_W = 15;
  logic [4*3*2*7*THR_W-1:0] thr_table;
  genvar r, m, p, k;
  generate
    for (r = 0; r < 4; r++) begin : g_rec
      for (m = 0; m < 3; m++) begin : g_mode
        for (p = 0; p < 2; p++) begin : g_product
          for (k = 0; k < 7; k++) begin : g_k
            localparam logic [THR_W-1:0] ENTRY = hif4_pkg::payload_threshold(r, 2'(m), p, k + 1);
            assign thr_table[THR_W*(((r*3+m)*2+p)*7+k) +: THR_W] = ENTRY;
          end
        end
      end
    end
  endgenerate

  logic [1:0]         rec_idx;   // which of the four REC significands (hif4_e6m2_recip)
  logic [1:0]         det_mode;  // 0..2 (the table has no stochastic entries)
  logic [7*THR_W-1:0] thr_row;
  // Per E1 shift s: T_k (k = t + 1) in a 16-bit slot (bit 15 zero), repeated in the 4 slots
  // of a group, in bits 64t+63:64t (each group compares its 4 lanes at once, below).
  // 21 thresholds a block.
  logic [7*64-1:0]    thr4 [3];
  always_comb begin
    rec_idx = hif4_pkg::rec_index(rec[6:0]);
    det_mode = stochastic ? 2'd0 : payload_rounding;
    thr_row = thr_table[7*THR_W*((32'(rec_idx) * 3 + 32'(det_mode)) * 2 + 32'(bf16_product))
                        +: 7*THR_W];
    for (int s = 0; s < 3; s++)
      for (int t = 0; t < 7; t++) begin
        logic [7:0]  field;
        logic [15:0] slot;
        field = thr_row[THR_W*t + 7 +: 8] + 8'(s) - rec[14:7];
        slot  = {1'b0, field, thr_row[THR_W*t +: 7]};
        thr4[s][64*t +: 64] = {4{slot}};
      end
  end

  // The E1 shift is constant over a group of 4 lanes (E1_16 granularity): each group picks
  // its thresholds and exponent base once, for its 4 lanes. The group's 4 lanes are one
  // 64-bit word (lane i of the group in bits 16i+15:16i), and the threshold comparisons and
  // the sign are written on the word, one 16-bit slot per lane: in hardware four independent
  // 16-bit units (no carry or borrow ever crosses a slot, see each step), in a cycle
  // simulator one 64-bit operation for four lanes.
  localparam logic [63:0] SLOT_ONES = 64'h0001_0001_0001_0001;
  // Bit i: lane i's product rounding carried into the next binade. Read by nothing; the toggle
  // coverage of this vector shows the carry taken in every lane (docs/rtl.md, code coverage).
  logic [hif4_pkg::NUM_LANES-1:0] unused_lane_product_carry;
  genvar j, i;
  generate
    for (j = 0; j < hif4_pkg::NUM_G16; j++) begin : g_group
      logic [1:0]         shift;
      logic signed [10:0] group_exp_base;
      logic [63:0]        x4;        // the group's 4 lanes, lane i in slot i (bits 16i+15:16i)
      logic [4*3-1:0]     sr_quarters;  // lane i's stochastic magnitude in bits 3i+2:3i
      logic [15:0]        group_codes;
      assign shift = {1'b0, e1_8[j / (hif4_pkg::LANES_PER_G8 / hif4_pkg::LANES_PER_G16)]}
                   + {1'b0, e1_16[j]};
      assign group_exp_base = exp_base[shift];
      assign x4 = lanes[64*j +: 64];

      for (i = 0; i < hif4_pkg::LANES_PER_G16; i++) begin : g_lane
        localparam int LANE = hif4_pkg::LANES_PER_G16 * j + i;
        // (LANE + 1) * 0x9E3779B9 mod 2^32, folded at elaboration time.
        localparam logic [63:0] LANE_SALT_WIDE = (64'(LANE) + 64'd1) * {32'd0, hif4_pkg::SR_LANE_MUL};
        localparam logic [31:0] LANE_SALT = LANE_SALT_WIDE[31:0];

        logic [31:0] hash;
        hif4_mix32 u_mix (.enable(stochastic), .x(sr_key ^ LANE_SALT), .y(hash));

        hif4_s1p2_lane u_lane (
          .x           (x4[16*i +: 16]),
          .rec_mant    (rec[6:0]),
          .exp_base    (group_exp_base),
          .enable      (stochastic),
          .bf16_product(bf16_product),
          .random      (hash[31:32-hif4_pkg::SR_BITS]),
          .quarters    (sr_quarters[3*i +: 3]),
          .product_carry(unused_lane_product_carry[LANE])
        );

        logic [31-hif4_pkg::SR_BITS:0] unused_hash_low;  // sr_lane_bits keeps the top 16 bits
        assign unused_hash_low = hash[31-hif4_pkg::SR_BITS:0];
      end

      always_comb begin
        logic [63:0] mag, thr, cnt, nonzero, negative, sign, sign_bits;
        /* verilator lint_off UNUSEDSIGNAL */
        logic [63:0] code4;  // only bits 3:0 of each slot are codes
        /* verilator lint_on UNUSEDSIGNAL */
        logic [3:0]  q_nonzero;
        mag      = x4 & {4{16'h7FFF}};
        // x < 0 and x != -0.0: bit 15 of (mag + 0x7FFF) is (mag != 0).
        negative = (x4 >> 15) & ((mag + {4{16'h7FFF}}) >> 15) & SLOT_ONES;
        // negative-zero = sign-bit: the sign bit of every lane, -0.0 included.
        sign_bits = sign_bit ? (x4 >> 15) & SLOT_ONES : 64'd0;
        thr      = '0;
        cnt      = '0;
        nonzero  = '0;
        sign     = '0;
        code4    = '0;
        group_codes = '0;
        q_nonzero   = '0;
        if (!stochastic) begin
          // q = #{k : |x| >= T_k}, four lanes per step: slot i of {1, |x_i|} - {0, T_k} keeps
          // bit 15 set exactly when |x_i| >= T_k (the difference is 1 .. 0xFFFF, so no borrow
          // leaves a slot: four independent 16-bit comparators).
          // The group's T_k is a 3:1 choice by its shift (the 4 copies of a slot are the same
          // signals, so in hardware it is one 15-bit multiplexer per k).
          for (int t = 0; t < 7; t++) begin
            thr = shift == 2'd0 ? thr4[0][64*t +: 64]
                : shift == 2'd1 ? thr4[1][64*t +: 64] : thr4[2][64*t +: 64];
            cnt = cnt + ((((mag | {4{16'h8000}}) - thr) >> 15) & SLOT_ONES);
          end
          // q != 0: bit 3 of q + 7 (q <= 7, so the slot holds the sum).
          nonzero = ((cnt + {4{16'd7}}) >> 3) & SLOT_ONES;
          // Sign: negative, and a nonzero code or negative-zero = keep-sign; or the sign bit.
          sign    = (negative & (nonzero | (keep_sign ? SLOT_ONES : 64'd0))) | sign_bits;
          code4   = cnt | (sign << 3);  // the 4-bit code in bits 3:0 of each slot
          group_codes = {code4[51:48], code4[35:32], code4[19:16], code4[3:0]};
        end else begin
          for (int l = 0; l < 4; l++) begin
            q_nonzero[l] = sr_quarters[3*l +: 3] != 3'd0;
            group_codes[4*l +: 4] = {(negative[16*l] && (q_nonzero[l] || keep_sign)) || sign_bits[16*l],
                                     sr_quarters[3*l +: 3]};
          end
        end
      end
      assign codes[16*j +: 16] = group_codes;
    end
  endgenerate

  logic unused_rec_sign;
  assign unused_rec_sign = rec[15];  // REC is positive
endmodule
