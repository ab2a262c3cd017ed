#!/usr/bin/env bash
# What `hif4 verify` says when many blocks fail, and the knob settings a testbench reads:
#   - DUT files made by `hif4 quantize` under one knob changed from the vectors' configuration,
#     for every knob and every other value: the summary names exactly that setting (when it
#     changes any block), and "-0 vs +0" for negative-zero; two knobs changed: no single one;
#   - `hif4 export --format readmemh` writes plusargs.f whose cfg values are the port encodings
#     `hif4 profiles` lists for each profile's knob values.
# Usage: bash test_verify_diagnosis.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
HIF4=${1:?usage: test_verify_diagnosis.sh /path/to/hif4}
cd "$work" || exit 1

"$HIF4" profiles >profiles.txt
# The knob table as "KNOB INDEX VALUE" lines, from the knob section of `hif4 profiles`.
awk '/^knobs/ { on = 1; next }
     on && /^  [a-z]/ { knob = $1 }
     on && /^      [a-z]/ { print knob, $2, $1 }' profiles.txt >knob_values.txt
[ "$(wc -l <knob_values.txt)" -ge 16 ] && pass || fail "no knob values read from hif4 profiles"
grep -q "^negative-zero 0 plus-zero$" knob_values.txt && pass || fail "encodings: $(cat knob_values.txt)"

for base in cann seed; do
  expect 0 "$HIF4" gen --profile "$base" --level 1 --out "$base.hif4v"
  expect 0 "$HIF4" export "$base.hif4v" --format raw --out "raw_$base"
  # The base profile's value of each knob, from the profile table.
  column=$(awk -v p="$base" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == p) print i }' profiles.txt)
  while read -r knob index value; do
    base_value=$(awk -v k="$knob" -v c="$column" '$1 == k { print $c; exit }' profiles.txt)
    [ "$value" = "$base_value" ] && continue
    "$HIF4" quantize --profile "$base" --set "$knob=$value" --in "raw_$base/inputs.bf16" --out dut.hif4 \
      >/dev/null 2>&1 || fail "quantize --set $knob=$value"
    "$HIF4" verify --vectors "$base.hif4v" --dut dut.hif4 --max-errors 1 >out 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
      pass "$base, $knob=$value: changes no block of level 1"
      continue
    fi
    [ "$rc" = 1 ] && pass || fail "verify exit $rc for $knob=$value"
    grep -q "^  diagnosis   every failure .*: the DUT may run \(.* or \)\?$knob=$value\( or .*\)\? (all [0-9]* failing" out \
      && pass "$base, $knob=$value: $(grep diagnosis out | cut -c1-110)" \
      || fail "$base, $knob=$value: $(grep -A12 'failure summary' out)"
    grep -q "the DUT's block is the model's under --set .*$knob=$value" out && pass \
      || fail "$base, $knob=$value: the block report does not name the setting"
  done <knob_values.txt
done

# The issue's own example, word for word.
"$HIF4" quantize --profile cann --set negative-zero=plus-zero --in raw_cann/inputs.bf16 --out dut.hif4 >/dev/null
expect 1 "$HIF4" verify --vectors cann.hif4v --dut dut.hif4
contains "$work/out" "diagnosis   every failure is -0 vs +0: the DUT may run negative-zero=plus-zero"
contains "$work/out" "lane codes  "
# Two knobs at once: no single setting explains it, and the summary says which comes closest.
"$HIF4" quantize --profile cann --set negative-zero=plus-zero --set scale-rounding=up \
  --in raw_cann/inputs.bf16 --out dut2.hif4 >/dev/null
expect 1 "$HIF4" verify --vectors cann.hif4v --dut dut2.hif4 --max-errors 0
contains "$work/out" "diagnosis   no single knob setting explains every failure; --set "
# One failing block: its report names the setting; no summary for a single block.
cp raw_cann/expected.hif4 one.hif4
blocks=$(($(stat -c %s one.hif4) / 36))
dd if=dut.hif4 of=one.hif4 bs=36 skip=0 seek=0 count=1 conv=notrunc status=none
expect 1 "$HIF4" verify --vectors cann.hif4v --dut one.hif4
contains "$work/out" "the DUT's block is the model's under --set negative-zero=plus-zero"
contains "$work/out" "$((blocks - 1)) passed, 1 failed"
! grep -q "failure summary" "$work/out" && pass || fail "a summary for one failing block"

# export's plusargs.f: each cfg port's value is the encoding `hif4 profiles` gives the
# profile's knob value.
for p in $(awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }' profiles.txt); do
  expect 0 "$HIF4" gen --profile "$p" --count 10 --out "$p.small.hif4v"
  expect 0 "$HIF4" export "$p.small.hif4v" --format readmemh --out "mh_$p"
  column=$(awk -v q="$p" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == q) print i }' profiles.txt)
  contains "mh_$p/plusargs.f" "+blocks=$(grep -vc '^//' "mh_$p/expected.hex")"
  while read -r knob; do
    value=$(awk -v k="$knob" -v c="$column" '$1 == k { print $c; exit }' profiles.txt)
    code=$(awk -v k="$knob" -v v="$value" '$1 == k && $3 == v { print $2 }' knob_values.txt)
    contains "mh_$p/plusargs.f" "+cfg_${knob//-/_}=$code"
    contains "mh_$p/vectors.svh" "HIF4_VECTORS_CFG_$(echo "${knob//-/_}" | tr a-z A-Z) "
  done < <(awk '{ print $1 }' knob_values.txt | uniq)
done
finish
