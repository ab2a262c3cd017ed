# The NVFP4 recipe is a sequence of binary32 operations, each rounded once: keep the compiler
# from fusing a multiply and an add into one FMA (one rounding) when a target has FMA.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/baselines.cpp
  PROPERTIES COMPILE_OPTIONS "-ffp-contract=off")
