#!/usr/bin/env python3
"""Compare packed HiF4 blocks with a re-created published golden (goldens.py), block by block.

  oracle.py --golden dynamic-mx-quant|moe-init-routing|pto-host
            --inputs INPUTS.bf16 --expected EXPECTED.hif4 [--profile P] [--max-reports N]

INPUTS: 64 little-endian BF16 per block; EXPECTED: 36 bytes per block, the same count (the
raw files of `hif4 export --format raw`, or of `hif4 quantize`). Every block is run through the
golden; where the PTO generator wraps its scale (goldens.pto_host) the block it is compared with
is the one the pto profile defines: the scale raised to 2^-48 below the range, a NaN block
above it and for non-finite input. Each mismatch is printed decoded (the
fields that differ, both values, the input) with a replay command; the last line is
`oracle: P passed, F failed` over blocks. Exit 0 when every block agrees, 1 otherwise, 2 on
bad input (a missing or misshapen file) with a message naming the file.
"""

import argparse
import os
import sys

import numpy as np

import goldens

CHUNK = 16384
PACKED = 36
NAN_BLOCK = np.zeros(PACKED, dtype=np.uint8)
NAN_BLOCK[0] = goldens.E6M2_NAN


def die(message):
    print(f"oracle: error: {message}", file=sys.stderr)
    sys.exit(2)


def load(path, item, what):
    try:
        size = os.path.getsize(path)
    except OSError as e:
        die(f"{path}: cannot read the {what}: {e.strerror}")
    if size % item:
        die(f"{path}: {size} bytes is not a whole number of {what} records ({item} bytes each)")
    return np.memmap(path, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)


def fields(block):
    e1_16 = int(block[2]) | int(block[3]) << 8
    nib = np.empty(64, dtype=np.uint8)
    nib[0::2] = block[4:] & 0xF
    nib[1::2] = block[4:] >> 4
    return int(block[0]), int(block[1]), e1_16, nib


def report(index, x, want, have, category, args):
    we, w8, w16, wn = fields(want)
    he, h8, h16, hn = fields(have)
    lines = [f"MISMATCH block {index} ({args.golden}, {goldens.CATEGORY_NAMES[category]}):"]
    if we != he:
        lines.append(f"  E6M2   golden 0x{we:02X}  hif4 0x{he:02X}")
    if w8 != h8:
        lines.append(f"  E1_8   golden 0x{w8:02X}  hif4 0x{h8:02X}")
    if w16 != h16:
        lines.append(f"  E1_16  golden 0x{w16:04X}  hif4 0x{h16:04X}")
    lanes = np.nonzero(wn != hn)[0]
    if len(lanes):
        shown = ", ".join(f"{i}: 0x{wn[i]:X}/0x{hn[i]:X} (x 0x{x[i]:04X})" for i in lanes[:8])
        lines.append(f"  lanes (golden/hif4) {shown}" + (" ..." if len(lanes) > 8 else ""))
    peak = int(np.argmax(x & 0x7FFF))
    lines.append(f"  input: peak lane {peak} = 0x{x[peak]:04X}, lanes 0..7 "
                 + " ".join(f"{v:04X}" for v in x[:8]))
    if args.profile:
        lines.append(f"  replay: hif4 explain --profile {args.profile} --in {args.inputs} --block {index}")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--golden", required=True, choices=sorted(goldens.GOLDENS))
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--profile", default="")
    ap.add_argument("--max-reports", type=int, default=10)
    args = ap.parse_args()

    inputs = load(args.inputs, 128, "input")
    expected = load(args.expected, PACKED, "block")
    blocks = len(inputs) // 128
    if len(expected) // PACKED != blocks:
        die(f"{args.expected}: {len(expected) // PACKED} blocks, but {args.inputs} holds {blocks}")
    golden = goldens.GOLDENS[args.golden]
    passed = failed = 0
    categories = np.zeros(3, dtype=np.int64)
    for first in range(0, blocks, CHUNK):
        count = min(CHUNK, blocks - first)
        x = np.frombuffer(inputs[first * 128:(first + count) * 128].tobytes(), dtype="<u2").reshape(count, 64)
        have = np.asarray(expected[first * PACKED:(first + count) * PACKED]).reshape(count, PACKED)
        want, category = golden(x)
        want = np.where((category == goldens.NAN)[:, None], NAN_BLOCK[None, :], want)
        categories += np.bincount(category, minlength=3)
        bad = np.nonzero(np.any(want != have, axis=1))[0]
        for i in bad:
            if failed < args.max_reports:
                report(first + int(i), x[i], want[i], have[i], int(category[i]), args)
            failed += 1
        passed += count - len(bad)
    if failed > args.max_reports:
        print(f"... {failed - args.max_reports} more mismatching blocks not shown")
    if args.golden == "pto-host":
        print(f"{args.golden}: {blocks} blocks: "
              + ", ".join(f"{n} {name}" for n, name in zip(categories, goldens.CATEGORY_NAMES)))
    else:
        print(f"{args.golden}: {blocks} blocks (the golden defines every block)")
    print(f"oracle: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
