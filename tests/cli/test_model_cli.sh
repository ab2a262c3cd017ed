#!/usr/bin/env bash
# CLI tests of quantize / dequantize / explain / profiles / regress: good runs and every bad
# input (exit 2, a message naming the file or option, and no output file).
# Usage: test_model_cli.sh /path/to/hif4
set -u
HIF4=${1:?usage: $0 HIF4}
root=$(cd "$(dirname "$0")/../.." && pwd)
vec="$root/tests/data/seed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_error NAME PATTERN OUTFILE -- command...: exit 2, stderr matches, OUTFILE absent.
expect_error() {
  local name=$1 pattern=$2 out=$3
  shift 4
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2"; return; fi
  if ! grep -q -- "$pattern" "$tmp/stderr"; then bad "$name: stderr lacks '$pattern': $(cat "$tmp/stderr")"; return; fi
  if [ -n "$out" ] && [ -e "$out" ]; then bad "$name: left output $out"; return; fi
  if ls "$tmp" | grep -q '\.tmp\.'; then bad "$name: left a temporary file"; return; fi
  ok
}

# --- good runs -------------------------------------------------------------------------
"$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$tmp/grid.hif4" || bad "quantize grid"
cmp -s "$tmp/grid.hif4" "$vec/grid.out.hif4" && ok || bad "quantize grid differs from the seed"
"$HIF4" quantize --profile seed --row-length 130 --in "$vec/rows130.in.bf16" --out "$tmp/r.hif4" || bad "quantize rows130"
cmp -s "$tmp/r.hif4" "$vec/rows130.out.hif4" && ok || bad "rows130 differs"
# dequantize crops each row back to 130 values: 64 rows * 130 * 4 bytes
"$HIF4" dequantize --row-length 130 --in "$tmp/r.hif4" --out "$tmp/r.f32" && ok || bad "dequantize rows"
[ "$(stat -c %s "$tmp/r.f32")" -eq $((64 * 130 * 4)) ] && ok || bad "dequantize size $(stat -c %s "$tmp/r.f32")"
"$HIF4" dequantize --output-format bf16 --in "$tmp/grid.hif4" --out "$tmp/g.bf16" && ok || bad "dequantize bf16"
# Decoded values are on the grid: quantizing them again (seed) gives a valid file of equal size.
"$HIF4" quantize --profile seed --in "$tmp/g.bf16" --out "$tmp/g2.hif4" && ok || bad "requantize"
[ "$(stat -c %s "$tmp/g2.hif4")" -eq "$(stat -c %s "$tmp/grid.hif4")" ] && ok || bad "requantize size"
# FP32 input is rounded to BF16 first: the f32 decode of the grid quantizes like the BF16 one.
"$HIF4" dequantize --in "$tmp/grid.hif4" --out "$tmp/g.f32" || bad "dequantize f32"
"$HIF4" quantize --profile seed --input-format f32 --in "$tmp/g.f32" --out "$tmp/g3.hif4" || bad "quantize f32"
cmp -s "$tmp/g2.hif4" "$tmp/g3.hif4" && ok || bad "f32 and bf16 input disagree"
# Knobs change bits: gcc and seed differ on the grid suite (E6M2 ties).
"$HIF4" quantize --profile gcc --in "$vec/grid.in.bf16" --out "$tmp/gcc.hif4" || bad "quantize gcc"
cmp -s "$tmp/gcc.hif4" "$tmp/grid.hif4" && bad "gcc equals seed on grid" || ok
"$HIF4" quantize --profile gcc --set scale-rounding=nearest-away --set negative-zero=plus-zero \
  --set non-finite=nan-block --in "$vec/grid.in.bf16" --out "$tmp/gcc2.hif4" || bad "quantize --set"
cmp -s "$tmp/gcc2.hif4" "$tmp/grid.hif4" && ok || bad "gcc with seed's knobs should equal seed"
# Stochastic rounding is reproducible and depends on the seed.
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 7 --in "$vec/random.in.bf16" --out "$tmp/s1" || bad "sr"
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 7 --in "$vec/random.in.bf16" --out "$tmp/s2" || bad "sr"
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 8 --in "$vec/random.in.bf16" --out "$tmp/s3" || bad "sr"
cmp -s "$tmp/s1" "$tmp/s2" && ok || bad "stochastic not reproducible"
cmp -s "$tmp/s1" "$tmp/s3" && bad "sr-seed has no effect" || ok
# explain: the worked example, by values and by file.
"$HIF4" explain --profile seed --values "7.875" >"$tmp/ex" || bad "explain --values"
grep -q "E6M2 = 0xC1" "$tmp/ex" && grep -q "0x6 (+1.5)" "$tmp/ex" && ok || bad "explain seed 7.875"
"$HIF4" explain --profile gcc --values "7.875" | grep -q "E6M2 = 0xC0" && ok || bad "explain gcc 7.875"
"$HIF4" explain --profile seed --in "$vec/grid.in.bf16" --block 5 | grep -q "^block 5" && ok || bad "explain --in"
"$HIF4" explain --profile seed --values "1,0x7FC0" | grep -q "NaN block" && ok || bad "explain NaN"
"$HIF4" profiles | grep -q "^scale-rounding *nearest-away *nearest-even *nearest-even" && ok || bad "profiles table"
# docs/profiles.md shows the table exactly as the binary prints it (one source of truth).
"$HIF4" profiles | sed -n '1,9p' >"$tmp/prof.txt"
awk '/^```$/{n++; next} n==1' "$root/docs/profiles.md" >"$tmp/prof.md"
cmp -s "$tmp/prof.txt" "$tmp/prof.md" && ok || bad "docs/profiles.md table differs from 'hif4 profiles': $(diff "$tmp/prof.txt" "$tmp/prof.md" | head -5)"
"$HIF4" quantize --help | grep -q -- "--row-length" && ok || bad "quantize --help"
"$HIF4" regress >/dev/null && ok || bad "regress"

# --- bad input: exit 2, a clear message, no output -------------------------------------
expect_error "missing input" "cannot open input '$tmp/nope'" "$tmp/o" -- "$HIF4" quantize --profile seed --in "$tmp/nope" --out "$tmp/o"
head -c 130 "$vec/grid.in.bf16" >"$tmp/odd.bf16"
expect_error "partial block" "not a whole number of 64-value blocks" "$tmp/o" -- "$HIF4" quantize --profile seed --in "$tmp/odd.bf16" --out "$tmp/o"
head -c 131 "$vec/grid.in.bf16" >"$tmp/odd2.bf16"
expect_error "odd byte count" "not a whole number of BF16 values" "$tmp/o" -- "$HIF4" quantize --profile seed --in "$tmp/odd2.bf16" --out "$tmp/o"
expect_error "partial row" "not a whole number of rows of 100" "$tmp/o" -- "$HIF4" quantize --profile seed --row-length 100 --in "$vec/grid.in.bf16" --out "$tmp/o"
: >"$tmp/empty"
expect_error "empty input" "is empty" "$tmp/o" -- "$HIF4" quantize --profile seed --in "$tmp/empty" --out "$tmp/o"
expect_error "unknown profile" "unknown profile 'sed' (profiles: seed, gcc, cann)" "$tmp/o" -- "$HIF4" quantize --profile sed --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "unknown knob" "unknown knob 'scale-round'" "$tmp/o" -- "$HIF4" quantize --profile seed --set scale-round=up --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "unknown value" "unknown value 'sideways' for knob scale-rounding" "$tmp/o" -- "$HIF4" quantize --profile seed --set scale-rounding=sideways --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "bad --set" "expected KNOB=VALUE" "$tmp/o" -- "$HIF4" quantize --profile seed --set scale-rounding --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "missing profile" "missing required option --profile" "$tmp/o" -- "$HIF4" quantize --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "unknown option" "unknown option '--color'" "" -- "$HIF4" quantize --color
expect_error "bad format" "unknown format 'f16'" "$tmp/o" -- "$HIF4" quantize --profile seed --input-format f16 --in "$vec/grid.in.bf16" --out "$tmp/o"
expect_error "unwritable output" "cannot create output '$tmp/no/such/dir/o'" "" -- "$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$tmp/no/such/dir/o"
expect_error "output is a directory" "is a directory" "" -- "$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$tmp"
# A full output: a file-size limit makes write() fail (EFBIG) part way; nothing may remain.
( trap '' XFSZ; ulimit -f 16; exec "$HIF4" quantize --profile seed --in "$vec/peaks.in.bf16" --out "$tmp/full.hif4" ) >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 2 ] && grep -q "cannot write output '$tmp/full.hif4'" "$tmp/stderr" && [ ! -e "$tmp/full.hif4" ] && ! ls "$tmp" | grep -q '\.tmp\.'; then ok; else bad "full output: rc $rc $(cat "$tmp/stderr")"; fi
# An existing output is replaced only on success: a failing run leaves the old file intact.
echo old >"$tmp/keep"
"$HIF4" quantize --profile seed --in "$tmp/odd.bf16" --out "$tmp/keep" 2>/dev/null
[ "$(cat "$tmp/keep")" = old ] && ok || bad "failed run clobbered an existing output"
head -c 100 "$tmp/grid.hif4" >"$tmp/short.hif4"
expect_error "dequantize partial block" "not a whole number of 36-byte blocks" "$tmp/o" -- "$HIF4" dequantize --in "$tmp/short.hif4" --out "$tmp/o"
expect_error "dequantize partial row" "not a whole number of rows of 3 blocks" "$tmp/o" -- "$HIF4" dequantize --row-length 130 --in "$tmp/grid.hif4" --out "$tmp/o"
expect_error "explain block out of range" "holds only 4096 blocks" "" -- "$HIF4" explain --profile seed --in "$vec/grid.in.bf16" --block 4096
expect_error "explain both sources" "give exactly one of --values and --in" "" -- "$HIF4" explain --profile seed --values 1 --in "$vec/grid.in.bf16" --block 0
expect_error "explain bad value" "'abc' is not a number" "" -- "$HIF4" explain --profile seed --values "1,abc"
expect_error "unknown command" "unknown command 'quantise'" "" -- "$HIF4" quantise

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
