#!/usr/bin/env bash
# The RTL's code coverage under the regression: branch, line and toggle per module, with the
# exclusions of rtl/coverage_exclusions.txt (structurally constant bits, unreachable branches,
# each with its reason) applied, and an HTML report (lcov's genhtml).
#
#   build the coverage model (build/coverage/hif4-cosim: the RTL Verilated --coverage)
#   -> scripts/regression.sh --build build/coverage (every suite x profiles and knob corners,
#      and the knob walk with its resets), each run adding its counts to OUT/runs/
#   -> verilator_coverage --write OUT/merged.dat
#   -> scripts/rtl_coverage.py: OUT/report.md (the table, every point left uncovered, every
#      exclusion checked: it must match points, none of them hit), OUT/filtered.dat
#   -> verilator_coverage --annotate OUT/annotated/, --write-info OUT/coverage.info
#   -> genhtml OUT/html/index.html
#
# usage: scripts/rtl_coverage.sh [--build DIR] [--level L | --count N] [--exclusions FILE]
#                                [--out DIR] [--no-html]
#   --build DIR       the build folder (default: build/ of this checkout); its coverage model
#                     is brought up to date with cmake --build
#   --level L         the regression's level (default 1)
#   --count N         N records of every suite (and N knob-walk blocks) instead
#   --exclusions FILE (default rtl/coverage_exclusions.txt)
#   --out DIR         the report folder (default DIR/coverage-report of --build); a folder this
#                     script made is replaced, anything else there is refused
#   --no-html         skip the annotation and genhtml
# Verilator's tools come with scripts/deps.sh; lcov is installed when missing (scripts/deps.sh lcov).
# Exit status: 0 the regression passed and coverage is closed (every point not excluded hit,
# every exclusion holds), 1 a regression row failed or coverage is not closed, 2 bad usage or
# a tool error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build level=1 count="" out="" html=1
exclusions=$root/rtl/coverage_exclusions.txt
usage_error() { echo "rtl_coverage.sh: error: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    --no-html) html=0; shift; continue ;;
  esac
  [ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
  case "$1" in
    --build) build=$2 ;;
    --level) level=$2 ;;
    --count) count=$2 ;;
    --exclusions) exclusions=$2 ;;
    --out) out=$2 ;;
    *) usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift 2
done
[ -f "$build/CMakeCache.txt" ] || usage_error "$build is not a configured build folder (scripts/build.sh)"
[ -f "$exclusions" ] || usage_error "$exclusions: no such exclusion file"
out=${out:-$build/coverage-report}
marker=.hif4-rtl-coverage
if [ -e "$out" ] && [ ! -f "$out/$marker" ]; then
  usage_error "$out exists and is not a report of this script: give another --out"
fi
command -v verilator_coverage >/dev/null || usage_error "verilator_coverage not found (scripts/deps.sh)"
if [ "$html" -eq 1 ] && ! command -v genhtml >/dev/null; then
  "$root/scripts/deps.sh" lcov >&2 || true
  command -v genhtml >/dev/null || usage_error "genhtml not found and could not be installed (scripts/deps.sh lcov)"
fi

cmake --build "$build" --target hif4-cosim-coverage hif4-coverage-cli >"$build/coverage-build.log" 2>&1 ||
  { tail -20 "$build/coverage-build.log" >&2; usage_error "the coverage model did not build (see $build/coverage-build.log)"; }

# Everything is made in a new folder beside OUT and renamed over it at the end: a report is
# never half old, half new.
parent=$(dirname "$out")
mkdir -p "$parent"
new=$(mktemp -d "$parent/.$(basename "$out").XXXXXX")
trap 'rm -rf "$new"' EXIT
mkdir "$new/runs"
touch "$new/$marker"

size=(--level "$level")
if [ -n "$count" ]; then size=(--count "$count"); fi
rc=0
HIF4_RTL_COVERAGE_DIR=$new/runs "$root/scripts/regression.sh" --build "$build/coverage" "${size[@]}" \
  >"$new/regression.txt" 2>&1 || rc=$?
if [ "$rc" -eq 2 ]; then
  tail -20 "$new/regression.txt" >&2
  usage_error "the regression could not run"
fi
regression_rc=$rc
shopt -s nullglob
runs=("$new"/runs/cosim.*.dat)
[ ${#runs[@]} -gt 0 ] || usage_error "the regression wrote no coverage (is $build/coverage/hif4-cosim the coverage build?)"
verilator_coverage --write "$new/merged.dat" "${runs[@]}" >"$new/merge.log" 2>&1 ||
  { cat "$new/merge.log" >&2; usage_error "verilator_coverage could not merge the runs"; }
rm -rf "$new/runs"

rc=0
/usr/bin/python3 "$root/scripts/rtl_coverage.py" "$new/merged.dat" --exclusions "$exclusions" \
  --filtered "$new/filtered.dat" >"$new/report.md" || rc=$?
[ "$rc" -le 1 ] || usage_error "rtl_coverage.py could not read the coverage (see above)"
coverage_rc=$rc

if [ "$html" -eq 1 ]; then
  verilator_coverage --annotate "$new/annotated" --annotate-all "$new/filtered.dat" >"$new/annotate.log" 2>&1 ||
    usage_error "verilator_coverage --annotate failed (see $new/annotate.log)"
  verilator_coverage --write-info "$new/coverage.info" "$new/filtered.dat" >>"$new/annotate.log" 2>&1 ||
    usage_error "verilator_coverage --write-info failed"
  genhtml --quiet --branch-coverage --title "HiF4 RTL coverage" --output-directory "$new/html" \
    "$new/coverage.info" >"$new/genhtml.log" 2>&1 ||
    { tail -5 "$new/genhtml.log" >&2; usage_error "genhtml failed"; }
fi

{
  echo "HiF4 RTL code coverage: scripts/regression.sh ${size[*]} on the coverage model"
  echo "exclusions: ${exclusions#"$root"/}"
  echo
  cat "$new/report.md"
  echo
  tail -3 "$new/regression.txt"
} >"$new/summary.txt"
rm -rf "$out"
mv "$new" "$out"
trap - EXIT
cat "$out/summary.txt"
echo
if [ "$html" -eq 1 ]; then echo "report: $out/report.md; HTML: $out/html/index.html"; else echo "report: $out/report.md"; fi
if [ "$regression_rc" -ne 0 ]; then
  echo "rtl_coverage.sh: the regression failed (see $out/regression.txt)"
  exit 1
fi
exit "$coverage_rc"
