# hif4_pic_objects(TARGET): TARGET_pic, an object library of TARGET's sources compiled with -fPIC.
#
# The libraries are static archives of position-dependent code (Debian's gcc builds -fPIE by
# default), which a shared object cannot hold. Rather than change how the command line is built,
# each shared object (the Python module, the DPI-C library) links -fPIC copies of the few it
# needs: the same sources, the same per-target and per-file options (the AVX2 kernels' -mavx2
# and the like), compiled again, once for all of them.
function(hif4_pic_objects target)
  if(TARGET ${target}_pic)  # made already, for another shared object
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(dir ${target} SOURCE_DIR)
  set(files "")
  foreach(src ${sources})
    if(NOT IS_ABSOLUTE ${src})
      set(src ${dir}/${src})
    endif()
    foreach(property COMPILE_OPTIONS COMPILE_DEFINITIONS)
      get_source_file_property(value ${src} DIRECTORY ${dir} ${property})
      if(value)
        set_source_files_properties(${src} PROPERTIES ${property} "${value}")
      endif()
    endforeach()
    list(APPEND files ${src})
  endforeach()
  add_library(${target}_pic OBJECT ${files})
  set_target_properties(${target}_pic PROPERTIES POSITION_INDEPENDENT_CODE ON)
  get_target_property(options ${target} COMPILE_OPTIONS)
  if(options)
    target_compile_options(${target}_pic PRIVATE ${options})
  endif()
  get_target_property(definitions ${target} COMPILE_DEFINITIONS)
  if(definitions)
    target_compile_definitions(${target}_pic PRIVATE ${definitions})
  endif()
  target_include_directories(${target}_pic PRIVATE
    $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:hif4_model,INTERFACE_INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:hif4_vectors,INTERFACE_INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:hif4_check,INTERFACE_INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:hif4_io,INTERFACE_INCLUDE_DIRECTORIES>)
endfunction()
