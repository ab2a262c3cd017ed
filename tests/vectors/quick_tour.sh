#!/usr/bin/env bash
# The README's $readmemh flow, run exactly as written: the lines of the code block after the
# README's "quick tour: tests/vectors/quick_tour.sh" marker (gen, export, the example testbench
# docs/examples/tb_readmemh.sv under Verilator, verify), in a scratch folder laid out like the
# repository (build/hif4, rtl/, docs/). Then what the flow must catch: a changed digit in the
# DUT's output, a block with x/z digits (reported with its index while the others are still
# checked), and the include file export writes, compiled into a small module, against the
# plusargs file.
# Usage: quick_tour.sh SOURCE_DIR BUILD_DIR OBJ_DIR   (OBJ_DIR keeps the verilated testbench
# between runs: Verilator skips a model whose sources did not change)
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
fail_fast=1
src=$1 build=$2 obj=$3
mkdir -p "$work/tour/build" "$obj/tb_readmemh" "$obj/svh"
ln -s "$build/hif4" "$work/tour/build/hif4"
ln -s "$obj/tb_readmemh" "$work/tour/build/tb_readmemh"
ln -s "$src/rtl" "$work/tour/rtl"
ln -s "$src/docs" "$work/tour/docs"
cd "$work/tour"

awk '/<!-- quick tour: tests\/vectors\/quick_tour.sh/ { found = 1; next }
     found && /^```sh/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' "$src/README.md" >tour.sh
[ "$(grep -c . tour.sh)" -ge 5 ] && pass "the README's flow: $(grep -c . tour.sh) commands" \
  || fail "no quick-tour block in README.md"
for word in "hif4 gen" "hif4 export" "tb_readmemh" "hif4 verify"; do contains tour.sh "$word"; done
while IFS= read -r line; do
  [ -n "$line" ] || continue
  echo "+ $line"
  if bash -euo pipefail -c "$line" >"$work/step.out" 2>&1; then pass; else
    cat "$work/step.out"
    fail "the README's command failed: $line"
  fi
  tail -3 "$work/step.out"
done <tour.sh
blocks=$(sed -n 's/^+blocks=//p' tb/plusargs.f)
[ "${blocks:-0}" -gt 1000 ] && pass "$blocks blocks" || fail "no block count in tb/plusargs.f"
contains "$work/step.out" "$blocks passed, 0 failed"  # the last command: verify
[ -s tb/dut.hex ] && pass || fail "the testbench wrote no tb/dut.hex"

# One changed digit in block 4 of the DUT's output: verify names it (exit 1).
cp tb/dut.hex good.hex
line=$(grep -v '^//' good.hex | sed -n 5p)
digit=${line:40:1}
[ "$digit" = 0 ] && new=1 || new=0
grep -v '^//' good.hex | sed "5s/^\(.\{40\}\)./\1$new/" >tb/dut.hex
expect 1 build/hif4 verify --vectors l1.hif4v --dut tb/dut.hex
contains "$work/out" "block 4 [random #4]: differs in"
contains "$work/out" "$((blocks - 1)) passed, 1 failed"

# x and z digits in blocks 7 and 9: failed blocks with their indices, the rest still checked.
grep -v '^//' good.hex | sed '8s/^\(.\{10\}\)../\1xx/; 10s/^\(.\{70\}\)./\1z/' >tb/dut.hex
expect 1 build/hif4 verify --vectors l1.hif4v --dut tb/dut.hex
contains "$work/out" "block 7 [random #7]: undefined (x/z digits) in lanes {52,53}"
contains "$work/out" "block 9 [random #9]: undefined (x/z digits) in E6M2"
contains "$work/out" "x/z         2 block(s) with undefined (x/z) digits"
contains "$work/out" "$((blocks - 2)) passed, 2 failed"

# tb/vectors.svh says what tb/plusargs.f says: a module printing every `define as a plusarg.
{
  echo '`include "vectors.svh"'
  echo 'module svh_check; initial begin'
  sed -n 's/^+\([a-z_]*\)=.*/\1/p' tb/plusargs.f | while read -r name; do
    echo "  \$display(\"+$name=%0d\", \`HIF4_VECTORS_$(echo "$name" | tr a-z A-Z));"
  done
  echo '  $finish; end endmodule'
} >svh_check.sv
verilator --binary svh_check.sv -Itb --top-module svh_check -Mdir "$obj/svh" >"$work/err" 2>&1 \
  || fail "the include file does not compile: $(head -5 "$work/err")"
"$obj/svh/Vsvh_check" | grep '^+' >svh.txt
same svh.txt tb/plusargs.f "tb/vectors.svh against tb/plusargs.f"
finish
