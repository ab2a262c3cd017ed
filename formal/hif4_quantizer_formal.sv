// The formal harness of hif4_quantizer's control (scripts/formal.sh): the top with the
// datapath stand-ins of hif4_abstract_units.sv, the contract assertions of
// rtl/sva/hif4_quantizer_sva.sv, and a scoreboard of tagged blocks.
//
// Environment (assumptions): reset in the first cycle; after that every input is free except
// that the block on the input ports (offered or not) is tagged with the sequence number of the
// next block the design takes: bits 3:0 of in_data, in_block_index and cfg_sr_seed, and the
// knobs as the function knobs_of() of it. in_valid, out_ready and rst_n stay free: any pattern
// of bubbles, stalls and resets.
//
// Scoreboard (assertions): `taken` counts the blocks taken, `given` the blocks delivered; a
// reset drops the blocks in flight (given := taken). Then
//   delivered_in_order   a delivered block carries tag `given` in every field of out_data:
//                        nothing lost, duplicated, reordered or made up, also across resets
//   stage_tags           every valid stage holds, in every register field, the tag of the
//                        block it should hold (the next older valid stage's tag plus one):
//                        the configuration and the block index travel with their block
// stage_tags is also what makes the proof inductive: no register can hold a stale field for
// the whole length of a stall without an assertion seeing it.
//
// The ports that scripts/formal.sh exposes from inside the top (yosys `expose`) are the
// stage registers s1_* .. s3_*; the harness reads bits 3:0 of the tag fields.
module hif4_quantizer_formal (
  input logic           clk,
  input logic           rst_n,
  input logic           in_valid,
  input logic [1023:0]  in_data,
  input logic [63:0]    in_block_index,
  input logic [63:0]    cfg_sr_seed,
  input logic           out_ready
);
  localparam int TAG_W = 4;

  // The knobs of the block with tag t, as the cfg_* ports: {scale_rounding, payload_rounding,
  // threshold_product, payload_product, negative_zero, scale_overflow, scale_underflow,
  // non_finite, scale_binade}. Neighbouring tags differ in every knob.
  function automatic logic [12:0] knobs_of(input logic [3:0] t);
    knobs_of = {t[1:0], t[1:0], t[0], t[0], {1'b0, t[0]}, {1'b0, t[0]}, t[0], t[0], t[0]};
  endfunction

  // out_data of the block with tag t, as the stand-ins build it (hif4_abstract_units.sv):
  // {codes, E1_16, E1_8, E6M2}.
  function automatic logic [287:0] out_of(input logic [3:0] t);
    logic [36:0] codes;
    // keep_sign, sign_bit, payload product, payload rounding, SR key (seed, index), REC,
    // E1_16 (REC, V16), E1_8 (threshold product, V8), lanes.
    codes  = {t[0], 1'b0, t[0], t[1:0], t, t, t, t, t, 3'd0, t[0], t, t};
    out_of = {219'd0, codes, {8'd0, t, t}, {3'd0, t[0], t}, {4'd0, t}};
  endfunction

  logic [1:0]  cfg_scale_rounding, cfg_payload_rounding, cfg_negative_zero, cfg_scale_overflow;
  logic        cfg_threshold_product, cfg_payload_product, cfg_scale_underflow, cfg_non_finite;
  logic        cfg_scale_binade;
  logic        in_ready, out_valid;
  logic [287:0] out_data;
  logic        probe_s1_valid, probe_s2_valid, probe_s3_valid;
  logic [15:0] probe_s1_vmax, probe_s2_sf, probe_s2_rec;
  logic [1:0]  probe_s1_flags;
  logic [7:0]  probe_s2_e6m2;
  logic [23:0] probe_s3_e1;

  // Stage registers exposed from the top (only the bits named below are read).
  logic [1023:0] s1_lanes, s2_lanes, s3_lanes;
  logic [63:0]   s1_block_index, s1_sr_seed;
  logic [1:0]    s1_scale_rounding, s1_payload_rounding, s1_negative_zero, s1_scale_overflow;
  logic          s1_threshold_product, s1_payload_product, s1_scale_underflow, s1_non_finite;
  logic          s1_scale_binade;
  logic [1:0]    s2_payload_rounding, s2_negative_zero, s3_payload_rounding, s3_negative_zero;
  logic          s2_threshold_product, s2_payload_product, s3_payload_product;
  logic [239:0]  s2_v16;
  logic [119:0]  s2_v8;
  logic [15:0]   s2_sf, s2_rec, s3_rec;
  logic [7:0]    s2_e6m2, s3_e6m2, s3_e1_8;
  logic [15:0]   s3_e1_16;
  logic [31:0]   s2_sr_key, s3_sr_key;

  assign {cfg_scale_rounding, cfg_payload_rounding, cfg_threshold_product, cfg_payload_product,
          cfg_negative_zero, cfg_scale_overflow, cfg_scale_underflow, cfg_non_finite,
          cfg_scale_binade} = knobs_of(in_data[TAG_W-1:0]);

  hif4_quantizer dut (
    .clk, .rst_n, .in_valid, .in_ready, .in_data, .in_block_index, .cfg_sr_seed,
    .cfg_scale_rounding, .cfg_payload_rounding, .cfg_threshold_product, .cfg_payload_product,
    .cfg_negative_zero, .cfg_scale_overflow, .cfg_scale_underflow, .cfg_non_finite,
    .cfg_scale_binade, .out_valid, .out_ready, .out_data, .probe_s1_valid, .probe_s1_vmax,
    .probe_s1_flags, .probe_s2_valid, .probe_s2_sf, .probe_s2_e6m2, .probe_s2_rec,
    .probe_s3_valid, .probe_s3_e1,
    // exposed stage registers
    .s1_lanes, .s1_block_index, .s1_sr_seed, .s1_scale_rounding, .s1_payload_rounding,
    .s1_threshold_product, .s1_payload_product, .s1_negative_zero, .s1_scale_overflow,
    .s1_scale_underflow, .s1_non_finite, .s1_scale_binade,
    .s2_lanes, .s2_payload_rounding, .s2_threshold_product, .s2_payload_product,
    .s2_negative_zero, .s2_v16, .s2_v8, .s2_sf, .s2_e6m2, .s2_rec, .s2_sr_key,
    .s3_lanes, .s3_payload_rounding, .s3_payload_product, .s3_negative_zero, .s3_rec, .s3_e6m2,
    .s3_e1_8, .s3_e1_16, .s3_sr_key);
  hif4_quantizer_sva contract (.*);

  // ---- environment ----
  logic first_cycle = 1'b1;
  always @(posedge clk) first_cycle <= 1'b0;

  logic [3:0] taken, given;
  always @(posedge clk) begin
    if (!rst_n) given <= taken;  // the blocks in flight are dropped
    else begin
      if (in_valid && in_ready) taken <= taken + 1'b1;
      if (out_valid && out_ready) given <= given + 1'b1;
    end
  end

  always @* begin
    if (first_cycle) assume (!rst_n);
    assume (in_data[TAG_W-1:0] == taken);
    assume (in_block_index[TAG_W-1:0] == taken);
    assume (cfg_sr_seed[TAG_W-1:0] == taken);
  end

  // ---- the tags each valid stage must hold: the output's is `given`, each earlier valid
  // stage's one more than the next valid stage after it ----
  logic [3:0] tag_out, tag_s3, tag_s2, tag_s1;
  assign tag_out = given;
  assign tag_s3  = tag_out + {3'd0, out_valid};
  assign tag_s2  = tag_s3 + {3'd0, probe_s3_valid};
  assign tag_s1  = tag_s2 + {3'd0, probe_s2_valid};

  function automatic logic s1_holds(input logic [3:0] t, input logic [1023:0] lanes,
                                    input logic [63:0] index, input logic [63:0] seed,
                                    input logic [12:0] knobs);
    s1_holds = lanes[3:0] == t && index[3:0] == t && seed[3:0] == t && knobs == knobs_of(t);
  endfunction

  logic [12:0] t1, t2, t3;  // knobs_of() of the stage's expected tag
  assign t1 = knobs_of(tag_s1);
  assign t2 = knobs_of(tag_s2);
  assign t3 = knobs_of(tag_s3);

  logic [3:0] valid_stages;
  assign valid_stages = {3'd0, probe_s1_valid} + {3'd0, probe_s2_valid} + {3'd0, probe_s3_valid}
                      + {3'd0, out_valid};

  always @(posedge clk) begin
    if (!first_cycle) begin
      tags_in_flight: assert (taken - given == valid_stages);
      if (out_valid && out_ready && rst_n) begin
        delivered_in_order: assert (out_data == out_of(given));
      end
      if (out_valid) begin
        stage_tags_out: assert (out_data == out_of(tag_out));
      end
      if (probe_s3_valid) begin
        // S3: the lanes, REC, E6M2, E1 bits, SR key and payload knobs of one block.
        stage_tags_s3: assert (s3_lanes[3:0] == tag_s3 && s3_rec[3:0] == tag_s3 &&
                               s3_e6m2 == {4'd0, tag_s3} && s3_e1_8 == {3'd0, t3[8], tag_s3} &&
                               s3_e1_16 == {8'd0, tag_s3, tag_s3} &&
                               s3_sr_key[7:0] == {tag_s3, tag_s3} &&
                               s3_payload_rounding == t3[10:9] && s3_payload_product == t3[7] &&
                               s3_negative_zero == t3[6:5]);
      end
      if (probe_s2_valid) begin
        stage_tags_s2: assert (s2_lanes[3:0] == tag_s2 && s2_v16[3:0] == tag_s2 &&
                               s2_v8[3:0] == tag_s2 && s2_rec[3:0] == tag_s2 &&
                               s2_e6m2 == {4'd0, tag_s2} && s2_sr_key[7:0] == {tag_s2, tag_s2} &&
                               s2_sf == {6'd0, t2[0], t2[2], t2[4:3], t2[12:11], tag_s2} &&
                               s2_payload_rounding == t2[10:9] && s2_threshold_product == t2[8] &&
                               s2_payload_product == t2[7] && s2_negative_zero == t2[6:5]);
      end
      if (probe_s1_valid) begin
        stage_tags_s1: assert (s1_holds(tag_s1, s1_lanes, s1_block_index, s1_sr_seed,
                                        {s1_scale_rounding, s1_payload_rounding,
                                         s1_threshold_product, s1_payload_product,
                                         s1_negative_zero, s1_scale_overflow, s1_scale_underflow,
                                         s1_non_finite, s1_scale_binade}));
      end
    end
  end
endmodule
