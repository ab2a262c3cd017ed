#!/usr/bin/env bash
# The RTL on a second simulator: golden vectors of every profile and every knob corner
# (scripts/knob_corners.txt) through the example testbench docs/examples/tb_readmemh.sv under
# Icarus Verilog (iverilog -g2012), with random output stalls and the contract assertions of
# rtl/sva/hif4_quantizer_sva.sv attached (rtl/sva/hif4_quantizer_sva_attach.sv: Icarus has no
# `bind`), each run checked with `hif4 verify`. Prints one table row per configuration and
# exits 0 only when every row passed.
#
#   hif4 gen (profile or corner) -> hif4 export --format readmemh -> vvp tb +dir +plusargs.f
#     -> DIR/dut.hex -> hif4 verify --vectors FILE --dut DIR/dut.hex
#
# usage: scripts/icarus.sh [--build DIR] [--level L | --count N] [--profiles "P..."]
#                          [--stall P] [--seed S] [--define NAME[=VALUE]]... [--out DIR]
#   --build DIR      where hif4 is (default: build/ of this checkout)
#   --level L        the suites' level (default 1: 41,043 blocks a configuration)
#   --count N        N records of every suite instead
#   --profiles "..." a subset of the configurations: profiles of `hif4 profiles` and knob
#                    corners (default: all of both)
#   --stall P        percent of cycles the bench does not take the output (default 30)
#   --seed S         seed of hif4 gen (default 1)
#   --define D       compile the RTL with +define+D (repeatable): HIF4_INJECT_FAULT (a broken
#                    rounding, which hif4 verify must report) or HIF4_CONTROL_FAULT=N (a broken
#                    handshake, which the assertions must stop)
#   --out DIR        the compiled bench, logs, and the vectors of a failed row (default
#                    build/icarus of this checkout); a passed row's vectors are removed; a
#                    folder of something else is refused
# Icarus is installed with apt-get when missing (scripts/deps.sh iverilog).
# Exit status: 0 every row passed, 1 a row failed (a mismatch, or an assertion stopped the
# bench), 2 bad usage or a tool error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build out="" level=1 count="" only="" stall=30 seed=1
defines=()
usage_error() { echo "icarus.sh: error: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in -h|--help) sed -n '2,30p' "$0"; exit 0 ;; esac
  [ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
  case "$1" in
    --build) build=$2 ;;
    --level) level=$2 ;;
    --count) count=$2 ;;
    --profiles) only=$2 ;;
    --stall) stall=$2 ;;
    --seed) seed=$2 ;;
    --define) defines+=("-D$2") ;;
    --out) out=$2 ;;
    *) usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift 2
done
hif4=$build/hif4
[ -x "$hif4" ] || usage_error "$hif4 not found: build first (scripts/build.sh) or give --build DIR"
[[ "$stall" =~ ^[0-9]+$ ]] && [ "$stall" -lt 100 ] || usage_error "--stall wants a percentage 0..99, not '$stall'"
out=${out:-$build/icarus}
# OUT's configuration folders are replaced run after run: only a folder this script made (or
# an empty one) is taken.
marker=.hif4-icarus
if [ -e "$out" ] && [ ! -f "$out/$marker" ] && [ -n "$(ls -A "$out" 2>/dev/null || echo file)" ]; then
  usage_error "$out exists and is not an output folder of this script: give another --out"
fi
if ! command -v iverilog >/dev/null || ! command -v vvp >/dev/null; then
  "$root/scripts/deps.sh" iverilog >&2 || true
  command -v iverilog >/dev/null || usage_error "iverilog not found and could not be installed (scripts/deps.sh iverilog)"
fi

# The configurations: the profile table and the knob corners, as scripts/regression.sh has them.
corners_file=$root/scripts/knob_corners.txt
profiles=$("$hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }')
corners=$(awk '!/^#/ && NF { print $1 }' "$corners_file")
configs=${only:-$(printf '%s\n' $profiles $corners)}
for c in $configs; do
  printf '%s\n' $profiles $corners | grep -qx -- "$c" ||
    usage_error "unknown configuration '$c': not a profile or a knob corner of $corners_file"
done
size=(--level "$level")
if [ -n "$count" ]; then size=(--count "$count"); fi

mkdir -p "$out"
touch "$out/$marker"
# One compile: the RTL, the bench, the assertions beside it (a second top-level module).
bench=$out/tb_readmemh.vvp
if ! (cd "$root" && iverilog -g2012 "${defines[@]+"${defines[@]}"}" -o "$bench" -f rtl/hif4.f \
        rtl/sva/hif4_quantizer_sva.sv rtl/sva/hif4_quantizer_sva_attach.sv docs/examples/tb_readmemh.sv \
        -s tb_readmemh -s hif4_quantizer_sva_attach) >"$out/iverilog.log" 2>&1; then
  echo "icarus.sh: error: iverilog could not compile the bench:" >&2
  grep -v "sorry:\|warning:\|: *: Padding" "$out/iverilog.log" | head -20 >&2
  exit 2
fi

echo "HiF4 RTL under $(iverilog -V 2>/dev/null | head -1 | sed 's/ (.*//'): docs/examples/tb_readmemh.sv, output stalls $stall%,"
echo "contract assertions attached; every configuration's vectors checked by hif4 verify"
[ ${#defines[@]} -eq 0 ] || echo "compiled with ${defines[*]}"
echo
echo "| configuration | blocks | simulated s | result |"
echo "|---|---|---|---|"
passed=0 failed=0
for config in $configs; do
  dir=$out/$config
  rm -rf "$dir"
  mkdir -p "$dir"
  gen=(--profile "$config")
  if ! printf '%s\n' $profiles | grep -qx -- "$config"; then
    read -r -a gen < <(awk -v c="$config" '!/^#/ && $1 == c { $1 = ""; print }' "$corners_file")
  fi
  "$hif4" gen "${gen[@]}" --suite all "${size[@]}" --seed "$seed" --out "$dir/vectors.hif4v" >"$dir/gen.log" 2>&1 ||
    { cat "$dir/gen.log" >&2; usage_error "hif4 gen failed for $config"; }
  "$hif4" export "$dir/vectors.hif4v" --format readmemh --out "$dir/tb" >"$dir/export.log" 2>&1 ||
    { cat "$dir/export.log" >&2; usage_error "hif4 export failed for $config"; }
  blocks=$(sed -n 's/^+blocks=//p' "$dir/tb/plusargs.f")
  t0=$(date +%s%N)
  rc=0
  # plusargs.f: +blocks=N and one +cfg_PORT=VALUE per cfg_* port (the file's configuration).
  vvp -n "$bench" +dir="$dir/tb" $(cat "$dir/tb/plusargs.f") +stall="$stall" >"$dir/vvp.log" 2>&1 || rc=$?
  seconds=$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.1f", ns / 1e9 }')
  result=""
  if grep -q "^FATAL\|^ERROR" "$dir/vvp.log"; then
    result="FAIL: $(grep -m1 -o 'hif4_quantizer_sva: [a-z_]* failed' "$dir/vvp.log" || grep -m1 '^FATAL\|^ERROR' "$dir/vvp.log")"
  elif [ "$rc" -ne 0 ] || [ ! -f "$dir/tb/dut.hex" ]; then
    result="FAIL: vvp exit $rc, no dut.hex (see $dir/vvp.log)"
  else
    vrc=0
    "$hif4" verify --vectors "$dir/vectors.hif4v" --dut "$dir/tb/dut.hex" >"$dir/verify.log" 2>&1 || vrc=$?
    case "$vrc" in
      0) result=pass ;;
      1) result="FAIL: $(tail -1 "$dir/verify.log") (hif4 verify, $dir/verify.log)" ;;
      *) cat "$dir/verify.log" >&2; usage_error "hif4 verify could not run for $config" ;;
    esac
  fi
  printf '| %s | %s | %s | %s |\n' "$config" "$blocks" "$seconds" "$result"
  if [ "$result" = pass ]; then
    passed=$((passed + 1))
    rm -rf "$dir"
  else
    failed=$((failed + 1))
  fi
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
