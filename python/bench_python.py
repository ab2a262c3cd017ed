#!/usr/bin/env python3
"""How fast hif4.quantize is from Python, against the model's own benchmark, in one run.

    PYTHONPATH=build/python /usr/bin/python3 python/bench_python.py [--gib 1] [--runs 7]
        [--profile seed] [--build build]

Makes a BF16 array (default 1 GiB = 8 Mi blocks) of the values bench/bench_simd.cpp uses
(normal values, each block at its own power-of-two scale 2^-30..2^30), then, interleaved, `runs`
times each:

  python   hif4.quantize(x, profile, threads=1) on the whole array, a new output array each call;
           each timed call follows an untimed one, so the new array's pages are ones the process
           has just freed: the steady state of a loop over tensors
  out=     the same into one preallocated output array (out=), whose pages are already mapped,
           as bench_simd's are
  bench    build/bench/bench_simd, quantize/avx2/PROFILE: the model's fast path (quantize_blocks_on,
           one thread) over its own 64 MiB input, from C++ (the model's quantize benchmark)
  cli      build/hif4 quantize --profile PROFILE on the same array written to /dev/shm

and prints the medians per block, of wall time and of CPU time (the process's own, or the
child's): on a shared machine CPU time says more about the code, wall time about the neighbours.
The ratio python / bench is the cost of the Python entry point per block. Nothing is asserted.

A new output array costs its first touch: the kernel zeroes its pages (about 4 ns a block with
huge pages), and on a virtual machine a page the guest never used before costs far more (up to
100 ns a block here, seen on the first call of a process or after other processes moved memory
around); out= avoids both.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# Python puts this script's folder first on sys.path, and that folder holds the package's
# sources (python/hif4) without the compiled module: import the built package from PYTHONPATH.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
import hif4  # noqa: E402

BLOCK = 64


def make_input(blocks, seed=2026):
    """BF16 bits: normal values times 2^k per block, k uniform in -30..30 (as bench_simd)."""
    rng = np.random.default_rng(seed)
    out = np.empty((blocks, BLOCK), np.uint16)
    chunk = 1 << 18
    for b in range(0, blocks, chunk):
        n = min(chunk, blocks - b)
        v = rng.standard_normal((n, BLOCK), dtype=np.float32)
        v *= np.ldexp(np.float32(1), rng.integers(-30, 31, size=(n, 1))).astype(np.float32)
        out[b:b + n] = hif4.to_bf16(v)
    return out


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_python(x, profile, out=None):
    w0, c0 = time.perf_counter(), time.process_time()
    hif4.quantize(x, profile, threads=1, out=out)
    return time.perf_counter() - w0, time.process_time() - c0


def time_bench(exe, profile):
    """One bench_simd run of quantize/avx2/PROFILE; (wall s, cpu s) per block from its counters."""
    r = subprocess.run([str(exe), f"--benchmark_filter=^quantize/avx2/{profile}/", "--benchmark_format=json",
                        "--benchmark_min_time=1"], capture_output=True, text=True, check=True)
    b = json.loads(r.stdout)["benchmarks"][0]
    return 1e-6 / b["Mblk/s_wall"], 1e-6 / b["Mblk/s_cpu"]


def time_cli(exe, profile, src, dst):
    w0, c0 = time.perf_counter(), children_cpu()
    subprocess.run([str(exe), "quantize", "--profile", profile, "--in", str(src), "--out", str(dst)], check=True)
    return time.perf_counter() - w0, children_cpu() - c0


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gib", type=float, default=1.0, help="input size in GiB of BF16 (default 1)")
    ap.add_argument("--runs", type=int, default=7, help="repetitions of each measurement (default 7)")
    ap.add_argument("--profile", default="seed")
    ap.add_argument("--build", default=str(Path(__file__).resolve().parents[1] / "build"),
                    help="the build folder holding hif4 and bench/bench_simd")
    ap.add_argument("--shm", default="/dev/shm", help="where the CLI's input and output files go")
    args = ap.parse_args()

    build = Path(args.build)
    bench_exe, cli_exe = build / "bench" / "bench_simd", build / "hif4"
    blocks = int(args.gib * (1 << 30)) // (BLOCK * 2)
    print(f"{cpu_model()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
          f"hif4 {hif4.__version__}, path {hif4.simd_path}, profile {args.profile}")
    print(f"input: {blocks} blocks ({blocks * BLOCK * 2 / (1 << 30):.3f} GiB of BF16), {args.runs} runs each")
    x = make_input(blocks)
    hif4.quantize(x[: 1 << 14], args.profile)  # warm: tables built, code paged in

    src = Path(args.shm) / f"hif4_bench_{os.getpid()}.bf16"
    dst = Path(args.shm) / f"hif4_bench_{os.getpid()}.hif4"
    have_cli = cli_exe.exists()
    have_bench = bench_exe.exists()
    if have_cli:
        x.tofile(src)
    results = {"python": [], "out=": [], "bench": [], "cli": []}
    reused = hif4.quantize(x, args.profile)
    try:
        for r in range(args.runs):
            hif4.quantize(x, args.profile, threads=1)  # untimed: see the docstring
            w, c = time_python(x, args.profile)
            results["python"].append((w / blocks, c / blocks))
            w, c = time_python(x, args.profile, reused)
            results["out="].append((w / blocks, c / blocks))
            if have_bench:
                results["bench"].append(time_bench(bench_exe, args.profile))
            if have_cli:
                w, c = time_cli(cli_exe, args.profile, src, dst)
                results["cli"].append((w / blocks, c / blocks))
            print(f"  run {r + 1}: " + ", ".join(
                f"{k} {v[-1][0] * 1e9:.1f} ns/blk wall {v[-1][1] * 1e9:.1f} cpu" for k, v in results.items() if v),
                flush=True)
    finally:
        for f in (src, dst):
            if f.exists():
                f.unlink()

    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in results.items() if v}
    print("\nmedians, ns per block (wall / cpu), and Mblocks/s and GiB/s of BF16 in by cpu time:")
    labels = {"python": "hif4.quantize, 1 thread, new output",
              "out=": "hif4.quantize, 1 thread, out= reused",
              "bench": "bench_simd quantize/avx2 (the model, C++)",
              "cli": "hif4 quantize, /dev/shm file"}
    for k, (w, c) in med.items():
        print(f"  {labels[k]:44s} {w * 1e9:7.1f} / {c * 1e9:7.1f}   {1e-6 / c:6.2f} Mblk/s  "
              f"{128 / c / (1 << 30):5.2f} GiB/s")
    if "bench" in med:
        for k in ("python", "out="):
            print(f"ratio {k:6s} / bench: wall {med[k][0] / med['bench'][0]:.3f}, "
                  f"cpu {med[k][1] / med['bench'][1]:.3f}")
    if "cli" in med:
        print(f"ratio python / cli:   wall {med['python'][0] / med['cli'][0]:.3f}, "
              f"cpu {med['python'][1] / med['cli'][1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
