"""Against the seed itself (its PyTorch quantizer, ../shared/seed): hif4.quantize(profile="seed")
gives the seed's packed bytes on finite blocks, and the seed's own dequantization of a checkpoint
written by `hif4 convert` equals hif4.dequantize. Skipped where the seed is not beside the
repository."""
import numpy as np
import pytest

import hif4
from conftest import load_suite, run_cli, seed_suites

torch = pytest.importorskip("torch")
import hif4.torch as ht  # noqa: E402  (needs torch)

PARTS = ("e6m2", "e1_8_packed", "e1_16_packed", "s1p2_packed")


def seed_packed(seed, x):
    """The seed's quantize_to_hif4_blocks(x) as (..., nblocks, 36) bytes: the layout of hif4.quantize."""
    q = seed.quantize_to_hif4_blocks(x)
    return torch.cat([q["e6m2"].unsqueeze(-1), q["e1_8_packed"], q["e1_16_packed"], q["s1p2_packed"]],
                     dim=-1).numpy()


def bf16_tensor(bits):
    return torch.from_numpy(np.ascontiguousarray(bits).view(np.int16)).view(torch.bfloat16)


@pytest.mark.parametrize("name,path,row", seed_suites(), ids=[s[0] for s in seed_suites()])
def test_seed_quantizer_gives_the_same_bytes(seed_quantizer, name, path, row):
    bits = load_suite(path, row)  # every suite is finite: the seed's NaN / Inf handling is undefined
    want = seed_packed(seed_quantizer, bf16_tensor(bits))
    got = hif4.quantize(bits, "seed", row_length=row)
    assert got.shape == want.shape
    differ = np.flatnonzero(np.any(got.reshape(-1, 36) != want.reshape(-1, 36), axis=1))
    assert differ.size == 0, f"{name}: {differ.size} blocks differ from the seed, first {differ[:5]}"


def test_seed_quantizer_on_float32(seed_quantizer):
    # FP32 at magnitudes 2^-60..2^60 by row (saturated and floored scales included), rounded to
    # BF16 by torch in the seed and by the model here.
    g = torch.Generator().manual_seed(7)
    x = torch.randn(600, 200, generator=g) * torch.pow(2.0, torch.randint(-60, 61, (600, 1), generator=g).float())
    want = seed_packed(seed_quantizer, x)
    got = hif4.quantize(x.numpy(), "seed", row_length=200)
    assert np.array_equal(got, want)
    assert np.array_equal(ht.quantize(x).numpy(), want)


def test_seed_dequantizes_a_converted_checkpoint(seed_quantizer, tmp_path):
    g = torch.Generator().manual_seed(11)
    weights = {
        "model.a.weight": (torch.randn(37, 130, generator=g) * 0.02).bfloat16(),
        "model.b.weight": torch.randn(16, 64, generator=g) * torch.pow(10.0, torch.empty(16, 1).uniform_(-8, 8, generator=g)),
        "model.c.weight": torch.randn(9, 200, generator=g).half(),
    }
    tensors = dict(weights, **{"model.a.bias": torch.randn(37, generator=g)})
    ht.save_safetensors(tensors, tmp_path / "ckpt.safetensors")
    run_cli("convert", "--in", tmp_path / "ckpt.safetensors", "--out", tmp_path / "hif4")
    arrays, infos, meta = hif4.safetensors.load(tmp_path / "hif4" / "model.safetensors")
    assert meta.get("quantization") == "HiF4"
    for name, w in weights.items():
        group = name[: -len(".weight")]
        out, length = w.shape
        nb = -(-length // 64)
        pack = {p: torch.from_numpy(np.array(arrays[f"{group}.{p}"])) for p in PARTS}
        packed = torch.cat([pack["e6m2"].unsqueeze(-1), pack["e1_8_packed"], pack["e1_16_packed"],
                            pack["s1p2_packed"]], dim=-1).numpy()
        # The converter's bytes are the seed's ...
        assert np.array_equal(packed, seed_packed(seed_quantizer, w)), name
        # ... and the seed's decoding of them is hif4.dequantize's, bit for bit.
        pack.update(original_last_dim=length, padded_last_dim=nb * 64, shape_prefix=(out,))
        seed_values = seed_quantizer.dequantize_from_hif4_blocks(pack).contiguous().numpy()
        ours = hif4.dequantize(packed, row_length=length)
        assert seed_values.shape == ours.shape == (out, length)
        assert np.array_equal(seed_values.view(np.uint32), ours.view(np.uint32)), name
