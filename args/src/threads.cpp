#include "hif4/threads.h"

#include <cstdio>
#include <string>

#include "hif4/parallel.h"
#include "hif4/simd.h"

namespace hif4 {

Args::Spec threads_spec() {
  return {"threads", true, false,
          "worker threads (default 1); the output is identical for every N: each thread takes "
          "a contiguous range of blocks with their own block indices. Fast quantize path on this "
          "machine: " +
              std::string(simd_path_name(active_simd_path())) +
              " (bit-identical to the scalar model; HIF4_SIMD=scalar forces the scalar model)"};
}

unsigned parse_threads(const Args& args) {
  if (!args.has("threads")) return 1;
  const uint64_t n = args.get_u64("threads", 1);
  if (n < 1) throw Error("--threads must be at least 1, not " + args.get("threads"));
  const unsigned hardware = hardware_threads();
  if (n > hardware) {
    std::fprintf(stderr, "note: --threads %llu: using %u, the hardware threads of this machine "
                 "(more do not help)\n", static_cast<unsigned long long>(n), hardware);
    return hardware;
  }
  return static_cast<unsigned>(n);
}

}  // namespace hif4
