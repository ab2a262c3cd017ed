#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (g++), built in its own
# tree, build-sanitize/ (or $HIF4_SANITIZE_DIR). Any sanitizer report fails the test it occurs
# in (halt_on_error, no recovery).
#
#   scripts/sanitize.sh          every test of the software build: model, vectors, compare, simd,
#                                convert, cli, hardening (RTL, SystemC and CUDA are not built:
#                                Verilator/SystemC/nvcc code is not ours to instrument)
#   scripts/sanitize.sh --ci     the part CI runs within its time budget: every reader of outside
#                                bytes and the code behind it (vectors, convert, cli, hardening, report;
#                                these run the model's whole quantize path on their data)
#   Extra arguments go to ctest, e.g. scripts/sanitize.sh -R safetensors.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${HIF4_SANITIZE_DIR:-$root/build-sanitize}
mode=all
if [ "${1:-}" = "--ci" ]; then
  mode=ci
  shift
fi
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=Release -DHIF4_RTL=OFF -DHIF4_SYSTEMC=OFF \
  -DHIF4_CUDA=OFF -DHIF4_BENCH=OFF -DHIF4_FUZZ_TESTS=OFF -DHIF4_SANITIZE_TESTS=OFF \
  "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ $mode = ci ]; then
  cmake --build "$out" -j "$(nproc)" --target hif4 test_vectors test_check test_convert test_hardening test_report
  cd "$out"
  exec ctest --output-on-failure -j "$(nproc)" -L 'vectors|convert|cli|hardening|report' "$@"
fi
cmake --build "$out" -j "$(nproc)"
cd "$out"
exec ctest --output-on-failure -j "$(nproc)" "$@"
