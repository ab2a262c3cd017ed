# The CUDA golden in CI: CI has nvcc but no GPU, so the CUDA code is built (hif4_cuda and
# hif4_gpu_check, as part of `all` when HIF4_CUDA is ON) and the command line is checked to
# refuse --backend cuda cleanly. scripts/gpu_check.sh runs the GPU side on a GPU machine.
add_test(NAME cuda_backend COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cuda/test_backend.sh $<TARGET_FILE:hif4>)
set_tests_properties(cuda_backend PROPERTIES LABELS cuda)
# The committed GPU-generated level-1 vectors (tests/vectors/gpu) against the model.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/vectors/gpu/manifest.txt)
  add_test(NAME cuda_gpu_vectors
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cuda/test_gpu_vectors.sh $<TARGET_FILE:hif4>)
  set_tests_properties(cuda_gpu_vectors PROPERTIES LABELS cuda)
endif()
