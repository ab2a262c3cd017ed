# hif4 compare --plot runs scripts/plot_compare.py from the source tree (HIF4_PLOT_SCRIPT in
# the environment overrides it).
target_compile_definitions(hif4 PRIVATE
  HIF4_PLOT_SCRIPT="${HIF4_SOURCE_DIR}/scripts/plot_compare.py")
