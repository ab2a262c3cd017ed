tests/sim/designs/hif4_narrow_dut.sv
