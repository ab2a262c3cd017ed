#!/usr/bin/env bash
# --threads N gives the same bytes as one thread, and the SIMD path the same bytes as the
# scalar model (HIF4_SIMD=scalar): hif4 quantize (every profile, stochastic, rows, FP32
# input), gen and verify. Bad --threads values: exit 2, no output.
# Usage: bash test_threads.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
HIF4=${1:?usage: test_threads.sh /path/to/hif4}
HIF4=$(cd "$(dirname "$HIF4")" && pwd)/$(basename "$HIF4")  # we cd below
seed_dir=$(cd "$(dirname "$0")/../data/seed" && pwd)
cd "$work" || exit 1
# 53120 blocks: with 16384 blocks per thread per chunk, 2 and 3 threads cross chunk edges.
cat "$seed_dir/random.in.bf16" "$seed_dir/peaks.in.bf16" > in.bf16
profiles=$("$HIF4" profiles | head -1 | awk '{for (i = 2; i <= NF; i++) print $i}')
[ -n "$profiles" ] || fail "no profiles from 'hif4 profiles'"

for p in $profiles; do
  for extra in "" "--set payload-rounding=stochastic --sr-seed 77"; do
    # shellcheck disable=SC2086
    HIF4_SIMD=scalar "$HIF4" quantize --profile "$p" $extra --in in.bf16 --out scalar.hif4 ||
      fail "scalar quantize $p $extra"
    for t in 1 2 3 8; do
      # shellcheck disable=SC2086
      expect 0 "$HIF4" quantize --profile "$p" $extra --threads "$t" --in in.bf16 --out t$t.hif4
      same scalar.hif4 t$t.hif4 "quantize --profile $p $extra --threads $t vs the scalar model"
    done
  done
done

# The seed profile reproduces the seed's own outputs (tests/data/seed) on 3 threads.
expect 0 "$HIF4" quantize --profile seed --threads 3 --in "$seed_dir/random.in.bf16" --out r.hif4
same "$seed_dir/random.out.hif4" r.hif4 "--threads 3 vs the seed's random.out.hif4"

# Rows (zero padding per row) and FP32 input go through the same path.
expect 0 "$HIF4" quantize --profile gcc --row-length 130 --in "$seed_dir/rows130.in.bf16" --out rows1.hif4
expect 0 "$HIF4" quantize --profile gcc --row-length 130 --threads 4 --in "$seed_dir/rows130.in.bf16" --out rows4.hif4
same rows1.hif4 rows4.hif4 "--row-length 130 --threads 4"
python3 -c "
import struct, sys
d = open('in.bf16', 'rb').read()
open('in.f32', 'wb').write(b''.join(struct.pack('<I', (v << 16) | 0x1234) for (v,) in struct.iter_unpack('<H', d[:64 * 2 * 4096])))
" || fail "making FP32 input"
HIF4_SIMD=scalar "$HIF4" quantize --profile cann --input-format f32 --in in.f32 --out f1.hif4 || fail "f32 scalar"
expect 0 "$HIF4" quantize --profile cann --input-format f32 --threads 2 --in in.f32 --out f2.hif4
same f1.hif4 f2.hif4 "--input-format f32 --threads 2 vs the scalar model"

# The check itself: one flipped bit in the middle of the output is caught.
cp t8.hif4 flipped.hif4
printf '\x01' | dd of=flipped.hif4 bs=1 seek=1000005 conv=notrunc status=none
cmp -s t8.hif4 flipped.hif4 && fail "cmp did not see a flipped byte"
python3 -c "
a = open('t8.hif4', 'rb').read(); b = open('flipped.hif4', 'rb').read()
assert len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
" || fail "fault injection did not change exactly one byte"

# gen: identical files; verify: identical reports and exit status for a damaged DUT file.
expect 0 "$HIF4" gen --profile cann --set payload-rounding=stochastic --sr-seed 3 --out g1.hif4v
expect 0 "$HIF4" gen --profile cann --set payload-rounding=stochastic --sr-seed 3 --threads 3 --out g3.hif4v
same g1.hif4v g3.hif4v "gen --threads 3"
expect 0 "$HIF4" export g1.hif4v --format raw --out exp
dut=$(ls exp/*expected* 2>/dev/null | head -1)
if [ -z "$dut" ]; then
  fail "export wrote no expected-output file: $(ls exp)"
else
  cp "$dut" dut.bin
  size=$(stat -c %s dut.bin)
  for off in 40 $((size / 2 + 7)) $((size - 3)); do
    printf '\x5a' | dd of=dut.bin bs=1 seek="$off" conv=notrunc status=none
  done
  # (stdout only: on a machine with fewer than 3 hardware threads a note on stderr says so)
  "$HIF4" verify --vectors g1.hif4v --dut dut.bin --dut-format raw > v1.txt 2>/dev/null; s1=$?
  "$HIF4" verify --vectors g1.hif4v --dut dut.bin --dut-format raw --threads 3 > v3.txt 2>/dev/null; s3=$?
  [ "$s1" -eq 1 ] || fail "verify of a damaged DUT file: exit $s1 (want 1)"
  [ "$s1" -eq "$s3" ] || fail "verify --threads 3 exit $s3, one thread $s1"
  same v1.txt v3.txt "verify --threads 3 report"
  expect 0 "$HIF4" verify --vectors g1.hif4v --dut "$dut" --dut-format raw --threads 2
fi

# More threads than the machine has: capped with a note naming the count used, same bytes.
hw=$(nproc)
expect 0 "$HIF4" quantize --profile seed --in in.bf16 --out one.hif4
expect 0 "$HIF4" quantize --profile seed --threads $((hw + 1)) --in in.bf16 --out capped.hif4
grep -q -- "--threads $((hw + 1)): using $hw" err || fail "--threads above the machine: no note ($(cat err))"
same one.hif4 capped.hif4 "--threads $((hw + 1)) (capped)"

# Bad --threads: exit 2, the option named, no output file.
for bad in 0 -1 abc 99999999999999999999; do
  expect 2 "$HIF4" quantize --profile seed --threads "$bad" --in in.bf16 --out bad.hif4
  grep -q -- "--threads" err || fail "--threads $bad: message does not name the option: $(cat err)"
done
expect 2 "$HIF4" gen --profile seed --threads 0 --out bad.hif4v
expect 2 "$HIF4" verify --vectors g1.hif4v --dut bad.bin --threads 0
[ -e bad.hif4 ] || [ -e bad.hif4v ] && fail "a failed run left an output file"
ls | grep -q tmp && fail "a failed run left a temporary file"

finish
