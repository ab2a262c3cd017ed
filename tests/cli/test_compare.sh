#!/usr/bin/env bash
# hif4 compare on the command line: bad input exits 2 with a message naming the problem and
# leaves no CSV (nor its temporary file); a small good run writes a complete CSV.
# usage: test_compare.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1

# compare_error WHAT PATTERN ARGS...: `hif4 compare ARGS --csv csv/r.csv` fails as
# expect_error says (exit 2, the message, no table, no temporary file) and leaves nothing at
# all in csv/.
compare_error() {
  local what=$1 pattern=$2
  shift 2
  rm -rf "$work/csv"
  mkdir -p "$work/csv"
  expect_error "$what" "$pattern" -- "$hif4" compare "$@" --csv "$work/csv/r.csv"
  [ -z "$(ls -A "$work/csv")" ] || fail "$what: left files behind: $(ls -A "$work/csv")"
}

# A 64-value BF16 tensor: 7.0, 0 x7, 0.625, 0 ... (the payload tie of reference-notes.md).
printf '\xe0\x40' >"$work/tie.bf16"
head -c 14 /dev/zero >>"$work/tie.bf16"
printf '\x20\x3f' >>"$work/tie.bf16"
head -c 110 /dev/zero >>"$work/tie.bf16"
head -c 100 "$work/tie.bf16" >"$work/short.bf16"   # 50 values: not whole blocks
head -c 127 "$work/tie.bf16" >"$work/odd.bf16"     # not whole BF16 values

compare_error "unknown study" "unknown study 'normal'" --study normal --rows 1
compare_error "unknown knob" "unknown knob 'payload-round'" --vary payload-round=nearest-even --rows 1
compare_error "unknown knob value" "unknown value 'even' for knob payload-rounding" \
  --vary payload-rounding=nearest-away,even --rows 1
compare_error "empty --vary list" "empty value" --vary payload-rounding= --rows 1
compare_error "--vary without =" "expected KNOB=VALUE1" --vary payload-rounding --rows 1
compare_error "unknown profile" "unknown profile 'fp8'" --profile fp8 --rows 1
compare_error "unknown baseline" "unknown profile 'mxfp4'" --baseline mxfp4 --rows 1
compare_error "missing input file" "cannot open input '$work/missing.bf16'" --input "$work/missing.bf16"
compare_error "input is a directory" "is not a regular file" --input "$work"
compare_error "input not whole blocks" "not a whole number of 64-value blocks" --input "$work/short.bf16"
compare_error "input not whole values" "not a whole number of BF16 values" --input "$work/odd.bf16"
compare_error "bad input format" "unknown format 'fp16'" --input "$work/tie.bf16" --input-format fp16
compare_error "study file without input" "needs --input" --study file
compare_error "input with a synthetic study" "only read by --study file" --study gaussian --input "$work/tie.bf16"
compare_error "zero threads" "--threads must be" --threads 0 --rows 1
compare_error "bad seed" "is not a non-negative integer" --seed x --rows 1
compare_error "zero rows" "--rows must be" --rows 0
compare_error "plot name" "must end in .png" --rows 1 --plot "$work/csv/p.svg"
compare_error "plot directory" "cannot write into directory" --rows 1 --plot "$work/nowhere/p.png"
# A failure after the work (the plotting script fails): still no CSV, no image.
HIF4_PLOT_SCRIPT=$work/no-such-script.py compare_error "plot script fails" "no plot written" \
  --rows 1 --plot "$work/csv/p.png"

# A good run on the tensor: the CSV holds a header, one row per variant for the tensor and one
# "all" row per variant; the table lists every default variant.
if "$hif4" compare --input "$work/tie.bf16" --csv "$work/r.csv" >"$work/table.md" 2>"$work/stderr"; then
  [ "$(wc -l <"$work/r.csv")" -eq 15 ] || fail "good run: CSV has $(wc -l <"$work/r.csv") lines, expected 15"
  head -1 "$work/r.csv" | grep -q '^study,matrix,sigma,variant,format,config,values,' ||
    fail "good run: CSV header"
  for v in seed gcc cann nvfp4 mxfp4; do
    grep -q "^| $v |" "$work/table.md" || fail "good run: no table row for $v"
  done
  # seed: one +0.125 error in 64 values -> MSE 0.015625/64 = 0.000244140625.
  grep -q '^file,all,nan,seed,hif4,.*,64,0,0.000244140625,' "$work/r.csv" ||
    fail "good run: seed MSE on the tie block: $(grep '^file,all,nan,seed,' "$work/r.csv")"
else
  fail "good run exited $?: $(cat "$work/stderr")"
fi

# A synthetic study, 1 row per matrix: 18 matrices x 2 variants + 2 "all" rows + header.
if "$hif4" compare --study uniform --rows 1 --profile gcc --profile mxfp4 --csv "$work/u.csv" \
    >/dev/null 2>"$work/stderr"; then
  [ "$(wc -l <"$work/u.csv")" -eq 39 ] || fail "uniform: CSV has $(wc -l <"$work/u.csv") lines, expected 39"
else
  fail "uniform run failed: $(cat "$work/stderr")"
fi

finish
