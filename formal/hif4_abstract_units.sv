// Stand-ins for the datapath units of hif4_quantizer in the formal proof of its control
// (scripts/formal.sh): the same module names and ports as rtl/, read instead of them, so the
// proof runs on rtl/hif4_quantizer.sv itself (its registers, enables, reset and handshake)
// with the arithmetic cut away.
//
// Each stand-in passes a 4-bit block tag from its inputs to its outputs (bits 3:0 of the lanes,
// the block index and the seed; the knobs where a unit reads them), so that every register of
// every stage, and out_data, holds fields that name the block they came from. The formal
// harness (hif4_quantizer_formal.sv) offers blocks tagged with their sequence number and
// checks the tags. Nothing else reaches an output: the other bits are 0, and no block is a
// NaN block (the E6M2 stand-in is never 0xFF), so the NaN-block override never hides a tag.
module hif4_peak_tree (
  input  logic [hif4_pkg::IN_W-1:0]                     lanes,
  output logic [hif4_pkg::NUM_G16*hif4_pkg::MAG_W-1:0]  v16,
  output logic [hif4_pkg::NUM_G8*hif4_pkg::MAG_W-1:0]   v8,
  output logic [hif4_pkg::MAG_W-1:0]                    vmax,
  output logic                                          has_nan,
  output logic                                          has_inf
);
  assign v16     = {{(hif4_pkg::NUM_G16 * hif4_pkg::MAG_W - 4){1'b0}}, lanes[3:0]};
  assign v8      = {{(hif4_pkg::NUM_G8 * hif4_pkg::MAG_W - 4){1'b0}}, lanes[3:0]};
  assign vmax    = {{(hif4_pkg::MAG_W - 4){1'b0}}, lanes[3:0]};
  assign has_nan = 1'b0;
  assign has_inf = 1'b0;
endmodule

module hif4_scale_unit (
  input  logic [hif4_pkg::MAG_W-1:0] vmax,
  input  logic [1:0]                 scale_rounding,
  input  logic                       scale_binade,
  input  logic [1:0]                 scale_overflow,
  input  logic                       scale_underflow,
  output logic [15:0]                sf,
  output logic [7:0]                 e6m2
);
  assign sf   = {6'd0, scale_binade, scale_underflow, scale_overflow, scale_rounding, vmax[3:0]};
  assign e6m2 = {4'd0, vmax[3:0]};
endmodule

module hif4_e6m2_recip (
  input  logic [7:0]  code,
  output logic [15:0] rec
);
  assign rec = {8'd0, code};
endmodule

module hif4_sr_block_key (
  input  logic [63:0] seed,
  input  logic [63:0] block_index,
  output logic [31:0] key
);
  assign key = {24'd0, seed[3:0], block_index[3:0]};
endmodule

module hif4_e1_unit (
  input  logic [hif4_pkg::NUM_G8*hif4_pkg::MAG_W-1:0]  v8,
  input  logic [hif4_pkg::NUM_G16*hif4_pkg::MAG_W-1:0] v16,
  input  logic [15:0]                                  rec,
  input  logic                                         bf16_product,
  output logic [hif4_pkg::NUM_G8-1:0]                  e1_8,
  output logic [hif4_pkg::NUM_G16-1:0]                 e1_16
);
  assign e1_8  = {3'd0, bf16_product, v8[3:0]};
  assign e1_16 = {8'd0, rec[3:0], v16[3:0]};
endmodule

module hif4_s1p2_encoder (
  input  logic [hif4_pkg::IN_W-1:0]    lanes,
  input  logic [15:0]                  rec,
  input  logic [hif4_pkg::NUM_G8-1:0]  e1_8,
  input  logic [hif4_pkg::NUM_G16-1:0] e1_16,
  input  logic [1:0]                   payload_rounding,
  input  logic                         bf16_product,
  input  logic                         keep_sign,
  input  logic                         sign_bit,
  input  logic [31:0]                  sr_key,
  output logic [hif4_pkg::CODES_W-1:0] codes
);
  assign codes = {{(hif4_pkg::CODES_W - 37){1'b0}}, keep_sign, sign_bit, bf16_product,
                  payload_rounding, sr_key[7:0], rec[3:0], e1_16[7:0], e1_8[7:0], lanes[3:0]};
endmodule
