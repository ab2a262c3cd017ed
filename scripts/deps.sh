#!/usr/bin/env bash
# Installs Debian 12 packages with apt-get, only those missing; needs root (or sudo) only then.
#   scripts/deps.sh              what the main job and the tests need (used by main.sh, test.sh, CI)
#   scripts/deps.sh PACKAGE...   those packages: how a script that uses an optional tool
#                                installs it (scripts/synth.sh: yosys)
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # C++17 toolchain
  catch2                             # tests (Catch2 2.13, catch_discover_tests)
  libbenchmark-dev                   # benchmark programs
  libboost-dev                       # Boost.CRC (vector-file tests), SHA-1 (the cosim --rtl build cache)
  nlohmann-json3-dev                 # safetensors headers
  verilator                          # RTL lint and simulation (5.006)
  libsystemc-dev                     # SystemC model and co-simulation (2.3.4)
  python3 python3-matplotlib         # plots of `hif4 compare`
  chromium                           # renders the `hif4 compare --report` page in a test (label compare)
  clang libclang-rt-14-dev           # libFuzzer targets (fuzz/, CTest label fuzz)
  python3-pybind11 python3-numpy python3-pytest python3-torch  # Python package (python/, label python)
  iverilog                           # the RTL on a second simulator (label icarus, scripts/icarus.sh)
  yosys z3                           # the formal proof of the control (label formal, scripts/formal.sh)
  lcov                               # the RTL coverage report's HTML (label coverage, scripts/rtl_coverage.sh)
  munge slurmctld slurmd slurm-client  # a one-node Slurm cluster for the sharded regression (label slurm)
)
[ $# -eq 0 ] || packages=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
