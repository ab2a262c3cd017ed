#!/usr/bin/env bash
# One case of the formal label (tests/formal/CMakeLists.txt), through scripts/formal.sh:
#   formal_case.sh SRC OUT proof                 the design is PROVEN (exit 0)
#   formal_case.sh SRC OUT fault NAME ASSERTION  with fault NAME the proof FAILS (exit 1) in
#                                                the base case, ASSERTION among the failing
#                                                ones, and the counterexample's waves exist
#   formal_case.sh SRC OUT list NAME...          the faults of the RTL are exactly NAME...
# Skips (exit 77) when yosys, yosys-smtbmc or z3 is missing (scripts/deps.sh installs them).
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
SRC=$1 OUT=$2 what=$3
shift 3
for tool in yosys yosys-smtbmc z3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/deps.sh installs yosys and z3)"
    exit 77
  fi
done
case "$what" in
  proof)
    expect 0 "$SRC/scripts/formal.sh" --out "$OUT/proof"
    cat "$work/out"
    contains "$work/out" "| clean | passed | passed | PROVEN |"
    ;;
  fault)
    name=$1 assertion=$2
    expect 1 "$SRC/scripts/formal.sh" --fault "$name" --out "$OUT/$name"
    cat "$work/out"
    row=$(grep "^| $name |" "$work/out" || true)
    case "$row" in
      *"| failed |"*"| FAILED |"*) pass "the base case found a trace with $name" ;;
      *) fail "no failing base case for $name: $row" ;;
    esac
    case "$row" in
      *" $assertion "*) pass "$assertion fails" ;;
      *) fail "$assertion is not among the failing assertions: $row" ;;
    esac
    if [ -s "$OUT/$name/$name.base.vcd" ]; then pass "waves of the trace"; else fail "no waves in $OUT/$name"; fi
    ;;
  list)
    expect 0 "$SRC/scripts/formal.sh" --list-faults
    if [ "$(tr '\n' ' ' <"$work/out")" = "$* " ]; then
      pass "every fault of rtl/hif4_quantizer.sv has a test"
    else
      fail "the RTL's faults ($(tr '\n' ' ' <"$work/out")) are not the tested ones ($*)"
    fi
    ;;
esac
finish
