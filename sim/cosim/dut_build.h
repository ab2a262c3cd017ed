// Building a user's design for `hif4 cosim --rtl FILELIST --top NAME`: Verilator turns the
// design into C++, hif4-cosim checks its ports against the contract, and the Verilated model
// and the harness adaptor (harness/) are compiled into a shared library that hif4-cosim loads.
//
// The build is cached in a folder named by a hash of what decides it: the harness sources,
// `verilator --version`, the C++ compiler's version, the working folder, the file list's path,
// the top name, the options (--rtl-opt, every --verilator-arg) and this program's fixed
// Verilator options. Inside the folder a manifest lists every file Verilator read (the file
// list, nested lists, every source and include, from its dependency file) with the SHA-1 of its
// contents: a later run reuses the library only when all of them are unchanged, and rebuilds
// otherwise. A lock file serialises runs that build the same folder.
#pragma once
#include <string>
#include <vector>

#include "dut_ports.h"

namespace hif4::sim {

struct DutBuildRequest {
  std::string filelist;                     // a Verilator -f file
  std::string top;                          // the top module
  std::string cache_root;                   // --build-dir, or "" for the user's cache folder
  std::vector<std::string> verilator_args;  // --verilator-arg, passed through
  unsigned opt_level = 2;                   // C++ optimisation of the Verilated model (-O0..-O3)
};

struct DutBuild {
  std::string library;  // the shared library to load
  std::string folder;   // its cache folder
  std::string log;      // the build log (Verilator and the compiler)
  bool reused = false;  // true: the cached library was up to date
  double seconds = 0;   // time spent building (or checking the cache)
  unsigned warnings = 0;  // Verilator warnings in the log
  DutPorts ports;
};

// Builds (or reuses) the design. Throws hif4::Error for anything wrong with the request or the
// design: a missing file list, Verilator not installed, Verilator or compiler errors (the
// message quotes the first error lines and names the full log), ports that break the contract.
DutBuild build_dut(const DutBuildRequest& request);

// The folder that holds the harness sources (hif4_dut_abi.h, hif4_dut_adaptor.cpp): installed,
// <prefix>/share/hif4/harness beside <prefix>/bin/hif4-cosim; in a build tree, the source
// folder the program was built from.
std::string harness_dir();

// The default cache root: $XDG_CACHE_HOME/hif4/cosim-rtl, else $HOME/.cache/hif4/cosim-rtl.
std::string default_cache_root();

// The first error lines of a Verilator or compiler log (at most `max_lines`), for a message.
std::string first_errors(const std::string& log_text, size_t max_lines = 12);

}  // namespace hif4::sim
