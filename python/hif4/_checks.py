"""Argument checks shared by hif4 and hif4.torch: every message names the argument at fault."""
import operator

import numpy as np

from . import _core

BLOCK = 64
PACKED = 36


def config(profile, sr_seed, knobs):
    """A hif4.Config from a profile name or Config, knob keywords and an optional sr_seed."""
    if sr_seed is not None:
        knobs = dict(knobs, sr_seed=sr_seed)
    return _core.Config(profile, **knobs)


def integer(value, name):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None


def threads(value):
    """threads= as `--threads`: None means 1; at least 1; more than the machine's hardware
    threads are capped there (they would not help), so memory stays bounded."""
    if value is None:
        return 1
    n = integer(value, "threads")
    if n < 1:
        raise ValueError(f"threads must be at least 1, not {n}")
    return min(n, _core.hardware_threads)


def row_length(value):
    n = integer(value, "row_length")
    if n < 1:
        raise ValueError(f"row_length must be at least 1, not {n}")
    return n


def values(x, name="x"):
    """x as a C-contiguous, native-order uint16 (BF16 bits) or float32 array (copied if needed)."""
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    dt = a.dtype
    if not ((dt.kind == "u" and dt.itemsize == 2) or (dt.kind == "f" and dt.itemsize == 4)):
        raise TypeError(
            f"{name} has dtype {dt}: HiF4 quantizes BF16 values, so pass uint16 BF16 bit patterns or "
            f"float32 (rounded to BF16, nearest even, as `hif4 quantize --input-format f32` does); "
            f"convert with {name}.astype(np.float32)")
    if a.ndim == 0:
        raise ValueError(f"{name} is a scalar: it needs at least one axis of values")
    if not dt.isnative:
        a = a.astype(dt.newbyteorder("="))
    return np.ascontiguousarray(a)


def packed(p, name="packed"):
    """p as a C-contiguous uint8 array of whole 36-byte blocks."""
    if isinstance(p, (bytes, bytearray, memoryview)):
        p = np.frombuffer(p, dtype=np.uint8)
    a = p if isinstance(p, np.ndarray) else np.asarray(p)
    if a.dtype != np.uint8:
        raise TypeError(f"{name} has dtype {a.dtype}: packed HiF4 blocks are uint8, 36 bytes a block")
    if a.ndim == 0:
        raise ValueError(f"{name} is a scalar: it needs 36 bytes per block")
    if a.ndim == 1:
        if a.size % PACKED:
            raise ValueError(f"{name} holds {a.size} bytes, not a whole number of 36-byte blocks")
    elif a.shape[-1] != PACKED:
        raise ValueError(
            f"{name} has shape {a.shape}: its last axis must be 36, one packed block "
            f"(hif4.quantize returns (..., nblocks, 36))")
    return np.ascontiguousarray(a)
