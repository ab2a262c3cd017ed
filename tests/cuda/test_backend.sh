#!/usr/bin/env bash
# hif4 quantize --backend cuda: on a machine without a GPU (CI) it must exit 2 with a clear
# "no CUDA device" message and leave no output file; with a GPU it must write exactly the
# model's bytes. Also: an unknown backend is an error naming the option.
# Usage: bash test_backend.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1
here=$(cd "$(dirname "$0")" && pwd)
input=$here/../data/seed/random.in.bf16

expect 0 "$hif4" quantize --profile gcc --backend model --in "$input" --out "$work/model.hif4"
expect_error "--backend gpu" "--backend: unknown backend 'gpu'" "$work/bad.hif4" -- \
  "$hif4" quantize --profile gcc --backend gpu --in "$input" --out "$work/bad.hif4"

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  expect 0 "$hif4" quantize --profile gcc --backend cuda --in "$input" --out "$work/cuda.hif4"
  same "$work/model.hif4" "$work/cuda.hif4" "--backend cuda vs the model on $(basename "$input")"
else
  expect_error "no CUDA device" "hif4 quantize: error: --backend cuda: no CUDA device" "$work/cuda.hif4" -- \
    "$hif4" quantize --profile gcc --backend cuda --in "$input" --out "$work/cuda.hif4"
fi
finish
