# SIMD and threading tests (issue 8): the fast paths byte for byte against the scalar model.
# Each TEST_CASE is its own CTest case (the three 10^7-block cases run in parallel under -j).
add_executable(test_simd ${CMAKE_CURRENT_SOURCE_DIR}/simd/test_simd.cpp)
target_link_libraries(test_simd PRIVATE hif4_model hif4_catch_main)
target_compile_definitions(test_simd PRIVATE HIF4_TEST_VECTORS="${HIF4_SOURCE_DIR}/tests/vectors")
target_compile_options(test_simd PRIVATE -O2)
catch_discover_tests(test_simd PROPERTIES LABELS simd)
