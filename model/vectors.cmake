# Golden vectors (issue 3): the input samplers must give the same bits on every machine, so no
# multiply-add may be fused in them (rng.h explains the floating-point rules).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/rng.cpp PROPERTIES
  COMPILE_OPTIONS "-ffp-contract=off")

# The carry-less-multiply CRC kernels: only these files are compiled for PCLMULQDQ + SSE4.1
# (and VPCLMULQDQ + AVX2); crc32_update checks the CPU at run time before calling them.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/crc32_clmul.cpp PROPERTIES
    COMPILE_OPTIONS "-mpclmul;-msse4.1")
  # Its 256-bit form (VPCLMULQDQ + AVX2), likewise checked for at run time.
  set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/crc32_vpclmul.cpp PROPERTIES
    COMPILE_OPTIONS "-mavx2;-mvpclmulqdq;-mpclmul;-msse4.1")
endif()
