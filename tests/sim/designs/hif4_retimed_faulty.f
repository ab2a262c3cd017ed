// hif4_retimed_dut.sv with the quantizer's test-only rounding fault. Paths are relative to the
// repository root (the tests' working folder).
+incdir+sim/cosim/harness
-DHIF4_INJECT_FAULT
-f rtl/hif4.f
tests/sim/designs/hif4_retimed_dut.sv
