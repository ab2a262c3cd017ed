#!/usr/bin/env bash
# The documented $readmemh flow against the RTL: gen -> export -> docs/examples/tb_readmemh.sv
# driving rtl/hif4_quantizer (Verilator, with output stalls) -> $writememh -> hif4 verify.
# Usage: bash tb_readmemh.sh /path/to/hif4 SOURCE_DIR WORK_DIR
set -euo pipefail
HIF4=$1 SRC=$2 WORK=$3
mkdir -p "$WORK"
cd "$WORK"
# cann: knob encodings 1,1,0,1,1,1,1,0 on the cfg_* ports (positions in the knob table).
"$HIF4" gen --profile cann --count 40 --out v.hif4v >/dev/null
"$HIF4" export v.hif4v --format readmemh --out vec >/dev/null
blocks=$(grep -vc '^//' vec/expected.hex)
if [ ! -x obj/Vtb_readmemh ]; then
  (cd "$SRC" && verilator --binary --timing -Wno-fatal -f rtl/hif4.f docs/examples/tb_readmemh.sv \
     --top-module tb_readmemh -Mdir "$WORK/obj" -j 2 >/dev/null)
fi
obj/Vtb_readmemh +dir=vec +blocks="$blocks" +scale_rounding=1 +payload_rounding=1 +payload_product=1 \
  +negative_zero=1 +scale_overflow=1 +scale_underflow=1 +stall=30 | grep "tb_readmemh:"
"$HIF4" verify --vectors v.hif4v --dut vec/dut.hex | tail -1
# The check can fail: one changed digit in the DUT's output is reported (exit 1).
line=$(sed -n 5p vec/dut.hex)
digit=${line:40:1}
[ "$digit" = 0 ] && new=1 || new=0
sed -i "5s/^\(.\{40\}\)./\1$new/" vec/dut.hex
set +e
"$HIF4" verify --vectors v.hif4v --dut vec/dut.hex > verify.out
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "1 failed" verify.out || { echo "corrupted dut.hex was not caught (rc $rc)"; exit 1; }
echo "tb_readmemh.sh: passed"
