"""HiF4 (HiFloat4) 4-bit block floating point: the bit-exact reference model, for numpy.

A HiF4 block holds 64 BF16 values as one E6M2 scale, 8 + 16 one-bit micro-exponents and 64 S1P2
codes: 36 bytes (arXiv 2602.11287). This package runs the project's integer reference model,
the same code as the `hif4` command line, so every byte equals what `hif4 quantize` writes.

Arrays
  quantize(x, profile="seed", ...)        values (..., L) -> packed blocks (..., nblocks, 36) uint8
  dequantize(packed, dtype=np.float32)     packed blocks -> values (exact)
  fake_quant(x, profile="seed", ...)       quantize then decode: same shape and dtype as x
  to_bf16(x), bf16_to_float32(bits)        FP32 <-> BF16 bit patterns (numpy has no bfloat16)

Inspection
  explain(values, profile="seed", ...)     the stage trace of one block, as a dict (+ text)
  profiles()                               every profile and knob, with each value's doc
  Config(profile, **knobs)                 a configuration to pass instead of profile=

Golden vectors
  read_vectors(path)                       a .hif4v file as numpy arrays
  verify(vectors, dut)                     a device's output against them: the mismatches

Files
  hif4.safetensors                         a strict safetensors reader and writer (numpy)

Values are BF16: give numpy arrays of uint16 (BF16 bit patterns) or float32 (rounded to BF16,
nearest even, NaN kept, as `hif4 quantize --input-format f32` does). Knobs are keywords named as
the command line's `--set` names with '_' for '-': quantize(x, "gcc",
payload_rounding="stochastic", sr_seed=7). PyTorch support is in hif4.torch.
"""
import os

import numpy as np

from . import _checks, _core, safetensors
from ._core import Config, ConfigError, DutFileError, VectorFile, VectorFileError

__version__ = _core.__version__
__all__ = [
    "BLOCK_VALUES", "PACKED_BYTES", "Config", "ConfigError", "DutFileError", "Mismatches",
    "VectorFile", "VectorFileError", "bf16_to_float32", "dequantize", "explain", "fake_quant",
    "profiles", "quantize", "read_vectors", "to_bf16", "verify",
]

BLOCK_VALUES = 64  #: values per HiF4 block
PACKED_BYTES = 36  #: bytes per packed block: E6M2, E1_8, E1_16 (2 bytes), 32 bytes of S1P2

#: The quantize path of this CPU: "avx2" or "scalar" (bit-identical; HIF4_SIMD=scalar forces
#: the scalar model).
simd_path = _core.simd_path


def quantize(x, profile="seed", *, sr_seed=None, threads=None, row_length=None, out=None, **knobs):
    """Quantize BF16 values to packed HiF4 blocks.

    Parameters
    ----------
    x : numpy.ndarray of uint16 or float32
        uint16: BF16 bit patterns. float32: rounded to BF16 (nearest even, NaN kept) first,
        as ``hif4 quantize --input-format f32`` does. Any shape; the last axis is split into
        blocks of 64 values and must be a multiple of 64 unless ``row_length`` is given.
        Other dtypes raise TypeError (use ``x.astype(np.float32)``); a non-contiguous or
        byte-swapped array is copied first.
    profile : str or hif4.Config
        'seed' (default), 'gcc' or 'cann' (see ``hif4.profiles()``), or a Config.
    sr_seed : int, optional
        Seed of stochastic rounding (``payload_rounding='stochastic'``), 0..2**64-1; default 0,
        or the Config's own. The same seed gives the same bits: each block's random bits
        depend on (sr_seed, block index, lane) only.
    threads : int, optional
        Worker threads (default 1; more than the machine has are capped there), as
        ``--threads``: the bytes are the same for any number. The GIL is released while the
        model runs.
    row_length : int, optional
        The length of the last axis, which then need not be a multiple of 64: each row is
        zero-padded to whole blocks as ``hif4 quantize --row-length`` pads it.
    out : numpy.ndarray of uint8, optional
        Where to write the result: C-contiguous, of the shape returned. Reusing one buffer
        for many calls saves allocating (and faulting in) new memory each time.
    **knobs
        Knob settings by the command line's ``--set`` names with '_' for '-', e.g.
        ``payload_rounding='nearest-even'``. An unknown knob or value raises hif4.ConfigError
        (a ValueError) naming it and listing the valid ones.

    Returns
    -------
    numpy.ndarray of uint8, shape ``x.shape[:-1] + (nblocks, 36)``
        ``nblocks = ceil(x.shape[-1] / 64)``. Block b of row r (rows in C order) is block
        ``r * nblocks + b`` of the flat output: the block numbering of ``hif4 quantize``, which
        also indexes the stochastic-rounding bits. Byte 0 is E6M2, byte 1 E1_8, bytes 2-3 E1_16
        (little-endian), bytes 4-35 the S1P2 codes (value 2k in the low nibble of byte 4+k).

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal((4, 128), dtype=np.float32)
    >>> hif4.quantize(x).shape
    (4, 2, 36)
    >>> hif4.quantize(x[:, :100], "gcc", row_length=100).shape
    (4, 2, 36)
    """
    cfg = _checks.config(profile, sr_seed, knobs)
    n_threads = _checks.threads(threads)
    a = _checks.values(x)
    last = a.shape[-1]
    if row_length is None:
        if last % BLOCK_VALUES:
            raise ValueError(
                f"the last axis of x has {last} values, not a multiple of 64: pass "
                f"row_length={last} to zero-pad each row to whole blocks (as `hif4 quantize "
                f"--row-length` does)")
        nb, rl = last // BLOCK_VALUES, 0
    else:
        rl = _checks.row_length(row_length)
        if last != rl:
            raise ValueError(
                f"row_length={rl}, but the last axis of x has {last} values: row_length is the "
                f"length of the last axis (reshape x to (-1, {rl}) for rows of {rl})")
        nb = -(-rl // BLOCK_VALUES)
    shape = a.shape[:-1] + (nb, PACKED_BYTES)
    _check_out(out, shape, np.uint8)
    result = _core.quantize(a, cfg, rl, n_threads, out)
    return out if out is not None else result.reshape(shape)


def _check_out(out, shape, dtype):
    if out is None:
        return
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, not {type(out).__name__}")
    if out.shape != shape or out.dtype != dtype or not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"out must be a writeable C-contiguous {np.dtype(dtype)} array of shape {shape}, "
                         f"not {out.dtype} {out.shape}")


def dequantize(packed, dtype=np.float32, *, row_length=None, threads=None, out=None):
    """Decode packed HiF4 blocks to values (exactly: every HiF4 value is a BF16 value).

    Parameters
    ----------
    packed : numpy.ndarray of uint8 (or bytes)
        Shape ``(..., nblocks, 36)`` as ``quantize`` returns, or flat: a whole number of
        36-byte blocks (e.g. ``np.fromfile`` of a ``hif4 quantize`` output).
    dtype : numpy.float32 (default) or numpy.uint16
        float32 values, or BF16 bit patterns (uint16). A NaN block decodes to quiet NaNs.
    row_length : int, optional
        Crop each row's zero padding: with ``nblocks = ceil(row_length / 64)`` blocks a row,
        keep the first ``row_length`` values of each (as ``hif4 dequantize --row-length``).
    threads : int, optional
        Worker threads (default 1; capped at the machine's hardware threads).
    out : numpy.ndarray, optional
        Where to write the values: C-contiguous, of the dtype and shape returned.

    Returns
    -------
    numpy.ndarray of dtype
        Shape ``packed.shape[:-2] + (nblocks * 64,)``, or ``(..., row_length)``. A flat or
        2-D ``(n, 36)`` input gives a flat output, as the command line's files are.
    """
    p = _checks.packed(packed)
    n_threads = _checks.threads(threads)
    dt = np.dtype(dtype) if not (isinstance(dtype, str) and dtype == "bfloat16") else np.dtype(np.uint16)
    if dt not in (np.dtype(np.float32), np.dtype(np.uint16)):
        raise TypeError(f"dtype must be numpy.float32 or numpy.uint16 (BF16 bit patterns), not {dt}")
    blocks = p.size // PACKED_BYTES
    lead = p.shape[:-2] if p.ndim > 2 else ()
    per_row = p.shape[-2] if p.ndim > 2 else None
    if row_length is None:
        rl = 0
        shape = lead + (per_row * BLOCK_VALUES,) if per_row is not None else (blocks * BLOCK_VALUES,)
    else:
        rl = _checks.row_length(row_length)
        nb = -(-rl // BLOCK_VALUES)
        if per_row is not None and per_row != nb:
            raise ValueError(
                f"row_length={rl} needs {nb} blocks a row, but packed has {per_row} "
                f"(shape {p.shape})")
        if blocks % nb:
            raise ValueError(
                f"packed holds {blocks} blocks, not a whole number of rows of {nb} blocks "
                f"(row_length={rl})")
        shape = lead + (rl,) if per_row is not None else (blocks // nb * rl,)
    _check_out(out, shape, dt)
    result = _core.dequantize(p, dt == np.uint16, rl, n_threads, out)
    return out if out is not None else result.reshape(shape)


def fake_quant(x, profile="seed", *, sr_seed=None, threads=None, **knobs):
    """Quantize to HiF4 and decode again: the values a HiF4 tensor would hold.

    Takes what ``quantize`` takes and returns an array of the same shape and dtype as ``x``
    (float32 values, or uint16 BF16 bit patterns). The last axis is blocked in 64s; when it is
    not a multiple of 64 each row is zero-padded to whole blocks and the padding dropped again,
    as the seed treats a weight's rows. For torch tensors use ``hif4.torch.fake_quant``.

    >>> y = hif4.fake_quant(np.float32([[1.0, 0.3, -2.5] * 64]))
    """
    a = _checks.values(x)
    if a.shape[-1] == 0:
        return a.copy()
    packed = quantize(a, profile, sr_seed=sr_seed, threads=threads, row_length=a.shape[-1], **knobs)
    return dequantize(packed, a.dtype, row_length=a.shape[-1], threads=threads)


def to_bf16(x):
    """float32 values -> BF16 bit patterns (uint16), nearest even, NaN kept (quieted).

    The rounding every tool of the project applies to FP32 input, and the seed's
    ``x.to(torch.bfloat16)``. Same shape as x.
    """
    a = np.asarray(x)
    if a.dtype != np.float32:
        raise TypeError(f"x has dtype {a.dtype}; to_bf16 takes float32 (use x.astype(np.float32))")
    a = np.ascontiguousarray(a, dtype=np.dtype(np.float32).newbyteorder("="))
    return _core.to_bf16(a).reshape(a.shape)


def bf16_to_float32(bits):
    """BF16 bit patterns (uint16) -> float32 values (exact: a BF16 value is the top half of an FP32).

    The inverse of ``to_bf16`` for values that are BF16 already; e.g. to read
    ``dequantize(packed, np.uint16)`` or ``fake_quant`` of uint16 input as numbers.
    """
    b = np.asarray(bits)
    if b.dtype != np.uint16:
        raise TypeError(f"bits has dtype {b.dtype}; BF16 bit patterns are uint16")
    return (b.astype(np.uint32) << 16).view(np.float32)


def explain(values, profile="seed", *, sr_seed=None, block_index=0, **knobs):
    """The stage trace of one block: what `hif4 explain` prints, as a dict.

    Parameters
    ----------
    values : 1 to 64 values
        A uint16 array is taken as BF16 bit patterns; anything else (floats, ints, a float32 or
        float64 array) as numbers, rounded to FP32 and then to BF16 as ``hif4 explain
        --values`` does. Fewer than 64 are zero-padded.
    profile, sr_seed, **knobs
        As for ``quantize``.
    block_index : int
        The block's index (only stochastic rounding reads it).

    Returns
    -------
    dict
        ``input`` (64 BF16 patterns), ``peaks`` (``v16``, ``v8``, ``vmax`` as BF16 patterns,
        ``has_nan``, ``has_inf``), ``sf`` / ``sf_value`` (the scale factor), ``scale`` (E6M2
        ``code``, ``value``, ``event`` in-range/underflow/overflow, ``rounding``), ``e6m2``,
        ``nan_block`` and ``nan_cause`` (None or why the block is NaN), ``rec`` / ``rec_value``
        (BF16 reciprocal of the scale), ``product8`` / ``product16`` (V*REC as compared with the
        E1 thresholds), ``e1_8`` / ``e1_16`` and their ``*_bits`` lists, ``lanes`` (64 dicts:
        ``input``, ``value``, ``scaled`` |s|, ``code``, ``quarters``, ``e1_shift``,
        ``rounding``, ``saturated``, ``random``, ``decision`` in words), ``codes``, ``packed``
        (the 36 bytes), ``decoded`` (64 floats), ``config`` and ``text``: the rendering of
        ``hif4 explain``.
    """
    cfg = _checks.config(profile, sr_seed, knobs)
    index = _checks.integer(block_index, "block_index")
    if not 0 <= index < 2**64:
        raise ValueError(f"block_index must be between 0 and 2**64-1, not {index}")
    a = np.asarray(values)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1 or not 1 <= a.size <= BLOCK_VALUES:
        raise ValueError(f"values: expected 1 to 64 values, got shape {a.shape}")
    if a.dtype == np.uint16:
        bits = a
    elif a.dtype.kind in "fiub":
        bits = to_bf16(a.astype(np.float32))
    else:
        raise TypeError(f"values has dtype {a.dtype}: give numbers or uint16 BF16 bit patterns")
    block = np.zeros(BLOCK_VALUES, np.uint16)
    block[: bits.size] = bits
    return _core.explain(block, cfg, index)


def profiles():
    """Every profile with its knob values, and the knob table with each value's doc.

    Returns ``{"profiles": {name: {"doc", "knobs": {knob: value}}}, "knobs": {knob: {"option",
    "doc", "values": {value: doc}}}}``; knob names are the keywords ``quantize`` takes
    (``option`` is the command line's name). The data of ``hif4 profiles``.
    """
    return _core.profiles_table()


def read_vectors(path):
    """Read a .hif4v golden-vector file whole; returns a hif4.VectorFile.

    Its ``inputs`` (N, 64) uint16, ``expected`` (N, 36) uint8 and ``block_index`` (N,) uint64
    are the records, ``header`` the header as a dict, ``config`` the Config the expected bytes
    were made with, ``suites`` the named ranges. Every frame's CRC-32 is checked; a damaged or
    truncated file raises hif4.VectorFileError (a ValueError) naming the file and the fault.
    """
    path = os.fspath(path)
    with open(path, "rb"):  # a missing or unreadable file is an OSError, as open() gives it
        pass
    return _core.read_vectors(path)


class Mismatches(list):
    """The mismatching blocks ``verify`` found: a list of dicts, plus totals.

    ``checked`` blocks were compared, ``failed`` differed (more than ``len(self)`` when
    ``max_mismatches`` cut the list), ``passed`` = ``checked - failed``.
    """

    def __init__(self, items, checked, failed):
        super().__init__(items)
        self.checked = checked
        self.failed = failed
        self.passed = checked - failed

    def __repr__(self):
        return f"<hif4.Mismatches: {self.failed} of {self.checked} blocks differ, {len(self)} listed>"


def verify(vectors, dut, *, dut_format=None, max_mismatches=None):
    """Check a device's packed output against golden vectors, block by block (``hif4 verify``).

    Parameters
    ----------
    vectors : hif4.VectorFile or path of a .hif4v file
    dut : array of uint8, bytes, or path
        The device's output, one 36-byte block per record in file order: an array of shape
        (N, 36) or (N*36,), or a file: raw 36-byte blocks, or ``$writememh`` text with one
        288-bit word per block (byte k in bits 8k+7:8k).
    dut_format : "raw" or "readmemh", optional
        For a file: default readmemh for ``*.hex``, else raw (as ``hif4 verify``).
    max_mismatches : int, optional
        Diagnose at most this many mismatching blocks (all by default); the rest are counted.

    Returns
    -------
    hif4.Mismatches
        A list with one dict per mismatching block: ``block`` (record number), ``block_index``,
        ``suite``, ``fields`` (which of 'e6m2', 'e1_8', 'e1_16', 'payload' differ),
        ``expected`` / ``actual`` (36 bytes), ``e1_8_diff`` / ``e1_16_diff`` (differing bits),
        ``lanes`` (differing payload lanes), ``stage`` (the first pipeline stage that explains
        the difference), ``stage_unit``, ``stage_detail``, ``downstream_consistent``,
        ``downstream_detail``, ``expectation_matches_model``, ``replay`` (a ``hif4 explain``
        command) and ``text`` (the report ``hif4 verify`` prints). Empty when all match.
    """
    vf = vectors if isinstance(vectors, VectorFile) else read_vectors(vectors)
    n = len(vf)
    if isinstance(dut, (str, os.PathLike)):
        path = os.fspath(dut)
        fmt = dut_format or ("readmemh" if path.endswith(".hex") else "raw")
        with open(path, "rb"):
            pass
        actual = _core.read_dut(path, fmt, n)
    else:
        if dut_format is not None:
            raise ValueError("dut_format applies to a file; dut is already an array")
        actual = _checks.packed(dut, "dut")
    limit = 2**64 - 1 if max_mismatches is None else _checks.integer(max_mismatches, "max_mismatches")
    if limit < 0:
        raise ValueError(f"max_mismatches must be at least 0, not {limit}")
    found, failed = _core.verify(vf, np.ascontiguousarray(actual).reshape(-1), limit)
    return Mismatches(found, n, failed)
