// `--threads N` for commands that quantize: the option spec and its parsing.
#pragma once
#include "hif4/args.h"

namespace hif4 {

// The most threads a command accepts (a typo guard, far above any machine here).
constexpr unsigned kMaxThreads = 1024;

Args::Spec threads_spec();
// --threads N (default 1); throws Error naming the option unless 1 <= N <= kMaxThreads.
unsigned parse_threads(const Args& args);

}  // namespace hif4
