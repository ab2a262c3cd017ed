#!/usr/bin/env bash
# Outputs that never destroy anything, pipes, signals, numbers and memory bounds: one case per
# row of docs/hardening.md ("Outputs, signals, numbers and memory"). Each case fails against a
# hif4 without its fix and passes with it.
#   bash test_output_safety.sh /path/to/hif4 CASE      (CASE: see the list at the bottom)
set -uo pipefail
hif4=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
case_name=$2
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL ($case_name): $*"; failures=$((failures + 1)); }
# run STATUS CMD...: the exit status must be STATUS; stdout in out, stderr in err.
run() {
  local want=$1; shift
  "$@" >out 2>err
  local got=$?
  [ "$got" -eq "$want" ] || fail "exit $got (want $want): $* -- $(head -c 400 err)"
}
# no_temporaries [DIR]: no NAME.tmp.* file or folder left.
no_temporaries() {
  local left
  left=$(find "${1:-.}" -name '*.tmp.*' 2>/dev/null | head -3)
  [ -z "$left" ] || fail "temporaries left behind: $left"
}
# wait_for_temp PID: until the process has created its temporary output (or ended).
wait_for_temp() {
  for _ in $(seq 1 200); do
    [ -n "$(find . -name '*.tmp.*' 2>/dev/null | head -1)" ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# limited KB CMD...: CMD in an address space of KB kibibytes. Under AddressSanitizer (its
# shadow memory needs terabytes of address space) the limit cannot apply: CMD runs unlimited,
# so its result is still checked, and the memory bound by the normal build's run.
limited() {
  local kb=$1; shift
  if [ -n "${ASAN_OPTIONS:-}" ]; then "$@"; else (ulimit -v "$kb" && exec "$@"); fi
}

head -c 524288 /dev/urandom >in.bf16   # 4096 blocks of random BF16 bit patterns
small() { head -c 8192 /dev/urandom >"$1"; }

case "$case_name" in

not_regular)  # an --out that exists and is not a regular file is refused, and left as it was
  mkfifo fifo
  run 2 "$hif4" quantize --profile seed --in in.bf16 --out fifo
  [ -p fifo ] || fail "the FIFO was replaced"
  grep -q "is a FIFO" err || fail "message: $(cat err)"
  ln -s /dev/null to_null
  run 2 "$hif4" quantize --profile seed --in in.bf16 --out to_null
  [ -L to_null ] && [ -c /dev/null ] || fail "the link to /dev/null or /dev/null itself was replaced"
  grep -q "character device" err || fail "message: $(cat err)"
  $python -c "import socket; socket.socket(socket.AF_UNIX).bind('sock')"
  run 2 "$hif4" gen --profile seed --count 10 --out sock
  [ -S sock ] || fail "the socket was replaced"
  if [ "$(id -u)" -eq 0 ] && mknod chardev c 1 3 2>/dev/null; then
    run 2 "$hif4" dequantize --in in.bf16 --out chardev
    [ -c chardev ] || fail "the device node was replaced"
  fi
  mkdir folder
  run 2 "$hif4" quantize --profile seed --in in.bf16 --out folder
  grep -q "is a directory" err || fail "message: $(cat err)"
  no_temporaries ;;

symlink)  # a symbolic link as --out: the file it names is written, the link stays
  "$hif4" quantize --profile seed --in in.bf16 --out direct.hif4 >/dev/null
  mkdir sub links
  ln -s sub/real.hif4 link.hif4               # relative to the link's folder
  ln -s ../sub/other.hif4 links/up.hif4       # the same, from a folder below
  ln -s links/up.hif4 chain.hif4              # a link to a link
  for out in link.hif4 links/up.hif4 chain.hif4; do
    run 0 "$hif4" quantize --profile seed --in in.bf16 --out $out
    [ -L $out ] || fail "the symbolic link $out was replaced by a file"
  done
  cmp -s sub/real.hif4 direct.hif4 && cmp -s sub/other.hif4 direct.hif4 ||
    fail "a link's target does not hold the output"
  no_temporaries ;;

same_as_input)  # an output that is also an input (same path, hard link, symbolic link) is refused
  cp in.bf16 keep.bf16
  ln in.bf16 hard.bf16
  ln -s in.bf16 soft.bf16
  for out in in.bf16 hard.bf16 soft.bf16 ./in.bf16; do
    run 2 "$hif4" quantize --profile seed --in in.bf16 --out "$out"
    grep -q "same file as the input" err || fail "quantize --out $out: $(cat err)"
  done
  "$hif4" quantize --profile seed --in in.bf16 --out q.hif4 >/dev/null
  cp q.hif4 q.keep
  run 2 "$hif4" dequantize --in q.hif4 --out q.hif4
  run 2 "$hif4" compare --study file --input in.bf16 --csv in.bf16
  cmp -s in.bf16 keep.bf16 && cmp -s q.hif4 q.keep || fail "an input was changed"
  mkdir vec && "$hif4" gen --profile seed --count 20 --out vec/v.hif4v >/dev/null
  run 2 "$hif4" export vec/v.hif4v --format readmemh --out vec
  [ "$(ls vec)" = v.hif4v ] || fail "export into the vector file's folder changed it: $(ls vec)"
  no_temporaries ;;

export_whole)  # export: a folder appears whole or not at all; an existing folder stays as it was
  "$hif4" gen --profile seed --suite random --count 300 --out v.hif4v >/dev/null
  run 0 "$hif4" export v.hif4v --format readmemh --out ex
  cp -r ex ex.before
  # Fails part way: the disk fills up (a 256 KiB tmpfs; root only) while writing the new files.
  if [ "$(id -u)" -eq 0 ] && mkdir tiny && mount -t tmpfs -o size=256k hif4-safety tiny 2>/dev/null; then
    trap 'umount "$dir/tiny" 2>/dev/null; rm -rf "$dir"' EXIT
    cp -r ex tiny/ex 2>/dev/null || true
    if [ -d tiny/ex ] && diff -r ex tiny/ex >/dev/null; then
      cp -r tiny/ex tiny.before
      run 2 "$hif4" export v.hif4v --format jsonl --out tiny/ex
      diff -r tiny.before tiny/ex >/dev/null || fail "a failed export changed the existing folder"
      run 2 "$hif4" export v.hif4v --format jsonl --out tiny/new
      [ ! -e tiny/new ] || fail "a failed export left a new folder: $(ls tiny/new)"
      no_temporaries tiny
    else
      echo "skip: the export does not fit the small tmpfs to start with"
    fi
  else
    echo "skip: disk full during export needs root and a tmpfs mount"
  fi
  # A replaced export folder holds exactly the new format's files.
  run 0 "$hif4" export v.hif4v --format raw --out ex
  [ "$(ls ex | tr '\n' ' ')" = "expected.hif4 header.txt inputs.bf16 " ] || fail "replaced folder holds: $(ls ex)"
  # A folder with anything else in it is refused and left alone.
  echo mine >ex.before/notes.txt
  run 2 "$hif4" export v.hif4v --format raw --out ex.before
  [ -f ex.before/notes.txt ] && [ -f ex.before/inputs.hex ] || fail "a folder with a user's file was changed"
  no_temporaries ;;

signals)  # SIGINT, SIGTERM, SIGHUP: temporaries removed, exit status 128 + signal
  "$hif4" gen --profile seed --count 20 --out v.hif4v >/dev/null
  for sig in INT TERM HUP; do
    num=$(kill -l "$sig")
    # gen: a large file, stopped part way.
    "$hif4" gen --profile seed --suite random --count 100000000 --out big.hif4v >/dev/null 2>&1 &
    pid=$!
    wait_for_temp $pid || fail "gen made no temporary before the signal"
    kill -s "$sig" $pid
    wait $pid
    rc=$?
    [ $rc -eq $((128 + num)) ] || fail "gen after SIG$sig: exit $rc (want $((128 + num)))"
    [ ! -e big.hif4v ] || fail "gen after SIG$sig left big.hif4v"
    no_temporaries
    # quantize and dequantize: reading a FIFO this script holds open, so the work is in progress.
    for cmd in quantize dequantize; do
      args=(--profile seed)
      [ $cmd = dequantize ] && args=()
      rm -f feed && mkfifo feed
      "$hif4" $cmd "${args[@]}" --in - --out part.bin <feed &
      pid=$!
      exec 3>feed
      head -c 36864 in.bf16 >&3
      wait_for_temp $pid || fail "$cmd made no temporary before the signal"
      kill -s "$sig" $pid
      wait $pid
      rc=$?
      exec 3>&-
      [ $rc -eq $((128 + num)) ] || fail "$cmd after SIG$sig: exit $rc (want $((128 + num)))"
      [ ! -e part.bin ] || fail "$cmd after SIG$sig left part.bin"
      no_temporaries
    done
  done
  # export and convert: folder outputs.
  "$hif4" gen --profile seed --suite random --count 3000000 --out big.hif4v >/dev/null
  $python - <<'PY'
import json, struct
n = 4096 * 2048
head = json.dumps({"layer.weight": {"dtype": "BF16", "shape": [4096, 2048], "data_offsets": [0, 2 * n]}}).encode()
head += b" " * (-len(head) % 8)
with open("ckpt.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(head)) + head)
    f.write(bytes(range(256)) * (2 * n // 256))
PY
  for cmd in "export big.hif4v --format jsonl --out folder" "convert --in ckpt.safetensors --out folder --report"; do
    # shellcheck disable=SC2086
    "$hif4" $cmd >/dev/null 2>&1 &
    pid=$!
    wait_for_temp $pid || fail "'$cmd' made no staging folder before the signal"
    kill -s HUP $pid
    wait $pid
    rc=$?
    [ $rc -eq 129 ] || fail "'$cmd' after SIGHUP: exit $rc (want 129)"
    [ ! -e folder ] || fail "'$cmd' after SIGHUP left its folder"
    no_temporaries
  done ;;

row_length_overflow)  # a row length near 2^64 is an error, not SIGFPE; convert leaves nothing
  "$hif4" quantize --profile seed --in in.bf16 --out q.hif4 >/dev/null
  run 2 "$hif4" dequantize --row-length 18446744073709551615 --in q.hif4 --out x.f32
  run 2 "$hif4" quantize --profile seed --row-length 18446744073709551615 --in in.bf16 --out y.hif4
  $python - <<'PY'
import json, os, struct
os.mkdir("packed")
tensors = {"w.e6m2": [1, 0], "w.e1_8_packed": [1, 0, 1], "w.e1_16_packed": [1, 0, 2], "w.s1p2_packed": [1, 0, 32]}
head = {k: {"dtype": "U8", "shape": v, "data_offsets": [0, 0]} for k, v in tensors.items()}
head["__metadata__"] = {"format": "pt", "quantization": "HiF4"}
text = json.dumps(head).encode()
text += b" " * (-len(text) % 8)
open("packed/model.safetensors", "wb").write(struct.pack("<Q", len(text)) + text)
json.dump({"format": "HiF4", "converted": {"w.weight": {"shape": [1, 2**64 - 1]}}}, open("packed/hif4_config.json", "w"))
PY
  run 2 "$hif4" convert --dequantize --in packed --out plain
  [ ! -e plain ] || fail "convert --dequantize left its output"
  no_temporaries ;;

threads_unavailable)  # threads that cannot start: the work runs on fewer, same bytes, exit 0
  if [ "$(nproc)" -lt 2 ]; then echo "skip: one hardware thread, nothing to start"; exit 0; fi
  shim=${HIF4_NO_THREADS_LIB:?set HIF4_NO_THREADS_LIB to the pthread_create shim (CTest does)}
  "$hif4" quantize --profile seed --in in.bf16 --out one.hif4 >/dev/null
  run 0 env LD_PRELOAD="$shim" "$hif4" quantize --profile seed --threads 2 --in in.bf16 --out two.hif4
  cmp -s one.hif4 two.hif4 || fail "--threads 2 without threads gave other bytes"
  "$hif4" gen --profile seed --count 3000 --out g1.hif4v >/dev/null
  run 0 env LD_PRELOAD="$shim" "$hif4" gen --profile seed --threads 2 --count 3000 --out g2.hif4v
  cmp -s g1.hif4v g2.hif4v || fail "gen --threads 2 without threads gave other bytes"
  no_temporaries ;;

count_bounds)  # a record count that would wrap, or a huge one: refused or failed fast, bounded memory
  run 2 timeout 10 "$hif4" gen --profile seed --count 2049638230412172402 --out g.hif4v
  grep -q "too many records" err || fail "message: $(cat err)"
  # 2^40 records of one suite is 189 TB: the up-front allocation fails at once, in little memory.
  run 2 limited 400000 timeout 20 "$hif4" gen --profile seed --suite random --count 1099511627776 --out g.hif4v
  [ ! -e g.hif4v ] || fail "a failed gen left its output"
  no_temporaries ;;

memory_bounds)  # memory does not grow with --threads, --row-length or a tensor's row length
  small s.bf16
  run 0 limited 400000 "$hif4" quantize --profile seed --threads 1024 --in s.bf16 --out s.hif4
  run 0 limited 400000 "$hif4" gen --profile seed --threads 1024 --count 50 --out g.hif4v
  # One row of 2^25 values (64 MB): 200 MB of address space is not enough to hold it twice.
  head -c 67108864 /dev/urandom >row.bf16
  run 0 limited 200000 "$hif4" quantize --profile seed --row-length 33554432 --in row.bf16 --out row.hif4
  run 0 limited 200000 "$hif4" dequantize --row-length 33554432 --in row.hif4 --out row.f32
  [ "$(stat -c %s row.f32)" -eq 134217728 ] || fail "dequantize of one long row: $(stat -c %s row.f32) bytes"
  $python - <<'PY'
import json, struct
n = 1 << 25
head = json.dumps({"big.weight": {"dtype": "BF16", "shape": [1, n], "data_offsets": [0, 2 * n]}}).encode()
head += b" " * (-len(head) % 8)
with open("wide.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(head)) + head)
    f.write(open("row.bf16", "rb").read())
PY
  rm row.f32
  run 0 limited 300000 "$hif4" convert --in wide.safetensors --out wide
  run 0 limited 300000 "$hif4" convert --dequantize --in wide --out back
  no_temporaries ;;

damaged_vectors)  # cosim on a damaged vector file: exit 2 with the file's damage named
  if [ ! -x "$(dirname "$hif4")/hif4-cosim" ]; then echo "skip: hif4-cosim not built"; exit 0; fi
  "$hif4" gen --profile seed --suite random --count 9000 --out v.hif4v >/dev/null
  size=$(stat -c %s v.hif4v)
  printf '\x5a' | dd of=v.hif4v bs=1 seek=$((size - 100)) conv=notrunc status=none
  run 2 "$hif4" cosim --vectors v.hif4v
  grep -q "CRC" err || fail "message does not name the damage: $(cat err)"
  grep -qi "systemc" err && fail "SystemC's internal error text reached the user: $(cat err)" ;;

stray_arguments)  # words that are not options are refused by every command
  "$hif4" gen --profile seed --count 5 --out v.hif4v >/dev/null
  "$hif4" quantize --profile seed --in in.bf16 --out q.hif4 >/dev/null
  run 2 "$hif4" quantize --profile seed --in in.bf16 --out o.hif4 extra junk
  [ ! -e o.hif4 ] || fail "quantize with stray arguments wrote its output"
  run 2 "$hif4" dequantize --in q.hif4 --out o.f32 extra
  run 2 "$hif4" gen --profile seed --count 5 --out o.hif4v extra
  run 2 "$hif4" verify --vectors v.hif4v --dut q.hif4 extra
  run 2 "$hif4" explain --profile seed --values 1 extra
  run 2 "$hif4" profiles extra
  run 2 "$hif4" regress extra
  grep -q "unexpected argument 'extra'" err || fail "message: $(cat err)"
  run 2 "$hif4" coverage v.hif4v v.hif4v extra
  no_temporaries ;;

numbers)  # decimal (leading zeros too) or 0x; overflow says so
  run 0 "$hif4" gen --profile seed --suite random --count 010 --out a.hif4v
  grep -q "wrote 10 records" out || fail "--count 010: $(cat out)"
  run 0 "$hif4" gen --profile seed --suite random --count 0x10 --out b.hif4v
  grep -q "wrote 16 records" out || fail "--count 0x10: $(cat out)"
  run 2 "$hif4" gen --profile seed --count 18446744073709551616 --out c.hif4v
  grep -q "larger than the largest value" err || fail "overflow message: $(cat err)"
  for bad in 1e3 -1 " 5" 5x 0x ""; do
    run 2 "$hif4" gen --profile seed --count "$bad" --out c.hif4v
    grep -q "not a non-negative integer" err || fail "--count '$bad': $(cat err)"
  done ;;

escaping)  # names from files cannot inject JSON fields or terminal escape sequences
  "$hif4" gen --profile seed --count 5 --out v.hif4v >/dev/null
  $python "$here/hif4v_edit.py" v.hif4v evil.hif4v --suite-name 0 'x","inject":"1'
  run 0 "$hif4" export evil.hif4v --format jsonl --out ex
  $python - <<'PY' || fail "blocks.jsonl is not valid JSON lines, or a field was injected"
import json
records = [json.loads(line) for line in open("ex/blocks.jsonl")]
assert all("inject" not in r for r in records)
assert records[0]["suite"] == 'x","inject":"1', records[0]["suite"]
PY
  $python - <<'PY'
import json, struct
name = "evil\x1b[31m\x1b]0;pwned\x07.weight"
head = json.dumps({name: {"dtype": "BF16", "shape": [2, 64], "data_offsets": [0, 256]}}).encode()
head += b" " * (-len(head) % 8)
open("esc.safetensors", "wb").write(struct.pack("<Q", len(head)) + head + bytes(256))
PY
  run 0 "$hif4" convert --in esc.safetensors --out conv --report
  if grep -q $'\x1b' out err; then fail "an escape sequence from a tensor name reached the terminal"; fi
  grep -q 'evil\\x1B\[31m' out || fail "the tensor name is not shown escaped: $(cat out)" ;;

small_defects)  # long names, an empty --out, a trailing slash, kept permissions, empty checks
  small s.bf16
  long=$(printf 'n%.0s' $(seq 1 250))
  run 0 "$hif4" quantize --profile seed --in s.bf16 --out "$long"
  [ -f "$long" ] || fail "a 250-character --out was not written"
  # --out '' is refused before any work: 10^8 records would take minutes.
  run 2 timeout 5 "$hif4" gen --profile seed --suite random --count 100000000 --out ''
  grep -q "output path is empty" err || fail "--out '': $(cat err)"
  $python - <<'PY'
import json, struct
head = json.dumps({"l.weight": {"dtype": "BF16", "shape": [2, 64], "data_offsets": [0, 256]}}).encode()
head += b" " * (-len(head) % 8)
open("c.safetensors", "wb").write(struct.pack("<Q", len(head)) + head + bytes(256))
PY
  run 0 "$hif4" convert --in c.safetensors --out new/
  [ -f new/model.safetensors ] || fail "convert --out new/ did not write new/"
  run 2 "$hif4" convert --dequantize --in c.safetensors --out plain
  grep -q "nothing to dequantize" err || fail "convert --dequantize of nothing packed: $(cat err)"
  [ ! -e plain ] || fail "convert --dequantize of nothing packed left its output"
  "$hif4" quantize --profile seed --in s.bf16 --out m.hif4 >/dev/null
  chmod 0600 m.hif4
  run 0 "$hif4" quantize --profile gcc --in s.bf16 --out m.hif4
  [ "$(stat -c %a m.hif4)" = 600 ] || fail "the replaced output's mode is $(stat -c %a m.hif4), not 600"
  "$hif4" gen --profile seed --count 5 --out v.hif4v >/dev/null
  $python "$here/hif4v_edit.py" v.hif4v empty.hif4v --empty
  run 2 "$hif4" verify --vectors empty.hif4v --dut s.bf16
  grep -q "no records" err || fail "verify of an empty vector file: $(cat err)"
  no_temporaries ;;

pipes)  # '-' as standard input and output, end to end, in bounded memory
  "$hif4" quantize --profile seed --in in.bf16 --out q.hif4 >/dev/null
  "$hif4" dequantize --in q.hif4 --out y.f32 >/dev/null
  cat in.bf16 | "$hif4" quantize --profile seed --in - --out - | "$hif4" dequantize --in - --out piped.f32
  cmp -s y.f32 piped.f32 || fail "quantize | dequantize through pipes differs from files"
  head -c 67108864 /dev/zero | limited 200000 "$hif4" quantize --profile seed --in - --out - | wc -c >out
  [ "${PIPESTATUS[1]}" -eq 0 ] || fail "quantize of a 64 MB stream in 200 MB failed"
  [ "$(tr -d ' ' <out)" = 18874368 ] || fail "a 64 MB stream gave $(cat out) bytes"
  "$hif4" gen --profile seed --count 50 --out - >g.hif4v 2>gen.err
  "$hif4" gen --profile seed --count 50 --out f.hif4v >/dev/null
  cmp -s g.hif4v f.hif4v || fail "gen --out - differs from gen --out FILE"
  "$hif4" export f.hif4v --format raw --out ex >/dev/null
  cat ex/expected.hif4 | run 0 "$hif4" verify --vectors f.hif4v --dut - --dut-format raw
  head -c 100 ex/expected.hif4 | run 2 "$hif4" verify --vectors f.hif4v --dut - --dut-format raw
  "$hif4" compare --study gaussian --rows 16 --csv - >csv.out 2>table.err
  head -1 csv.out | grep -q "study" || fail "compare --csv - did not put the CSV on standard output"
  grep -q "|" table.err || fail "compare --csv - did not move the table to standard error"
  # A truncated stream is an error naming standard input.
  head -c 1000 in.bf16 | run 2 "$hif4" quantize --profile seed --in - --out t.hif4
  grep -q "standard input" err || fail "message: $(cat err)"
  [ ! -e t.hif4 ] || fail "a failed stream left its output"
  no_temporaries ;;

*)
  echo "unknown case '$case_name'"
  exit 2 ;;
esac

if [ $failures -ne 0 ]; then
  echo "$case_name: $failures check(s) failed"
  exit 1
fi
echo "$case_name: passed"
