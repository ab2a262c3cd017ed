# Hardening (issue 10).
#   label hardening: hostile inputs for every reader of outside bytes (.hif4v, DUT output,
#                    safetensors, files that are not files, the command line), and the CLI's
#                    output errors (file-size limit, disk full, unwritable paths)
#   label fuzz:      a short run of every libFuzzer target (fuzz/), when clang and libFuzzer are
#                    installed; built with clang in <build>/fuzz
#   label sanitize:  scripts/sanitize.sh --ci, the readers' tests under ASan + UBSan, built with
#                    g++ in <build>/sanitize
add_executable(test_hardening ${CMAKE_CURRENT_LIST_DIR}/hardening/test_hostile_inputs.cpp)
target_link_libraries(test_hardening PRIVATE hif4_cli_core hif4_catch_main)
target_compile_options(test_hardening PRIVATE -O2)
catch_discover_tests(test_hardening PROPERTIES LABELS hardening)

add_test(NAME hardening_output_errors
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hardening/test_output_errors.sh $<TARGET_FILE:hif4>)
set_tests_properties(hardening_output_errors PROPERTIES LABELS hardening)

option(HIF4_FUZZ_TESTS "Build the libFuzzer targets with clang and run each briefly in CTest" ON)
find_program(HIF4_CLANGXX NAMES clang++ clang++-14)
set(_hif4_libfuzzer "")
if(HIF4_CLANGXX)
  execute_process(COMMAND ${HIF4_CLANGXX} -print-file-name=libclang_rt.fuzzer-x86_64.a
                  OUTPUT_VARIABLE _hif4_libfuzzer OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(HIF4_FUZZ_TESTS AND HIF4_CLANGXX AND EXISTS "${_hif4_libfuzzer}")
  get_filename_component(_hif4_clang_dir ${HIF4_CLANGXX} DIRECTORY)
  add_test(NAME fuzz_build COMMAND ${CMAKE_COMMAND} -E env CXX=${HIF4_CLANGXX}
           bash ${HIF4_SOURCE_DIR}/fuzz/build.sh ${CMAKE_BINARY_DIR}/fuzz)
  # A high COST makes ctest -j start the nested builds first, beside the short tests, instead of
  # leaving them for the end of the run.
  set_tests_properties(fuzz_build PROPERTIES LABELS fuzz FIXTURES_SETUP hif4_fuzz TIMEOUT 900 COST 5000)
  foreach(t fuzz_vector_file fuzz_dut_output fuzz_safetensors fuzz_cli)
    # 15 s or 10^6 executions, whichever comes first: a smoke run (the long runs are manual,
    # docs/hardening.md), starting from the committed corpus.
    add_test(NAME ${t} COMMAND bash ${HIF4_SOURCE_DIR}/fuzz/run.sh -t 15 -r 1000000
             -d ${CMAKE_BINARY_DIR}/fuzz ${t})
    set_tests_properties(${t} PROPERTIES LABELS fuzz FIXTURES_REQUIRED hif4_fuzz TIMEOUT 300)
  endforeach()
elseif(HIF4_FUZZ_TESTS)
  message(STATUS "hardening: clang++ with libFuzzer not found, the fuzz tests are left out")
endif()

option(HIF4_SANITIZE_TESTS "Run scripts/sanitize.sh --ci (ASan + UBSan build of the readers' tests) in CTest" ON)
if(HIF4_SANITIZE_TESTS)
  add_test(NAME sanitize_ci COMMAND ${CMAKE_COMMAND} -E env HIF4_SANITIZE_DIR=${CMAKE_BINARY_DIR}/sanitize
           bash ${HIF4_SOURCE_DIR}/scripts/sanitize.sh --ci)
  set_tests_properties(sanitize_ci PROPERTIES LABELS sanitize TIMEOUT 1200 COST 10000)
endif()
