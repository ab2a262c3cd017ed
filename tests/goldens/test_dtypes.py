#!/usr/bin/env python3
"""Tests of the emulated ml_dtypes / en_dtypes operations (dtypes.py) and of the re-created
goldens (goldens.py) on the examples their sources and the issue give.

Each emulated operation is checked against an independent reference built from exact rational
arithmetic (fractions.Fraction), exhaustively over the 65536 BF16 patterns where that is cheap.
Ends with `test_dtypes: P passed, F failed`; exit 1 on any failure.
"""

import math
import sys
from fractions import Fraction

import numpy as np

import dtypes as dt
import goldens

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


ALL_BF16 = np.arange(0x10000, dtype=np.uint32).astype(np.uint16)
FINITE = ALL_BF16[(ALL_BF16 & 0x7FFF) < 0x7F80]
POSITIVE_FINITE = FINITE[(FINITE > 0) & (FINITE < 0x8000)]


def bf16_value(b):
    """Exact value of a finite BF16 pattern."""
    b = int(b)
    e, m = (b >> 7) & 0xFF, b & 0x7F
    v = Fraction(m, 128) * Fraction(2) ** -126 if e == 0 else (1 + Fraction(m, 128)) * Fraction(2) ** (e - 127)
    return -v if b & 0x8000 else v


def round_to_bf16_ref(v):
    """Round an exact rational to BF16 bits, to nearest, ties to an even mantissa (reference)."""
    if v == 0:
        return 0
    sign = 0x8000 if v < 0 else 0
    a = abs(v)
    e = max(math.floor(math.log2(a)), -126)
    while a >= Fraction(2) ** (e + 1):
        e += 1
    while e > -126 and a < Fraction(2) ** e:
        e -= 1
    q = Fraction(2) ** (e - 7)
    n = a / q
    lo = math.floor(n)
    rest = n - lo
    n = lo + 1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and lo % 2 == 1) else lo
    bits = ((e + 127) << 7) + n - 128 if n >= 128 or e > -126 else n
    if e == -126 and n < 128:
        bits = n
    return sign | min(bits, 0x7F80)


# ---- bfloat16 rounding of a float32 --------------------------------------------------------
rng = np.random.default_rng(1)
low = rng.integers(0, 0x10000, size=4000, dtype=np.uint32)
# The patterns around every rounding decision of 4000 random BF16: exact, ties, either side.
hi = rng.choice(FINITE, size=4000).astype(np.uint32) << 16
f32 = np.concatenate([hi | low, hi | 0x8000, hi | 0x7FFF, hi | 0x8001, (hi + 0x10000) | 0x8000])
f32 = f32[((f32 >> 16) & 0x7FFF) < 0x7F80]
got = dt.bf16_from_f32_bits(f32)
bad = [int(u) for u, g in zip(f32, got)
       if g != round_to_bf16_ref(Fraction(float(np.uint32(u).view(np.float32))))]
check(not bad, f"bf16_from_f32_bits differs from the rational reference at {bad[:5]}")
check(all(dt.bf16_from_f32_bits(FINITE.astype(np.uint32) << 16) == FINITE),
      "every BF16 widened to float32 rounds back to itself")
check(dt.bf16_from_f32(np.float32(np.nan)) == 0x7FC0, "NaN -> 0x7FC0")
check(dt.bf16_from_f32(np.float32(3.4e38)) == 0x7F80, "overflow -> +Inf")
check(dt.bf16_from_f32(np.float32(1 / 7)) == goldens.BF16_ONE_SEVENTH, "BF16(1/7) = 0x3E12")

# ---- bfloat16 multiply ---------------------------------------------------------------------
a = rng.choice(FINITE, size=6000)
b = rng.choice(np.concatenate([FINITE, FINITE[:256]]), size=6000)  # subnormals more often
got = dt.bf16_mul(a, b)
bad = [(int(x), int(y)) for x, y, g in zip(a, b, got)
       if g != round_to_bf16_ref(bf16_value(x) * bf16_value(y))
       and not (g & 0x7FFF == 0 and round_to_bf16_ref(bf16_value(x) * bf16_value(y)) & 0x7FFF == 0)]
check(not bad, f"bf16_mul differs from the exact product rounded once at {bad[:5]}")
check(dt.bf16_mul(np.uint16(0x40FC), np.uint16(0x3E12)) == 0x3F90, "7.875 * 1/7 -> 1.125 (SF)")

# ---- log2 of a bfloat16, rounded to bfloat16 ------------------------------------------------
l2 = dt.bf16_log2(POSITIVE_FINITE)
ref = np.log2(dt.bf16_to_f64(POSITIVE_FINITE))
bad = [int(x) for x, g, r in zip(POSITIVE_FINITE, l2, ref) if g != round_to_bf16_ref(Fraction(float(r)))]
check(not bad, f"bf16_log2 differs from float64 log2 rounded to BF16 at {bad[:5]}")
# Every log2 lies far from a BF16 rounding boundary (a midpoint of two BF16 values), so any
# FP32 log2 within a few ulp rounds to the same BF16 (the nearest is 1.6e-4 steps away).
nonzero = ref != 0
step = 2.0 ** (np.floor(np.log2(np.abs(ref[nonzero]))) - 7)  # the BF16 spacing at |log2|
frac = np.abs(ref[nonzero]) / step
margin = np.abs(frac - np.floor(frac) - 0.5)  # distance from a midpoint, in steps
# 2^-13 BF16 steps are 8 FP32 ulps: a log2f that errs by less rounds to the same BF16.
check(margin.min() > 2.0 ** -13, f"a log2 lies within 2^-13 steps of a BF16 midpoint ({margin.min():.3g})")
check(dt.bf16_to_f64(dt.bf16_log2(np.uint16(0x2BEB))) == -39.0,
      "log2(1.8359375 * 2^-40) rounds to -39 in BF16")

# The binade band: which SF change their E6M2 code (ties to even) when the binade is
# floor(BF16(log2 SF)) instead of SF's own exponent.
changed = []
for k in range(-48, 16):
    for m in range(128):
        sf = np.uint16(((k + 127) << 7) | m)
        _, own, nan = goldens._cann_e6m2(np.array([sf]))
        if nan[0]:  # SF >= 53248: no scale
            continue
        own = own[0]
        e_own = k
        exact = np.rint((1 + m / 128) * 4) * 2.0 ** (e_own - 2)
        if own != exact:
            changed.append((k, m))
want = [(k, m) for k in range(-48, -32) for m in range(107, 112)]
check(changed == want, f"the band where the BF16 log2 changes the scale is k = -48..-33, "
      f"m = 107..111 (1.8359375..1.8671875); found {changed[:6]}... ({len(changed)})")
# _float_to_e6m2_int's log2 of an E6M2 value (a BF16) gives the value's own exponent.
codes = np.arange(255)
values = (4 + (codes & 3)) * 2.0 ** ((codes >> 2) - 48 - 2)
e6 = np.floor(dt.bf16_to_f64(dt.bf16_log2(dt.bf16_from_f32(values.astype(np.float32)))))
check(np.all(e6 == (codes >> 2) - 48), "floor(BF16(log2(E6M2))) is its exponent for all 255 codes")

# ---- float64 -> float4_e1m2 ------------------------------------------------------------------
def e1m2_ref(v):
    if math.isnan(v):
        return 8 if math.copysign(1, v) < 0 else 0
    s = 8 if math.copysign(1, v) < 0 else 0
    if math.isinf(v):
        return s | 7
    q = Fraction(abs(v)) * 4
    lo = math.floor(q)
    r = q - lo
    n = lo + 1 if r > Fraction(1, 2) or (r == Fraction(1, 2) and lo % 2 == 1) else lo
    return s | min(n, 7)


samples = np.concatenate([dt.bf16_to_f64(ALL_BF16), dt.bf16_to_f64(FINITE) / 16,
                          np.array([0.125, 0.375, 0.625, 0.875, 1.125, 1.875, 1.9, 2.0, 5e-324,
                                    -0.0, np.inf, -np.inf, 1e300, -1e300])])
with np.errstate(invalid="ignore"):
    got = dt.e1m2_from_f64(samples)
bad = [float(v) for v, g in zip(samples, got) if g != e1m2_ref(float(v))]
check(not bad, f"e1m2_from_f64 differs from round-to-nearest-even quarters at {bad[:5]}")
neg_nan = np.array([0xFFF8000000000000], dtype=np.uint64).view(np.float64)
check(dt.e1m2_from_f64(neg_nan)[0] == 8 and dt.e1m2_from_f64(np.array([np.nan]))[0] == 0,
      "NaN -> quiet_NaN() = +0 with the NaN's sign")
check(list(dt.e1m2_from_f64(np.array([0.125, 0.375, 1.875, -0.0]))) == [0, 2, 7, 8],
      "ties to even (0.125 -> 0, 0.375 -> 0.5), 1.875 saturates to 1.75, -0.0 -> 0x8")

# ---- the goldens on documented examples -------------------------------------------------------
def block(**lanes):
    x = np.zeros((1, 64), dtype=np.uint16)
    for k, v in lanes.items():
        x[0, int(k[1:])] = v
    return x


# The examples.
out = goldens.dynamic_mx_quant(block(l0=0x2D4E))[0]
check(out[0] == 0x24 and out[4] & 0xF == 0x6, "0x2D4E: E6M2 0x24, payload[0] 0x6 (binade from BF16 log2)")
out = goldens.dynamic_mx_quant(block(l0=0x48B6))[0]
check(out[0] == 0xFF and not out[1:].any(), "0x48B6 (SF = 53248): a NaN block, ff 00 00 ...")
# reference-notes worked examples: [7.0, 0 x 7, 0.625, 0...] payload[8] is a tie -> 0x2 (even).
for g in (goldens.dynamic_mx_quant, goldens.moe_init_routing, lambda x: goldens.pto_host(x)[0]):
    out = g(block(l0=0x40E0, l8=0x3F20))[0]
    check(out[0] == 0xC0 and out[8] & 0xF == 0x2, "[7.0, .., 0.625 at lane 8]: E6M2 1.0, payload[8] 0x2")
# [12.25, 0 x 7, 7.0, ...]: REC = 0.5703125, 7 * REC = 3.99 exactly, 4.0 in BF16.
x = block(l0=0x4144, l8=0x40E0)
exact, moe, pto = (goldens.dynamic_mx_quant(x)[0], goldens.moe_init_routing(x)[0],
                   goldens.pto_host(x)[0][0])
check((exact[1] >> 1) & 1 == 0 and exact[8] & 0xF == 0x7, "exact E1 product: E1_8[1] 0, payload[8] 0x7")
check((moe[1] >> 1) & 1 == 1 and moe[8] & 0xF == 0x4, "MoE BF16 E1 product: E1_8[1] 1, payload[8] 0x4")
check((pto[1] >> 1) & 1 == 1 and pto[8] & 0xF == 0x4, "PTO BF16 E1 product: E1_8[1] 1, payload[8] 0x4")
# -0.0 lanes: 0x0 in the CANN goldens (-0.0 is not < 0), 0x8 in the PTO generator.
x = block(l0=0x3F80, l1=0x8000)
check(goldens.dynamic_mx_quant(x)[0][4] >> 4 == 0x0, "CANN: a -0.0 lane is 0x0")
check(goldens.pto_host(x)[0][0][4] >> 4 == 0x8, "PTO: a -0.0 lane is 0x8")
# A zero block: NaN block in CANN; in the PTO generator the scale wraps (code 0xC4).
z = block()
check(goldens.dynamic_mx_quant(z)[0][0] == 0xFF, "CANN: all-zero block is a NaN block")
check(goldens.pto_host(z)[1][0] == goldens.BELOW, "PTO: an all-zero block lies below the range")

print(f"test_dtypes: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
