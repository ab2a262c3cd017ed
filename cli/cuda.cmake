# --backend cuda: link the CUDA golden (golden/, target hif4_cuda) into the command line when
# HIF4_CUDA is ON. The target is defined later (golden/ is added after cli/); CMake resolves
# the name when it generates. Without it, cli/backend_cuda.cpp reports that CUDA is missing.
if(HIF4_CUDA AND EXISTS ${HIF4_SOURCE_DIR}/golden/CMakeLists.txt)
  target_link_libraries(hif4_cli_core PUBLIC hif4_cuda)
  target_compile_definitions(hif4_cli_core PRIVATE HIF4_HAVE_CUDA)
endif()
