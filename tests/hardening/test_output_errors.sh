#!/usr/bin/env bash
# Output errors of the command line: a file-size limit (EFBIG), a full disk (ENOSPC)
# and unwritable paths must each give exit 2, a message naming the output and the system's
# reason, and leave no partial file (nor a temporary one), with an existing target untouched.
# Inputs that are not regular files (a FIFO with no writer) must be refused, not waited on.
#   bash test_output_errors.sh /path/to/hif4
set -uo pipefail
source "$(dirname "$0")/../support/lib.sh"
hif4=$1
mnt=""
on_exit() { if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null; fi; }

# 4096 blocks of BF16 input (512 KiB): the packed output is 147456 bytes.
head -c 524288 /dev/urandom >"$work/in.bf16"
"$hif4" gen --profile seed --suite tiny --count 600 --out "$work/ok.hif4v" >/dev/null ||
  fail "gen of a good vector file failed"

# --- EFBIG: a file-size limit of 64 KiB (ulimit -f counts 1 KiB blocks) --------------------
mkdir "$work/efbig"
printf 'old contents\n' >"$work/efbig/out.bin"
expect_error "quantize over ulimit -f" "cannot write output '.*out.bin'.*(too large|File too large)" -- \
  bash -c 'ulimit -f 64; exec "$0" quantize --profile seed --in "$1" --out "$2"' "$hif4" "$work/in.bf16" "$work/efbig/out.bin"
[ "$(cat "$work/efbig/out.bin")" = "old contents" ] || fail "quantize over ulimit -f: the existing output was changed"
expect_error "gen over ulimit -f" "cannot write output '.*big.hif4v'" -- \
  bash -c 'ulimit -f 64; exec "$0" gen --profile seed --suite tiny --count 2000 --out "$1"' "$hif4" "$work/efbig/big.hif4v"
[ ! -e "$work/efbig/big.hif4v" ] || fail "gen over ulimit -f: a partial big.hif4v exists"
if command -v python3 >/dev/null; then
  # A 256 KiB BF16 checkpoint; its converted form does not fit in 64 KiB files.
  python3 - "$work/ckpt.safetensors" <<'PY'
import json, struct, sys
data = bytes(range(256)) * 1024
head = json.dumps({"layer.weight": {"dtype": "BF16", "shape": [512, 256], "data_offsets": [0, len(data)]}}).encode()
head += b" " * (-len(head) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(head)) + head + data)
PY
  mkdir "$work/conv"
  expect_error "convert over ulimit -f" "cannot write output '$work/conv/out/model.safetensors'" -- \
    bash -c 'ulimit -f 64; exec "$0" convert --in "$1" --out "$2"' "$hif4" "$work/ckpt.safetensors" "$work/conv/out"
  [ -z "$(ls -A "$work/conv")" ] || fail "convert over ulimit -f left: $(ls -A "$work/conv")"
else
  echo "skip: convert over ulimit -f (no python3 to write a checkpoint)"
fi

# --- ENOSPC: a 64 KiB tmpfs (needs root and mount; skipped otherwise) ----------------------
mkdir "$work/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k hif4-hardening "$work/full" 2>/dev/null; then
  mnt=$work/full
  expect_error "quantize onto a full disk" "cannot write output '.*out.bin'.*No space left" -- \
    "$hif4" quantize --profile seed --in "$work/in.bf16" --out "$work/full/out.bin"
  [ -z "$(ls -A "$work/full")" ] || fail "quantize onto a full disk left: $(ls -A "$work/full")"
  expect_error "export onto a full disk" "No space left|cannot" -- \
    "$hif4" export "$work/ok.hif4v" --format readmemh --out "$work/full/vec"
  [ -z "$(ls -A "$work/full")" ] || fail "export onto a full disk left: $(ls -A "$work/full")"
else
  echo "skip: full disk (ENOSPC) needs root and a tmpfs mount; the EFBIG cases cover the same write-error path"
fi

# --- unwritable paths ----------------------------------------------------------------------
printf 'a file\n' >"$work/plain"
expect_error "output under a regular file (ENOTDIR)" "cannot create output '.*plain/out.bin'.*Not a directory" -- \
  "$hif4" quantize --profile seed --in "$work/in.bf16" --out "$work/plain/out.bin"
expect_error "output into /proc (not creatable even for root)" "cannot create output '/proc/hif4-hardening-out'" -- \
  "$hif4" quantize --profile seed --in "$work/in.bf16" --out /proc/hif4-hardening-out
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$work/ro" && chmod 500 "$work/ro"
  expect_error "output into a read-only folder (EACCES)" "cannot create output .*Permission denied" -- \
    "$hif4" quantize --profile seed --in "$work/in.bf16" --out "$work/ro/out.bin"
  chmod 700 "$work/ro"
else
  echo "skip: read-only folder (EACCES): running as root, which ignores file modes (ENOTDIR and /proc cover creation failures)"
fi
mkdir "$work/isdir"
expect_error "output that is a folder" "is a directory" -- \
  "$hif4" quantize --profile seed --in "$work/in.bf16" --out "$work/isdir"

# --- inputs that are not files: a FIFO nobody writes to -------------------------------------
mkfifo "$work/fifo"
expect_error "quantize --in FIFO" "not a regular file" -- \
  timeout -k 5 20 "$hif4" quantize --profile seed --in "$work/fifo" --out "$work/never.bin"
expect_error "verify --vectors FIFO" "not a regular file" -- \
  timeout -k 5 20 "$hif4" verify --vectors "$work/fifo" --dut "$work/in.bf16"
expect_error "convert --in FIFO" "not a regular file" -- \
  timeout -k 5 20 "$hif4" convert --in "$work/fifo" --out "$work/never"
mkfifo "$work/model.safetensors.index.json"
expect_error "convert --in FIFO index" "not a regular file" -- \
  timeout -k 5 20 "$hif4" convert --in "$work/model.safetensors.index.json" --out "$work/never"

finish
