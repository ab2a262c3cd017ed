+incdir+sim/cosim/harness
tests/sim/designs/hif4_stuck_dut.sv
