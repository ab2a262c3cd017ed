"""HiF4 for PyTorch: fake quantization, a Linear layer with packed HiF4 weights, and checkpoints.

  fake_quant(t, profile="seed", straight_through=False, **knobs)   the values a HiF4 tensor holds
  quantize(t, ...), dequantize(packed, ...)                          tensors <-> packed blocks
  HiF4Linear                                                         nn.Linear with a packed weight
  quantize_model(model, profile="seed", skip=...)                    Linear -> HiF4Linear in place
  load_hif4_checkpoint(model, path)                                  a `hif4 convert` folder -> model
  load_safetensors(path), save_safetensors(tensors, path)            plain safetensors files

CPU tensors go through the reference model (bit for bit what ``hif4 quantize`` writes). CUDA
tensors go through the CUDA golden (golden/, bit-identical to the model) when the module was
built with it (``hif4._core.has_cuda_golden``) and a GPU is present; otherwise a CUDA tensor is an
error that says so, never a silent copy to the host: move it with ``t.cpu()`` explicitly.
Supports float32 and bfloat16 tensors; BF16 values go through as their bit patterns.
"""
import json
import os

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as e:  # keep the numpy API usable where torch is not installed
    raise ImportError(
        f"hif4.torch needs PyTorch, which cannot be imported here ({e}); install it (Debian: "
        f"apt-get install python3-torch). The numpy API in `hif4` works without it.") from e

import hif4

from . import _checks, _core, safetensors

__all__ = [
    "DEFAULT_SKIP", "HiF4Linear", "dequantize", "decode_packed", "fake_quant",
    "load_hif4_checkpoint", "load_safetensors", "quantize", "quantize_model", "save_safetensors",
]

#: Module-name keywords the seed (and ``hif4 convert``) keep unquantized: substrings of the
#: lowercased module name.
DEFAULT_SKIP = ("embed", "embedding", "lm_head", "gate", "gating", "router")

_FLOATS = (torch.float32, torch.bfloat16)
_PACKED_NAMES = ("e6m2", "e1_8_packed", "e1_16_packed", "s1p2_packed")


def _check_tensor(t, name="t"):
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(t).__name__} (for numpy arrays use hif4.fake_quant)")
    if t.dtype not in _FLOATS:
        raise TypeError(f"{name} has dtype {t.dtype}: HiF4 takes torch.float32 or torch.bfloat16 tensors "
                        f"(convert with {name}.float())")
    if t.dim() == 0:
        raise ValueError(f"{name} is a scalar: it needs at least one dimension of values")


def _to_numpy_values(t):
    """A contiguous CPU float32/bfloat16 tensor as a numpy array: float32, or uint16 BF16 bits."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(np.uint16)
    return t.numpy()


def _from_numpy_values(a, dtype):
    if dtype == torch.bfloat16:
        return torch.from_numpy(np.ascontiguousarray(a).view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


def decode_packed(packed):
    """Packed blocks (uint8 tensor, last dimension 36) -> float32 values (..., 64), on any device.

    Pure torch operations, exact: each value is (4 + m) * q * 2^(e - 4 + E1) with (4 + m) * q <= 49
    and the power of two assembled from its exponent bits, so no step rounds. A NaN block gives
    NaNs, a negative code of magnitude 0 gives -0.0, as the model's decoder does.
    """
    if packed.dtype != torch.uint8 or packed.dim() == 0 or packed.shape[-1] != 36:
        raise ValueError(f"packed must be a uint8 tensor with last dimension 36, not {packed.dtype} {tuple(packed.shape)}")
    b = packed.to(torch.int32)
    e6m2 = b[..., 0:1]
    e1_8 = b[..., 1:2]
    e1_16 = b[..., 2:3] | (b[..., 3:4] << 8)
    payload = b[..., 4:]
    codes = torch.stack((payload & 15, payload >> 4), dim=-1).flatten(-2)
    lane = torch.arange(64, device=packed.device, dtype=torch.int32)
    shift = ((e1_8 >> (lane // 8)) & 1) + ((e1_16 >> (lane // 4)) & 1)
    exponent = (e6m2 >> 2) - 48 - 4 + shift  # -52 ..  17: always a normal FP32 exponent
    power = ((exponent + 127) << 23).view(torch.float32)
    value = ((4 + (e6m2 & 3)) * (codes & 7)).to(torch.float32) * power
    value = torch.where((codes & 8) != 0, -value, value)
    return torch.where(e6m2 == 255, torch.full_like(value, float("nan")), value)


def quantize(t, profile="seed", *, sr_seed=None, threads=None, **knobs):
    """Quantize a float32/bfloat16 tensor to packed HiF4 blocks along its last dimension.

    Returns a uint8 CPU tensor of shape ``t.shape[:-1] + (ceil(L / 64), 36)``; rows whose
    length L is not a multiple of 64 are zero-padded to whole blocks (``hif4 quantize
    --row-length L``, and the seed's layout). The tensor is copied to the CPU first if it is
    elsewhere. Arguments as for ``hif4.quantize``.
    """
    _check_tensor(t)
    a = _to_numpy_values(t.detach().cpu())
    if a.shape[-1] == 0:
        return torch.zeros(tuple(a.shape[:-1]) + (0, 36), dtype=torch.uint8)
    out = hif4.quantize(a, profile, sr_seed=sr_seed, threads=threads, row_length=a.shape[-1], **knobs)
    return torch.from_numpy(out)


def dequantize(packed, *, row_length=None, dtype=torch.float32):
    """Packed blocks (uint8 tensor (..., nblocks, 36)) -> values (..., nblocks * 64), or
    (..., row_length) with each row's padding cropped. float32 or bfloat16 (both exact), on the
    tensor's device."""
    if dtype not in _FLOATS:
        raise TypeError(f"dtype must be torch.float32 or torch.bfloat16, not {dtype}")
    if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8 or packed.dim() < 2 or packed.shape[-1] != 36:
        raise ValueError("packed must be a uint8 tensor of shape (..., nblocks, 36)")
    nb = packed.shape[-2]
    if row_length is not None:
        rl = _checks.row_length(row_length)
        if -(-rl // 64) != nb:
            raise ValueError(f"row_length={rl} needs {-(-rl // 64)} blocks a row, packed has {nb}")
    else:
        rl = nb * 64
    if packed.device.type == "cpu":
        values = hif4.dequantize(packed.contiguous().numpy(), row_length=rl)
        out = torch.from_numpy(values.reshape(tuple(packed.shape[:-2]) + (rl,)))
    else:
        out = decode_packed(packed).flatten(-2)[..., :rl]
    return out.to(dtype)


def _fake_quant_cpu(t, cfg, threads):
    a = _to_numpy_values(t)
    return _from_numpy_values(hif4.fake_quant(a, cfg, threads=threads), t.dtype)


def _fake_quant_cuda(t, cfg):
    if not _core.has_cuda_golden:
        raise RuntimeError(
            f"hif4.torch.fake_quant: the tensor is on {t.device}, but this hif4 module was built "
            f"without the CUDA golden (configure with -DHIF4_CUDA=ON where nvcc is installed); "
            f"move the tensor to the CPU (t.cpu()) to use the reference model")
    reason = _core.cuda_unavailable_reason()
    if reason:
        raise RuntimeError(f"hif4.torch.fake_quant: the CUDA golden cannot run: {reason}")
    length = t.shape[-1]
    nb = -(-length // 64)
    # FP32 -> BF16 is round-to-nearest-even in torch as in the model; a NaN stays a NaN (its
    # payload bits may differ, but any NaN makes a NaN block).
    x = t.to(torch.bfloat16).reshape(-1, length)
    if nb * 64 != length:
        x = F.pad(x, (0, nb * 64 - length))
    x = x.contiguous()
    if x.data_ptr() % 16:
        x = x.clone()
    count = x.shape[0] * nb
    packed = torch.empty((count, 36), dtype=torch.uint8, device=t.device)
    if count:
        with torch.cuda.device(t.device):
            stream = torch.cuda.current_stream(t.device).cuda_stream
            _core.quantize_cuda(x.data_ptr(), count, cfg, packed.data_ptr(), stream)
    values = decode_packed(packed).reshape(-1, nb * 64)[:, :length]
    return values.reshape(t.shape).to(t.dtype)


def _fake_quant(t, cfg, threads):
    if t.shape[-1] == 0:
        return t.clone()
    if t.device.type == "cpu":
        return _fake_quant_cpu(t, cfg, threads)
    if t.device.type == "cuda":
        return _fake_quant_cuda(t, cfg)
    raise RuntimeError(f"hif4.torch.fake_quant: tensors on {t.device} are not supported (CPU, or CUDA with "
                       f"the CUDA golden); move the tensor with t.cpu()")


class _StraightThrough(torch.autograd.Function):
    """Forward: HiF4 fake quantization. Backward: the identity (the straight-through estimator)."""

    @staticmethod
    def forward(ctx, t, cfg, threads):
        return _fake_quant(t, cfg, threads)

    @staticmethod
    def backward(ctx, grad):
        return grad, None, None


def fake_quant(t, profile="seed", *, straight_through=False, sr_seed=None, threads=None, **knobs):
    """Quantize a tensor to HiF4 and decode it again: same shape, dtype and device as ``t``.

    Blocks of 64 run along the last dimension; rows whose length is not a multiple of 64 are
    zero-padded to whole blocks and cropped again (the seed's treatment of a weight's rows).

    Parameters
    ----------
    t : torch.Tensor, float32 or bfloat16
        On the CPU (the reference model) or a CUDA device (the CUDA golden, where this module
        was built with it; otherwise RuntimeError, with no silent copy to the host).
    profile, sr_seed, threads, **knobs
        As for ``hif4.quantize``: a profile name or hif4.Config, knobs by keyword. The same
        sr_seed gives the same bits: the stochastic bits depend on (sr_seed, block, lane) and
        blocks are numbered from 0 on each call, so pass a new sr_seed for new noise.
    straight_through : bool
        False (default): the result is detached, no gradient flows through the rounding.
        True: a torch.autograd.Function whose backward is the identity (the straight-through
        estimator), for quantization-aware training.

    >>> w = torch.randn(16, 130, requires_grad=True)
    >>> hif4.torch.fake_quant(w, "gcc", straight_through=True).sum().backward()  # w.grad == 1
    """
    _check_tensor(t)
    cfg = _checks.config(profile, sr_seed, knobs)
    n_threads = _checks.threads(threads)
    if straight_through:
        return _StraightThrough.apply(t, cfg, n_threads)
    with torch.no_grad():
        return _fake_quant(t.detach(), cfg, n_threads)


class HiF4Linear(nn.Module):
    """A Linear layer whose weight is held as packed HiF4 blocks, decoded on each forward.

    The buffers are the seed's (``HiF4Linear`` of the seed gist) and the tensors ``hif4 convert``
    writes, so state dicts and converted checkpoints load as they are; for nb = ceil(in / 64):

      e6m2 [out, nb]   e1_8_packed [out, nb, 1]   e1_16_packed [out, nb, 2]   s1p2_packed [out, nb, 32]

    forward(x) is ``F.linear(x, W, bias)`` with W the exact decoded weight [out, in] (each row's
    padding cropped) in x's dtype (float32 where x is not floating point). Decoding uses the
    model's fast decoder on the CPU and exact torch operations elsewhere. With
    ``cache_weight=True`` the decoded weight is kept between calls (memory for speed) and decoded
    again when the buffers change or the module moves.

    Make one with ``HiF4Linear.from_linear(linear, profile, **knobs)``, ``quantize_model``, or
    ``load_hif4_checkpoint``.
    """

    def __init__(self, in_features, out_features, bias=True, *, device=None, dtype=None, cache_weight=False):
        super().__init__()
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        nb = -(-self.in_features // 64)
        kw = {"dtype": torch.uint8, "device": device}
        self.register_buffer("e6m2", torch.zeros(self.out_features, nb, **kw))
        self.register_buffer("e1_8_packed", torch.zeros(self.out_features, nb, 1, **kw))
        self.register_buffer("e1_16_packed", torch.zeros(self.out_features, nb, 2, **kw))
        self.register_buffer("s1p2_packed", torch.zeros(self.out_features, nb, 32, **kw))
        if bias:
            self.bias = nn.Parameter(torch.zeros(self.out_features, device=device, dtype=dtype or torch.float32))
        else:
            self.register_parameter("bias", None)
        self.cache_weight = cache_weight
        self.config = None  # the hif4.Config the weight was quantized with, where known
        self._cache_key = None
        self._cache = None

    @classmethod
    def from_linear(cls, linear, profile="seed", *, sr_seed=None, threads=None, cache_weight=False, **knobs):
        """A HiF4Linear holding ``linear``'s weight quantized (on the CPU, by the reference model)
        under the profile and knobs, and a copy of its bias, on the weight's device."""
        if not isinstance(linear, nn.Linear):
            raise TypeError(f"from_linear takes an nn.Linear, not {type(linear).__name__}")
        cfg = _checks.config(profile, sr_seed, knobs)
        w = linear.weight.detach()
        has_bias = linear.bias is not None
        mod = cls(linear.in_features, linear.out_features, bias=has_bias, device=w.device,
                  dtype=linear.bias.dtype if has_bias else None, cache_weight=cache_weight)
        weight = w if w.dtype in _FLOATS else w.float()
        mod.load_packed(quantize(weight, cfg, threads=threads))
        mod.config = cfg
        if has_bias:
            with torch.no_grad():
                mod.bias.copy_(linear.bias.detach())
        return mod

    @property
    def blocks_per_row(self):
        return self.e6m2.shape[1]

    def packed(self):
        """The weight as packed blocks: a uint8 tensor [out, nb, 36] (the layout of hif4.quantize)."""
        return torch.cat((self.e6m2.unsqueeze(-1), self.e1_8_packed, self.e1_16_packed, self.s1p2_packed), dim=-1)

    @torch.no_grad()
    def load_packed(self, packed):
        """Set the weight from packed blocks [out, nb, 36] (hif4.quantize of the weight's rows)."""
        want = (self.out_features, self.blocks_per_row, 36)
        if tuple(packed.shape) != want or packed.dtype != torch.uint8:
            raise ValueError(f"packed must be uint8 {want}, not {packed.dtype} {tuple(packed.shape)}")
        packed = packed.to(self.e6m2.device)
        self.e6m2.copy_(packed[..., 0])
        self.e1_8_packed.copy_(packed[..., 1:2])
        self.e1_16_packed.copy_(packed[..., 2:4])
        self.s1p2_packed.copy_(packed[..., 4:])

    def dequantize_weight(self, dtype=torch.float32):
        """The decoded weight [out, in] (exact in float32 and bfloat16), on the buffers' device."""
        if self.e6m2.device.type == "cpu":
            values = hif4.dequantize(self.packed().numpy(), row_length=self.in_features)
            w = torch.from_numpy(values)
        else:
            w = decode_packed(self.packed()).flatten(-2)[:, : self.in_features]
        return w.to(dtype)

    def _weight(self, dtype):
        if not self.cache_weight:
            return self.dequantize_weight(dtype)
        bufs = (self.e6m2, self.e1_8_packed, self.e1_16_packed, self.s1p2_packed)
        key = (dtype, self.e6m2.device) + tuple((b.data_ptr(), b._version) for b in bufs)
        if key != self._cache_key:
            self._cache = self.dequantize_weight(dtype)
            self._cache_key = key
        return self._cache

    def forward(self, x):
        dtype = x.dtype if x.is_floating_point() else torch.float32
        with torch.no_grad():
            w = self._weight(dtype)
        bias = self.bias
        if bias is not None and bias.dtype != dtype:
            bias = bias.to(dtype)
        return F.linear(x, w, bias)

    def extra_repr(self):
        profile = ""
        if self.config is not None:
            profile = f", config={self.config!r}"
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, format=HiF4{profile}")


def _skipped(name, skip):
    lname = name.lower()
    return any(k.lower() in lname for k in skip)


def quantize_model(model, profile="seed", *, skip=DEFAULT_SKIP, sr_seed=None, threads=None,
                   cache_weight=False, **knobs):
    """Replace every nn.Linear of ``model`` whose module name (lowercased) contains none of the
    ``skip`` keywords by a HiF4Linear of its weight, in place, as the seed's
    ``convert_hf_model_to_hif4`` does (and ``hif4 convert`` for checkpoints). Returns the names
    replaced."""
    cfg = _checks.config(profile, sr_seed, knobs)
    replaced = []
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.Linear) and name and not _skipped(name, skip):
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, HiF4Linear.from_linear(module, cfg, threads=threads, cache_weight=cache_weight))
            replaced.append(name)
    return replaced


_TORCH_DTYPES = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "I32": torch.int32,
    "I64": torch.int64, "F16": torch.float16, "F32": torch.float32, "F64": torch.float64,
    "BF16": torch.bfloat16, "C64": torch.complex64,
}
_DTYPE_NAMES = {v: k for k, v in _TORCH_DTYPES.items()}


def _to_torch(array, dtype_name, where):
    if dtype_name not in _TORCH_DTYPES:
        raise TypeError(f"{where}: safetensors dtype {dtype_name} has no torch {torch.__version__} dtype here")
    if dtype_name == "BF16":
        return torch.from_numpy(array.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(array)


def load_safetensors(path):
    """A safetensors file as ``{name: torch.Tensor}`` (CPU; BF16 as torch.bfloat16). The header
    is validated by hif4.safetensors; a fault raises SafetensorsError (a ValueError)."""
    arrays, infos, _ = safetensors.load(path)
    return {n: _to_torch(a, infos[n].dtype, f"{os.fspath(path)}: tensor '{n}'") for n, a in arrays.items()}


def save_safetensors(tensors, path, metadata=None):
    """Write ``{name: torch.Tensor}`` to a safetensors file (tensors copied to the CPU)."""
    out = {}
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _DTYPE_NAMES:
            raise TypeError(f"tensor '{name}': dtype {t.dtype} has no safetensors name here")
        if t.dtype == torch.bfloat16:
            out[name] = (t.view(torch.int16).numpy().view(np.uint16), "BF16")
        else:
            out[name] = t.numpy()
    safetensors.save(out, path, metadata)


def _checkpoint_files(path):
    """(safetensors file, hif4_config.json contents or {}) of a checkpoint folder or file."""
    path = os.fspath(path)
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    manifest = {}
    manifest_path = os.path.join(folder, "hif4_config.json")
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
        if not isinstance(manifest, dict):
            raise ValueError(f"{manifest_path}: not a JSON object")
    if os.path.isdir(path):
        file = os.path.join(path, manifest.get("filename", "model.safetensors"))
    else:
        file = path
    if not os.path.exists(file):
        raise FileNotFoundError(f"{file}: no such checkpoint file")
    return file, manifest


def _manifest_config(manifest):
    """The hif4.Config a `hif4 convert` manifest records, or None (the seed's own has none)."""
    knobs = manifest.get("knobs")
    if not isinstance(knobs, dict):
        return None
    try:
        return hif4.Config(manifest.get("profile") or "seed", sr_seed=manifest.get("sr_seed", 0),
                           **{k.replace("-", "_"): v for k, v in knobs.items()})
    except (ValueError, TypeError):
        return None


def load_hif4_checkpoint(model, path, *, strict=True, cache_weight=False):
    """Load a HiF4 checkpoint (a folder written by ``hif4 convert``, or the seed's
    ``save_hif4_model_as_safetensors``) into ``model``, in place; returns ``model``.

    Every ``nn.Linear`` whose weight the checkpoint holds packed (``NAME.e6m2``,
    ``.e1_8_packed``, ``.e1_16_packed``, ``.s1p2_packed``) is replaced by a ``HiF4Linear`` on the
    same device holding those bytes, as the seed's loader does; every other tensor (biases,
    norms, embeddings, skipped weights) is loaded by ``model.load_state_dict``, cast to the
    parameter's dtype. Which layers are HiF4 is read from the checkpoint itself, so it agrees
    with whatever skip keywords the conversion used. ``path`` is the folder (its
    ``hif4_config.json`` names the file, default ``model.safetensors``) or the file.

    strict: a tensor the model lacks, or a parameter or buffer the checkpoint lacks, raises
    RuntimeError naming them (as ``load_state_dict(strict=True)``). A HiF4 weight for a module
    that is not an ``nn.Linear``, or whose shape differs, raises ValueError.

    >>> model = MyModel()                       # the architecture, weights not needed
    >>> hif4.torch.load_hif4_checkpoint(model, "ckpt-hif4")
    """
    file, manifest = _checkpoint_files(path)
    arrays, infos, _ = safetensors.load(file)
    groups = sorted(n[: -len(".e6m2")] for n in infos if n.endswith(".e6m2"))
    modules = dict(model.named_modules())
    converted = manifest.get("converted") if isinstance(manifest.get("converted"), dict) else {}
    config = _manifest_config(manifest)
    for g in groups:
        for part in _PACKED_NAMES[1:]:
            if f"{g}.{part}" not in infos:
                raise ValueError(f"{file}: HiF4 weight '{g}' has {g}.e6m2 but no {g}.{part}")
        module = modules.get(g)
        if module is None:
            raise ValueError(f"{file}: holds the HiF4 weight '{g}', but the model has no module of that name")
        if not isinstance(module, (nn.Linear, HiF4Linear)):
            raise ValueError(f"{file}: HiF4 weight '{g}' belongs to a {type(module).__name__}; HiF4 weights "
                             f"replace nn.Linear modules only")
        nb = -(-module.in_features // 64)
        want = {"e6m2": (module.out_features, nb), "e1_8_packed": (module.out_features, nb, 1),
                "e1_16_packed": (module.out_features, nb, 2), "s1p2_packed": (module.out_features, nb, 32)}
        for part, shape in want.items():
            info = infos[f"{g}.{part}"]
            if info.dtype != "U8" or tuple(info.shape) != shape:
                raise ValueError(f"{file}: {g}.{part} is {info.dtype} {list(info.shape)}; the model's "
                                 f"{module.out_features}x{module.in_features} Linear needs U8 {list(shape)}")
        original = converted.get(f"{g}.weight", {}).get("shape") if isinstance(converted.get(f"{g}.weight"), dict) else None
        if original is not None and list(original) != [module.out_features, module.in_features]:
            raise ValueError(f"{file}: '{g}.weight' was {original} when converted; the model's is "
                             f"[{module.out_features}, {module.in_features}]")
        if isinstance(module, nn.Linear):
            bias = module.bias
            new = HiF4Linear(module.in_features, module.out_features, bias=bias is not None,
                             device=module.weight.device, dtype=bias.dtype if bias is not None else None,
                             cache_weight=cache_weight)
            parent_name, _, child = g.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, new)
            module = new
        module.config = config
    state = {n: _to_torch(a, infos[n].dtype, f"{file}: tensor '{n}'") for n, a in arrays.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if strict and (missing or unexpected):
        raise RuntimeError(f"{file}: the checkpoint does not match the model: missing {list(missing)}, "
                           f"unexpected {list(unexpected)}")
    return model
