#!/usr/bin/env bash
# The cann, cann-moe and pto profiles against the re-created published goldens (oracle.py):
# every suite of `hif4 gen` (level 1), 10^5 blocks of its random suite and 10^5 random corner
# blocks (hif4::CornerBlocks) per profile must agree bit for bit. Then the oracle must catch what it is there to catch: a flipped output bit, and the
# behaviour each profile had to change (the binade from SF's own exponent, the overflow test
# after rounding, -0.0 lanes unsigned).
#   test_goldens.sh HIF4 WRITE_CORNER_BLOCKS
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
HIF4=$1
CORNERS=$2
here=$(cd "$(dirname "$0")" && pwd)
oracle=("/usr/bin/python3" "$here/oracle.py")
blocks=100000

# oracle_ok WHAT GOLDEN PROFILE INPUTS EXPECTED: the oracle must pass every block.
oracle_ok() {
  local what=$1 golden=$2 profile=$3 rc=0
  "${oracle[@]}" --golden "$golden" --profile "$profile" --inputs "$4" --expected "$5" >"$work/oracle.txt" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && grep -q "^oracle: [0-9]* passed, 0 failed$" "$work/oracle.txt"; then
    pass "$what: $(tail -1 "$work/oracle.txt" | sed 's/^oracle: //'); $(tail -2 "$work/oracle.txt" | head -1)"
  else
    fail "$what (exit $rc): $(head -30 "$work/oracle.txt")"
  fi
}

# oracle_catches WHAT GOLDEN INPUTS EXPECTED PATTERN: the oracle must exit 1 and report PATTERN.
oracle_catches() {
  local what=$1 golden=$2 rc=0
  "${oracle[@]}" --golden "$golden" --inputs "$3" --expected "$4" >"$work/oracle.txt" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ] && grep -Eq -- "$5" "$work/oracle.txt"; then
    pass "$what: $(tail -1 "$work/oracle.txt" | sed 's/^oracle: //')"
  else
    fail "$what: exit $rc, want 1 and /$5/: $(head -20 "$work/oracle.txt")"
  fi
}

"$CORNERS" 20260301 "$blocks" >"$work/corners.bf16"
for pair in cann:dynamic-mx-quant cann-moe:moe-init-routing pto:pto-host; do
  profile=${pair%%:*}
  golden=${pair#*:}
  "$HIF4" gen --profile "$profile" --suite all --out "$work/$profile.hif4v" >/dev/null
  "$HIF4" export "$work/$profile.hif4v" --format raw --out "$work/$profile" >/dev/null
  oracle_ok "$profile, every suite" "$golden" "$profile" "$work/$profile/inputs.bf16" "$work/$profile/expected.hif4"
  "$HIF4" gen --profile "$profile" --suite random --count "$blocks" --seed 2 --out "$work/r.hif4v" >/dev/null
  rm -rf "$work/r"
  "$HIF4" export "$work/r.hif4v" --format raw --out "$work/r" >/dev/null
  oracle_ok "$profile, $blocks blocks of the random suite" "$golden" "$profile" "$work/r/inputs.bf16" "$work/r/expected.hif4"
  "$HIF4" quantize --profile "$profile" --in "$work/corners.bf16" --out "$work/$profile.corners.hif4"
  oracle_ok "$profile, $blocks random corner blocks" "$golden" "$profile" "$work/corners.bf16" "$work/$profile.corners.hif4"
done

# A flipped bit of one output block: one mismatch, decoded, with its replay command.
cp "$work/cann/expected.hif4" "$work/flipped.hif4"
printf '\x01' | dd of="$work/flipped.hif4" bs=1 seek=$((36 * 5 + 4)) conv=notrunc status=none
"${oracle[@]}" --golden dynamic-mx-quant --profile cann --inputs "$work/cann/inputs.bf16" \
  --expected "$work/flipped.hif4" >"$work/oracle.txt" 2>&1 && fail "a flipped bit passed" || true
grep -q "^MISMATCH block 5 " "$work/oracle.txt" && grep -q "replay: hif4 explain --profile cann" "$work/oracle.txt" &&
  grep -q "^oracle: [0-9]* passed, 1 failed$" "$work/oracle.txt" && pass "a flipped payload bit: block 5 reported" ||
  fail "a flipped payload bit: $(head -12 "$work/oracle.txt")"

# Each change of a profile is needed: the behaviour before it differs from its golden on the
# golden-corners suite.
catch_knob() {
  local profile=$1 golden=$2 setting=$3 pattern=$4
  "$HIF4" gen --profile "$profile" --set "$setting" --suite golden-corners --out "$work/k.hif4v" >/dev/null
  rm -rf "$work/k"
  "$HIF4" export "$work/k.hif4v" --format raw --out "$work/k" >/dev/null
  oracle_catches "$profile with $setting differs from its golden" "$golden" "$work/k/inputs.bf16" "$work/k/expected.hif4" "$pattern"
}
catch_knob cann dynamic-mx-quant scale-binade=exact "E6M2   golden 0x(2[0-9A-F]|[0-9A-F])"
catch_knob cann dynamic-mx-quant scale-overflow=nan "E6M2   golden 0xFF  hif4 0xFE"
catch_knob cann-moe moe-init-routing scale-binade=exact "E6M2   golden"
catch_knob pto pto-host negative-zero=keep-sign "lanes \\(golden/hif4\\) [0-9]+: 0x8/0x0 \\(x 0x8000\\)"

# Bad input: exit 2 and a message naming the file.
head -c 100 "$work/corners.bf16" >"$work/short.bf16"
rc=0
"${oracle[@]}" --golden pto-host --inputs "$work/short.bf16" --expected "$work/pto.corners.hif4" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "short.bf16: 100 bytes is not a whole number" "$work/err" && pass "a truncated input: exit 2, named" ||
  fail "a truncated input: exit $rc: $(cat "$work/err")"

finish
