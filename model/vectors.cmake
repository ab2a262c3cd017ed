# Golden vectors (issue 3): the input samplers must give the same bits on every machine, so no
# multiply-add may be fused in them (rng.h explains the floating-point rules).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/rng.cpp PROPERTIES
  COMPILE_OPTIONS "-ffp-contract=off")

# The carry-less-multiply CRC kernel: only this file is compiled for PCLMULQDQ + SSE4.1;
# crc32_update checks the CPU at run time before calling it.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/crc32_clmul.cpp PROPERTIES
    COMPILE_OPTIONS "-mpclmul;-msse4.1")
endif()
