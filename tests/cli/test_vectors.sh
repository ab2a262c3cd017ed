#!/usr/bin/env bash
# hif4 gen / coverage / export / verify end to end: determinism, formats, exit statuses,
# no partial output on errors. Usage: bash test_vectors.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
HIF4=${1:?usage: test_vectors.sh /path/to/hif4}
cd "$work" || exit 1

# Determinism: same arguments, same bytes.
expect 0 "$HIF4" gen --profile seed --count 50 --seed 9 --out a.hif4v
expect 0 "$HIF4" gen --profile seed --count 50 --seed 9 --out b.hif4v
cmp -s a.hif4v b.hif4v || fail "gen is not deterministic"
expect 0 "$HIF4" gen --profile seed --count 50 --seed 10 --out c.hif4v
cmp -s a.hif4v c.hif4v && fail "--seed does not change the vectors"

# Bad arguments: exit 2, a message naming the option, no output file.
expect 2 "$HIF4" gen --profile seed --suite nosuch --out bad.hif4v
grep -q "unknown suite 'nosuch'" err || fail "unknown suite message: $(cat err)"
expect 2 "$HIF4" gen --profile nosuch --out bad.hif4v
expect 2 "$HIF4" gen --profile seed --level 4 --out bad.hif4v
expect 2 "$HIF4" gen --profile seed --count 0 --out bad.hif4v
[ -e bad.hif4v ] && fail "a failed gen left an output file"
ls | grep -q tmp && fail "a failed gen left a temporary file"

# Level 1 under a non-default knob reaches every applicable coverage bin.
expect 0 "$HIF4" gen --profile gcc --set payload-rounding=stochastic --sr-seed 5 --out l1.hif4v
expect 0 "$HIF4" coverage l1.hif4v --require-all
grep -q "0 missed" out || fail "coverage summary: $(tail -2 out)"
grep -q "payload.stochastic-up" out || fail "coverage table lacks stochastic bins"
# ... and a small file does not (the check can fail).
expect 1 "$HIF4" coverage a.hif4v --require-all
grep -q MISSED out || fail "missed bins are not marked"

# raw export: exactly what `hif4 quantize` reads and writes (stochastic rounding included).
expect 0 "$HIF4" export l1.hif4v --format raw --out raw
expect 0 "$HIF4" quantize --profile gcc --set payload-rounding=stochastic --sr-seed 5 \
  --in raw/inputs.bf16 --out requantized.hif4
cmp -s raw/expected.hif4 requantized.hif4 || fail "raw export does not match hif4 quantize"
expect 0 "$HIF4" verify --vectors l1.hif4v --dut requantized.hif4
grep -q "^[0-9]* passed, 0 failed$" out || fail "verify summary: $(tail -1 out)"

# readmemh export: 1024-bit input words and 288-bit expected words; verify reads them back.
expect 0 "$HIF4" export a.hif4v --format readmemh --out mh
[ "$(grep -vc '^//' mh/inputs.hex)" -eq 500 ] || fail "inputs.hex line count"
[ "$(grep -v '^//' mh/inputs.hex | awk '{print length($0)}' | sort -u)" = 256 ] || fail "inputs.hex width"
[ "$(grep -v '^//' mh/expected.hex | awk '{print length($0)}' | sort -u)" = 72 ] || fail "expected.hex width"
expect 0 "$HIF4" verify --vectors a.hif4v --dut mh/expected.hex
# Lane 0 is the last 4 digits of an input word; byte 0 is the last 2 digits of an expected word.
expect 0 "$HIF4" export a.hif4v --format raw --out ra
first_in=$(od -An -tx2 -N2 --endian=little ra/inputs.bf16 | tr -d ' ')
line1=$(grep -v '^//' mh/inputs.hex | head -1)
[ "${line1:252:4}" = "$(echo "$first_in" | tr a-f A-F)" ] || fail "lane 0 is not in bits 15:0"
first_out=$(od -An -tx1 -N1 ra/expected.hif4 | tr -d ' ')
line1=$(grep -v '^//' mh/expected.hex | head -1)
[ "${line1:70:2}" = "$(echo "$first_out" | tr a-f A-F)" ] || fail "byte 0 is not in bits 7:0"

# jsonl: one block per line, valid JSON.
expect 0 "$HIF4" export a.hif4v --format jsonl --out js
[ "$(wc -l < js/blocks.jsonl)" -eq 500 ] || fail "blocks.jsonl line count"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys
for line in open(sys.argv[1]):
    b = json.loads(line)
    assert len(b["inputs"]) == 64 and len(b["codes"]) == 64 and len(b["expected"]) == 72' js/blocks.jsonl \
    || fail "blocks.jsonl is not valid JSON lines"
fi
expect 2 "$HIF4" export a.hif4v --format csv --out x
# A damaged file found mid-export: exit 2 and no directory or partial file left behind.
cp a.hif4v mid.hif4v
printf '\xff' | dd of=mid.hif4v bs=1 seek=70000 conv=notrunc status=none
expect 2 "$HIF4" export mid.hif4v --format jsonl --out midout
grep -q "CRC mismatch" err || fail "mid-export damage message: $(cat err)"
[ -e midout ] && fail "a failed export left its directory"

# A DUT with one flipped bit: exit 1, the block reported with a replay command that runs.
cp ra/expected.hif4 dut.hif4
printf '\x01' | dd of=dut.hif4 bs=1 seek=$((36 * 7 + 20)) conv=notrunc status=none
expect 1 "$HIF4" verify --vectors a.hif4v --dut dut.hif4
grep -q "^499 passed, 1 failed$" out || fail "verify summary with one bad block: $(tail -1 out)"
grep -q "^block 7 " out || fail "the bad block is not named"
replay=$(grep -m1 "replay: hif4 explain" out | sed 's/.*replay: hif4 //')
[ -n "$replay" ] && expect 0 "$HIF4" $replay
# --max-errors limits the printed reports, not the count.
expect 1 "$HIF4" verify --vectors a.hif4v --dut dut.hif4 --max-errors 0
grep -q "^block " out && fail "--max-errors 0 printed a report"

# Short and long DUT files are errors (exit 2), never a pass.
head -c $((36 * 449)) ra/expected.hif4 > short.hif4
expect 2 "$HIF4" verify --vectors a.hif4v --dut short.hif4
grep -q "too short" err || fail "short DUT message: $(cat err)"
cat ra/expected.hif4 ra/expected.hif4 > long.hif4
expect 2 "$HIF4" verify --vectors a.hif4v --dut long.hif4
grep -v '^//' mh/expected.hex | head -449 > short.hex
expect 2 "$HIF4" verify --vectors a.hif4v --dut short.hex
(cat mh/expected.hex; grep -v '^//' mh/expected.hex | head -1) > long.hex
expect 2 "$HIF4" verify --vectors a.hif4v --dut long.hex --dut-format readmemh

# Damaged vector files: exit 2 with a clear message.
cp a.hif4v damaged.hif4v
printf '\xff' | dd of=damaged.hif4v bs=1 seek=5000 conv=notrunc status=none
expect 2 "$HIF4" verify --vectors damaged.hif4v --dut ra/expected.hif4
grep -q "CRC mismatch" err || fail "damaged file message: $(cat err)"
head -c 4000 a.hif4v > cut.hif4v
expect 2 "$HIF4" coverage cut.hif4v
grep -q "truncated" err || fail "truncated file message: $(cat err)"
expect 2 "$HIF4" coverage raw/inputs.bf16
grep -q "wrong magic" err || fail "wrong magic message: $(cat err)"

finish
