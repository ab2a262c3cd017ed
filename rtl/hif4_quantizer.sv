// hif4_quantizer: 64 BF16 values -> one 36-byte HiF4 block, four pipeline stages.
//
// The contract (ports, cfg encodings, probes, latency, handshake) is docs/microarchitecture.md;
// docs/rtl.md describes this implementation. The port list below and the cfg encodings
// (hif4_cfg_pkg) are generated from contract/include/hif4/ports.def and the knob table.
//
//  in ─► S1 ─► [peak tree, scale, E6M2, REC, SR key] ─► S2 ─► [E1 decisions] ─► S3
//     ─► [64 S1P2 lanes + pack] ─► S4 = out_data
//
// S1 registers the inputs as they are: apart from in_ready, no logic reads an input port,
// so every datapath unit reads flip-flops only (a cycle simulator evaluates it once per clock
// edge, not again whenever an input changes). The peak tree therefore sits in stage 2, beside
// the SR block key (four chained mix32, the longer path of that stage); the S1 probes show
// the tree's outputs for the block held in S1, the same values at the same cycles as a
// register after the tree would hold.
//
// Handshake: one global enable. advance = !out_valid || out_ready moves every stage at once,
// so in_ready is a function of the output register alone (no combinational path from
// in_valid to in_ready) and one block per clock flows while out_ready stays high. Bubbles
// stay in place while the output stalls (no squeezing: the latency is always 4 edges of
// advance). Data registers have no reset and load on every advance edge, valid or not; only
// the valid bits are reset.
//
// NaN blocks: a NaN lane, an Inf lane under non-finite = nan-block, or a scale that a NaN
// policy maps to 0xFF give E6M2 0xFF, REC 0, E1 bits 0 and payload 0 (the model's
// nan_block()). The decision is taken once, in stage 2, and travels as E6M2 == 0xFF.
module hif4_quantizer (
  // ports generated from contract/include/hif4/ports.def (build/hif4-contract write .)
  input  logic           clk,
  input  logic           rst_n,
  input  logic           in_valid,
  output logic           in_ready,
  input  logic [1023:0]  in_data,
  input  logic [63:0]    in_block_index,
  // configuration, sampled with the block (encodings: hif4_cfg_pkg)
  input  logic [63:0]    cfg_sr_seed,
  input  logic [1:0]     cfg_scale_rounding,
  input  logic [1:0]     cfg_payload_rounding,
  input  logic           cfg_threshold_product,
  input  logic           cfg_payload_product,
  input  logic [1:0]     cfg_negative_zero,
  input  logic [1:0]     cfg_scale_overflow,
  input  logic           cfg_scale_underflow,
  input  logic           cfg_non_finite,
  input  logic           cfg_scale_binade,
  output logic           out_valid,
  input  logic           out_ready,
  output logic [287:0]   out_data,
  // probes: the stage registers, for the co-simulation scoreboard
  output logic           probe_s1_valid,
  output logic [15:0]    probe_s1_vmax,
  output logic [1:0]     probe_s1_flags,
  output logic           probe_s2_valid,
  output logic [15:0]    probe_s2_sf,
  output logic [7:0]     probe_s2_e6m2,
  output logic [15:0]    probe_s2_rec,
  output logic           probe_s3_valid,
  output logic [23:0]    probe_s3_e1
  // end of the generated ports
);
  localparam int V16_W = hif4_pkg::NUM_G16 * hif4_pkg::MAG_W;
  localparam int V8_W = hif4_pkg::NUM_G8 * hif4_pkg::MAG_W;

  // Test-only control faults: built with +define+HIF4_CONTROL_FAULT=N, one handshake, enable
  // or reset term below is broken (0, the default, breaks none). scripts/formal.sh proves the
  // contract and shows each of them failing it; tests/rtl runs the reset bench against one.
`ifdef HIF4_CONTROL_FAULT
  localparam int ControlFault = `HIF4_CONTROL_FAULT;
`else
  localparam int ControlFault = 0;
`endif
  localparam int FAULT_READY_IGNORES_STALL = 1;         // in_ready stays high while stalled
  localparam int FAULT_OUTPUT_LOADS_WHILE_STALLED = 2;  // out_data loads on every edge
  localparam int FAULT_RESET_KEEPS_S3_VALID = 3;        // reset leaves the S3 valid bit
  localparam int FAULT_S3_VALID_IGNORES_STALL = 4;      // the S3 valid bit loads on every edge
  localparam int FAULT_BUBBLE_KEEPS_S1_VALID = 5;       // a bubble does not clear S1 valid
  localparam int FAULT_S2_LANES_LOAD_WHILE_STALLED = 6; // S2's lanes load on every edge

  logic advance;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance || ControlFault == FAULT_READY_IGNORES_STALL;

  // ======================= stage 1: the block as accepted =======================
  // S1 holds the inputs exactly as sampled: no logic sits between the ports and the first
  // register (in_ready aside), so the peak tree below reads flip-flops only.
  logic                       s1_valid;
  logic [hif4_pkg::IN_W-1:0]  s1_lanes;
  logic [63:0]                s1_block_index, s1_sr_seed;
  logic [1:0]                 s1_scale_rounding, s1_payload_rounding;
  logic                       s1_threshold_product, s1_payload_product;
  logic [1:0]                 s1_negative_zero, s1_scale_overflow;
  logic                       s1_scale_underflow, s1_non_finite, s1_scale_binade;

  always_ff @(posedge clk) begin
    if (!rst_n) s1_valid <= 1'b0;
    else if (advance) s1_valid <= in_valid || (ControlFault == FAULT_BUBBLE_KEEPS_S1_VALID && s1_valid);
  end
  always_ff @(posedge clk) begin
    if (advance) begin
      s1_lanes              <= in_data;
      s1_block_index        <= in_block_index;
      s1_sr_seed            <= cfg_sr_seed;
      s1_scale_rounding     <= cfg_scale_rounding;
      s1_payload_rounding   <= cfg_payload_rounding;
      s1_threshold_product  <= cfg_threshold_product;
      s1_payload_product    <= cfg_payload_product;
      s1_negative_zero      <= cfg_negative_zero;
      s1_scale_overflow     <= cfg_scale_overflow;
      s1_scale_underflow    <= cfg_scale_underflow;
      s1_non_finite         <= cfg_non_finite;
      s1_scale_binade       <= cfg_scale_binade;
    end
  end

  // Peak tree of the block in S1 (V16, V8, Vmax, flags).
  logic [V16_W-1:0]           s1_v16;
  logic [V8_W-1:0]            s1_v8;
  logic [hif4_pkg::MAG_W-1:0] s1_vmax;
  logic                       s1_has_nan, s1_has_inf;

  hif4_peak_tree u_peak_tree (
    .lanes(s1_lanes), .v16(s1_v16), .v8(s1_v8), .vmax(s1_vmax),
    .has_nan(s1_has_nan), .has_inf(s1_has_inf));

  // ======================= stage 2: scale, E6M2, REC, SR key =======================
  logic [15:0] sc_sf, rc_rec, st2_sf, st2_rec;
  logic [7:0]  sc_e6m2, st2_e6m2;
  logic [31:0] sr_key;
  logic        nan_input, nan_block;

  hif4_scale_unit u_scale (
    .vmax(s1_vmax), .scale_rounding(s1_scale_rounding), .scale_binade(s1_scale_binade),
    .scale_overflow(s1_scale_overflow), .scale_underflow(s1_scale_underflow), .sf(sc_sf),
    .e6m2(sc_e6m2));

  hif4_e6m2_recip u_recip (.code(sc_e6m2), .rec(rc_rec));

  hif4_sr_block_key u_sr_key (.seed(s1_sr_seed), .block_index(s1_block_index), .key(sr_key));

  // The input alone makes a NaN block (the scale is then not computed, SF reads 0, as the
  // model's BlockTrace::sf); otherwise a NaN scale policy may.
  assign nan_input = s1_has_nan || (s1_has_inf && s1_non_finite == hif4_cfg_pkg::NON_FINITE_NAN_BLOCK);
  assign nan_block = nan_input || sc_e6m2 == hif4_pkg::E6M2_NAN;
  assign st2_sf    = nan_input ? 16'd0 : sc_sf;
  assign st2_e6m2  = nan_block ? hif4_pkg::E6M2_NAN : sc_e6m2;
  assign st2_rec   = nan_block ? 16'd0 : rc_rec;

  logic                      s2_valid;
  logic [hif4_pkg::IN_W-1:0] s2_lanes;
  logic [1:0]                s2_payload_rounding, s2_negative_zero;
  logic                      s2_threshold_product, s2_payload_product;
  logic [V16_W-1:0]          s2_v16;
  logic [V8_W-1:0]           s2_v8;
  logic [15:0]               s2_sf, s2_rec;
  logic [7:0]                s2_e6m2;
  logic [31:0]               s2_sr_key;

  always_ff @(posedge clk) begin
    if (!rst_n) s2_valid <= 1'b0;
    else if (advance) s2_valid <= s1_valid;
  end
  always_ff @(posedge clk) begin
    if (advance || ControlFault == FAULT_S2_LANES_LOAD_WHILE_STALLED) s2_lanes <= s1_lanes;
  end
  always_ff @(posedge clk) begin
    if (advance) begin
      s2_payload_rounding  <= s1_payload_rounding;
      s2_threshold_product <= s1_threshold_product;
      s2_payload_product   <= s1_payload_product;
      s2_negative_zero     <= s1_negative_zero;
      s2_v16               <= s1_v16;
      s2_v8                <= s1_v8;
      s2_sf                <= st2_sf;
      s2_e6m2              <= st2_e6m2;
      s2_rec               <= st2_rec;
      s2_sr_key            <= sr_key;
    end
  end

  // ======================= stage 3: E1 decisions =======================
  logic [hif4_pkg::NUM_G8-1:0]  e1u_e1_8;
  logic [hif4_pkg::NUM_G16-1:0] e1u_e1_16;
  logic                         s2_nan_block;

  hif4_e1_unit u_e1 (
    .v8(s2_v8), .v16(s2_v16), .rec(s2_rec),
    .bf16_product(s2_threshold_product == hif4_cfg_pkg::THRESHOLD_PRODUCT_BF16),
    .e1_8(e1u_e1_8), .e1_16(e1u_e1_16));

  assign s2_nan_block = s2_e6m2 == hif4_pkg::E6M2_NAN;

  logic                         s3_valid;
  logic [hif4_pkg::IN_W-1:0]    s3_lanes;
  logic [1:0]                   s3_payload_rounding, s3_negative_zero;
  logic                         s3_payload_product;
  logic [15:0]                  s3_rec;
  logic [7:0]                   s3_e6m2;
  logic [hif4_pkg::NUM_G8-1:0]  s3_e1_8;
  logic [hif4_pkg::NUM_G16-1:0] s3_e1_16;
  logic [31:0]                  s3_sr_key;

  always_ff @(posedge clk) begin
    if (!rst_n) s3_valid <= ControlFault == FAULT_RESET_KEEPS_S3_VALID && s3_valid;
    else if (advance || ControlFault == FAULT_S3_VALID_IGNORES_STALL) s3_valid <= s2_valid;
  end
  always_ff @(posedge clk) begin
    if (advance) begin
      s3_lanes            <= s2_lanes;
      s3_payload_rounding <= s2_payload_rounding;
      s3_payload_product  <= s2_payload_product;
      s3_negative_zero    <= s2_negative_zero;
      s3_rec              <= s2_rec;
      s3_e6m2             <= s2_e6m2;
      s3_e1_8             <= s2_nan_block ? '0 : e1u_e1_8;
      s3_e1_16            <= s2_nan_block ? '0 : e1u_e1_16;
      s3_sr_key           <= s2_sr_key;
    end
  end

  // ======================= stage 4: S1P2 encoder, pack =======================
  logic [hif4_pkg::CODES_W-1:0] enc_codes;

  hif4_s1p2_encoder u_encoder (
    .lanes(s3_lanes), .rec(s3_rec), .e1_8(s3_e1_8), .e1_16(s3_e1_16),
    .payload_rounding(s3_payload_rounding),
    .bf16_product(s3_payload_product == hif4_cfg_pkg::PAYLOAD_PRODUCT_BF16),
    .keep_sign(s3_negative_zero != hif4_cfg_pkg::NEGATIVE_ZERO_PLUS_ZERO),
    .sign_bit(s3_negative_zero == hif4_cfg_pkg::NEGATIVE_ZERO_SIGN_BIT),
    .sr_key(s3_sr_key), .codes(enc_codes));

  logic s3_nan_block;
  assign s3_nan_block = s3_e6m2 == hif4_pkg::E6M2_NAN;

  always_ff @(posedge clk) begin
    if (!rst_n) out_valid <= 1'b0;
    else if (advance) out_valid <= s3_valid;
  end
  // Packed layout (format.h): byte 0 E6M2, byte 1 E1_8, bytes 2..3 E1_16 little-endian,
  // byte 4+k = lane 2k | lane 2k+1 << 4, i.e. lane i in bits 32+4i+3 : 32+4i.
  always_ff @(posedge clk) begin
    if (advance || ControlFault == FAULT_OUTPUT_LOADS_WHILE_STALLED)
      out_data <= {s3_nan_block ? '0 : enc_codes, s3_e1_16, s3_e1_8, s3_e6m2};
  end

  // ======================= probes =======================
  assign probe_s1_valid = s1_valid;
  assign probe_s1_vmax  = {1'b0, s1_vmax};
  assign probe_s1_flags = {s1_has_inf, s1_has_nan};
  assign probe_s2_valid = s2_valid;
  assign probe_s2_sf    = s2_sf;
  assign probe_s2_e6m2  = s2_e6m2;
  assign probe_s2_rec   = s2_rec;
  assign probe_s3_valid = s3_valid;
  assign probe_s3_e1    = {s3_e1_16, s3_e1_8};
endmodule
