# Golden vectors (issue 3): RNG, suites, the .hif4v format, coverage, the verifier.
find_package(Boost REQUIRED)  # header-only Boost.CRC: the reference the fast CRC is checked against
file(GLOB HIF4_VECTOR_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/vectors/*.cpp)
add_executable(test_vectors ${HIF4_VECTOR_TESTS})
target_link_libraries(test_vectors PRIVATE hif4_model hif4_catch_main Boost::boost)
target_compile_options(test_vectors PRIVATE -O2)
catch_discover_tests(test_vectors PROPERTIES LABELS vectors)
