#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ (or $1): fuzz_vector_file,
# fuzz_dut_output, fuzz_safetensors, fuzz_cli, fuzz_results. Needs clang and libclang-rt-14-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-fuzz}
CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$root/fuzz" -B "$out" >/dev/null
cmake --build "$out" -j "$(nproc)"
