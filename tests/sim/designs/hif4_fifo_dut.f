// The quantizer behind a FIFO of random delays (hif4_fifo_dut.sv). Paths are relative to the
// repository root, the working folder of the tests (Verilator reads -f paths from the working
// folder).
+incdir+sim/cosim/harness
-f rtl/hif4.f
tests/sim/designs/hif4_fifo_dut.sv
