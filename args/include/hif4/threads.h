// `--threads N` for commands that quantize: the option spec and its parsing.
#pragma once
#include "hif4/args.h"

namespace hif4 {

Args::Spec threads_spec();
// --threads N (default 1); throws Error naming the option unless N >= 1. More threads than the
// machine's hardware threads do not help (the work is compute- or I/O-bound), so N is capped
// there, with a note on standard error; each thread's share of memory is fixed, so memory is
// bounded by the machine, not by N.
unsigned parse_threads(const Args& args);

}  // namespace hif4
