#!/usr/bin/env bash
# CLI tests of quantize / dequantize / explain / profiles / regress: good runs, and bad inputs
# (exit 2, a message naming the file or option, and no output file).
# Usage: test_model_cli.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
HIF4=${1:?usage: $0 HIF4}
root=$(cd "$(dirname "$0")/../.." && pwd)
vec="$root/tests/data/seed"

# --- good runs -------------------------------------------------------------------------
"$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$work/grid.hif4" || fail "quantize grid"
cmp -s "$work/grid.hif4" "$vec/grid.out.hif4" && pass || fail "quantize grid differs from the seed"
"$HIF4" quantize --profile seed --row-length 130 --in "$vec/rows130.in.bf16" --out "$work/r.hif4" || fail "quantize rows130"
cmp -s "$work/r.hif4" "$vec/rows130.out.hif4" && pass || fail "rows130 differs"
# dequantize crops each row back to 130 values: 64 rows * 130 * 4 bytes
"$HIF4" dequantize --row-length 130 --in "$work/r.hif4" --out "$work/r.f32" && pass || fail "dequantize rows"
[ "$(stat -c %s "$work/r.f32")" -eq $((64 * 130 * 4)) ] && pass || fail "dequantize size $(stat -c %s "$work/r.f32")"
"$HIF4" dequantize --output-format bf16 --in "$work/grid.hif4" --out "$work/g.bf16" && pass || fail "dequantize bf16"
# Decoded values are on the grid: quantizing them again (seed) gives a valid file of equal size.
"$HIF4" quantize --profile seed --in "$work/g.bf16" --out "$work/g2.hif4" && pass || fail "requantize"
[ "$(stat -c %s "$work/g2.hif4")" -eq "$(stat -c %s "$work/grid.hif4")" ] && pass || fail "requantize size"
# FP32 input is rounded to BF16 first: the f32 decode of the grid quantizes like the BF16 one.
"$HIF4" dequantize --in "$work/grid.hif4" --out "$work/g.f32" || fail "dequantize f32"
"$HIF4" quantize --profile seed --input-format f32 --in "$work/g.f32" --out "$work/g3.hif4" || fail "quantize f32"
cmp -s "$work/g2.hif4" "$work/g3.hif4" && pass || fail "f32 and bf16 input disagree"
# Knobs change bits: gcc and seed differ on the grid suite (E6M2 ties).
"$HIF4" quantize --profile gcc --in "$vec/grid.in.bf16" --out "$work/gcc.hif4" || fail "quantize gcc"
cmp -s "$work/gcc.hif4" "$work/grid.hif4" && fail "gcc equals seed on grid" || pass
"$HIF4" quantize --profile gcc --set scale-rounding=nearest-away --set negative-zero=plus-zero \
  --set non-finite=nan-block --in "$vec/grid.in.bf16" --out "$work/gcc2.hif4" || fail "quantize --set"
cmp -s "$work/gcc2.hif4" "$work/grid.hif4" && pass || fail "gcc with seed's knobs should equal seed"
# Stochastic rounding is reproducible and depends on the seed.
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 7 --in "$vec/random.in.bf16" --out "$work/s1" || fail "sr"
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 7 --in "$vec/random.in.bf16" --out "$work/s2" || fail "sr"
"$HIF4" quantize --profile seed --set payload-rounding=stochastic --sr-seed 8 --in "$vec/random.in.bf16" --out "$work/s3" || fail "sr"
cmp -s "$work/s1" "$work/s2" && pass || fail "stochastic not reproducible"
cmp -s "$work/s1" "$work/s3" && fail "sr-seed has no effect" || pass
# explain: the worked example, by values and by file.
"$HIF4" explain --profile seed --values "7.875" >"$work/ex" || fail "explain --values"
grep -q "E6M2 = 0xC1" "$work/ex" && grep -q "0x6 (+1.5)" "$work/ex" && pass || fail "explain seed 7.875"
"$HIF4" explain --profile gcc --values "7.875" | grep -q "E6M2 = 0xC0" && pass || fail "explain gcc 7.875"
"$HIF4" explain --profile seed --in "$vec/grid.in.bf16" --block 5 | grep -q "^block 5" && pass || fail "explain --in"
"$HIF4" explain --profile seed --values "1,0x7FC0" | grep -q "NaN block" && pass || fail "explain NaN"
"$HIF4" profiles | grep -q "^scale-rounding *nearest-away *nearest-even *nearest-even" && pass || fail "profiles table"
# docs/profiles.md shows the table exactly as the binary prints it (one source of truth).
# (the table is every line up to the first blank one, however many knobs there are)
"$HIF4" profiles | awk 'NF == 0 { exit } { print }' >"$work/prof.txt"
awk '/^```$/{n++; next} n==1' "$root/docs/profiles.md" >"$work/prof.md"
cmp -s "$work/prof.txt" "$work/prof.md" && pass || fail "docs/profiles.md table differs from 'hif4 profiles': $(diff "$work/prof.txt" "$work/prof.md" | head -5)"
"$HIF4" quantize --help | grep -q -- "--row-length" && pass || fail "quantize --help"
"$HIF4" regress >/dev/null && pass || fail "regress"

# --- bad input: exit 2, a clear message, no output -------------------------------------
expect_error "missing input" "cannot open input '$work/nope'" "$work/o" -- "$HIF4" quantize --profile seed --in "$work/nope" --out "$work/o"
head -c 130 "$vec/grid.in.bf16" >"$work/odd.bf16"
expect_error "partial block" "not a whole number of 64-value blocks" "$work/o" -- "$HIF4" quantize --profile seed --in "$work/odd.bf16" --out "$work/o"
head -c 131 "$vec/grid.in.bf16" >"$work/odd2.bf16"
expect_error "odd byte count" "not a whole number of BF16 values" "$work/o" -- "$HIF4" quantize --profile seed --in "$work/odd2.bf16" --out "$work/o"
expect_error "partial row" "not a whole number of rows of 100" "$work/o" -- "$HIF4" quantize --profile seed --row-length 100 --in "$vec/grid.in.bf16" --out "$work/o"
: >"$work/empty"
expect_error "empty input" "is empty" "$work/o" -- "$HIF4" quantize --profile seed --in "$work/empty" --out "$work/o"
expect_error "unknown profile" "unknown profile 'sed' \\(profiles: seed, gcc, cann, cann-moe, pto\\)" "$work/o" -- "$HIF4" quantize --profile sed --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "unknown knob" "unknown knob 'scale-round'" "$work/o" -- "$HIF4" quantize --profile seed --set scale-round=up --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "unknown value" "unknown value 'sideways' for knob scale-rounding" "$work/o" -- "$HIF4" quantize --profile seed --set scale-rounding=sideways --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "bad --set" "expected KNOB=VALUE" "$work/o" -- "$HIF4" quantize --profile seed --set scale-rounding --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "missing profile" "missing required option --profile" "$work/o" -- "$HIF4" quantize --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "unknown option" "unknown option '--color'" -- "$HIF4" quantize --color
expect_error "bad format" "unknown format 'f16'" "$work/o" -- "$HIF4" quantize --profile seed --input-format f16 --in "$vec/grid.in.bf16" --out "$work/o"
expect_error "unwritable output" "cannot create output '$work/no/such/dir/o'" -- "$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$work/no/such/dir/o"
expect_error "output is a directory" "is a directory" -- "$HIF4" quantize --profile seed --in "$vec/grid.in.bf16" --out "$work"
# A full output: a file-size limit makes write() fail (EFBIG) part way; nothing may remain.
( trap '' XFSZ; ulimit -f 16; exec "$HIF4" quantize --profile seed --in "$vec/peaks.in.bf16" --out "$work/full.hif4" ) >"$work/stdout" 2>"$work/stderr"
rc=$?
if [ $rc -eq 2 ] && grep -q "cannot write output '$work/full.hif4'" "$work/stderr" && [ ! -e "$work/full.hif4" ] && ! ls "$work" | grep -q '\.tmp\.'; then pass; else fail "full output: rc $rc $(cat "$work/stderr")"; fi
# An existing output is replaced only on success: a failing run leaves the old file intact.
echo old >"$work/keep"
"$HIF4" quantize --profile seed --in "$work/odd.bf16" --out "$work/keep" 2>/dev/null
[ "$(cat "$work/keep")" = old ] && pass || fail "failed run clobbered an existing output"
head -c 100 "$work/grid.hif4" >"$work/short.hif4"
expect_error "dequantize partial block" "not a whole number of 36-byte blocks" "$work/o" -- "$HIF4" dequantize --in "$work/short.hif4" --out "$work/o"
expect_error "dequantize partial row" "not a whole number of rows of 3 blocks" "$work/o" -- "$HIF4" dequantize --row-length 130 --in "$work/grid.hif4" --out "$work/o"
expect_error "explain block out of range" "holds only 4096 blocks" -- "$HIF4" explain --profile seed --in "$vec/grid.in.bf16" --block 4096
expect_error "explain both sources" "give exactly one of --values and --in" -- "$HIF4" explain --profile seed --values 1 --in "$vec/grid.in.bf16" --block 0
expect_error "explain bad value" "'abc' is not a number" -- "$HIF4" explain --profile seed --values "1,abc"
expect_error "unknown command" "unknown command 'quantise'" -- "$HIF4" quantise

finish
