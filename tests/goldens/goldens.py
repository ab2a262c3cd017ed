"""Independent re-creations of the published HiF4 quantization goldens, as test oracles.

Each function takes N blocks of 64 BF16 bit patterns (uint16, shape (N, 64)) and returns the
packed 36-byte blocks (uint8, shape (N, 36)) the golden would write: bytes 0..3 the metadata
word E6M2 | E1_8 << 8 | E1_16 << 16 (little-endian), then the 64 S1P2 nibbles, element 2k in
the low nibble of byte 4 + k. Written from the goldens' own source, step by step, with the
ml_dtypes / en_dtypes operations they use emulated in dtypes.py; no code of this project is
used. The sources (pinned in docs/profiles.md):

  dynamic_mx_quant   ops-nn quant/dynamic_mx_quant/tests/assets/golden.py, _dynamic_quant_hifp4
  moe_init_routing   ops-transformer moe/moe_init_routing_v3/tests/assets/golden.py,
                     dynamic_quant_hifp4 (the same, but both E1 products through To_BF16_Array)
  pto_host           SuperNPUBench benchmark/one-level-arch/test/solution/quant/
                     dynamic_hi_f4_quant/src/gen_hif4_golden.py, encode_row_block

The CANN goldens return one float4_e1m2 element per byte; they are packed here two to a byte as
the HiFloat4 layout has them (the PTO generator packs them itself the same way).
"""

import numpy as np

import dtypes as dt

BLOCK = 64
BF16_ONE_SEVENTH = 0x3E12
E6M2_NAN = 0xFF


def _groups(a, size):
    return a.reshape(a.shape[0], BLOCK // size, size)


def _pack(code, e1_8, e1_16, nibbles):
    """Metadata word and nibbles -> (N, 36) bytes."""
    n = code.shape[0]
    out = np.zeros((n, 36), dtype=np.uint8)
    weights8 = (1 << np.arange(8)).astype(np.uint32)
    weights16 = (1 << np.arange(16)).astype(np.uint32)
    b8 = (e1_8.astype(np.uint32) * weights8).sum(axis=1)
    b16 = (e1_16.astype(np.uint32) * weights16).sum(axis=1)
    out[:, 0] = code
    out[:, 1] = b8
    out[:, 2] = b16 & 0xFF
    out[:, 3] = b16 >> 8
    nib = nibbles.astype(np.uint8) & 0xF
    out[:, 4:] = nib[:, 0::2] | (nib[:, 1::2] << 4)
    return out


# ---- the CANN goldens ---------------------------------------------------------------------
#
# Per block (numbers are the golden's own lines, in its variable names):
#   S = +1, or -1 where ori < 0                    (-0.0 and NaN are not < 0)
#   tmpG = |ori|;  V16, V8 = np.max over 4 and 8   (NaN propagates: ml_dtypes' Maximum)
#   Vmax = bfloat16;  SF = Vmax * bfloat16(0x3E12) (a bfloat16 product)
#   _bf16_to_e6m2(SF): NaN if SF is Inf or NaN, >= 1.625 * 2^15, 0, or < 2^-48; otherwise
#     E = floor(log2(SF)) with log2 of a bfloat16 rounded to bfloat16, and
#     E6M2 = round(SF * 2^(2 - E)) * 2^(E - 2), np.round ties to even
#   code: E6 = floor(log2(E6M2)), M2 = E6M2 * 2^(2 - E6) - 4, (E6 + 48) * 4 | M2; NaN -> 0xFF
#   REC = 2^E8 * (1 + M7 / 128) from the 4-entry table (NaN for a NaN scale)
#   E1_8 = V8 * REC >= 4;  E1_16 = V16 * REC * 2^-E1_8 >= 2      (float64: exact)
#     MoeInitRoutingV3: both products through To_BF16_Array (numpy float64 rounding to 8
#     significant bits, ties to even) before the comparison
#   in_grp = bfloat16(tmpG) * bfloat16(REC) * 2^-(E1_8 + E1_16)  (a bfloat16 product, then
#     float64); res = S * in_grp; res.astype(float4_e1m2)


def _to_bf16_array(x):
    """ops-transformer's To_BF16_Array, as written (numpy float64)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.floor(np.log2(np.abs(x) + 2.0 ** -1000))
        e = np.maximum(e, -126)
        return np.round(x * 2.0 ** (-e + 7)) * 2.0 ** (e - 7)


def _cann_e6m2(sf_bits):
    """_bf16_to_e6m2 then _float_to_e6m2_int: the E6M2 code (0xFF for NaN) per block."""
    sf = dt.bf16_to_f64(sf_bits)
    with np.errstate(invalid="ignore"):
        nan = ~np.isfinite(sf) | (sf >= 1.625 * 2 ** 15) | (sf == 0) | (sf < 2.0 ** -48)
    safe = np.where(nan, 0x3F80, sf_bits)            # 1.0 where the golden takes no log
    e = np.floor(dt.bf16_to_f64(dt.bf16_log2(safe)))
    value = np.rint(dt.bf16_to_f64(safe) * 2.0 ** (2 - e)) * 2.0 ** (e - 2)
    # _float_to_e6m2_int: log2 of the (exact, bfloat16) E6M2 value; test_dtypes.py checks that
    # the BF16-rounded log2 gives the value's own exponent for every E6M2 value, so the code's
    # fields are the value's.
    e6 = np.floor(dt.bf16_to_f64(dt.bf16_log2(dt.bf16_from_f32(value.astype(np.float32)))))
    m2 = value * 2.0 ** (2 - e6) - 4
    code = ((e6 + 48).astype(np.int64) * 4) | m2.astype(np.int64)
    return np.where(nan, E6M2_NAN, code).astype(np.uint8), value, nan


def _e6m2_rec(code):
    """_e6m2_rec: 1 / E6M2 from the table {0, 77, 43, 18} of BF16 mantissas (float64)."""
    e6 = (code >> 2).astype(np.int64) - 48
    m2 = code & 3
    m7 = np.array([0, 77, 43, 18])[m2]
    e8 = np.where(m2 == 0, -e6, -e6 - 1)
    return 2.0 ** e8 * (1 + m7 * 2.0 ** -7)


def _cann(x_bits, moe):
    x_bits = np.asarray(x_bits, dtype=np.uint16)
    n = x_bits.shape[0]
    ori = dt.bf16_to_f64(x_bits)
    s = np.where(ori < 0, -1.0, 1.0)
    tmpg_bits = x_bits & 0x7FFF                      # np.abs of a bfloat16: the sign cleared
    tmpg = dt.bf16_to_f64(tmpg_bits)
    v16 = _groups(tmpg, 4).max(axis=2)               # NaN propagates
    v8 = v16.reshape(n, 8, 2).max(axis=2)
    vmax = v8.max(axis=1)
    vmax_bits = dt.bf16_from_f32(vmax.astype(np.float32))
    sf_bits = dt.bf16_mul(vmax_bits, np.full(n, BF16_ONE_SEVENTH, dtype=np.uint16))
    code, _, nan = _cann_e6m2(sf_bits)
    rec = np.where(nan, np.nan, _e6m2_rec(np.where(nan, 0, code)))[:, None]

    with np.errstate(invalid="ignore"):
        p8 = v8 * rec
        e1_8 = (_to_bf16_array(p8) if moe else p8) >= 4
        e1_8x2 = np.repeat(e1_8, 2, axis=1).astype(np.float64)
        # MoeInitRoutingV3 multiplies by REC_E6M2.astype(bfloat16): REC is a BF16 already.
        p16 = v16 * rec * 2.0 ** (-e1_8x2)
        e1_16 = (_to_bf16_array(p16) if moe else p16) >= 2
    de64 = np.repeat(e1_16.astype(np.float64) + e1_8x2, 4, axis=1)
    rec_bits = dt.bf16_from_f32(np.broadcast_to(rec, (n, BLOCK)).astype(np.float32))
    with np.errstate(invalid="ignore"):
        in_grp = dt.bf16_to_f64(dt.bf16_mul(tmpg_bits, rec_bits)) * 2.0 ** (-de64)
        res = s * in_grp
    return _pack(code, e1_8, e1_16, dt.e1m2_from_f64(res))


def dynamic_mx_quant(x_bits):
    """ops-nn DynamicMxQuant, the hifloat4 branch (_dynamic_quant_hifp4)."""
    return _cann(x_bits, moe=False)


def moe_init_routing(x_bits):
    """ops-transformer MoeInitRoutingV3, dynamic_quant_hifp4."""
    return _cann(x_bits, moe=True)


# ---- the PTO-ISA host golden ----------------------------------------------------------------
#
# encode_row_block, in float32 with bf16 rounding after every operation:
#   vmax16 / vmax8 / vmax: Python max() over |x| (a fold: a NaN wins only in first position)
#   sf = bf16_mul(vmax, bf16(1/7));  q_bits = (sf_bits + 0x10) & 0xFFE0  (ties up)
#   e6m2_byte = ((q_bits >> 5) - 316) & 0xFF   (no range check: out-of-range codes wrap)
#   rec = bf16(1 / q) in float32, or 0 when q == 0
#   E1_8 = bf16(V8 * rec) >= 4;  E1_16 = bf16(bf16(V16 * rec) * 2^-E1_8) >= 2
#   sg = bf16(bf16(rec * 2^-E1_8) * 2^-E1_16);  z = bf16(x * sg)
#   lane: NaN -> 0; sign = z < 0 or z is -0.0; code = round(|z| / 0.25) ties to even, <= 7


def _python_max(a, axis):
    """max() of Python over the last axis: NaN only when the first element is NaN."""
    first = np.take(a, 0, axis=axis)
    with np.errstate(invalid="ignore"):
        rest = np.where(np.isnan(a), -np.inf, a).max(axis=axis)
    return np.where(np.isnan(first), np.nan, rest)


def pto_host(x_bits):
    """Returns (packed blocks, category) with category per block:
      IN_RANGE  the generator's own output (its rounded scale is an E6M2 value);
      BELOW     its rounded scale is below 2^-48 (zero, tiny blocks), where it wraps the code:
                the block the generator makes with that scale raised to 2^-48 (code 0x00, REC
                2^48), which is what the pto profile's scale-underflow=min means;
      NAN       a non-finite input, a rounded scale above 1.5 * 2^15 (wrapped, or 0xFF), or a
                lane product the generator's math.floor cannot take (Inf): no E6M2 block, and
                the pto profile writes a NaN block."""
    x_bits = np.asarray(x_bits, dtype=np.uint16)
    n = x_bits.shape[0]
    x = dt.bf16_to_f32(x_bits)
    ax = np.abs(x)
    v16 = _python_max(ax.reshape(n, 16, 4), axis=2)
    v8 = _python_max(v16.reshape(n, 8, 2), axis=2)
    vmax = _python_max(v8, axis=1)
    sf_bits = dt.bf16_mul(dt.bf16_from_f32(vmax), np.full(n, BF16_ONE_SEVENTH, np.uint16))
    # f32_to_bf16_bits of the generator keeps Inf and NaN patterns as they are; sf is a BF16
    # already, so this is the identity.
    q_bits = ((sf_bits.astype(np.uint32) + 0x10) & 0xFFE0).astype(np.uint16)
    q_field = (q_bits >> 7).astype(np.int64)
    below = q_field < 127 - 48
    q_bits = np.where(below, (127 - 48) << 7, q_bits).astype(np.uint16)  # BELOW: 2^-48
    code = (((q_bits.astype(np.int64) >> 5) - 316) & 0xFF).astype(np.uint8)
    q = dt.bf16_to_f32(q_bits)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rec_bits = np.where(q != 0, dt.bf16_from_f32(np.float32(1) / q), 0).astype(np.uint16)

    v8_bits = dt.bf16_from_f32(v8.astype(np.float32))
    v16_bits = dt.bf16_from_f32(v16.astype(np.float32))
    rec8 = np.repeat(rec_bits[:, None], 8, axis=1)
    rec16 = np.repeat(rec_bits[:, None], 16, axis=1)
    half = np.uint16(0x3F00)  # 0.5
    one = np.uint16(0x3F80)   # 1.0
    with np.errstate(invalid="ignore"):
        e1_8 = dt.bf16_to_f32(dt.bf16_mul(v8_bits, rec8)) >= 4.0
        f8 = np.where(np.repeat(e1_8, 2, axis=1), half, one).astype(np.uint16)
        t16 = dt.bf16_mul(dt.bf16_mul(v16_bits, rec16), f8)
        e1_16 = dt.bf16_to_f32(t16) >= 2.0
        f16 = np.where(e1_16, half, one).astype(np.uint16)
        sg = dt.bf16_mul(dt.bf16_mul(rec16, f8), f16)
        z = dt.bf16_to_f64(dt.bf16_mul(x_bits, np.repeat(sg, 4, axis=1)))

    # hif4_lane_quant
    nan = np.isnan(z)
    sign = np.signbit(z) & ~nan
    with np.errstate(invalid="ignore"):
        scaled = np.abs(z) / 0.25
        fl = np.floor(np.where(np.isfinite(scaled), scaled, 0))
        frac = scaled - fl
        up = (frac > 0.5) | ((frac == 0.5) & (fl % 2 == 1))
    mag = np.clip(fl + up, 0, 7).astype(np.uint8)
    nib = np.where(nan, 0, mag | (sign.astype(np.uint8) << 3))

    finite_in = np.all((x_bits & 0x7FFF) < dt.BF16_INF, axis=1)
    above = (code == E6M2_NAN) | (q_field > 127 + 15)
    crashes = np.any(np.isinf(z), axis=1)  # math.floor(inf) raises OverflowError
    category = np.where(~finite_in | above | crashes, NAN, np.where(below, BELOW, IN_RANGE))
    return _pack(code, e1_8, e1_16, nib), category


IN_RANGE, BELOW, NAN = 0, 1, 2
CATEGORY_NAMES = ("in the golden's range", "below it (scale raised to 2^-48)",
                  "non-finite or above it (NaN blocks)")

GOLDENS = {
    "dynamic-mx-quant": lambda x: (dynamic_mx_quant(x), np.zeros(len(x), dtype=np.int64)),
    "moe-init-routing": lambda x: (moe_init_routing(x), np.zeros(len(x), dtype=np.int64)),
    "pto-host": pto_host,
}
