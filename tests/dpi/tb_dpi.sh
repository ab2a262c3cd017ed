#!/usr/bin/env bash
# docs/examples/tb_dpi.sv under Verilator (--binary --timing) with libhif4_dpi.so: it passes on
# rtl/ as written and fails on the RTL built with the test-only fault (-DHIF4_INJECT_FAULT),
# printing the predictor's diagnosis; and the C prototypes Verilator derives from
# dpi/hif4_dpi_pkg.sv are the ones dpi/include/hif4_dpi.h declares.
# Usage: tb_dpi.sh SOURCE_DIR LIBRARY WORK_DIR CASE    (CASE: build | pass | fault | prototypes)
# `build` verilates both testbenches into WORK_DIR (the CTest fixture of the other cases).
set -u
source "$(dirname "$0")/../support/lib.sh"
src=$1
lib=$2
dir=$3
case_name=$4
test_name="tb_dpi.sh $case_name"
fail_fast=1
out="$work/out.txt"
fail_shows=$out
cd "$src"

verilate() {  # verilate OBJ_DIR [-DDEFINE]: the command of docs/dpi.md, at a low C++ optimisation
  local obj=$1
  shift
  verilator --binary --timing "$@" -f rtl/hif4.f dpi/hif4_dpi_pkg.sv docs/examples/tb_dpi.sv \
    --top-module tb_dpi "$lib" -LDFLAGS "-Wl,-rpath,$(dirname "$lib")" -Mdir "$obj" -j 2 \
    -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" >"$out" 2>&1
}

case "$case_name" in
  build)
    rm -rf "$dir"
    mkdir -p "$dir"
    verilate "$dir/good" && pass || fail "verilating tb_dpi"
    ! grep -q "%Warning" "$out" && pass || fail "Verilator warnings"
    verilate "$dir/faulty" -DHIF4_INJECT_FAULT && pass || fail "verilating tb_dpi with the fault" ;;
  pass)  # random blocks, random knobs per block, stalls and bubbles: every block checked
    expect 0 "$dir/good/Vtb_dpi" +blocks=3000 +seed=7 +stall=40 +bubble=30
    cp "$work/out" "$out"
    contains "$out" "tb_dpi: 3000 blocks checked, 0 mismatches"
    contains "$out" "tb_dpi: PASSED" ;;
  fault)  # the same bench on the faulty RTL: mismatches, diagnosed, and a failing exit status
    "$dir/faulty/Vtb_dpi" +blocks=3000 +seed=7 +stall=40 +bubble=30 +reports=3 >"$out" 2>&1
    rc=$?
    [ "$rc" -ne 0 ] && pass || fail "the faulty RTL passed (exit 0)"
    contains "$out" "tb_dpi: MISMATCH block "
    contains "$out" "first differing stage: "
    contains "$out" "replay: hif4 explain --profile "
    grep -q "^tb_dpi: 3000 blocks checked, [1-9][0-9]* mismatches" "$out" && pass || fail "no mismatch count"
    ! grep -q "PASSED" "$out" && pass || fail "the faulty RTL reported PASSED" ;;
  prototypes)  # Verilator's prototypes and the header's in one translation unit: they must agree
    vltstd=$(dirname "$(find /usr/share/verilator/include "${VERILATOR_ROOT:-/nonexistent}" -name svdpi.h 2>/dev/null | head -1)")
    dpi_h=$(ls "$dir"/good/*__Dpi.h)
    [ -n "$dpi_h" ] || fail "Verilator wrote no DPI header"
    grep -c "extern .* hif4_dpi_" "$dpi_h" >"$out"
    [ "$(cat "$out")" -ge 10 ] && pass || fail "fewer DPI imports than expected in $dpi_h"
    printf '#include "%s"\n#include "hif4_dpi.h"\n' "$dpi_h" >"$work/both.cpp"
    g++ -fsyntax-only -I"$vltstd" -I"$src/dpi/include" "$work/both.cpp" >"$out" 2>&1 && pass \
      || fail "the package's imports and hif4_dpi.h disagree"
    # The check can fail: a header with one argument type changed is refused.
    sed 's/hif4_dpi_quantize(const svBitVecVal\* in_data, unsigned long long/hif4_dpi_quantize(const svBitVecVal* in_data, long long/' \
      "$src/dpi/include/hif4_dpi.h" >"$work/hif4_dpi.h"
    ! cmp -s "$work/hif4_dpi.h" "$src/dpi/include/hif4_dpi.h" && pass || fail "the edit did not apply"
    printf '#include "%s"\n#include "%s"\n' "$dpi_h" "$work/hif4_dpi.h" >"$work/edited.cpp"
    ! g++ -fsyntax-only -I"$vltstd" "$work/edited.cpp" >"$out" 2>&1 && pass || fail "a changed prototype went unnoticed"
    contains "$out" "hif4_dpi_quantize" ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
finish
