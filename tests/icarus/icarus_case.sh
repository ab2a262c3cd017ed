#!/usr/bin/env bash
# One case of the icarus label (tests/icarus/CMakeLists.txt): the RTL and the example testbench
# docs/examples/tb_readmemh.sv under Icarus Verilog, through scripts/icarus.sh (every row
# checked by hif4 verify). The whole level-1 set is the script's default run (docs/rtl.md).
#   icarus_case.sh SRC BUILD OUT configs COUNT   COUNT records of every suite of every profile
#                                                and knob corner: every row passes (exit 0)
#   icarus_case.sh SRC BUILD OUT datapath-fault  built with HIF4_INJECT_FAULT (ties to even
#                                                broken): hif4 verify reports mismatches (exit 1)
#   icarus_case.sh SRC BUILD OUT control-fault   built with HIF4_CONTROL_FAULT=2 (the output
#                                                register loads while stalled): the contract
#                                                assertion stops the bench (exit 1)
# Skips (exit 77) when iverilog or vvp is missing (scripts/deps.sh installs iverilog).
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
SRC=$1 BUILD=$2 OUT=$3 what=$4
for tool in iverilog vvp; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/deps.sh installs iverilog)"
    exit 77
  fi
done
icarus=("$SRC/scripts/icarus.sh" --build "$BUILD")
rm -rf "${OUT:?}/$what"  # this case's folder under OUT, which the test owns
case "$what" in
  configs)
    count=$5
    expect_error "an unknown configuration" "unknown configuration 'no-such'" "$OUT/configs-bad" -- \
      "${icarus[@]}" --profiles no-such --out "$OUT/configs-bad"
    mkdir -p "$work/other/gcc"
    expect_error "--out a folder of something else" "other exists and is not an output folder of this script" -- \
      "${icarus[@]}" --count 1 --out "$work/other"
    if [ -d "$work/other/gcc" ]; then pass "the other folder is left alone"; else fail "the other folder was changed"; fi
    expect_error "a stall that is no percentage" "--stall wants a percentage" "$OUT/configs-bad" -- \
      "${icarus[@]}" --stall 100 --out "$OUT/configs-bad"
    expect 0 "${icarus[@]}" --count "$count" --out "$OUT/configs"
    cat "$work/out"
    # Every profile and every knob corner has a passing row.
    for config in $("$BUILD/hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }') \
                  $(awk '!/^#/ && NF { print $1 }' "$SRC/scripts/knob_corners.txt"); do
      if grep -q "^| $config | [0-9]* | [0-9.]* | pass |$" "$work/out"; then
        pass "$config passes under Icarus"
      else
        fail "no passing row for $config"
      fi
    done
    contains "$work/out" " 0 failed"
    ;;
  datapath-fault)
    expect 1 "${icarus[@]}" --count 20 --profiles cann --define HIF4_INJECT_FAULT --out "$OUT/datapath-fault"
    cat "$work/out"
    if grep -q "^| cann | .* | FAIL: .* failed (hif4 verify" "$work/out"; then
      pass "hif4 verify reports the broken rounding"
    else
      fail "the broken rounding was not reported by hif4 verify"
    fi
    ;;
  control-fault)
    expect 1 "${icarus[@]}" --count 20 --profiles cann --define HIF4_CONTROL_FAULT=2 --out "$OUT/control-fault"
    cat "$work/out"
    contains "$work/out" "FAIL: hif4_quantizer_sva: output_held_while_stalled failed"
    ;;
  *)
    fail "unknown case '$what'"
    ;;
esac
finish
