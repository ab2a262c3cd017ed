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
