#!/usr/bin/env bash
# Synthesizes each RTL unit with Yosys (generic gate library: `synth -flatten -top UNIT`),
# prints a Markdown table of cell counts (all cells, flip-flops) per unit, and fails if any
# unit infers a latch. The sources and their order come from rtl/hif4.f.
#   scripts/synth.sh [--keep MODULE]... [--hier] [UNIT...]
#       default units: every unit, then the top hif4_quantizer
#   --keep MODULE  keep MODULE as a hierarchy boundary (Yosys keep_hierarchy): it is
#                  synthesized once, and every instance counts its cells, instead of being
#                  flattened and optimised into its parent 64 times (repeatable)
#   --hier         the same as --keep hif4_s1p2_lane --keep hif4_mix32: the modules the
#                  encoder has 64 of (the flat top takes Yosys well over 20 minutes; this
#                  mode a few). Counts are then a little higher than a flat synthesis: no
#                  constant or unused-output optimisation crosses a kept boundary.
# The counts are hierarchy-expanded (`stat -top UNIT`: every instance of a kept module adds
# its cells), so they compare with the flat counts. Logs and `stat` outputs go to
# $HIF4_SYNTH_DIR (default build-synth/). Yosys is installed with apt-get when missing
# (scripts/deps.sh yosys; sudo when not root). Exit status: 0 clean, 1 a latch (or a Yosys
# error), 2 bad usage / yosys missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${HIF4_SYNTH_DIR:-$root/build-synth}

keep=()
units=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep)
      [ $# -ge 2 ] || { echo "synth.sh: error: --keep needs a module name" >&2; exit 2; }
      keep+=("$2"); shift 2 ;;
    --hier) keep+=(hif4_s1p2_lane hif4_mix32); shift ;;
    -*) echo "synth.sh: error: unknown option '$1'" >&2; exit 2 ;;
    *) units+=("$1"); shift ;;
  esac
done
if [ ${#units[@]} -eq 0 ]; then
  units=(hif4_round_decide hif4_peak_tree hif4_scale_unit hif4_e6m2_recip
         hif4_e1_unit hif4_mix32 hif4_sr_block_key hif4_s1p2_lane hif4_s1p2_encoder hif4_quantizer)
fi

# rtl/hif4.f: one path a line, relative to the repository root; blank and // lines skipped.
sources=()
while read -r f; do
  case "$f" in ''|//*) ;; *) sources+=("$root/$f") ;; esac
done < "$root/rtl/hif4.f"

if ! command -v yosys >/dev/null; then
  "$root/scripts/deps.sh" yosys >&2 || true
  command -v yosys >/dev/null || { echo "synth.sh: error: yosys not found and could not be installed" >&2; exit 2; }
fi

for m in "${units[@]}" ${keep[@]+"${keep[@]}"}; do
  if ! grep -q "^module $m\b" "${sources[@]}"; then
    echo "synth.sh: error: no module '$m' in the sources of rtl/hif4.f" >&2
    exit 2
  fi
done

mkdir -p "$out"
status=0
echo "| unit | cells | flip-flops | latches | yosys s |"
echo "|---|---:|---:|---:|---:|"
for unit in "${units[@]}"; do
  # Kept modules of this unit (none when the unit is the kept module itself).
  keep_cmd=""
  for m in ${keep[@]+"${keep[@]}"}; do
    [ "$m" != "$unit" ] && keep_cmd="$keep_cmd setattr -mod -set keep_hierarchy 1 $m;"
  done
  start=$(date +%s)
  if ! yosys -q -l "$out/$unit.log" \
       -p "read_verilog -sv ${sources[*]}; hierarchy -top $unit;$keep_cmd synth -flatten -top $unit; tee -q -o $out/$unit.stat stat -top $unit" \
       >/dev/null 2>&1; then
    echo "| $unit | yosys failed (see $out/$unit.log) | | | |"
    status=1
    continue
  fi
  secs=$(( $(date +%s) - start ))
  # With kept modules, `stat -top` prints one section per module and then the expanded
  # totals under "design hierarchy": read only that section. Without, the one module.
  if grep -q '=== design hierarchy ===' "$out/$unit.stat"; then
    section=$(sed -n '/=== design hierarchy ===/,$p' "$out/$unit.stat")
  else
    section=$(cat "$out/$unit.stat")
  fi
  cells=$(awk '/Number of cells:/ {n=$4} END {print n}' <<<"$section")
  # Flip-flop and latch cells of the generic library: $_DFF*, $_DFFE*, $_SDFF*, $_SDFFE*,
  # $_SDFFCE* (sync reset, enable), $_DFFSR*, $_ALDFF*; $_DLATCH*.
  ffs=$(awk '$1 ~ /^\$_(S?DFF(C?E)?|DFFSRE?|ALDFFE?)_/ {n+=$2} END {print n+0}' <<<"$section")
  latches=$(awk '$1 ~ /DLATCH/ {n+=$2} END {print n+0}' <<<"$section")
  echo "| $unit | $cells | $ffs | $latches | $secs |"
  if [ "$latches" -ne 0 ]; then
    echo "synth.sh: error: $unit infers $latches latch cells (see $out/$unit.stat)" >&2
    status=1
  fi
done
exit $status
