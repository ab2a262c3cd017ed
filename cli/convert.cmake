# hif4 convert runs its row chunks on worker threads (--threads).
find_package(Threads REQUIRED)
target_link_libraries(hif4 PRIVATE Threads::Threads)
