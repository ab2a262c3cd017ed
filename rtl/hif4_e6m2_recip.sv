// hif4_e6m2_recip: E6M2 code -> REC = BF16_RNE(1 / E6M2).
//
// 1 / (1.mm * 2^e): mantissa 00 gives 2^-e exactly; 1/1.25, 1/1.5, 1/1.75 lie in (0.5, 1)
// and round to a fixed BF16 mantissa (hif4_pkg::REC_MANT_*) times 2^(-e-1). So the unit is a
// 4-entry table and an 8-bit subtraction: no divider. The BF16 exponent field is
// 127 - e (- 1) = 127 + 48 - E (- 1) for the E6M2 exponent field E, always a normal BF16
// in 2^-16 .. 2^48. Defined for all 256 codes (0xFF reads as 1.75 * 2^15); the top
// substitutes 0 for a NaN block.
module hif4_e6m2_recip (
  input  logic [7:0]  code,
  output logic [15:0] rec
);
  localparam logic [7:0] FIELD_BASE = 8'(hif4_pkg::BF16_BIAS + hif4_pkg::E6M2_BIAS);  // 175

  logic [6:0] mant;
  logic [7:0] field;

  always_comb begin
    unique case (code[1:0])
      2'd0: mant = hif4_pkg::REC_MANT_0;
      2'd1: mant = hif4_pkg::REC_MANT_1;
      2'd2: mant = hif4_pkg::REC_MANT_2;
      default: mant = hif4_pkg::REC_MANT_3;
    endcase
  end

  assign field = FIELD_BASE - {2'b00, code[7:2]} - {7'd0, code[1:0] != 2'd0};
  assign rec   = {1'b0, field, mant};
endmodule
