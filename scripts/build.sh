#!/usr/bin/env bash
# Configures and builds everything into build/ (the binary is build/hif4).
# Extra arguments go to CMake, e.g. -DHIF4_CUDA=OFF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export SYSTEMC_INCLUDE=${SYSTEMC_INCLUDE:-/usr/include}
export SYSTEMC_LIBDIR=${SYSTEMC_LIBDIR:-/usr/lib/x86_64-linux-gnu}
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
