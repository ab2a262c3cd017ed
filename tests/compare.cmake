# hif4 compare: the NVFP4 / MXFP4 baselines against their specifications' examples, the error
# figures on hand-computed inputs, variant parsing, and determinism across thread counts.
file(GLOB HIF4_COMPARE_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/compare/*.cpp)
add_executable(test_compare ${HIF4_COMPARE_TESTS})
target_link_libraries(test_compare PRIVATE hif4_model hif4_catch_main)
target_compile_options(test_compare PRIVATE -O2)
catch_discover_tests(test_compare PROPERTIES LABELS compare)
