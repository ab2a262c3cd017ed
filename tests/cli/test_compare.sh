#!/usr/bin/env bash
# hif4 compare on the command line: bad input exits 2 with a message naming the problem and
# leaves no CSV, plot or report (nor their temporaries); small good runs write a complete CSV,
# a PNG and a report folder; progress shows on a terminal only.
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
compare_error "unknown reference" "--reference: no variant 'fp8'" --rows 1 --reference fp8
compare_error "reference out of range" "no variant '99'" --rows 1 --reference 99
compare_error "zero repeats" "--repeats must be" --rows 1 --repeats 0
compare_error "zero SR seeds" "--sr-seeds must be" --rows 1 --sr-seeds 0
compare_error "zero tokens" "--tokens must be" --study matmul --tokens 0
compare_error "study twice" "--study gaussian given twice" --study all --study gaussian --rows 1
compare_error "unknown study lists matmul" "matmul, file, all" --study normal
compare_error "report over a file" "exists and is not a folder" --rows 1 --report "$work/tie.bf16"
mkdir -p "$work/foreign"
touch "$work/foreign/notes.txt"
compare_error "report over a foreign folder" "holds 'notes.txt', which this command does not write" \
  --rows 1 --report "$work/foreign"
[ -f "$work/foreign/notes.txt" ] || fail "report over a foreign folder: its file is gone"
# A failure after the work (the plotting script fails): still no CSV, no image, no report.
HIF4_PLOT_SCRIPT=$work/no-such-script.py compare_error "plot script fails" "no plot written" \
  --rows 1 --plot "$work/csv/p.png"
HIF4_PLOT_SCRIPT=$work/no-such-script.py compare_error "report plot fails" "no report written" \
  --rows 1 --report "$work/csv/report"

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

# Repeats, SR seeds, the matrix products, a plot and a report in one small run. The report
# folder holds the page, the CSV (the same as --csv), the figures and their data; the page is
# self-contained (no script, nothing fetched) and names the command and the version.
args=(--study uniform --study matmul --rows 2 --tokens 2 --repeats 2 --sr-seeds 2
      --vary payload-rounding=nearest-away,stochastic)
if "$hif4" compare "${args[@]}" --csv "$work/all.csv" --plot "$work/fig.png" \
    --report "$work/report" >"$work/all.md" 2>"$work/stderr"; then
  for f in report.html compare.csv figures.json mse_difference.png matmul.png sr_bias_variance.png; do
    [ -s "$work/report/$f" ] || fail "report: no $f"
  done
  same "$work/all.csv" "$work/report/compare.csv" "report: compare.csv is the --csv file"
  [ "$(head -c 4 "$work/fig.png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "--plot: not a PNG"
  same "$work/fig.png" "$work/report/mse_difference.png" "--plot draws the report's first figure"
  contains "$work/report/report.html" '<img alt="Quantization MSE relative to seed payload-rounding=nearest-away" src="data:image/png;base64,iVBORw0KGgo'
  contains "$work/report/report.html" "hif4 compare --study uniform --study matmul --rows 2"
  contains "$work/report/report.html" "<h3 id=\"study-matmul-down-wx\">"
  grep -Eq '<script|src="https?:|href="https?:' "$work/report/report.html" &&
    fail "report: the page loads something from outside"
  version=$(sed -n 's/^project(hif4 VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")
  contains "$work/report/report.html" "hif4 $version (revision "
  # The markdown has the three tables per study (figures, differences, bias and variance) and
  # the summary of every study.
  [ "$(grep -c '^| variant |' "$work/all.md")" -eq 28 ] || fail "markdown: $(grep -c '^| variant |' "$work/all.md") tables, expected 28"
  contains "$work/all.md" "### Summary: MSE difference to seed payload-rounding=nearest-away"
  contains "$work/all.md" "95% t-interval over the 2 seeds"
  # Replacing the report: the folder holds only what the command writes, so it may.
  expect 0 "$hif4" compare --rows 1 --report "$work/report"
  [ ! -e "$work/report/matmul.png" ] || fail "report replaced: a figure of the old run is left"
  [ -s "$work/report/report.html" ] || fail "report replaced: no page"
else
  fail "report run failed: $(cat "$work/stderr")"
fi

# The plotting script on its own: the lines figure (drawn only where sigma matters, which no
# small run here reaches) from a hand-written figure file; bad figure files exit 2.
script=$(dirname "$0")/../../compare/plot_compare.py
mkdir -p "$work/lines"
cat >"$work/lines.json" <<'JSON'
{"command": "hif4 compare", "version": "0", "figures": [{"id": "sqnr_vs_sigma", "kind": "lines",
 "title": "SQNR against sigma", "subtitle": "a test", "xlabel": "sigma", "ylabel": "SQNR (dB)",
 "xlog": true, "groups": ["hif4", "nvfp4"], "panels": [{"title": "gaussian", "labels": [],
 "text": [], "reference": -1, "x": [0.01, 0.02, 0.04], "low": [], "high": [],
 "series": [{"name": "seed", "values": [12.0, 20.0, 21.6]}, {"name": "nvfp4", "values": [20.4, null, 20.4]}]}]}]}
JSON
expect 0 /usr/bin/python3 "$script" "$work/lines.json" "$work/lines"
[ "$(head -c 4 "$work/lines/sqnr_vs_sigma.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
  fail "plot_compare.py: no lines figure"
echo '{"figures": [{"id": "x", "kind": "pie", "panels": [{}]}]}' >"$work/pie.json"
expect_error "plot script: unknown kind" "figure x: unknown kind 'pie'" -- \
  /usr/bin/python3 "$script" "$work/pie.json" "$work/lines"
echo '{"figures": 3}' >"$work/bad.json"
expect_error "plot script: not a figure file" "no 'figures' list" -- \
  /usr/bin/python3 "$script" "$work/bad.json" "$work/lines"
expect_error "plot script: no such figure" "no figure 'matmul'" -- \
  /usr/bin/python3 "$script" "$work/lines.json" "$work/lines" matmul

# Progress: on a terminal (script(1) gives the command one) a line that erases itself; not a
# byte of it when standard error is a file. HIF4_PROGRESS_DELAY=0 shows it from the start.
if command -v script >/dev/null; then
  HIF4_PROGRESS_DELAY=0 script -qec "'$hif4' compare --study uniform --rows 16 --repeats 2 >/dev/null" \
    /dev/null >"$work/tty" 2>&1 || true
  grep -q 'hif4 compare: [0-9]*% (uniform, seed [12] of 2), [0-9]* s' "$work/tty" ||
    fail "no progress on a terminal: $(head -c 300 "$work/tty")"
  grep -q $'\r\e\\[Khif4 compare: [0-9]* variants' "$work/tty" || fail "progress line not erased: $(tail -c 200 "$work/tty" | od -c | head)"
  HIF4_PROGRESS_DELAY=0 "$hif4" compare --study uniform --rows 16 --repeats 2 >/dev/null 2>"$work/notty"
  [ "$(wc -l <"$work/notty")" -eq 1 ] && ! grep -q '%' "$work/notty" ||
    fail "progress written to a file: $(head -c 300 "$work/notty")"
else
  echo "skip: no script(1) to give hif4 a terminal"
fi

finish
