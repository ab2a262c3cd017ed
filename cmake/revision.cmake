# Writes OUT (a header defining HIF4_SOURCE_REVISION) from the git checkout at SOURCE_DIR: the
# commit's first 12 hex digits, "-dirty" when tracked files differ from it, "unknown" without
# git. Run at every build (cmake -P); the file is rewritten only when the text changes, so an
# unchanged revision recompiles nothing.
set(revision "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE commit RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND commit)
    set(revision ${commit})
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} diff --quiet HEAD --
                    RESULT_VARIABLE dirty ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      set(revision "${revision}-dirty")
    endif()
  endif()
endif()
set(text "// Written by cmake/revision.cmake at build time.\n#define HIF4_SOURCE_REVISION \"${revision}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
