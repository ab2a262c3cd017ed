#!/usr/bin/env bash
# The one command for a GPU machine (needs only CUDA, CMake, a C++17 compiler and bash):
#   scripts/gpu_check.sh [OUTDIR] [hif4_gpu_check options...]
# 1. builds the model, the CUDA golden and hif4_gpu_check (tests, benches, RTL, SystemC off);
# 2. hif4_gpu_check: GPU vs model bit for bit on >= 10^8 random blocks per profile, a
#    stochastic configuration and every knob combination, a fault-injection self-test, and the
#    benchmark on 1 GiB of BF16 against cudaMemcpy device-to-device (report: OUTDIR/gpu_check.md);
# 3. builds the `hif4` command line and checks `hif4 quantize --backend cuda` against
#    `--backend model` on every seed suite under every profile;
# 4. level-1 vector suites: when `hif4 gen` exists, every level-1 suite of every profile through
#    `hif4 gen --backend cuda` (if it has the option) or through `hif4 export --format raw` and
#    `hif4 quantize --backend cuda`, compared with the model; small GPU-generated files go to
#    OUTDIR/gpu_vectors.tar (committed as tests/data/gpu/);
# 5. sharded `hif4 gen --backend cuda`, merged, against the unsharded model file;
# 6. file to file: 1 GiB through `hif4 quantize` with each backend, beside reading the input and
#    writing the output alone (OUTDIR/file_to_file.md);
# 7. where python3 has torch with a usable GPU: the Python package built against it, and
#    hif4.torch's CUDA-tensor cases of tests/python/test_torch.py.
# Exit 0 only when every comparison ran and matched.
#
# The command line may need header-only libraries a GPU machine lacks (nlohmann-json, Boost.CRC):
# `scripts/gpu_check.sh --bundle-headers` copies them here into .gpu-deps/include (ignored by
# git; copy it to the GPU machine with the checkout), and the build then uses them.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$root/.gpu-deps/include

if [ "${1:-}" = "--bundle-headers" ]; then
  mkdir -p "$bundle"
  cp -r /usr/include/nlohmann "$bundle/"
  printf '#include <boost/crc.hpp>\n' | g++ -std=c++17 -M -x c++ - | tr ' \\' '\n\n' |
    grep '^/usr/include/boost/' | sort -u | while read -r h; do
      mkdir -p "$bundle/$(dirname "${h#/usr/include/}")"
      cp "$h" "$bundle/${h#/usr/include/}"
    done
  # pybind11 (headers and CMake files, relocatable) for the Python package's CUDA check.
  if [ -d /usr/include/pybind11 ] && [ -d /usr/lib/cmake/pybind11 ]; then
    mkdir -p "$root/.gpu-deps/pybind11/include" "$root/.gpu-deps/pybind11/lib/cmake"
    cp -r /usr/include/pybind11 "$root/.gpu-deps/pybind11/include/"
    cp -r /usr/lib/cmake/pybind11 "$root/.gpu-deps/pybind11/lib/cmake/"
  fi
  grep -qx '/.gpu-deps/' "$root/.git/info/exclude" 2>/dev/null || echo '/.gpu-deps/' >>"$root/.git/info/exclude"
  echo "bundled $(find "$bundle" -type f | wc -l) headers into $bundle"
  exit 0
fi

out=${1:-${OUT:-$root/build-gpu/out}}
[ $# -gt 0 ] && shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=$root/build-gpu
work=$build/work
mkdir -p "$work"
jobs=$(nproc)
status=0
note() { echo "gpu_check: $*" | tee -a "$out/summary.txt"; }

cxxflags=""
[ -d "$bundle" ] && cxxflags="-isystem $bundle"
nvidia-smi -L >"$out/device.txt" 2>&1 || true
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv >>"$out/device.txt" 2>&1 || true
cat "$out/device.txt"

t0=$(date +%s)
if ! cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHIF4_TESTS=OFF -DHIF4_BENCH=OFF \
    -DHIF4_RTL=OFF -DHIF4_SYSTEMC=OFF -DHIF4_PYTHON=OFF -DHIF4_CUDA=ON "-DCMAKE_CXX_FLAGS=$cxxflags" \
    >"$out/build.log" 2>&1; then
  tail -30 "$out/build.log"
  note "FAIL: CMake configure (see build.log)"
  exit 2
fi
if ! cmake --build "$build" -j "$jobs" --target hif4_gpu_check >>"$out/build.log" 2>&1; then
  tail -40 "$out/build.log"
  note "FAIL: building hif4_gpu_check (see build.log)"
  exit 2
fi
note "built hif4_gpu_check in $(($(date +%s) - t0)) s"

# 2. Random blocks, knob sweep, self-test, benchmark.
"$build/hif4_gpu_check" --report "$out/gpu_check.md" "$@" 2>&1 | tee "$out/gpu_check.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then status=1; note "FAIL: hif4_gpu_check exit $rc"; else note "hif4_gpu_check: PASS"; fi
# The kernels' machine code, for reading instruction counts (cuobjdump is on GPU machines).
# Printed: each batched kernel of the seed profile's knobs (nearest-away, exact products,
# plus-zero), its instruction count and most frequent opcodes.
if command -v cuobjdump >/dev/null; then
  cuobjdump --dump-sass "$build/golden/libhif4_cuda.a" >"$work/sass.txt" 2>&1
  gzip -c "$work/sass.txt" >"$out/sass.txt.gz"
  awk '/Function :/ { name = $3 }
       name ~ /quantize_batched_kernelILNS_15PayloadRoundingE0ELb0ELb0ELi0E/ && /^ *\/\*[0-9a-f]+\*\// {
         op = ($2 ~ /^@/) ? $3 : $2; sub(/\..*/, "", op); sub(/;/, "", op); n[name]++; h[name, op]++ }
       END { for (f in n) { printf "SASS %s: %d instructions;", f, n[f];
               for (k in h) { split(k, p, SUBSEP); if (p[1] == f && h[k] >= 8) printf " %s %d", p[2], h[k] }
               printf "\n" } }' "$work/sass.txt" | tee -a "$out/summary.txt"
fi
# Where the batched kernel's time goes, when Nsight Compute is on the machine: its first four
# launches (the self-tests' small ones, then the benchmark's seed launch on 0.5 GiB); the
# card's clocks are left as they are.
ncu=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
if [ -x "$ncu" ]; then
  "$ncu" --clock-control none -k regex:batched -c 4 --section SpeedOfLight \
      --section WarpStateStats --section Occupancy --section MemoryWorkloadAnalysis \
      "$build/hif4_gpu_check" --blocks 0 --sweep-blocks 0 --bench-gib 0.5 --reps 1 >"$out/ncu.txt" 2>&1 ||
    note "ncu failed (see ncu.txt)"
fi

# 3. The command line.
if ! cmake --build "$build" -j "$jobs" --target hif4 >>"$out/build.log" 2>&1; then
  tail -30 "$out/build.log"
  note "FAIL: building the hif4 command line (see build.log); CLI checks not run"
  exit 1
fi
hif4=$build/hif4
profiles=$("$hif4" profiles | head -1 | awk '{for (i = 2; i <= NF; i++) print $i}')
seed_dir=$root/tests/data/seed
cli_bad=0
cli_runs=0
for p in $profiles; do
  for f in "$seed_dir"/*.in.bf16; do
    name=$(basename "$f" .in.bf16)
    rl=()
    case $name in rows*) rl=(--row-length "${name#rows}") ;; esac
    for b in model cuda; do
      "$hif4" quantize --profile "$p" "${rl[@]}" --backend $b --in "$f" --out "$work/$name.$p.$b" ||
        { cli_bad=$((cli_bad + 1)); continue 2; }
    done
    cli_runs=$((cli_runs + 1))
    cmp -s "$work/$name.$p.model" "$work/$name.$p.cuda" || { cli_bad=$((cli_bad + 1)); note "MISMATCH: seed suite $name, profile $p"; }
  done
done
if [ $cli_bad -ne 0 ]; then status=1; fi
note "hif4 quantize --backend cuda vs model: $cli_runs seed suite x profile runs, $cli_bad bad"

# 4. Level-1 vector suites: the whole level 1 of every profile through the GPU, compared with
#    the model's file byte for byte; plus small GPU-generated files (every level-1 suite, 64
#    records each, per profile and one stochastic configuration) for tests/data/gpu/,
#    returned as OUTDIR/gpu_vectors.tar.
small_args() {  # name -> hif4 gen arguments of the committed small files
  case $1 in
    stochastic) echo "--profile seed --set payload-rounding=stochastic --sr-seed 20261126" ;;
    *) echo "--profile $1" ;;
  esac
}
if "$hif4" gen --help >/dev/null 2>&1; then
  gen_has_backend=0
  "$hif4" gen --help 2>&1 | grep -q -- '--backend' && gen_has_backend=1
  l1_runs=0
  l1_bad=0
  rm -rf "$work/gpu"
  mkdir -p "$work/gpu"
  for p in $profiles; do
    model_file=$work/level1-$p.model.hif4v
    if ! "$hif4" gen --profile "$p" --suite all --level 1 --out "$model_file" >>"$out/gen.log" 2>&1; then
      l1_bad=$((l1_bad + 1)); note "FAIL: hif4 gen --profile $p (see gen.log)"; continue
    fi
    if [ $gen_has_backend -eq 1 ]; then
      cuda_file=$work/level1-$p.cuda.hif4v
      if "$hif4" gen --backend cuda --profile "$p" --suite all --level 1 --out "$cuda_file" >>"$out/gen.log" 2>&1 &&
         cmp "$model_file" "$cuda_file" >>"$out/gen.log" 2>&1; then
        :
      else
        l1_bad=$((l1_bad + 1)); note "MISMATCH: hif4 gen --backend cuda, level 1, profile $p"
      fi
    else
      # Replay the vectors' inputs through the GPU and compare with their expected bytes.
      rm -rf "$work/raw-$p"
      if "$hif4" export "$model_file" --format raw --out "$work/raw-$p" >>"$out/gen.log" 2>&1 &&
         "$hif4" quantize --profile "$p" --backend cuda --in "$work/raw-$p/inputs.bf16" \
           --out "$work/raw-$p/gpu.hif4" >>"$out/gen.log" 2>&1 &&
         cmp -s "$work/raw-$p/expected.hif4" "$work/raw-$p/gpu.hif4"; then
        :
      else
        l1_bad=$((l1_bad + 1)); note "MISMATCH or error: level-1 $p through export/quantize --backend cuda"
      fi
    fi
    l1_runs=$((l1_runs + 1))
  done
  if [ $gen_has_backend -eq 1 ]; then
    for name in $profiles stochastic; do
      # shellcheck disable=SC2046
      if "$hif4" gen --backend cuda $(small_args "$name") --level 1 --count 64 \
           --out "$work/gpu/level1-$name.hif4v" >>"$out/gen.log" 2>&1 &&
         "$hif4" gen $(small_args "$name") --level 1 --count 64 --out "$work/small-$name.model.hif4v" \
           >>"$out/gen.log" 2>&1 &&
         cmp "$work/gpu/level1-$name.hif4v" "$work/small-$name.model.hif4v" >>"$out/gen.log" 2>&1; then
        :
      else
        l1_bad=$((l1_bad + 1)); note "MISMATCH or error: small GPU file $name"
      fi
    done
    for name in $profiles stochastic; do
      echo "level1-$name.hif4v $(small_args "$name") --level 1 --count 64"
    done >"$work/gpu/manifest.txt"
    (cd "$work/gpu" && tar cf "$out/gpu_vectors.tar" manifest.txt ./*.hif4v)
  fi
  [ $l1_bad -ne 0 ] && status=1
  note "level-1 suites: $l1_runs profiles in full + small files, $l1_bad bad (gen --backend cuda: $gen_has_backend)"
else
  note "level-1 suites: not run (this tree has no 'hif4 gen')"
fi

# 5. Shards: `hif4 gen --backend cuda --shard K/3`, merged, equals the unsharded model file.
if "$hif4" merge --help >/dev/null 2>&1; then
  shard_ok=1
  for k in 0 1 2; do
    "$hif4" gen --backend cuda --profile cann --shard $k/3 --out "$work/shard$k.hif4v" >>"$out/gen.log" 2>&1 || shard_ok=0
  done
  "$hif4" merge --out "$work/merged.hif4v" "$work"/shard0.hif4v "$work"/shard1.hif4v "$work"/shard2.hif4v >>"$out/gen.log" 2>&1 || shard_ok=0
  "$hif4" gen --profile cann --out "$work/whole.hif4v" >>"$out/gen.log" 2>&1 || shard_ok=0
  cmp -s "$work/merged.hif4v" "$work/whole.hif4v" || shard_ok=0
  [ $shard_ok -eq 1 ] || status=1
  note "gen --backend cuda --shard K/3, merged, vs the unsharded model file: $([ $shard_ok -eq 1 ] && echo equal || echo DIFFERENT)"
fi

# 6. File to file: `hif4 quantize` of a 1 GiB BF16 file of Gaussian values from the page cache
#    (on /dev/shm where it has room, so that the output's fsync is not a disk's), each backend,
#    and the parts that bound it: reading the page cache, writing the output (the link's
#    transfers are in gpu_check.md). Medians of 3 runs; OUTDIR/file_to_file.md.
e2e=$work
[ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 3000000 ] 2>/dev/null && e2e=/dev/shm/hif4-gpu-check
mkdir -p "$e2e"
if python3 -c "import numpy" 2>/dev/null; then
  python3 - "$e2e/in.bf16" <<'PY'
import sys
import numpy as np
x = np.random.default_rng(1).standard_normal(1 << 29, dtype=np.float32)  # 1 GiB of BF16
u = x.view(np.uint32)
((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2").tofile(sys.argv[1])
PY
else
  head -c 1073741824 /dev/urandom >"$e2e/in.bf16"
fi
median3() {  # median3 CMD...: the median wall time of three runs, in seconds
  local t=()
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>>"$out/e2e.log" || echo "failed: $*" >>"$out/e2e.log"; e=$(date +%s.%N)
    t+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')")
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
cat "$e2e/in.bf16" >/dev/null  # into the page cache
{
  echo "| step (1 GiB of BF16 in, 288 MiB out) | seconds (median of 3) |"
  echo "|---|---:|"
  echo "| read the input from the page cache (cat > /dev/null) | $(median3 sh -c "cat '$e2e/in.bf16' > /dev/null") |"
  echo "| write 288 MiB and fsync (dd) | $(median3 dd if=/dev/zero of="$e2e/w.bin" bs=1M count=288 conv=fsync) |"
  echo "| hif4 quantize --backend model --threads 1 | $(median3 "$hif4" quantize --profile seed --backend model --threads 1 --in "$e2e/in.bf16" --out "$e2e/m1.hif4") |"
  echo "| hif4 quantize --backend model --threads $(nproc) | $(median3 "$hif4" quantize --profile seed --backend model --threads "$(nproc)" --in "$e2e/in.bf16" --out "$e2e/mn.hif4") |"
  echo "| hif4 quantize --backend cuda | $(median3 "$hif4" quantize --profile seed --backend cuda --in "$e2e/in.bf16" --out "$e2e/c.hif4") |"
  head -c 131072 "$e2e/in.bf16" >"$e2e/small.bf16"
  echo "| hif4 quantize --backend cuda of 128 KiB (the fixed cost: driver, context, page-locked buffers) | $(median3 "$hif4" quantize --profile seed --backend cuda --in "$e2e/small.bf16" --out "$e2e/s.hif4") |"
  echo "| hif4 quantize --backend model of 128 KiB | $(median3 "$hif4" quantize --profile seed --backend model --in "$e2e/small.bf16" --out "$e2e/s.hif4") |"
} >"$out/file_to_file.md"
cat "$out/file_to_file.md"
if cmp -s "$e2e/m1.hif4" "$e2e/c.hif4" && cmp -s "$e2e/mn.hif4" "$e2e/c.hif4"; then
  note "file to file: cuda and model outputs equal"
else
  status=1; note "MISMATCH: file-to-file outputs of the backends differ"
fi
rm -rf /dev/shm/hif4-gpu-check

# 7. The Python package's CUDA tensors (hif4.torch.fake_quant on the device through the CUDA
#    golden), where the machine's python3 has torch with a usable GPU: the package is built
#    against that python3 (pybind11 from pip, or the copy --bundle-headers made) and
#    tests/python/test_torch.py's CUDA cases run under pytest. What is missing is said, not failed.
py=$(command -v python3 || true)
if [ -n "$py" ] && "$py" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  pyb=$("$py" -m pybind11 --cmakedir 2>/dev/null || true)
  [ -z "$pyb" ] && [ -d "$root/.gpu-deps/pybind11/lib/cmake/pybind11" ] && pyb=$root/.gpu-deps/pybind11/lib/cmake/pybind11
  if ! "$py" -c 'import numpy' 2>/dev/null; then
    note "python: not checked (no numpy for $py)"
  elif [ -z "$pyb" ]; then
    note "python: not checked (no pybind11: run scripts/gpu_check.sh --bundle-headers where it is installed)"
  elif ! cmake -S "$root" -B "$build" -DHIF4_PYTHON=ON "-DPython3_EXECUTABLE=$py" "-Dpybind11_DIR=$pyb" \
         >>"$out/build.log" 2>&1 ||
       ! cmake --build "$build" -j "$jobs" --target hif4_python >>"$out/build.log" 2>&1; then
    note "python: not checked (the package did not build for $py; see build.log)"
  elif ! "$py" -c 'import pytest' 2>/dev/null; then
    note "python: not checked (no pytest for $py)"
  elif PYTHONPATH=$build/python HIF4_BIN=$hif4 "$py" -m pytest -q -k cuda "$root/tests/python/test_torch.py" \
         >"$out/python.log" 2>&1; then
    note "python: hif4.torch.fake_quant of CUDA tensors equals the CPU path ($(tail -1 "$out/python.log"))"
  else
    status=1; note "FAIL: hif4.torch CUDA tensors (see python.log)"
  fi
else
  note "python: not checked (no python3 with torch and a usable GPU)"
fi

note "total $(($(date +%s) - t0)) s; $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
