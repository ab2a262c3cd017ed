#!/usr/bin/env bash
# The main job on built-in data, in four stages, each announced by a banner:
#  1. install what is missing (scripts/deps.sh) and
#  2. build (scripts/build.sh): their output (package manager, compiler) goes to build/main.log;
#  3. the reference model against the seed's conformance vectors (hif4 regress), and
#  4. the full regression: every level-1 suite under every profile, with random stalls and
#     bubbles, through the model, the SystemC model and the Verilated RTL in lockstep
#     (scripts/regression.sh, i.e. hif4 gen + hif4 cosim; arguments go to it).
# Stages 3 and 4 print their tables and are logged too. The last line is the verdict,
# `main job: PASS (...)` or `main job: FAIL (...)`. Exit status: 0 only when stages 3 and 4
# passed, 1 when one of them failed, 2 when installing or building failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/build"
log="$root/build/main.log"
: >"$log"

stages=0
stage() {
  stages=$((stages + 1))
  printf '\n=== stage %d/4: %s\n' "$stages" "$1" | tee -a "$log"
}
# A regression stage: its output shown and logged, its last "N passed, M failed" line kept in
# $result as "N of N+M UNIT passed". Returns the stage's exit status.
regression() {
  local unit=$1 line rc
  shift
  "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  cat "$out" >>"$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  if [ -n "$line" ]; then
    set -- ${line//,/}
    result="$1 of $(($1 + $3)) $unit passed"
  else
    result="did not finish (exit $rc)"
  fi
  return "$rc"
}

echo "main job: installer and compiler output goes to $log"

for step in "installing dependencies:deps.sh" "building:build.sh"; do
  stage "${step%%:*} (scripts/${step#*:})"
  if ! "$root/scripts/${step#*:}" >>"$log" 2>&1; then
    echo "${step%%:*} failed; the last lines of $log:"
    tail -n 40 "$log" | sed 's/^/  /'
    echo "full log: $log"
    echo "main job: FAIL (${step%%:*} failed, see $log)"
    exit 2
  fi
  echo "done"
done

out=$(mktemp "${TMPDIR:-/tmp}/hif4-main.XXXXXX")
trap 'rm -f "$out"' EXIT

stage "the reference model against the seed vectors (hif4 regress)"
regression suites "$root/build/hif4" regress
model_rc=$?
model=$result

stage "the full regression: SystemC model and RTL in lockstep (scripts/regression.sh)"
regression rows "$root/scripts/regression.sh" "$@"
full_rc=$?
full=$result

echo
if [ "$model_rc" -eq 0 ] && [ "$full_rc" -eq 0 ]; then
  echo "main job: PASS (seed vectors: $model; full regression: $full)"
  exit 0
fi
echo "main job: FAIL (seed vectors: $model; full regression: $full; log: $log)"
exit 1
