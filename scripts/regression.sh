#!/usr/bin/env bash
# The full regression: every level-1 suite (made by `hif4 gen`, expected bytes from the
# reference model) under every profile, with random output stalls and input bubbles, through
# the SystemC model and the Verilated RTL in lockstep (`hif4 cosim`). Prints one table row per
# suite and profile; exits 0 only when every row passed.
#
# usage: scripts/regression.sh [--build DIR] [--stall-prob X] [--bubble-prob X] [--seed S] [--level L]
#   --build DIR   where hif4 and hif4-cosim are (default: build/ of this checkout)
#   defaults: --stall-prob 0.25 --bubble-prob 0.15 --seed 1 --level 1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
stall=0.25
bubble=0.15
seed=1
level=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --stall-prob) stall=$2; shift 2 ;;
    --bubble-prob) bubble=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --level) level=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "regression.sh: error: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
hif4="$build/hif4"
if [ ! -x "$hif4" ]; then
  echo "regression.sh: error: $hif4 not found: build first (scripts/build.sh)" >&2
  exit 2
fi
if [ ! -x "$build/hif4-cosim" ]; then
  echo "regression.sh: error: $build/hif4-cosim not built: it needs -DHIF4_SYSTEMC=ON -DHIF4_RTL=ON" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hif4-regression.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Profiles and suites from their single sources: the profile table and the suite table.
profiles=$("$hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }')
suites=$("$hif4" cosim --list-suites)

echo "HiF4 full regression: level-$level suites x profiles, model -> SystemC + RTL lockstep"
echo "stall-prob $stall, bubble-prob $bubble, seed $seed"
echo
printf '| %-14s | %-7s | %9s | %10s | %10s | %-6s |\n' suite profile blocks cycles mismatches result
printf '|----------------|---------|-----------|------------|------------|--------|\n'
total_blocks=0 total_cycles=0 total_bad=0 rows_passed=0 rows_failed=0
failures=()
start=$(date +%s)
for profile in $profiles; do
  for suite in $suites; do
    vec="$work/$suite.$profile.hif4v"
    "$hif4" gen --profile "$profile" --suite "$suite" --level "$level" --seed "$seed" --out "$vec" >/dev/null
    log="$work/$suite.$profile.log"
    set +e
    "$hif4" cosim --vectors "$vec" --stall-prob "$stall" --bubble-prob "$bubble" --seed "$seed" >"$log" 2>&1
    rc=$?
    set -e
    blocks=$(awk '$1 == "blocks" { print $4; exit }' "$log")
    cycles=$(awk '$1 == "cycles" { print $2; exit }' "$log")
    bad=$(awk '$1 == "mismatches" { print $2; exit }' "$log")
    if [ "$rc" -eq 0 ]; then result=pass; rows_passed=$((rows_passed + 1));
    else result=FAIL; rows_failed=$((rows_failed + 1)); failures+=("$suite/$profile (exit $rc): $log"); fi
    printf '| %-14s | %-7s | %9s | %10s | %10s | %-6s |\n' "$suite" "$profile" "${blocks:-?}" "${cycles:-?}" "${bad:-?}" "$result"
    total_blocks=$((total_blocks + ${blocks:-0}))
    total_cycles=$((total_cycles + ${cycles:-0}))
    total_bad=$((total_bad + ${bad:-0}))
    if [ "$rc" -ne 0 ]; then cp "$log" "${TMPDIR:-/tmp}/hif4-regression-$suite-$profile.log"; fi
  done
done
printf '| %-14s | %-7s | %9s | %10s | %10s | %-6s |\n' total "" "$total_blocks" "$total_cycles" "$total_bad" ""
echo
echo "wall $(( $(date +%s) - start )) s"
for f in "${failures[@]+"${failures[@]}"}"; do
  echo "failed: ${f%%:*} (report kept in ${TMPDIR:-/tmp}/hif4-regression-$(echo "${f%% *}" | tr / -).log)"
done
echo "$rows_passed passed, $rows_failed failed"
[ "$rows_failed" -eq 0 ]
