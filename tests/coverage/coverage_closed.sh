#!/usr/bin/env bash
# The RTL's coverage under a small regression (label coverage): scripts/rtl_coverage.sh
# --count 100 (every suite x profiles and knob corners, and the knob walk with its resets)
# must close coverage: every branch, line and toggle point not excluded by
# rtl/coverage_exclusions.txt hit, every exclusion holding, the HTML report written. Then the
# checker is shown catching the ways coverage can drop, on copies of the run's counts: a
# point of the regression that is no longer hit (a branch; one lane's product-rounding carry),
# and an excluded point that is hit.
#   coverage_closed.sh SRC BUILD OUT
# Skips (exit 77) when genhtml is missing (scripts/deps.sh installs lcov).
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
SRC=$1 BUILD=$2 OUT=$3
if ! command -v genhtml >/dev/null; then
  echo "SKIP: genhtml is not installed (scripts/deps.sh installs lcov)"
  exit 77
fi
report=$OUT/report
# Bad input: exit 2 with the path named, nothing written.
cov=("$SRC/scripts/rtl_coverage.sh" --build "$BUILD")
printf 'not a report\n' >"$work/file"
expect_error "--out a regular file" "file exists and is not a report of this script" -- "${cov[@]}" --out "$work/file"
mkdir "$work/other"
expect_error "--out a folder of something else" "other exists and is not a report of this script" -- \
  "${cov[@]}" --out "$work/other"
expect_error "a missing exclusion file" "nothing.txt: no such exclusion file" "$work/new" -- \
  "${cov[@]}" --exclusions "$work/nothing.txt" --out "$work/new"
expect_error "a build folder that is not one" "is not a configured build folder" "$work/new" -- \
  "$SRC/scripts/rtl_coverage.sh" --build "$work/other" --out "$work/new"
same "$work/file" <(printf 'not a report\n') "the refused --out file"
expect 0 "$SRC/scripts/rtl_coverage.sh" --build "$BUILD" --count 100 --out "$report"
cat "$work/out"
contains "$work/out" "coverage closed: every point hit but the"
contains "$work/out" "111 passed, 0 failed"
if [ -s "$report/html/index.html" ]; then pass "HTML report"; else fail "no $report/html/index.html"; fi
grep -q "^| \*\*all\*\* | [0-9]*/[0-9]* (100.0%)" "$report/report.md" && pass "100% of the branches" ||
  fail "branches not closed: $(grep '^| \*\*all' "$report/report.md")"

checker=("/usr/bin/python3" "$SRC/scripts/rtl_coverage.py" --exclusions "$SRC/rtl/coverage_exclusions.txt")
# A point the regression hits, no longer hit: the S3 valid register's if branch.
# (A point's keys are separated by \001, each key from its value by \002.)
sep=$(printf '\001') eq=$(printf '\002')
awk -v key="page${eq}v_branch/hif4_quantizer${sep}" \
  'index($0, key) && !done { sub(/ [0-9]+$/, " 0"); done = 1 } { print }' "$report/merged.dat" >"$work/dropped.dat"
expect 1 "${checker[@]}" "$work/dropped.dat"
contains "$work/out" "1 point(s) not excluded were never hit:"
contains "$work/out" "branch hif4_quantizer hif4_quantizer.sv:"
contains "$work/out" "coverage NOT closed"
# One lane that never takes the product rounding's carry (lane 27): named, per lane.
awk -v module="v_toggle/hif4_s1p2_encoder${sep}" -v point="${sep}o${eq}unused_lane_product_carry[27]${sep}" \
  'index($0, module) && index($0, point) { sub(/ [0-9]+$/, " 0") } { print }' "$report/merged.dat" >"$work/lane.dat"
expect 1 "${checker[@]}" "$work/lane.dat"
contains "$work/out" "toggle hif4_s1p2_encoder hif4_s1p2_encoder.sv:"
contains "$work/out" "unused_lane_product_carry[27]"
# An excluded point (SF's sign bit) hit: the exclusion's reason no longer holds.
awk -v module="v_toggle/hif4_scale_unit${sep}" -v point="${sep}o${eq}sf[15]${sep}" \
  'index($0, module) && index($0, point) { sub(/ [0-9]+$/, " 1") } { print }' "$report/merged.dat" >"$work/excluded-hit.dat"
expect 1 "${checker[@]}" "$work/excluded-hit.dat"
contains "$work/out" "exclusion 'toggle hif4_scale_unit sf[15]' (SF is a non-negative BF16) is wrong: 1 of its points were hit"
# An exclusion without a reason is refused, named.
printf 'toggle hif4_scale_unit sf[15]\n' >"$work/bad.txt"
expect 2 /usr/bin/python3 "$SRC/scripts/rtl_coverage.py" --exclusions "$work/bad.txt" "$report/merged.dat"
if grep -q "bad.txt:1: want 'KIND MODULE POINT -- REASON'" "$work/err"; then pass "an exclusion without a reason is refused"
else fail "no error for an exclusion without a reason: $(cat "$work/err")"; fi
finish
