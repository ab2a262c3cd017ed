#!/usr/bin/env bash
# hif4 quantize --backend cuda: on a machine without a GPU (CI) it must exit 2 with a clear
# "no CUDA device" message and leave no output file; with a GPU it must write exactly the
# model's bytes. Also: an unknown backend is an error naming the option.
# Usage: bash test_backend.sh /path/to/hif4
set -u
hif4=$1
here=$(cd "$(dirname "$0")" && pwd)
input=$here/../data/seed/random.in.bf16
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$hif4" quantize --profile gcc --backend model --in "$input" --out "$tmp/model.hif4" ||
  fail "--backend model failed"

"$hif4" quantize --profile gcc --backend gpu --in "$input" --out "$tmp/bad.hif4" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--backend gpu: exit $rc, expected 2"
grep -q -- "--backend: unknown backend 'gpu'" "$tmp/err" || fail "unclear message: $(cat "$tmp/err")"
[ ! -e "$tmp/bad.hif4" ] || fail "output written for a bad --backend"

has_gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  has_gpu=1
fi
"$hif4" quantize --profile gcc --backend cuda --in "$input" --out "$tmp/cuda.hif4" 2>"$tmp/err"
rc=$?
if [ $has_gpu -eq 0 ]; then
  [ $rc -eq 2 ] || fail "no GPU here, yet --backend cuda exited $rc (expected 2)"
  grep -q "hif4 quantize: error: --backend cuda: no CUDA device" "$tmp/err" ||
    fail "unclear message: $(cat "$tmp/err")"
  [ ! -e "$tmp/cuda.hif4" ] || fail "output written although no CUDA device exists"
  echo "ok: no CUDA device -> exit 2: $(cat "$tmp/err")"
else
  [ $rc -eq 0 ] || fail "GPU present, --backend cuda exited $rc: $(cat "$tmp/err")"
  cmp "$tmp/model.hif4" "$tmp/cuda.hif4" || fail "--backend cuda differs from the model"
  echo "ok: --backend cuda equals the model on $(basename "$input")"
fi
