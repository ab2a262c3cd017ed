# The AVX2 kernels (issue 8) and the random suite's AVX2 lane maker (issue 3): only these files
# are compiled for AVX2; simd.cpp and suites.cpp check the CPU at run time before calling them,
# and fall back to the scalar definitions otherwise.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/simd_avx2.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/pool_lanes_avx2.cpp
  PROPERTIES COMPILE_OPTIONS "-mavx2")

# parallel.cpp (the --threads helper) starts std::threads.
find_package(Threads REQUIRED)
target_link_libraries(hif4_model PUBLIC Threads::Threads)
