#!/usr/bin/env bash
# Results machines read, from the commands that were not sharded elsewhere: hif4 verify and
# hif4 coverage with --junit and --json (checked with a real XML parser and against the printed
# summary), a fault (a flipped DUT bit) reported in the right row; results outputs that would
# destroy something refused; hif4 --version. Usage: bash test_results.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=${1:?usage: test_results.sh /path/to/hif4}
support=$(cd "$(dirname "$0")/../support" && pwd)
python=/usr/bin/python3
cd "$work" || exit 1
junit() { if $python "$support/check_junit.py" "$@" >junit.txt; then pass; else fail "$(cat junit.txt)"; fi; }

# --version: the project version, the revision, the generator version of the files it writes.
expect 0 "$hif4" --version
grep -Eq '^hif4 [0-9]+\.[0-9]+\.[0-9]+ \(revision ([0-9a-f]{12}(-dirty)?|unknown)\), vector generator version [0-9]+$' out ||
  fail "--version: $(cat out)"
version=$(sed 's/.*vector generator version //' out)
expect 0 "$hif4" gen --profile gcc --count 30 --out v.hif4v
expect 0 "$hif4" coverage v.hif4v
contains out "(generator version $version)"
suites=$(grep -Ec '^  [a-z0-9-]+: records ' out)  # 30 records each

# verify: a DUT with one flipped bit in block 100 (30 records a suite: block 100 is the
# fourth suite's, peak-ties).
expect 0 "$hif4" export v.hif4v --format raw --out raw
$python - <<'PY'
with open("raw/expected.hif4", "r+b") as f:
    f.seek(36 * 100 + 4)
    b = f.read(1)[0]
    f.seek(36 * 100 + 4)
    f.write(bytes([b ^ 0x10]))
PY
expect 1 "$hif4" verify --vectors v.hif4v --dut raw/expected.hif4 --junit verify.xml --json verify.json
contains out "$((30 * suites - 1)) passed, 1 failed"
junit verify.xml --tests "$suites" --failures 1 --case hif4.verify.gcc/peak-ties --message-contains "block 100"
$python - verify.json "$suites" <<'PY' && pass "verify JSON: a row a suite, peak-ties failed with block 100" || fail "verify JSON"
import json, sys
j, suites = json.load(open(sys.argv[1])), int(sys.argv[2])
rows = {r["suite"]: r for r in j["rows"]}
assert len(rows) == suites and j["totals"]["blocks"] == 30 * suites and not j["passed"]
assert rows["peak-ties"]["failed"] == 1 and rows["peak-ties"]["first_mismatch"]["block"] == 100
assert sum(r["failed"] for r in j["rows"]) == 1
PY
expect_error "a DUT of the wrong size" "holds|bytes" bad2.xml -- \
  "$hif4" verify --vectors v.hif4v --dut raw/inputs.bf16 --junit bad2.xml

# coverage: several files, JUnit per bin (n/a skipped, missed a failure only with --require-all).
expect 0 "$hif4" gen --profile gcc --suite tiny --count 20 --out t.hif4v
expect 1 "$hif4" coverage v.hif4v t.hif4v --require-all --junit cov.xml --json cov.json
missed=$(grep -c MISSED out)
applicable=$(grep -Eo '[0-9]+ of [0-9]+ applicable' out | awk '{ print $3 }')
bins=$($python -c 'import json; print(len(json.load(open("cov.json"))["coverage"][0]["bins"]))')
junit cov.xml --tests $((bins + 2)) --failures "$missed" --skipped $((bins - applicable)) --case hif4.coverage.gcc/tiny
expect 0 "$hif4" coverage v.hif4v t.hif4v --junit cov2.xml
junit cov2.xml --failures 0 --skipped $((bins - applicable + missed))

# Results outputs obey the output rules: never over an input, never over a folder.
expect_error "--json over an input" "same file" -- "$hif4" coverage v.hif4v --json v.hif4v
mkdir folder
expect_error "--junit over a folder" "is a directory" -- "$hif4" regress --junit folder
expect_error "--junit and --json the same file" "same file" both.json -- \
  "$hif4" coverage v.hif4v --junit both.json --json both.json
finish
