#!/usr/bin/env bash
# Formal proof of hif4_quantizer's control contract with Yosys and yosys-smtbmc (z3): the
# assertions of rtl/sva/hif4_quantizer_sva.sv (handshake, stall, reset, latency, blocks in
# flight) and the tagged-block scoreboard of formal/hif4_quantizer_formal.sv (no block lost,
# duplicated, reordered or made up, the configuration travelling with its block), on
# rtl/hif4_quantizer.sv with the datapath units replaced by formal/hif4_abstract_units.sv.
#
# A proof is two runs of yosys-smtbmc on one SMT2 model:
#   base       bounded model check from reset, --depth steps: a failure is a real trace
#   induction  k-induction, --induction steps: passing it with the base case proves every
#              assertion for every cycle of every trace (unbounded)
# Verdicts: PROVEN (both pass), FAILED (the base case found a trace; its waves are written),
# NOT PROVEN (only the induction failed: the counterexample may start in an unreachable state).
#
# usage: scripts/formal.sh [--fault NAME | --all-faults] [--depth N] [--induction K] [--out DIR]
#        scripts/formal.sh --list-faults
#   (none)         prove the design as it is
#   --fault NAME   prove the design built with one test-only control fault (the FAULT_*
#                  localparams of rtl/hif4_quantizer.sv, as lower-case-with-dashes names):
#                  the proof must fail
#   --all-faults   the sign-off run: the design must be PROVEN and every fault must be FAILED
#   --list-faults  print the fault names, one a line
#   --depth N      steps of the base case (default 10: every fault fails within it)
#   --induction K  steps of the induction (default 6)
#   --out DIR      models, logs and waves (default build/formal of this checkout)
# Yosys and z3 are installed with apt-get when missing (scripts/deps.sh yosys z3).
# Exit status: 0 proven (--all-faults: every verdict as required), 1 a proof failed or was
# not reached (--all-faults: a verdict other than required), 2 bad usage or a tool error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rtl_top=$root/rtl/hif4_quantizer.sv
depth=10 induction=6 out=$root/build/formal fault="" all=0
usage_error() { echo "formal.sh: error: $*" >&2; exit 2; }

# The faults: "name number" per line, from the FAULT_* localparams of the top.
faults() {
  sed -n 's/^ *localparam int FAULT_\([A-Z0-9_]*\) = \([0-9]*\);.*/\1 \2/p' "$rtl_top" |
    awk '{ n = tolower($1); gsub(/_/, "-", n); print n, $2 }'
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    --list-faults) faults | cut -d' ' -f1; exit 0 ;;
    --all-faults) all=1; shift; continue ;;
  esac
  [ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
  case "$1" in
    --fault) fault=$2 ;;
    --depth) depth=$2 ;;
    --induction) induction=$2 ;;
    --out) out=$2 ;;
    *) usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift 2
done
[[ "$depth" =~ ^[1-9][0-9]*$ ]] || usage_error "--depth wants a positive number, not '$depth'"
[[ "$induction" =~ ^[1-9][0-9]*$ ]] || usage_error "--induction wants a positive number, not '$induction'"
[ -z "$fault" ] || [ "$all" -eq 0 ] || usage_error "give --fault or --all-faults, not both"
if [ -n "$fault" ] && ! faults | grep -q "^$fault "; then
  usage_error "unknown fault '$fault'; the faults: $(faults | cut -d' ' -f1 | tr '\n' ' ')"
fi

if ! command -v yosys >/dev/null || ! command -v yosys-smtbmc >/dev/null || ! command -v z3 >/dev/null; then
  "$root/scripts/deps.sh" yosys z3 >&2 || true
  for tool in yosys yosys-smtbmc z3; do
    command -v "$tool" >/dev/null || usage_error "$tool not found and could not be installed (scripts/deps.sh yosys z3)"
  done
fi
mkdir -p "$out"

# prove NAME DEFINE: prints one table row; sets $verdict.
prove() {
  local name=$1 define=$2 base_rc=0 ind_rc=0 failed
  local model=$out/$name.smt2 log=$out/$name.yosys.log
  # The top's registers s1_* .. s3_* become ports (expose) before the harness, which reads
  # their tags, is elaborated around it.
  if ! yosys -q -l "$log" -p "
      read_verilog -formal -sv $define $root/rtl/hif4_cfg_pkg.sv $root/rtl/hif4_pkg.sv
      read_verilog -formal -sv $define $root/formal/hif4_abstract_units.sv $rtl_top
      hierarchy -check -top hif4_quantizer
      proc
      expose hif4_quantizer/w:s1_* hif4_quantizer/w:s2_* hif4_quantizer/w:s3_*
      read_verilog -formal -sv $root/rtl/sva/hif4_quantizer_sva.sv $root/formal/hif4_quantizer_formal.sv
      hierarchy -check -top hif4_quantizer_formal
      proc
      flatten
      opt -keepdc -fast
      dffunmap
      write_smt2 -wires $model" >/dev/null 2>&1; then
    echo "formal.sh: error: yosys could not build the model of '$name' (see $log)" >&2
    exit 2
  fi
  yosys-smtbmc -s z3 -t "$depth" --dump-vcd "$out/$name.base.vcd" "$model" >"$out/$name.base.log" 2>&1 || base_rc=$?
  yosys-smtbmc -s z3 -i -t "$induction" --dump-vcd "$out/$name.induction.vcd" "$model" \
    >"$out/$name.induction.log" 2>&1 || ind_rc=$?
  for run in base induction; do
    if ! grep -q "Status: \(PASSED\|FAILED\)" "$out/$name.$run.log"; then
      echo "formal.sh: error: yosys-smtbmc did not finish the $run run of '$name' (see $out/$name.$run.log)" >&2
      exit 2
    fi
  done
  local base=passed ind=passed trace=""
  if [ "$base_rc" -ne 0 ]; then base=failed; fi
  if [ "$ind_rc" -ne 0 ]; then ind=failed; fi
  if [ "$base" = failed ]; then
    verdict=FAILED
    failed=$(sed -n 's/.*Assert failed in [^:]*: //p' "$out/$name.base.log" | sort -u | tr '\n' ' ')
    step=$(sed -n 's/.*Checking assertions in step \([0-9]*\).*/\1/p' "$out/$name.base.log" | tail -1)
    trace="$out/$name.base.vcd (step $step)"
  elif [ "$ind" = failed ]; then
    verdict="NOT PROVEN"
    failed=$(sed -n 's/.*Assert failed in [^:]*: //p' "$out/$name.induction.log" | sort -u | tr '\n' ' ')
    trace="$out/$name.induction.vcd"
  else
    verdict=PROVEN
    failed="-"
  fi
  echo "| $name | $base | $ind | $verdict | $failed | ${trace:--} |"
}

echo "hif4_quantizer control proof: base case $depth steps from reset, $induction-induction, z3"
echo
echo "| design | base case | induction | verdict | failing assertions | trace |"
echo "|---|---|---|---|---|---|"
status=0
if [ "$all" -eq 1 ]; then
  prove clean ""
  [ "$verdict" = PROVEN ] || status=1
  while read -r name number; do
    prove "$name" "-DHIF4_CONTROL_FAULT=$number"
    [ "$verdict" = FAILED ] || status=1
  done < <(faults)
  echo
  if [ "$status" -eq 0 ]; then
    echo "formal: the design is proven and every control fault fails the proof"
  else
    echo "formal: FAILED: the design must be PROVEN and every fault FAILED (see the table)"
  fi
elif [ -n "$fault" ]; then
  prove "$fault" "-DHIF4_CONTROL_FAULT=$(faults | awk -v f="$fault" '$1 == f { print $2 }')"
  [ "$verdict" = PROVEN ] || status=1
else
  prove clean ""
  [ "$verdict" = PROVEN ] || status=1
fi
exit "$status"
