#!/usr/bin/env bash
# Synthesizes each RTL unit with Yosys (generic gate library: `synth -flatten -top UNIT`),
# prints a Markdown table of cell counts (all cells, flip-flops) per unit, and fails if any
# unit infers a latch. The sources and their order come from rtl/hif4.f.
#   scripts/synth.sh [UNIT...]        default: every unit, then the top hif4_quantizer
# Logs and `stat` outputs go to $HIF4_SYNTH_DIR (default build-synth/). Exit status: 0 clean,
# 1 a latch (or a Yosys error), 2 bad usage / yosys missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${HIF4_SYNTH_DIR:-$root/build-synth}
command -v yosys >/dev/null || { echo "synth.sh: error: yosys not found (scripts/deps.sh installs it)" >&2; exit 2; }

units=("$@")
if [ ${#units[@]} -eq 0 ]; then
  units=(hif4_round_decide hif4_peak_tree hif4_scale_unit hif4_e6m2_recip hif4_threshold_compare
         hif4_e1_unit hif4_mix32 hif4_sr_block_key hif4_s1p2_lane hif4_s1p2_encoder hif4_quantizer)
fi

sources=()
while IFS= read -r f; do
  [ -n "$f" ] && sources+=("$root/$f")
done < "$root/rtl/hif4.f"

mkdir -p "$out"
status=0
echo "| unit | cells | flip-flops | latches | yosys s |"
echo "|---|---:|---:|---:|---:|"
for unit in "${units[@]}"; do
  if ! grep -q "^module $unit\b" "${sources[@]}"; then
    echo "synth.sh: error: no module '$unit' in the sources of rtl/hif4.f" >&2
    exit 2
  fi
  start=$(date +%s)
  if ! yosys -q -l "$out/$unit.log" \
       -p "read_verilog -sv ${sources[*]}; synth -flatten -top $unit; tee -q -o $out/$unit.stat stat" \
       >/dev/null 2>&1; then
    echo "| $unit | yosys failed (see $out/$unit.log) | | | |"
    status=1
    continue
  fi
  secs=$(( $(date +%s) - start ))
  cells=$(awk '/Number of cells:/ {n=$4} END {print n}' "$out/$unit.stat")
  # Flip-flop and latch cells of the generic library: $_DFF*, $_SDFF*, $_DFFE*..., $_DLATCH*.
  ffs=$(awk '$1 ~ /^\$_(S?DFFE?|DFFSRE?|ALDFFE?)_/ {n+=$2} END {print n+0}' "$out/$unit.stat")
  latches=$(awk '$1 ~ /DLATCH/ {n+=$2} END {print n+0}' "$out/$unit.stat")
  echo "| $unit | $cells | $ffs | $latches | $secs |"
  if [ "$latches" -ne 0 ]; then
    echo "synth.sh: error: $unit infers $latches latch cells (see $out/$unit.stat)" >&2
    status=1
  fi
done
exit $status
