# The SystemC model's own tests (label cosim): latency, handshake under stalls, every profile
# against hif4::quantize_block, fault injection. The co-simulation against the Verilated RTL
# adds its tests in sim/CMakeLists.txt. Only when the SystemC model is built (HIF4_SYSTEMC).
if(TARGET hif4_sim)
  file(GLOB HIF4_SIM_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cosim/test_*.cpp)
  add_executable(test_sim_model ${HIF4_SIM_TESTS})
  target_link_libraries(test_sim_model PRIVATE hif4_sim hif4_catch_main)
  target_compile_options(test_sim_model PRIVATE -O2)
  catch_discover_tests(test_sim_model PROPERTIES LABELS cosim)
endif()

# The co-simulation against the Verilated RTL, through `hif4 cosim` (HIF4_SYSTEMC + HIF4_RTL).
if(TARGET hif4-cosim AND TARGET hif4)
  foreach(case pass_stalls stochastic inject_s2 inject_s3 inject_out waves_on_failure vectors bad_args)
    add_test(NAME cosim_${case}
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cosim/cosim_cli.sh $<TARGET_FILE:hif4> ${case}
              ${CMAKE_CURRENT_BINARY_DIR}/cosim_work)
    set_tests_properties(cosim_${case} PROPERTIES LABELS cosim)
  endforeach()
endif()
