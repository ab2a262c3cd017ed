# Golden vectors (issue 3): the input samplers must give the same bits on every machine, so no
# multiply-add may be fused in them (rng.h explains the floating-point rules).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/rng.cpp PROPERTIES
  COMPILE_OPTIONS "-ffp-contract=off")
