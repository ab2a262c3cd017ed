// hif4_e1_unit: the micro-exponent decisions of a block.
//   E1_8[g]  = V8[g] * REC >= 4
//   E1_16[j] = V16[j] * REC * 2^-E1_8[j/2] >= 2     (i.e. >= 2^(1 + E1_8[j/2]))
// 24 comparators (hif4_threshold_compare), each giving ">= 2" and ">= 4" of its peak; E1_16
// picks one with its E1_8 bit, so its path is one comparator plus a 2:1 choice rather than
// two comparators in series.
module hif4_e1_unit (
  input  logic [hif4_pkg::NUM_G8*hif4_pkg::MAG_W-1:0]  v8,
  input  logic [hif4_pkg::NUM_G16*hif4_pkg::MAG_W-1:0] v16,
  input  logic [15:0]                                  rec,
  input  logic                                         bf16_product,  // cfg_threshold_product
  output logic [hif4_pkg::NUM_G8-1:0]                  e1_8,
  output logic [hif4_pkg::NUM_G16-1:0]                 e1_16
);
  localparam int unsigned W = hif4_pkg::MAG_W;

  logic [hif4_pkg::NUM_G8-1:0] unused_v8_ge2;  // E1_8 reads only ">= 4"

  genvar g, j;
  generate
    for (g = 0; g < hif4_pkg::NUM_G8; g++) begin : g_e1_8
      hif4_threshold_compare u_cmp (
        .v(v8[W*g +: W]), .rec(rec), .bf16_product(bf16_product),
        .ge2(unused_v8_ge2[g]), .ge4(e1_8[g]));
    end
    for (j = 0; j < hif4_pkg::NUM_G16; j++) begin : g_e1_16
      logic ge2, ge4;
      hif4_threshold_compare u_cmp (
        .v(v16[W*j +: W]), .rec(rec), .bf16_product(bf16_product), .ge2(ge2), .ge4(ge4));
      assign e1_16[j] = e1_8[j / 2] ? ge4 : ge2;
    end
  endgenerate
endmodule
