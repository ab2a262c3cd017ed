#!/usr/bin/env bash
# The --report page in a real browser: Debian's chromium, headless, renders report.html, and
#  - its DOM holds the summary and every table, and one <img> per figure file, inline;
#  - the screenshot is not blank and shows the bar colours of the figures (HiF4 blue #0072B2,
#    NVFP4 orange #E69F00), which only the decoded, embedded PNGs can put there;
#  - the same check fails on a copy of the page whose images are corrupted (the check can fail).
# Skips (exit 77) only where chromium is not installed; scripts/deps.sh installs it.
# usage: test_report_render.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/deps.sh installs it); the report page was not rendered"
  exit 77
fi
python=/usr/bin/python3  # Debian's, with python3-matplotlib (scripts/deps.sh) to read PNGs

# render PAGE SHOT [DOM]: a screenshot and the DOM after loading, no network, a fresh profile.
render() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
               --disable-background-networking --disable-component-update --disable-sync
               --user-data-dir="$profile" --window-size=1280,4000)
  timeout 120 "$browser" "${flags[@]}" --screenshot="$2" "file://$1" >"$work/browser.log" 2>&1 ||
    fail "chromium --screenshot $1: $(tail -3 "$work/browser.log")"
  [ $# -lt 3 ] || timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$1" >"$3" 2>"$work/browser.log" ||
    fail "chromium --dump-dom $1: $(tail -3 "$work/browser.log")"
}

# check_pixels SHOT: exit 0 when the screenshot is not blank and holds both bar colours.
check_pixels() {
  "$python" - "$1" <<'PY'
import sys
import matplotlib.image as image
import numpy as np
rgb = (image.imread(sys.argv[1])[:, :, :3] * 255).astype(int)
ink = np.mean(np.any(rgb < 200, axis=2))
def near(colour):
    return int(np.sum(np.all(np.abs(rgb - np.array(colour)) <= 12, axis=2)))
blue, orange = near((0x00, 0x72, 0xB2)), near((0xE6, 0x9F, 0x00))
print(f"{rgb.shape[1]}x{rgb.shape[0]} pixels, {100 * ink:.1f}% ink, {blue} HiF4-blue, {orange} NVFP4-orange")
sys.exit(0 if ink > 0.02 and blue > 500 and orange > 200 else 1)
PY
}

if ! "$hif4" compare --study gaussian --study matmul --rows 4 --tokens 2 --repeats 2 --sr-seeds 2 \
    --vary payload-rounding=nearest-away,stochastic --report "$work/report" >/dev/null 2>"$work/err"; then
  fail "hif4 compare --report: $(cat "$work/err")"
  finish
fi
render "$work/report/report.html" "$work/shot.png" "$work/dom.html"
if check_pixels "$work/shot.png" >"$work/pixels"; then
  pass "screenshot: $(cat "$work/pixels")"
else
  fail "screenshot blank or without the figures: $(cat "$work/pixels")"
fi
contains "$work/dom.html" "Summary: MSE difference to seed payload-rounding=nearest-away</h2>"
tables=$(grep -o '<table>' "$work/dom.html" | wc -l)
# configuration, variants, summary; then 3 studies (gaussian, 4 layers x 2) x 3 tables
[ "$tables" -eq $((3 + 9 * 3)) ] && pass "DOM: $tables tables" || fail "DOM: $tables tables, expected 30"
figures=$(ls "$work/report"/*.png | wc -l)
images=$(grep -o '<img alt="[^"]*" src="data:image/png;base64,' "$work/dom.html" | wc -l)
[ "$images" -eq "$figures" ] && [ "$figures" -ge 3 ] && pass "DOM: $images inline figures" ||
  fail "DOM: $images inline images for $figures figure files"

# The check fails when the figures cannot be decoded.
sed 's|base64,iVBORw0KGgo|base64,AAAAAAAAAA|g' "$work/report/report.html" >"$work/broken.html"
render "$work/broken.html" "$work/broken.png"
if check_pixels "$work/broken.png" >"$work/pixels"; then
  fail "corrupted figures still pass the pixel check: $(cat "$work/pixels")"
else
  pass "corrupted figures are caught: $(cat "$work/pixels")"
fi
finish
