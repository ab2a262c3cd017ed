# `hif4 convert` and its safetensors reader/writer (label convert). The end-to-end cases run
# the built `hif4` binary (convert, quantize, dequantize) on checkpoints the test writes itself.
file(GLOB HIF4_CONVERT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/convert/test_*.cpp)
add_executable(test_convert ${HIF4_CONVERT_TESTS})
target_link_libraries(test_convert PRIVATE hif4_cli_core hif4_catch_main)
target_compile_definitions(test_convert PRIVATE HIF4_BINARY="$<TARGET_FILE:hif4>")
target_compile_options(test_convert PRIVATE -O2)
add_dependencies(test_convert hif4)
catch_discover_tests(test_convert PROPERTIES LABELS convert)
