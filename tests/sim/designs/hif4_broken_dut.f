tests/sim/designs/hif4_broken_dut.sv
