#!/usr/bin/env bash
# Output errors of the command line: a file-size limit (EFBIG), a full disk (ENOSPC)
# and unwritable paths must each give exit 2, a message naming the output and the system's
# reason, and leave no partial file (nor a temporary one), with an existing target untouched.
# Inputs that are not regular files (a FIFO with no writer) must be refused, not waited on.
#   bash test_output_errors.sh /path/to/hif4
set -uo pipefail
hif4=$1
dir=$(mktemp -d)
mnt=""
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_error WHAT DIR PATTERN -- COMMAND...: exit 2, stderr matching PATTERN, no temporary
# file or folder left in DIR.
expect_error() {
  local what=$1 where=$2 pattern=$3
  shift 4
  local rc=0
  "$@" >"$dir/stdout" 2>"$dir/stderr" || rc=$?
  if [ $rc -ne 2 ]; then
    fail "$what: exit $rc, expected 2 ($(head -c 300 "$dir/stderr"))"
  elif ! grep -Eq "$pattern" "$dir/stderr"; then
    fail "$what: message '$(cat "$dir/stderr")' does not match /$pattern/"
  elif ls -A "$where" | grep -q '\.tmp'; then
    fail "$what: temporary output left behind: $(ls -A "$where" | grep '\.tmp')"
  else
    echo "ok: $what: $(head -1 "$dir/stderr")"
  fi
}

# 4096 blocks of BF16 input (512 KiB): the packed output is 147456 bytes.
head -c 524288 /dev/urandom >"$dir/in.bf16"
"$hif4" gen --profile seed --suite tiny --count 600 --out "$dir/ok.hif4v" >/dev/null ||
  fail "gen of a good vector file failed"

# --- EFBIG: a file-size limit of 64 KiB (ulimit -f counts 1 KiB blocks) --------------------
mkdir "$dir/efbig"
printf 'old contents\n' >"$dir/efbig/out.bin"
expect_error "quantize over ulimit -f" "$dir/efbig" "cannot write output '.*out.bin'.*(too large|File too large)" -- \
  bash -c 'ulimit -f 64; exec "$0" quantize --profile seed --in "$1" --out "$2"' "$hif4" "$dir/in.bf16" "$dir/efbig/out.bin"
[ "$(cat "$dir/efbig/out.bin")" = "old contents" ] || fail "quantize over ulimit -f: the existing output was changed"
expect_error "gen over ulimit -f" "$dir/efbig" "cannot write output '.*big.hif4v'" -- \
  bash -c 'ulimit -f 64; exec "$0" gen --profile seed --suite tiny --count 2000 --out "$1"' "$hif4" "$dir/efbig/big.hif4v"
[ ! -e "$dir/efbig/big.hif4v" ] || fail "gen over ulimit -f: a partial big.hif4v exists"
if command -v python3 >/dev/null; then
  # A 256 KiB BF16 checkpoint; its converted form does not fit in 64 KiB files.
  python3 - "$dir/ckpt.safetensors" <<'PY'
import json, struct, sys
data = bytes(range(256)) * 1024
head = json.dumps({"layer.weight": {"dtype": "BF16", "shape": [512, 256], "data_offsets": [0, len(data)]}}).encode()
head += b" " * (-len(head) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(head)) + head + data)
PY
  mkdir "$dir/conv"
  expect_error "convert over ulimit -f" "$dir/conv" "cannot write output '$dir/conv/out/model.safetensors'" -- \
    bash -c 'ulimit -f 64; exec "$0" convert --in "$1" --out "$2"' "$hif4" "$dir/ckpt.safetensors" "$dir/conv/out"
  [ -z "$(ls -A "$dir/conv")" ] || fail "convert over ulimit -f left: $(ls -A "$dir/conv")"
else
  echo "skip: convert over ulimit -f (no python3 to write a checkpoint)"
fi

# --- ENOSPC: a 64 KiB tmpfs (needs root and mount; skipped otherwise) ----------------------
mkdir "$dir/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k hif4-hardening "$dir/full" 2>/dev/null; then
  mnt=$dir/full
  expect_error "quantize onto a full disk" "$dir/full" "cannot write output '.*out.bin'.*No space left" -- \
    "$hif4" quantize --profile seed --in "$dir/in.bf16" --out "$dir/full/out.bin"
  [ -z "$(ls -A "$dir/full")" ] || fail "quantize onto a full disk left: $(ls -A "$dir/full")"
  expect_error "export onto a full disk" "$dir/full" "No space left|cannot" -- \
    "$hif4" export "$dir/ok.hif4v" --format readmemh --out "$dir/full/vec"
  [ -z "$(ls -A "$dir/full")" ] || fail "export onto a full disk left: $(ls -A "$dir/full")"
else
  echo "skip: full disk (ENOSPC) needs root and a tmpfs mount; the EFBIG cases cover the same write-error path"
fi

# --- unwritable paths ----------------------------------------------------------------------
printf 'a file\n' >"$dir/plain"
expect_error "output under a regular file (ENOTDIR)" "$dir" "cannot create output '.*plain/out.bin'.*Not a directory" -- \
  "$hif4" quantize --profile seed --in "$dir/in.bf16" --out "$dir/plain/out.bin"
expect_error "output into /proc (not creatable even for root)" "$dir" "cannot create output '/proc/hif4-hardening-out'" -- \
  "$hif4" quantize --profile seed --in "$dir/in.bf16" --out /proc/hif4-hardening-out
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$dir/ro" && chmod 500 "$dir/ro"
  expect_error "output into a read-only folder (EACCES)" "$dir/ro" "cannot create output .*Permission denied" -- \
    "$hif4" quantize --profile seed --in "$dir/in.bf16" --out "$dir/ro/out.bin"
  chmod 700 "$dir/ro"
else
  echo "skip: read-only folder (EACCES): running as root, which ignores file modes (ENOTDIR and /proc cover creation failures)"
fi
mkdir "$dir/isdir"
expect_error "output that is a folder" "$dir" "is a directory" -- \
  "$hif4" quantize --profile seed --in "$dir/in.bf16" --out "$dir/isdir"

# --- inputs that are not files: a FIFO nobody writes to -------------------------------------
mkfifo "$dir/fifo"
expect_error "quantize --in FIFO" "$dir" "not a regular file" -- \
  timeout -k 5 20 "$hif4" quantize --profile seed --in "$dir/fifo" --out "$dir/never.bin"
expect_error "verify --vectors FIFO" "$dir" "not a regular file" -- \
  timeout -k 5 20 "$hif4" verify --vectors "$dir/fifo" --dut "$dir/in.bf16"
expect_error "convert --in FIFO" "$dir" "not a regular file" -- \
  timeout -k 5 20 "$hif4" convert --in "$dir/fifo" --out "$dir/never"
mkfifo "$dir/model.safetensors.index.json"
expect_error "convert --in FIFO index" "$dir" "not a regular file" -- \
  timeout -k 5 20 "$hif4" convert --in "$dir/model.safetensors.index.json" --out "$dir/never"

if [ $failures -ne 0 ]; then
  echo "$failures output/input error case(s) failed"
  exit 1
fi
echo "all output/input error cases passed"
