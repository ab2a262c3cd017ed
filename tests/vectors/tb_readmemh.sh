#!/usr/bin/env bash
# The documented $readmemh flow against the RTL: gen -> export -> docs/examples/tb_readmemh.sv
# driving rtl/hif4_quantizer (Verilator, with output stalls) -> $writememh -> hif4 verify.
# Usage: bash tb_readmemh.sh /path/to/hif4 SOURCE_DIR WORK_DIR
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
fail_fast=1  # each step needs the one before
HIF4=$1 SRC=$2 WORK=$3  # WORK keeps the verilated bench between runs
mkdir -p "$WORK"
cd "$WORK"
# cann: knob encodings 1,1,0,1,1,1,1,0 on the cfg_* ports (positions in the knob table).
expect 0 "$HIF4" gen --profile cann --count 40 --out v.hif4v
expect 0 "$HIF4" export v.hif4v --format readmemh --out vec
blocks=$(grep -vc '^//' vec/expected.hex)
if [ ! -x obj/Vtb_readmemh ]; then
  (cd "$SRC" && verilator --binary --timing -Wno-fatal -f rtl/hif4.f docs/examples/tb_readmemh.sv \
     --top-module tb_readmemh -Mdir "$WORK/obj" -j 2 >/dev/null)
fi
expect 0 obj/Vtb_readmemh +dir=vec +blocks="$blocks" +scale_rounding=1 +payload_rounding=1 +payload_product=1 \
  +negative_zero=1 +scale_overflow=1 +scale_underflow=1 +stall=30
contains "$work/out" "tb_readmemh:"  # the bench's own report
grep "tb_readmemh:" "$work/out"
expect 0 "$HIF4" verify --vectors v.hif4v --dut vec/dut.hex
tail -1 "$work/out"
# The check can fail: one changed digit in the DUT's output is reported (exit 1).
line=$(sed -n 5p vec/dut.hex)
digit=${line:40:1}
[ "$digit" = 0 ] && new=1 || new=0
sed -i "5s/^\(.\{40\}\)./\1$new/" vec/dut.hex
expect 1 "$HIF4" verify --vectors v.hif4v --dut vec/dut.hex
contains "$work/out" "1 failed"
finish
