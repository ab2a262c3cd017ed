tests/sim/designs/hif4_stuck_dut.sv
