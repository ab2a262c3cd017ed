# The shell tests' helpers: every tests/**/*.sh sources this file first,
#   source "$(dirname "$0")/../support/lib.sh"
# and ends with `finish`. Safe under `set -euo pipefail` (no helper returns a failure status).
#
#   work                 a new folder for the test's files, removed at exit (a function
#                        on_exit, when the test defines one, runs first: e.g. an unmount)
#   fail MESSAGE         a failed check: prints "FAIL: MESSAGE" and counts it; with fail_fast=1
#                        the test ends there; with fail_shows=FILE, FILE is shown too
#   pass [MESSAGE]       a passed check: counts it, prints "ok: MESSAGE" when given one
#   expect STATUS CMD... runs CMD (stdout in $work/out, stderr in $work/err); a failed check
#                        unless it exits with STATUS
#   expect_error WHAT PATTERN [ABSENT...] -- CMD...
#                        CMD must exit 2 with stderr matching the extended regular expression
#                        PATTERN, print nothing on stdout, leave no temporary (*.tmp*) file or
#                        folder anywhere under $work, and leave none of the ABSENT paths
#   contains FILE TEXT   FILE must hold the fixed string TEXT
#   same A B WHAT        files A and B must be byte-identical
#   finish               prints "NAME: P passed, F failed" (NAME: $test_name, by default the
#                        script's name) and exits 1 when a check failed or none was made

test_name=${test_name:-$(basename "$0")}
lib_passes=0
lib_failures=0
fail_fast=${fail_fast:-0}
fail_shows=${fail_shows:-}
work=$(mktemp -d)
lib_work=$work  # what the exit removes, whatever the test later does with $work

lib_exit() {
  if declare -F on_exit >/dev/null; then on_exit || true; fi
  rm -rf -- "$lib_work"
}
trap lib_exit EXIT

finish() {
  echo "$test_name: $lib_passes passed, $lib_failures failed"
  if [ "$lib_failures" -ne 0 ]; then exit 1; fi
  if [ "$lib_passes" -eq 0 ]; then
    echo "$test_name: FAIL: nothing was checked"
    exit 1
  fi
  exit 0
}

fail() {
  echo "FAIL: $*"
  lib_failures=$((lib_failures + 1))
  if [ -n "$fail_shows" ] && [ -f "$fail_shows" ]; then
    echo "--- $fail_shows ---"
    cat -- "$fail_shows"
  fi
  if [ "$fail_fast" = 1 ]; then finish; fi
  return 0
}

pass() {
  lib_passes=$((lib_passes + 1))
  if [ $# -gt 0 ]; then echo "ok: $*"; fi
  return 0
}

expect() {
  local want=$1 got=0
  shift
  "$@" >"$work/out" 2>"$work/err" || got=$?
  if [ "$got" -eq "$want" ]; then
    pass
  else
    fail "exit $got (want $want): $* -- $(head -c 300 "$work/err")"
  fi
  return 0
}

expect_error() {
  local what=$1 pattern=$2 rc=0 path left
  shift 2
  local absent=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    absent+=("$1")
    shift
  done
  if [ $# -eq 0 ]; then
    fail "$what: expect_error without -- COMMAND"
    return 0
  fi
  shift
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  if [ "$rc" -ne 2 ]; then
    fail "$what: exit $rc, want 2 ($(head -c 300 "$work/err"))"
    return 0
  fi
  if ! grep -Eq -- "$pattern" "$work/err"; then
    fail "$what: message '$(cat "$work/err")' does not match /$pattern/"
    return 0
  fi
  if [ -s "$work/out" ]; then
    fail "$what: printed output: $(head -c 300 "$work/out")"
    return 0
  fi
  left=$(find "$work" -mindepth 1 -name '*.tmp*' 2>/dev/null | head -3)
  if [ -n "$left" ]; then
    fail "$what: temporary output left behind: $left"
    return 0
  fi
  for path in "${absent[@]}"; do
    if [ -e "$path" ]; then
      fail "$what: left output $path"
      return 0
    fi
  done
  pass "$what: $(head -1 "$work/err")"
  return 0
}

contains() {
  if grep -qF -- "$2" "$1"; then
    pass
  else
    fail "$1 lacks '$2'"
  fi
  return 0
}

same() {
  if cmp -s -- "$1" "$2"; then
    pass
  else
    fail "$3: $(cmp -- "$1" "$2" 2>&1 | head -1)"
  fi
  return 0
}
