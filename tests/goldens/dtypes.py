"""The few ml_dtypes / en_dtypes operations the published HiF4 goldens use, emulated in numpy.

The goldens (see goldens.py) run on numpy with two extension packages that are not installed
here: ml_dtypes (bfloat16) and en_dtypes (float4_e1m2). Every operation below is written from
those packages' documented C++ behaviour, bit by bit where it matters, and checked by
test_dtypes.py (known values, and exhaustively over the 65536 BF16 patterns where cheap):

  bf16_from_f32_bits   ml_dtypes / Eigen float -> bfloat16: round to nearest even, NaN kept
                       NaN (0x7FC0 with its sign)
  bf16_mul             bfloat16 * bfloat16: both widened to float, one float multiply, the
                       product rounded to bfloat16 (ml_dtypes' Multiply ufunc)
  bf16_log2            np.log2 of a bfloat16: std::log2 of the float, rounded to bfloat16
                       (ml_dtypes' Log2 ufunc)
  e1m2_from_f64        en_dtypes float64 -> float4_e1m2 (ConvertImpl<double, float4_e1m2>):
                       round to nearest even on the double's bits, overflow to the largest
                       value 1.75 (infinity() is 1.75), NaN to quiet_NaN() = +0 with the NaN's
                       sign, signed zeros kept

This module uses numpy only and none of the project's code.
"""

import numpy as np

BF16_INF = 0x7F80


def f32_bits(x):
    """FP32 bit patterns (uint32) of float32 values."""
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def f32_from_bits(u):
    return np.asarray(u, dtype=np.uint32).view(np.float32)


def bf16_to_f32(b):
    """BF16 bit patterns -> float32 values (exact: a BF16 is the top half of an FP32)."""
    return f32_from_bits(np.asarray(b, dtype=np.uint32) << 16)


def bf16_to_f64(b):
    with np.errstate(invalid="ignore"):  # signalling NaN patterns widen to quiet NaNs
        return bf16_to_f32(b).astype(np.float64)


def bf16_from_f32_bits(u):
    """float32 bits -> bfloat16 bits, round to nearest even; NaN -> 0x7FC0 | sign (Eigen's
    float_to_bfloat16_rtne: a quiet NaN, the sign kept)."""
    u = np.asarray(u, dtype=np.uint32)
    nan = (u & 0x7FFFFFFF) > 0x7F800000
    rounded = (u + np.uint32(0x7FFF) + ((u >> 16) & 1)) >> 16
    return np.where(nan, ((u >> 16) & 0x8000) | 0x7FC0, rounded).astype(np.uint16)


def bf16_from_f32(x):
    return bf16_from_f32_bits(f32_bits(x))


def bf16_mul(a, b):
    """bfloat16 * bfloat16 (bit patterns in, bit patterns out): one FP32 multiply, then RNE."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return bf16_from_f32(bf16_to_f32(a) * bf16_to_f32(b))


def bf16_log2(b):
    """np.log2 of bfloat16 values: std::log2 of the float, rounded to bfloat16.

    std::log2f is emulated as the float64 log2 rounded to float32. test_dtypes.py shows that
    for every positive finite BF16 the float64 log2 lies more than 2^-13 BF16 steps (8 FP32
    ulps) from every BF16 rounding boundary, so any log2f within 8 ulp rounds to the same BF16."""
    with np.errstate(divide="ignore", invalid="ignore"):
        l2 = np.log2(bf16_to_f64(b)).astype(np.float32)
    return bf16_from_f32(l2)


def _rne_bits(bits, roundoff):
    """en_dtypes' RoundBitsToNearestEven: add (L + half - 1), L the lowest kept bit."""
    one = np.uint64(1)
    r = np.uint64(roundoff)
    return bits + ((bits >> r) & one) + (one << (r - one)) - one


def e1m2_from_f64(v):
    """float64 values -> float4_e1m2 codes (sign << 3 | exponent << 2 | mantissa), as en_dtypes'
    ConvertImpl<double, float4_e1m2> (kSaturate = false, kTruncate = false)."""
    v = np.asarray(v, dtype=np.float64)
    bits = v.view(np.uint64)
    sign = ((bits >> np.uint64(63)) & np.uint64(1)).astype(np.uint8) << 3
    mag = bits & np.uint64(0x7FFFFFFFFFFFFFFF)
    exp = (mag >> np.uint64(52)).astype(np.int64)          # biased double exponent
    mant = mag & np.uint64((1 << 52) - 1)
    digit_shift = 50                                       # 52 - 2 mantissa bits dropped
    biased_to = exp - 1023 + 1                             # float4_e1m2 exponent bias 1
    out = np.zeros(v.shape, dtype=np.uint8)

    # Subnormal (and zero) results: biased_to <= 0. The value's significand, with its leading
    # one when the double is normal, is rounded and shifted down to 2 subnormal bits.
    sub = (biased_to <= 0) & (mag != 0) & (exp < 2047)
    lead = (exp > 0).astype(np.int64)
    shift = digit_shift - biased_to + lead
    sig = mant | (lead.astype(np.uint64) << np.uint64(52))
    ok = sub & (shift <= 53)
    s = np.where(ok, shift, 1).astype(np.uint64)
    sub_bits = (_rne_bits(sig, s) >> s).astype(np.uint8)
    out = np.where(ok, sub_bits, out)

    # Normal results: round the double's mantissa to 2 bits, re-bias the exponent (modular,
    # as the unsigned WideBits arithmetic), saturate above the largest value 0b0111 = 1.75.
    norm = (biased_to > 0) & (exp < 2047)
    rounded = _rne_bits(mag, digit_shift) & ~np.uint64((1 << digit_shift) - 1)
    rounded = rounded + (np.uint64((1 - 1023) % (1 << 64)) << np.uint64(52))
    highest = np.uint64(0b0111) << np.uint64(digit_shift)
    norm_bits = np.where(rounded > highest, 0b0111, (rounded >> np.uint64(digit_shift)) & np.uint64(0xF))
    out = np.where(norm, norm_bits.astype(np.uint8), out)

    inf = (exp == 2047) & (mant == 0)
    out = np.where(inf, 0b0111, out)          # infinity() is the largest value
    nan = (exp == 2047) & (mant != 0)
    out = np.where(nan, 0, out)               # quiet_NaN() is +0 ...
    return (out | sign).astype(np.uint8)      # ... and every result takes the sign bit
