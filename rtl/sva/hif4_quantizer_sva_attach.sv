// The contract assertions (hif4_quantizer_sva.sv) for a simulator without `bind` (Icarus
// Verilog 11): elaborated as a second top-level module, it reaches the bench's instance of
// hif4_quantizer by its hierarchical name, HIF4_SVA_DUT (default tb_readmemh.dut, the example
// bench's), e.g.
//   iverilog -g2012 -f rtl/hif4.f rtl/sva/hif4_quantizer_sva.sv rtl/sva/hif4_quantizer_sva_attach.sv \
//            my_tb.sv -s my_tb -s hif4_quantizer_sva_attach -DHIF4_SVA_DUT=my_tb.u_dut
`ifndef HIF4_SVA_DUT
`define HIF4_SVA_DUT tb_readmemh.dut
`endif
module hif4_quantizer_sva_attach;
  hif4_quantizer_sva u_sva (
    .clk(`HIF4_SVA_DUT.clk), .rst_n(`HIF4_SVA_DUT.rst_n), .in_valid(`HIF4_SVA_DUT.in_valid),
    .in_ready(`HIF4_SVA_DUT.in_ready), .out_valid(`HIF4_SVA_DUT.out_valid),
    .out_ready(`HIF4_SVA_DUT.out_ready), .out_data(`HIF4_SVA_DUT.out_data),
    .probe_s1_valid(`HIF4_SVA_DUT.probe_s1_valid), .probe_s1_vmax(`HIF4_SVA_DUT.probe_s1_vmax),
    .probe_s1_flags(`HIF4_SVA_DUT.probe_s1_flags), .probe_s2_valid(`HIF4_SVA_DUT.probe_s2_valid),
    .probe_s2_sf(`HIF4_SVA_DUT.probe_s2_sf), .probe_s2_e6m2(`HIF4_SVA_DUT.probe_s2_e6m2),
    .probe_s2_rec(`HIF4_SVA_DUT.probe_s2_rec), .probe_s3_valid(`HIF4_SVA_DUT.probe_s3_valid),
    .probe_s3_e1(`HIF4_SVA_DUT.probe_s3_e1));
endmodule
