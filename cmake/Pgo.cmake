# Profile-guided optimization (GCC), driven by scripts/build-release.sh:
#   SPARKIFY_PGO=generate  instrumented build; running it writes profiles to SPARKIFY_PGO_DIR
#   SPARKIFY_PGO=use       optimized with the profiles in SPARKIFY_PGO_DIR
# Profile files are named by each object's path relative to the build folder
# (-fprofile-prefix-path), so the instrumented and the optimized build can live
# in different folders and neither has to be rebuilt when the other changes.
set(SPARKIFY_PGO "" CACHE STRING "Profile-guided optimization: generate, use, or empty for none")
set(SPARKIFY_PGO_DIR "" CACHE PATH "Where profiles are written (generate) or read (use)")
if(SPARKIFY_PGO)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "SPARKIFY_PGO needs GCC (found ${CMAKE_CXX_COMPILER_ID})")
  endif()
  if(NOT SPARKIFY_PGO_DIR)
    message(FATAL_ERROR "SPARKIFY_PGO needs SPARKIFY_PGO_DIR")
  endif()
  set(_prefix -fprofile-prefix-path=${CMAKE_BINARY_DIR})
  if(SPARKIFY_PGO STREQUAL "generate")
    # Atomic counters: the pipeline's threads update the same functions' counters.
    add_compile_options(-fprofile-generate=${SPARKIFY_PGO_DIR} -fprofile-update=atomic ${_prefix})
    add_link_options(-fprofile-generate=${SPARKIFY_PGO_DIR})
  elseif(SPARKIFY_PGO STREQUAL "use")
    # Code the training run never reached (S3, error paths) is still optimized
    # for speed as in a plain -O3 build, not for size.
    add_compile_options(-fprofile-use=${SPARKIFY_PGO_DIR} -fprofile-partial-training ${_prefix}
                        -Wno-missing-profile)
  else()
    message(FATAL_ERROR "SPARKIFY_PGO must be generate, use or empty (got ${SPARKIFY_PGO})")
  endif()
endif()
