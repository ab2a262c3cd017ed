#!/usr/bin/env bash
# The GPU-generated vector files (tests/data/gpu, written by `hif4 gen --backend cuda` on an
# H100 through scripts/gpu_check.sh) checked by the reference model, in CI without a GPU:
#  1. the model quantizes each file's inputs (hif4 export --format raw, hif4 quantize) and
#     `hif4 verify` accepts the result against the file's expected bytes;
#  2. the model regenerates each file from its manifest arguments (byte for byte while the
#     suites are unchanged; a difference is reported as a note);
#  3. fault injection: one flipped bit in the model's output must make `hif4 verify` fail.
# Usage: bash test_gpu_vectors.sh /path/to/hif4
set -u
source "$(dirname "$0")/../support/lib.sh"
fail_fast=1  # each step needs the one before
fail_shows=$work/out  # the failing command's report
hif4=$1
dir=$(cd "$(dirname "$0")/../data/gpu" && pwd)
[ -s "$dir/manifest.txt" ] || fail "no $dir/manifest.txt"
files=0
while read -r file args; do
  [ -n "$file" ] || continue
  vec=$dir/$file
  [ -s "$vec" ] || fail "$file listed in manifest.txt but missing"
  # shellcheck disable=SC2086
  set -- $args
  quantize_args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --profile|--set|--sr-seed) quantize_args+=("$1" "$2"); shift 2 ;;
      *) shift ;;
    esac
  done
  rm -rf "$work/raw"
  expect 0 "$hif4" export "$vec" --format raw --out "$work/raw"
  expect 0 "$hif4" quantize "${quantize_args[@]}" --in "$work/raw/inputs.bf16" --out "$work/model.hif4"
  # The model agrees with the GPU's file.
  expect 0 "$hif4" verify --vectors "$vec" --dut "$work/model.hif4" --dut-format raw
  # shellcheck disable=SC2086
  expect 0 "$hif4" gen $args --out "$work/regen.hif4v"
  # Byte-identical regeneration also holds while the suites are unchanged; a changed generator
  # (new suite contents) is not a GPU fault, so it is reported, not failed: step 1 is the check.
  cmp -s "$vec" "$work/regen.hif4v" ||
    echo "note: hif4 gen now makes different bytes for $file (the suites changed since it was made on the GPU); regenerate with scripts/gpu_check.sh"
  # One flipped bit (block 5, payload byte 10) must be reported.
  python_free_flip() {  # flip bit 2 of the byte at offset $2 of file $1
    local off=$2 byte
    byte=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 4)))" | dd of="$1" bs=1 seek="$off" conv=notrunc status=none
  }
  cp "$work/model.hif4" "$work/bad.hif4"
  python_free_flip "$work/bad.hif4" $((5 * 36 + 4 + 10))
  expect 1 "$hif4" verify --vectors "$vec" --dut "$work/bad.hif4" --dut-format raw
  contains "$work/out" "1 failed"
  files=$((files + 1))
done <"$dir/manifest.txt"
[ $files -ge 4 ] || fail "only $files GPU vector files"
pass "$files GPU-generated vector files match the model; a flipped bit is caught"
finish
