"""hif4.torch: fake quantization of tensors (with the straight-through gradient), the torch
decoder, HiF4Linear, quantize_model, the checkpoint loader against `hif4 convert`, and the
safetensors reader's validation."""
import json
import struct

import numpy as np
import pytest

import hif4
from conftest import SEED_DATA, load_suite, run_cli, seed_suites

torch = pytest.importorskip("torch")
import hif4.torch as ht  # noqa: E402  (needs torch)
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

GEN = torch.Generator().manual_seed(1234)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN) * scale


def bits_of(t):
    """A float32 tensor's bit patterns (NaN payloads and -0.0 compared too)."""
    return t.contiguous().numpy().view(np.uint32)


# ---- fake_quant ------------------------------------------------------------------------------

def test_fake_quant_cpu_float32_and_bfloat16():
    t = randn(3, 5, 130, scale=4.0)
    y = ht.fake_quant(t, "gcc")
    assert y.shape == t.shape and y.dtype == torch.float32 and y.device == t.device
    assert np.array_equal(y.numpy(), hif4.fake_quant(t.numpy(), "gcc"))
    yb = ht.fake_quant(t.bfloat16(), "gcc")
    assert yb.dtype == torch.bfloat16
    assert torch.equal(yb.float(), y)
    # Non-contiguous input and a Config with stochastic rounding.
    cfg = hif4.Config("cann", payload_rounding="stochastic", sr_seed=5)
    tt = randn(128, 96).t()
    assert np.array_equal(ht.fake_quant(tt, cfg).numpy(), hif4.fake_quant(np.ascontiguousarray(tt.numpy()), cfg))
    assert torch.equal(ht.fake_quant(tt, cfg), ht.fake_quant(tt, cfg))
    assert not torch.equal(ht.fake_quant(tt, cfg), ht.fake_quant(tt, cfg, sr_seed=6))
    # threads= gives the same values.
    big = randn(64, 1024)
    assert torch.equal(ht.fake_quant(big, cfg, threads=3), ht.fake_quant(big, cfg))


def test_fake_quant_gradients():
    w = randn(16, 130, scale=0.1).requires_grad_()
    y = ht.fake_quant(w)
    assert not y.requires_grad  # no gradient through the rounding by default
    y = ht.fake_quant(w, "gcc", straight_through=True)
    assert y.requires_grad
    (y * torch.arange(130.0)).sum().backward()
    assert torch.equal(w.grad, torch.arange(130.0).expand(16, 130))  # identity backward
    assert torch.equal(y.detach(), ht.fake_quant(w.detach(), "gcc"))
    # bfloat16 parameters too.
    wb = randn(4, 64).bfloat16().requires_grad_()
    ht.fake_quant(wb, straight_through=True).float().sum().backward()
    assert wb.grad.dtype == torch.bfloat16 and torch.all(wb.grad == 1)


def test_fake_quant_errors():
    with pytest.raises(TypeError, match="float16"):
        ht.fake_quant(torch.zeros(64, dtype=torch.float16))
    with pytest.raises(TypeError, match="int64"):
        ht.fake_quant(torch.zeros(64, dtype=torch.int64))
    with pytest.raises(TypeError, match="torch.Tensor"):
        ht.fake_quant(np.zeros(64, np.float32))
    with pytest.raises(hif4.ConfigError, match="unknown knob 'payload'"):
        ht.fake_quant(torch.zeros(64), payload="stochastic")
    with pytest.raises(ValueError, match="threads"):
        ht.fake_quant(torch.zeros(64), threads=0)
    with pytest.raises(RuntimeError, match="not supported"):
        ht.fake_quant(torch.zeros(2, 64, device="meta"))


def test_cuda_path_says_why_it_cannot_run():
    # Without a GPU the CUDA path must stop at its checks, before any device work, naming why.
    if hif4._core.has_cuda_golden and not hif4._core.cuda_unavailable_reason():
        pytest.skip("a CUDA device is usable here: test_fake_quant_cuda runs the path")
    with pytest.raises(RuntimeError, match="without the CUDA golden|the CUDA golden cannot run: no CUDA device"):
        ht._fake_quant_cuda(torch.zeros(2, 64), hif4.Config())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device for torch here")
def test_fake_quant_cuda():
    t = randn(33, 200, scale=3.0)
    if not hif4._core.has_cuda_golden:
        with pytest.raises(RuntimeError, match="without the CUDA golden"):
            ht.fake_quant(t.cuda())
        return
    for cfg in (hif4.Config("seed"), hif4.Config("cann", payload_rounding="stochastic", sr_seed=9)):
        for dt in (torch.float32, torch.bfloat16):
            got = ht.fake_quant(t.to(dt).cuda(), cfg)
            assert got.device.type == "cuda" and got.dtype == dt
            assert torch.equal(got.cpu(), ht.fake_quant(t.to(dt), cfg))


def test_decode_packed_equals_the_model_decoder():
    # Every suite under cann (NaN blocks) and gcc (negative zeros, saturated Inf): the torch
    # decoder's bits are the model's.
    for name, path, row in seed_suites():
        x = load_suite(path, row)
        for profile in ("cann", "gcc"):
            packed = hif4.quantize(x, profile, row_length=row)
            want = hif4.dequantize(packed)
            got = ht.decode_packed(torch.from_numpy(packed)).flatten(-2)
            assert np.array_equal(bits_of(got), want.view(np.uint32)), f"{name} {profile}"
            assert np.array_equal(bits_of(ht.dequantize(torch.from_numpy(packed))), want.view(np.uint32))


def test_quantize_and_dequantize_tensors():
    t = randn(7, 100)
    p = ht.quantize(t, "gcc")
    assert p.dtype == torch.uint8 and p.shape == (7, 2, 36)
    assert np.array_equal(p.numpy(), hif4.quantize(t.numpy(), "gcc", row_length=100))
    d = ht.dequantize(p, row_length=100)
    assert torch.equal(d, ht.fake_quant(t, "gcc"))
    assert ht.dequantize(p, row_length=100, dtype=torch.bfloat16).dtype == torch.bfloat16
    with pytest.raises(ValueError, match="row_length=200"):
        ht.dequantize(p, row_length=200)


# ---- HiF4Linear and quantize_model ---------------------------------------------------------------

def test_hif4_linear():
    lin = nn.Linear(130, 24)
    h = ht.HiF4Linear.from_linear(lin, "gcc")
    x = randn(5, 130)
    want = F.linear(x, ht.fake_quant(lin.weight.detach(), "gcc"), lin.bias)
    assert torch.equal(h(x), want)
    assert set(h.state_dict()) == {"bias", "e6m2", "e1_8_packed", "e1_16_packed", "s1p2_packed"}
    assert h.e6m2.shape == (24, 3) and h.s1p2_packed.shape == (24, 3, 32)
    assert np.array_equal(h.packed().numpy(), hif4.quantize(lin.weight.detach().numpy(), "gcc", row_length=130))
    assert "format=HiF4" in repr(h) and "gcc" in repr(h)
    # bfloat16 activations: the weight is decoded exactly in bfloat16.
    xb = x.bfloat16()
    w_bf16 = ht.fake_quant(lin.weight.detach(), "gcc").bfloat16()
    assert torch.equal(h(xb), F.linear(xb, w_bf16, lin.bias.detach().bfloat16()))
    # The state dict round-trips into an empty layer.
    h2 = ht.HiF4Linear(130, 24)
    h2.load_state_dict(h.state_dict())
    assert torch.equal(h2(x), h(x))
    # The bias trains; the packed weight does not.
    h(x).sum().backward()
    assert h.bias.grad is not None and [n for n, p in h.named_parameters()] == ["bias"]


def test_hif4_linear_cache_follows_the_buffers():
    lin = nn.Linear(64, 8, bias=False)
    h = ht.HiF4Linear.from_linear(lin, cache_weight=True)
    x = randn(2, 64)
    first = h(x)
    assert torch.equal(h(x), first) and h._cache is not None
    other = ht.quantize(randn(8, 64))
    h.load_packed(other)  # changes the buffers in place: the cache must not be reused
    assert torch.equal(h(x), F.linear(x, ht.dequantize(other)))


def test_quantize_model_skips_as_the_seed_does():
    model = nn.ModuleDict({
        "embed_tokens": nn.Embedding(10, 64),
        "q_proj": nn.Linear(64, 64),
        "mlp": nn.ModuleDict({"gate_proj": nn.Linear(64, 128), "up_proj": nn.Linear(64, 128)}),
        "lm_head": nn.Linear(64, 10),
    })
    replaced = ht.quantize_model(model, "cann")
    assert replaced == ["q_proj", "mlp.up_proj"]
    assert isinstance(model["q_proj"], ht.HiF4Linear) and isinstance(model["mlp"]["gate_proj"], nn.Linear)
    assert ht.quantize_model(model, skip=()) == ["mlp.gate_proj", "lm_head"]


# ---- checkpoints ---------------------------------------------------------------------------------

class Tiny(nn.Module):
    """A small LLaMA-shaped stack: embedding, two blocks of projections and norms, a head."""

    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(50, 130)
        self.layers = nn.ModuleList()
        for _ in range(2):
            block = nn.Module()
            block.norm = nn.LayerNorm(130)
            block.up_proj = nn.Linear(130, 200)
            block.gate_proj = nn.Linear(130, 200, bias=False)
            block.down_proj = nn.Linear(200, 130, bias=False)
            self.layers.append(block)
        self.lm_head = nn.Linear(130, 50, bias=False)

    def forward(self, ids):
        h = self.embed_tokens(ids)
        for b in self.layers:
            n = b.norm(h)
            h = h + b.down_proj(F.silu(b.gate_proj(n)) * b.up_proj(n))
        return self.lm_head(h)


def make_checkpoint(tmp_path, *convert_args):
    torch.manual_seed(5)
    src = Tiny()
    state = {k: (v.detach().bfloat16() if k.endswith("proj.weight") else v.detach()) for k, v in src.state_dict().items()}
    ht.save_safetensors(state, tmp_path / "model.safetensors", {"format": "pt"})
    (tmp_path / "config.json").write_text("{}")
    run_cli("convert", "--in", tmp_path / "model.safetensors", "--out", tmp_path / "hif4", *convert_args)
    return src, state


@pytest.mark.parametrize("convert_args", [[], ["--profile", "gcc", "--set", "payload-rounding=stochastic", "--sr-seed", "3"]],
                         ids=["seed", "gcc-stochastic"])
def test_loader_matches_dequantized_model(tmp_path, convert_args):
    src, state = make_checkpoint(tmp_path, *convert_args)
    manifest = json.loads((tmp_path / "hif4" / "hif4_config.json").read_text())
    model = Tiny()  # a fresh model: every weight comes from the checkpoint
    assert ht.load_hif4_checkpoint(model, tmp_path / "hif4") is model
    hif4_layers = sorted(n for n, m in model.named_modules() if isinstance(m, ht.HiF4Linear))
    assert hif4_layers == ["layers.0.down_proj", "layers.0.up_proj", "layers.1.down_proj", "layers.1.up_proj"]
    assert isinstance(model.layers[0].gate_proj, nn.Linear) and isinstance(model.lm_head, nn.Linear)
    cfg = hif4.Config(manifest["profile"] or "seed", sr_seed=manifest["sr_seed"],
                      **{k.replace("-", "_"): v for k, v in manifest["knobs"].items()})
    assert model.layers[0].up_proj.config == cfg
    # The packed weights are the model's quantization of the original rows (block indices from 0
    # in every tensor).
    w = state["layers.1.down_proj.weight"]
    assert np.array_equal(model.layers[1].down_proj.packed().numpy(), ht.quantize(w, cfg).numpy())
    # Reference: the same architecture with plain Linear layers holding the decoded weights, from
    # `hif4 convert --dequantize`.
    run_cli("convert", "--dequantize", "--in", tmp_path / "hif4", "--out", tmp_path / "bf16")
    reference = Tiny()
    reference.load_state_dict(ht.load_safetensors(tmp_path / "bf16" / "model.safetensors"))
    ids = torch.randint(0, 50, (3, 11), generator=GEN)
    with torch.no_grad():
        got, want = model(ids), reference(ids)
    assert torch.equal(got, want)
    # And not merely the original model: quantization changed the outputs.
    with torch.no_grad():
        assert not torch.equal(got, src(ids))
    # A bfloat16 model runs too.
    with torch.no_grad():
        assert model.to(torch.bfloat16)(ids).dtype == torch.bfloat16


def test_loader_errors(tmp_path):
    make_checkpoint(tmp_path)
    ckpt = tmp_path / "hif4"

    class Wrong(Tiny):
        def __init__(self):
            super().__init__()
            self.layers[0].up_proj = nn.Linear(130, 199)

    with pytest.raises(ValueError, match="layers.0.up_proj"):
        ht.load_hif4_checkpoint(Wrong(), ckpt)

    class Missing(Tiny):
        def __init__(self):
            super().__init__()
            del self.layers[1].down_proj

    with pytest.raises(ValueError, match="no module of that name"):
        ht.load_hif4_checkpoint(Missing(), ckpt)

    class Extra(Tiny):
        def __init__(self):
            super().__init__()
            self.extra = nn.Linear(3, 3)

    with pytest.raises(RuntimeError, match="missing.*extra.weight"):
        ht.load_hif4_checkpoint(Extra(), ckpt)
    ht.load_hif4_checkpoint(Extra(), ckpt, strict=False)
    with pytest.raises(FileNotFoundError):
        ht.load_hif4_checkpoint(Tiny(), tmp_path / "nowhere")


# ---- safetensors -------------------------------------------------------------------------------

def write_raw(path, header, data=b"", pad=True):
    text = json.dumps(header).encode() if not isinstance(header, bytes) else header
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


@pytest.mark.parametrize("header,data,message", [
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 7, "outside the data area"),
    ({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8, "needs 12 bytes"),
    ({"a": {"dtype": "X9", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, "unknown dtype"),
    ({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, b"\0" * 8, "non-negative"),
    ({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
      "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}}, b"\0" * 6, "overlap"),
    ({"a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}}, b"\0" * 4, "gap"),
    ({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}, b"\0" * 3, "after the last tensor"),
    ({"__metadata__": {"k": 1}}, b"", "map of strings"),
    ({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1], "x": 1}}, b"\0", "exactly"),
    (b'{"a": 1, "a": 2}', b"", "appears twice"),
    (b"{not json", b"", "not valid JSON"),
    (b"[]", b"", "not a JSON object"),
])
def test_safetensors_reader_rejects_malformed_files(tmp_path, header, data, message):
    path = write_raw(tmp_path / "bad.safetensors", header, data)
    with pytest.raises(hif4.safetensors.SafetensorsError, match=message):
        hif4.safetensors.load(path)


def test_safetensors_length_field_and_round_trip(tmp_path):
    p = tmp_path / "t.safetensors"
    p.write_bytes(struct.pack("<Q", 1000) + b"{}")
    with pytest.raises(hif4.safetensors.SafetensorsError, match="past the end"):
        hif4.safetensors.read_header(p)
    p.write_bytes(b"\1\2")
    with pytest.raises(hif4.safetensors.SafetensorsError, match="too short"):
        hif4.safetensors.read_header(p)
    tensors = {"w": randn(3, 5).bfloat16(), "b": randn(5), "i": torch.arange(6).reshape(2, 3), "e": torch.zeros(0, 4)}
    ht.save_safetensors(tensors, p, {"note": "x"})
    back = ht.load_safetensors(p)
    assert set(back) == set(tensors)
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and torch.equal(back[k], v)
    infos, meta, offset = hif4.safetensors.read_header(p)
    assert meta == {"note": "x"} and offset % 8 == 0 and infos["w"].dtype == "BF16"
    # The project's C++ reader accepts what this writer wrote (`hif4 convert` reads it).
    run_cli("convert", "--in", p, "--out", tmp_path / "out", "--no-default-skip")
