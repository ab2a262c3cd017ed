// The contract assertions of hif4_quantizer, bound into every instance: compile after
// rtl/hif4.f (Verilator: add --assert). Paths relative to the repository root.
rtl/sva/hif4_quantizer_sva.sv
rtl/sva/hif4_quantizer_bind.sv
