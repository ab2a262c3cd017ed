"""A small, strict safetensors reader and writer (numpy), for HiF4 checkpoints.

The format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N,
N bytes of JSON ``{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}``,
then the data area. The reader checks what the reference implementation checks, as the
project's C++ reader does (convert/include/hif4/safetensors.h): the length against the file and
a 100 MB cap, well-formed JSON with no key twice, ``__metadata__`` a map of strings, known dtypes,
shapes of non-negative integers, ``shape x dtype size`` equal to the byte span, and tensors tiling
the data area with no overlap, gap or trailing bytes. Every fault is a SafetensorsError
(a ValueError) naming the file and the tensor.

numpy has no bfloat16: BF16 tensors come back as uint16 bit patterns (``dtypes()`` of the file
says which), and ``save`` takes ``{name: (array, "BF16")}`` to store uint16 bits as BF16.
"""
import json
import math
import os
import struct

import numpy as np

__all__ = ["SafetensorsError", "TensorInfo", "read_header", "load", "save"]

MAX_HEADER_BYTES = 100_000_000  # the reference implementation's cap

# dtype name -> (element bits, numpy dtype holding the bits or None where numpy has none)
DTYPES = {
    "BOOL": (8, np.dtype(np.bool_)),
    "U8": (8, np.dtype("<u1")), "I8": (8, np.dtype("<i1")),
    "U16": (16, np.dtype("<u2")), "I16": (16, np.dtype("<i2")),
    "U32": (32, np.dtype("<u4")), "I32": (32, np.dtype("<i4")),
    "U64": (64, np.dtype("<u8")), "I64": (64, np.dtype("<i8")),
    "F16": (16, np.dtype("<f2")), "F32": (32, np.dtype("<f4")), "F64": (64, np.dtype("<f8")),
    "BF16": (16, np.dtype("<u2")),  # bit patterns
    "C64": (64, np.dtype("<c8")),
    "F8_E5M2": (8, np.dtype("<u1")), "F8_E4M3": (8, np.dtype("<u1")), "F8_E8M0": (8, np.dtype("<u1")),
    "F4": (4, None), "F6_E2M3": (6, None), "F6_E3M2": (6, None),
}
_NUMPY_TO_DTYPE = {
    np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "U8", np.dtype(np.int8): "I8",
    np.dtype(np.uint16): "U16", np.dtype(np.int16): "I16", np.dtype(np.uint32): "U32",
    np.dtype(np.int32): "I32", np.dtype(np.uint64): "U64", np.dtype(np.int64): "I64",
    np.dtype(np.float16): "F16", np.dtype(np.float32): "F32", np.dtype(np.float64): "F64",
    np.dtype(np.complex64): "C64",
}


class SafetensorsError(ValueError):
    """A safetensors file that is not well formed; the message names the file and what is wrong."""


class TensorInfo:
    """One tensor of a header: name, dtype (the format's name), shape, and byte span in the data area."""

    __slots__ = ("name", "dtype", "shape", "begin", "end")

    def __init__(self, name, dtype, shape, begin, end):
        self.name, self.dtype, self.shape, self.begin, self.end = name, dtype, shape, begin, end

    def __repr__(self):
        return f"TensorInfo({self.name!r}, {self.dtype}, {list(self.shape)}, [{self.begin}, {self.end}])"


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise SafetensorsError(f"key '{k}' appears twice")
        out[k] = v
    return out


def read_header(path):
    """Parse and validate a file's header. Returns (tensors: {name: TensorInfo}, metadata, data_offset)."""
    path = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SafetensorsError(f"{path}: {size} bytes, too short for the 8-byte header length")
        (n,) = struct.unpack("<Q", head)
        if n > MAX_HEADER_BYTES:
            raise SafetensorsError(f"{path}: header length {n} is above the 100 MB limit")
        if 8 + n > size:
            raise SafetensorsError(f"{path}: header length {n} runs past the end of the file ({size} bytes)")
        text = f.read(n)
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except SafetensorsError as e:
        raise SafetensorsError(f"{path}: header: {e}") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorsError(f"{path}: header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError(f"{path}: __metadata__ must be a map of strings")
    data_bytes = size - 8 - n
    tensors = {}
    for name, t in header.items():
        where = f"{path}: tensor '{name}'"
        if not isinstance(t, dict) or set(t) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorsError(f"{where}: expected exactly dtype, shape and data_offsets")
        dtype, shape, offsets = t["dtype"], t["shape"], t["data_offsets"]
        if dtype not in DTYPES:
            raise SafetensorsError(f"{where}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            raise SafetensorsError(f"{where}: shape must be a list of non-negative integers")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise SafetensorsError(f"{where}: data_offsets must be [begin, end]")
        begin, end = offsets
        if not 0 <= begin <= end <= data_bytes:
            raise SafetensorsError(f"{where}: data_offsets [{begin}, {end}] outside the data area "
                                   f"of {data_bytes} bytes")
        bits = math.prod(shape) * DTYPES[dtype][0]
        if bits % 8 or bits // 8 != end - begin:
            raise SafetensorsError(f"{where}: shape {shape} of {dtype} needs {bits / 8:g} bytes, "
                                   f"data_offsets give {end - begin}")
        tensors[name] = TensorInfo(name, dtype, tuple(shape), begin, end)
    # The tensors must tile the data area: sorted by offset, each starts where the last ended.
    pos = 0
    for t in sorted(tensors.values(), key=lambda t: (t.begin, t.end)):
        if t.begin != pos:
            raise SafetensorsError(f"{path}: tensor '{t.name}' starts at {t.begin}, expected {pos} "
                                   f"({'overlap' if t.begin < pos else 'gap'} in the data area)")
        pos = t.end
    if pos != data_bytes:
        raise SafetensorsError(f"{path}: {data_bytes - pos} bytes after the last tensor")
    return tensors, metadata, 8 + n


def load(path, names=None):
    """Read tensors as numpy arrays (copy-on-write maps of the file; BF16 as uint16 bits).

    Returns ``(arrays: {name: ndarray}, tensors: {name: TensorInfo}, metadata)``; ``names``
    limits which tensors are read. Sub-byte dtypes (F4, F6) have no numpy form and raise.
    """
    tensors, metadata, offset = read_header(path)
    arrays = {}
    file_map = None
    for name in tensors if names is None else names:
        if name not in tensors:
            raise KeyError(f"{os.fspath(path)}: no tensor '{name}'")
        t = tensors[name]
        np_dtype = DTYPES[t.dtype][1]
        if np_dtype is None:
            raise SafetensorsError(f"{os.fspath(path)}: tensor '{name}' is {t.dtype}, which numpy cannot hold")
        if t.end == t.begin:
            arrays[name] = np.zeros(t.shape, np_dtype)
            continue
        if file_map is None:
            file_map = np.memmap(path, dtype=np.uint8, mode="c")
        raw = file_map[offset + t.begin: offset + t.end]
        arrays[name] = raw.view(np_dtype).reshape(t.shape)
    return arrays, tensors, metadata


def save(tensors, path, metadata=None):
    """Write ``{name: array}`` (or ``{name: (array, "BF16")}`` for uint16 BF16 bits) to a file.

    Tensors are laid out largest element first, then by name, and the header padded with spaces
    to a multiple of 8, as the reference writer does, so every tensor is naturally aligned. The
    file is written under a temporary name and renamed into place.
    """
    path = os.fspath(path)
    entries = []
    for name, value in tensors.items():
        if isinstance(value, tuple):
            array, dtype = value
            array = np.asarray(array)
            if dtype not in DTYPES or DTYPES[dtype][1] is None or DTYPES[dtype][1].itemsize != array.dtype.itemsize:
                raise SafetensorsError(f"tensor '{name}': cannot store {array.dtype} as {dtype}")
        else:
            array = np.asarray(value)
            dtype = _NUMPY_TO_DTYPE.get(array.dtype.newbyteorder("="))
            if dtype is None:
                raise SafetensorsError(f"tensor '{name}': no safetensors dtype for numpy {array.dtype}")
        array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        entries.append((name, dtype, array))
    entries.sort(key=lambda e: (-DTYPES[e[1]][0], e[0]))
    header, pos = {}, 0
    for name, dtype, array in entries:
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [pos, pos + array.nbytes]}
        pos += array.nbytes
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for _, _, array in entries:
                f.write(array.tobytes())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
