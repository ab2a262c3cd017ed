# The AVX2 kernels (issue 8): only this file is compiled for AVX2; simd.cpp checks the CPU at
# run time before calling it, and falls back to the scalar model otherwise.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/simd_avx2.cpp
  PROPERTIES COMPILE_OPTIONS "-mavx2")

# parallel.cpp (the --threads helper) starts std::threads.
find_package(Threads REQUIRED)
target_link_libraries(hif4_model PUBLIC Threads::Threads)
