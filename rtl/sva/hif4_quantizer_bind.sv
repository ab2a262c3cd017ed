// The contract assertions (hif4_quantizer_sva.sv) in every instance of hif4_quantizer, for
// simulators with `bind` (Verilator, the commercial ones): compile both files after rtl/hif4.f.
// Icarus Verilog 11 has no `bind`: instantiate hif4_quantizer_sva beside the bench instead
// (scripts/icarus.sh does).
bind hif4_quantizer hif4_quantizer_sva u_sva (.*);
