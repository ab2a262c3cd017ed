#!/usr/bin/env bash
# hif4 compare on the command line: bad input exits 2 with a message naming the problem and
# leaves no CSV (nor its temporary file); a small good run writes a complete CSV.
# usage: test_compare.sh /path/to/hif4
set -u
hif4=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_error DESCRIPTION PATTERN ARGS...: exit 2, PATTERN on stderr, nothing left in out/.
expect_error() {
  local desc=$1 pattern=$2
  shift 2
  rm -rf "$tmp/out"
  mkdir -p "$tmp/out"
  "$hif4" compare "$@" --csv "$tmp/out/r.csv" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "$desc: exit status $rc, expected 2 ($(cat "$tmp/stderr"))"
  grep -q -- "$pattern" "$tmp/stderr" || fail "$desc: stderr lacks '$pattern': $(cat "$tmp/stderr")"
  [ -z "$(ls -A "$tmp/out")" ] || fail "$desc: left files behind: $(ls -A "$tmp/out")"
  [ ! -s "$tmp/stdout" ] || fail "$desc: printed a (partial) table"
}

# A 64-value BF16 tensor: 7.0, 0 x7, 0.625, 0 ... (the payload tie of reference-notes.md).
printf '\xe0\x40' >"$tmp/tie.bf16"
head -c 14 /dev/zero >>"$tmp/tie.bf16"
printf '\x20\x3f' >>"$tmp/tie.bf16"
head -c 110 /dev/zero >>"$tmp/tie.bf16"
head -c 100 "$tmp/tie.bf16" >"$tmp/short.bf16"   # 50 values: not whole blocks
head -c 127 "$tmp/tie.bf16" >"$tmp/odd.bf16"     # not whole BF16 values

expect_error "unknown study" "unknown study 'normal'" --study normal --rows 1
expect_error "unknown knob" "unknown knob 'payload-round'" --vary payload-round=nearest-even --rows 1
expect_error "unknown knob value" "unknown value 'even' for knob payload-rounding" \
  --vary payload-rounding=nearest-away,even --rows 1
expect_error "empty --vary list" "empty value" --vary payload-rounding= --rows 1
expect_error "--vary without =" "expected KNOB=VALUE1" --vary payload-rounding --rows 1
expect_error "unknown profile" "unknown profile 'fp8'" --profile fp8 --rows 1
expect_error "unknown baseline" "unknown profile 'mxfp4'" --baseline mxfp4 --rows 1
expect_error "missing input file" "cannot open input '$tmp/missing.bf16'" --input "$tmp/missing.bf16"
expect_error "input is a directory" "is not a regular file" --input "$tmp"
expect_error "input not whole blocks" "not a whole number of 64-value blocks" --input "$tmp/short.bf16"
expect_error "input not whole values" "not a whole number of BF16 values" --input "$tmp/odd.bf16"
expect_error "bad input format" "unknown format 'fp16'" --input "$tmp/tie.bf16" --input-format fp16
expect_error "study file without input" "needs --input" --study file
expect_error "input with a synthetic study" "only read by --study file" --study gaussian --input "$tmp/tie.bf16"
expect_error "zero threads" "--threads must be" --threads 0 --rows 1
expect_error "bad seed" "is not a non-negative integer" --seed x --rows 1
expect_error "zero rows" "--rows must be" --rows 0
expect_error "plot name" "must end in .png" --rows 1 --plot "$tmp/out/p.svg"
expect_error "plot directory" "cannot write into directory" --rows 1 --plot "$tmp/nowhere/p.png"
# A failure after the work (the plotting script fails): still no CSV, no image.
HIF4_PLOT_SCRIPT=$tmp/no-such-script.py expect_error "plot script fails" "no plot written" \
  --rows 1 --plot "$tmp/out/p.png"

# A good run on the tensor: the CSV holds a header, one row per variant for the tensor and one
# "all" row per variant; the table lists every default variant.
if "$hif4" compare --input "$tmp/tie.bf16" --csv "$tmp/r.csv" >"$tmp/table.md" 2>"$tmp/stderr"; then
  [ "$(wc -l <"$tmp/r.csv")" -eq 11 ] || fail "good run: CSV has $(wc -l <"$tmp/r.csv") lines, expected 11"
  head -1 "$tmp/r.csv" | grep -q '^study,matrix,sigma,variant,format,config,values,' ||
    fail "good run: CSV header"
  for v in seed gcc cann nvfp4 mxfp4; do
    grep -q "^| $v |" "$tmp/table.md" || fail "good run: no table row for $v"
  done
  # seed: one +0.125 error in 64 values -> MSE 0.015625/64 = 0.000244140625.
  grep -q '^file,all,nan,seed,hif4,.*,64,0,0.000244140625,' "$tmp/r.csv" ||
    fail "good run: seed MSE on the tie block: $(grep '^file,all,nan,seed,' "$tmp/r.csv")"
else
  fail "good run exited $?: $(cat "$tmp/stderr")"
fi

# A synthetic study, 1 row per matrix: 18 matrices x 2 variants + 2 "all" rows + header.
if "$hif4" compare --study uniform --rows 1 --profile gcc --profile mxfp4 --csv "$tmp/u.csv" \
    >/dev/null 2>"$tmp/stderr"; then
  [ "$(wc -l <"$tmp/u.csv")" -eq 39 ] || fail "uniform: CSV has $(wc -l <"$tmp/u.csv") lines, expected 39"
else
  fail "uniform run failed: $(cat "$tmp/stderr")"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "test_compare.sh: all checks passed"
