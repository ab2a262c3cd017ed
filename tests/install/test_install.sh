#!/usr/bin/env bash
# `cmake --install` to a temporary prefix, the prefix moved elsewhere, and the main job run from
# there: hif4 regress on its built-in seed vectors, compare --plot's script found, hif4 cosim,
# scripts/regression.sh, the Slurm scripts present; a project of its own built against the moved prefix with find_package(hif4);
# and nothing installed pointing back at the build or source tree.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -u
source "$(dirname "$0")/../support/lib.sh"
build=$1
src=$2
cd "$work" || exit 1
fail_shows="$work/out"
fail_fast=1

expect 0 cmake --install "$build" --prefix "$work/staging"
mkdir -p "$work/moved"
mv "$work/staging" "$work/moved/hif4"
p="$work/moved/hif4"
for f in bin/hif4 bin/hif4-cosim lib/libhif4_model.a include/hif4/block.h lib/cmake/hif4/hif4Config.cmake \
         lib/cmake/hif4/hif4ConfigVersion.cmake share/hif4/rtl/hif4.f share/hif4/data/seed/tiny.in.bf16 \
         share/hif4/compare/plot_compare.py share/hif4/scripts/regression.sh share/hif4/scripts/knob_corners.sh \
         share/hif4/rtl/sva/hif4_sva.f share/hif4/rtl/sva/hif4_quantizer_sva_ports.svh share/hif4/scripts/slurm/submit.sh \
         share/hif4/scripts/slurm/shard.sbatch share/hif4/scripts/slurm/merge.sbatch share/doc/hif4/regressions.md; do
  [ -e "$p/$f" ] || fail "the install lacks $f"
done
pass "the install holds the programs, the model, the RTL, the data, the scripts and the docs"
# The RTL file list names files that are there, relative to share/hif4 (as in the repository).
while read -r line; do
  case "$line" in ''|//*) continue ;; esac
  [ -f "$p/share/hif4/$line" ] || fail "share/hif4/rtl/hif4.f names $line, which is not installed"
done <"$p/share/hif4/rtl/hif4.f"
pass "every file of rtl/hif4.f is installed"
# Relocatable: no installed text file names the build or the source tree.
left=$(grep -rlF -e "$build" -e "$src" "$p/lib/cmake" "$p/share/hif4/scripts" 2>/dev/null | head -3)
[ -z "$left" ] || fail "installed files name the build or source tree: $left"
pass "no installed text file names the build or source tree"

# The main job from the moved prefix, with nothing pointing at the source tree.
unset HIF4_DATA_DIR HIF4_PLOT_SCRIPT
expect 0 "$p/bin/hif4" --version
same <("$build/hif4" --version) "$work/out" "hif4 --version, built vs installed"
expect 0 "$p/bin/hif4" regress
contains "$work/out" "vs $p/bin/../share/hif4/data/seed"
grep -Eq '^[0-9]+ passed, 0 failed$' "$work/out" || fail "regress from the install: $(tail -1 "$work/out")"
pass "hif4 regress reads the installed seed vectors"
# compare --plot runs the installed script. "python" here prints what it was given and makes
# the figure the command asks for (arguments: SCRIPT --quiet-import JSON DIR NAME...).
cat >"$work/fake_python" <<'SH'
#!/bin/sh
echo "$@"
dir=$4
shift 4
for name in "$@"; do : >"$dir/$name.png"; done
SH
chmod +x "$work/fake_python"
HIF4_PYTHON="$work/fake_python" expect 0 "$p/bin/hif4" compare --study gaussian --rows 1 --plot "$work/plot.png"
contains "$work/out" "$p/bin/../share/hif4/compare/plot_compare.py "
if [ -x "$p/bin/hif4-cosim" ]; then
  expect 0 "$p/bin/hif4" cosim --random 500 --stall-prob 0.2
  contains "$work/out" "500 passed, 0 failed"
  expect 0 "$p/share/hif4/scripts/regression.sh" --count 16 --suites "tiny peaks" --profiles "gcc"
  contains "$work/out" "2 passed, 0 failed"
fi

# Another project: find_package(hif4) against the moved prefix, hif4::model linked, the same
# bytes as hif4 quantize.
expect 0 cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$p" -DCMAKE_BUILD_TYPE=Release
expect 0 cmake --build "$work/consumer"
values=(3f80 bf00 4049 0001 7f7f 3e12 c2f7 0000 8000 4480)
expect 0 "$work/consumer/consumer" cann "${values[@]}"
mv "$work/out" "$work/consumer.txt"
/usr/bin/python3 -c 'import sys, struct
v = [int(x, 16) for x in sys.argv[1:]]
open("block.bf16", "wb").write(struct.pack("<64H", *(v + [0] * (64 - len(v)))))' "${values[@]}"
expect 0 "$p/bin/hif4" quantize --profile cann --in block.bf16 --out block.hif4
quantized=$(/usr/bin/python3 -c 'print(open("block.hif4", "rb").read().hex())')
[ "$quantized" = "$(cat "$work/consumer.txt")" ] ||
  fail "consumer $(cat "$work/consumer.txt") vs hif4 quantize $quantized"
pass "a find_package(hif4) project quantizes as hif4 does"
finish
