# Golden vectors (issue 3): RNG, suites, the .hif4v format, coverage, the verifier.
find_package(Boost REQUIRED)  # header-only Boost.CRC: the reference the fast CRC is checked against
file(GLOB HIF4_VECTOR_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/vectors/*.cpp)
add_executable(test_vectors ${HIF4_VECTOR_TESTS})
target_link_libraries(test_vectors PRIVATE hif4_model hif4_catch_main Boost::boost)
target_compile_options(test_vectors PRIVATE -O2)
catch_discover_tests(test_vectors PROPERTIES LABELS vectors)

# The documented $readmemh testbench against the RTL (Verilator): off by default, since
# verilating the design takes a minute or more on the CI machine.
option(HIF4_VECTORS_TB "Run docs/examples/tb_readmemh.sv against rtl/ under Verilator in CTest" OFF)
find_program(HIF4_VERILATOR verilator)
if(HIF4_VECTORS_TB AND HIF4_VERILATOR AND EXISTS ${HIF4_SOURCE_DIR}/rtl/hif4.f)
  add_test(NAME vectors_tb_readmemh
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/vectors/tb_readmemh.sh $<TARGET_FILE:hif4>
                   ${HIF4_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tb_readmemh)
  set_tests_properties(vectors_tb_readmemh PROPERTIES LABELS "vectors;rtl" TIMEOUT 900)
endif()
