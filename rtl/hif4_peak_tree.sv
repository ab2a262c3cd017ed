// hif4_peak_tree: 64 BF16 lanes -> V16[16], V8[8], Vmax (magnitudes) and the NaN / Inf flags.
//
// BF16 magnitudes (sign bit dropped) order as the values do, with +Inf above every finite
// value and NaN patterns above +Inf, so the tree compares 15-bit unsigned integers: no
// floating-point comparator is needed. A NaN anywhere makes Vmax a NaN pattern, hence
// has_nan = Vmax > Inf. has_inf cannot be read off Vmax (a NaN may hide an Inf), so it is an
// OR over the lanes. Tree shape 64 -> 16 -> 8 -> 1 follows Algorithm 1: V16 and V8 are needed
// by the E1 decisions anyway, so Vmax reuses them.
module hif4_peak_tree (
  // The sign bits are not read: the tree works on magnitudes.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [hif4_pkg::IN_W-1:0]                     lanes,  // lane i in bits 16i+15:16i
  /* verilator lint_on UNUSEDSIGNAL */
  output logic [hif4_pkg::NUM_G16*hif4_pkg::MAG_W-1:0]  v16,    // group j in bits 15j+14:15j
  output logic [hif4_pkg::NUM_G8*hif4_pkg::MAG_W-1:0]   v8,
  output logic [hif4_pkg::MAG_W-1:0]                    vmax,
  output logic                                          has_nan,
  output logic                                          has_inf
);
  localparam int W = hif4_pkg::MAG_W;

  // has_inf, four lanes at a time: slot i of d = {1, |x_i| ^ Inf} - 1 keeps bit 15 set
  // unless |x_i| == Inf (d is 0x7FFF .. 0xFFFE, so no borrow leaves a slot).
  localparam logic [63:0] SLOT_MSB = {4{16'h8000}};
  logic [hif4_pkg::NUM_G16-1:0] group_has_inf;

  genvar i, j, g;
  generate
    for (i = 0; i < hif4_pkg::NUM_G16; i++) begin : g_inf
      logic [63:0] d;
      assign d = (((lanes[64*i +: 64] & {4{16'h7FFF}}) ^ {4{1'b0, hif4_pkg::BF16_INF_MAG}})
                  | SLOT_MSB) - {4{16'h0001}};
      assign group_has_inf[i] = (~d & SLOT_MSB) != 64'd0;
    end

    // V16[j] = max |x[4j..4j+3]|: two pairwise maxima, then their maximum.
    for (j = 0; j < hif4_pkg::NUM_G16; j++) begin : g_v16
      logic [W-1:0] m0, m1, m2, m3, lo, hi;
      assign m0 = lanes[16*(4*j+0) +: W];
      assign m1 = lanes[16*(4*j+1) +: W];
      assign m2 = lanes[16*(4*j+2) +: W];
      assign m3 = lanes[16*(4*j+3) +: W];
      assign lo = (m1 > m0) ? m1 : m0;
      assign hi = (m3 > m2) ? m3 : m2;
      assign v16[W*j +: W] = (hi > lo) ? hi : lo;
    end

    // V8[g] = max(V16[2g], V16[2g+1]).
    for (g = 0; g < hif4_pkg::NUM_G8; g++) begin : g_v8
      logic [W-1:0] a, b;
      assign a = v16[W*(2*g) +: W];
      assign b = v16[W*(2*g+1) +: W];
      assign v8[W*g +: W] = (b > a) ? b : a;
    end
  endgenerate

  // Vmax = max over V8, as a balanced 8 -> 4 -> 2 -> 1 tree.
  logic [4*W-1:0] l1;
  logic [2*W-1:0] l2;
  genvar k;
  generate
    for (k = 0; k < 4; k++) begin : g_l1
      logic [W-1:0] a, b;
      assign a = v8[W*(2*k) +: W];
      assign b = v8[W*(2*k+1) +: W];
      assign l1[W*k +: W] = (b > a) ? b : a;
    end
    for (k = 0; k < 2; k++) begin : g_l2
      logic [W-1:0] a, b;
      assign a = l1[W*(2*k) +: W];
      assign b = l1[W*(2*k+1) +: W];
      assign l2[W*k +: W] = (b > a) ? b : a;
    end
  endgenerate
  assign vmax = (l2[W +: W] > l2[0 +: W]) ? l2[W +: W] : l2[0 +: W];

  assign has_nan = vmax > hif4_pkg::BF16_INF_MAG;
  assign has_inf = |group_has_inf;
endmodule
