#!/usr/bin/env bash
# The main job on built-in data: install what is missing, build, then
#  1. the reference model against the seed's conformance vectors (hif4 regress), and
#  2. the full regression: every level-1 suite under every profile, with random stalls and
#     bubbles, through the model, the SystemC model and the Verilated RTL in lockstep
#     (scripts/regression.sh, i.e. hif4 gen + hif4 cosim).
# Exits 0 only when both passed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh" || exit 2
"$root/scripts/build.sh" || exit 2
"$root/build/hif4" regress
model_rc=$?
echo
"$root/scripts/regression.sh" "$@"
full_rc=$?
[ $model_rc -eq 0 ] && [ $full_rc -eq 0 ]
