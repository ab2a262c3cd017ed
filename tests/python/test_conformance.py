"""hif4.quantize / dequantize against the command line, byte for byte, on every conformance suite
of tests/data/seed under every profile and stochastic knob sets, from BF16 and FP32 input; and
threads=N against threads=1."""
import numpy as np
import pytest

import hif4
from conftest import SEED_DATA, cli_profiles, load_suite, run_cli, seed_suites

SUITES = seed_suites()
SUITE_IDS = [s[0] for s in SUITES]

# Knob sets beyond the plain profiles: stochastic rounding (the block index feeds its bits, so
# these also check the block numbering of rows), with a seed using all 64 bits.
STOCHASTIC = [
    ("gcc", {"payload_rounding": "stochastic"}, 12345,
     ["--profile", "gcc", "--set", "payload-rounding=stochastic", "--sr-seed", "12345"]),
    ("cann", {"payload_rounding": "stochastic", "threshold_product": "bf16", "scale_rounding": "up"},
     2**63 + 977,
     ["--profile", "cann", "--set", "payload-rounding=stochastic", "--set", "threshold-product=bf16",
      "--set", "scale-rounding=up", "--sr-seed", str(2**63 + 977)]),
]


def configurations():
    out = [(p, {}, 0, ["--profile", p]) for p in cli_profiles()]
    assert {"seed", "gcc", "cann"} <= {c[0] for c in out}
    return out + STOCHASTIC


def cli_quantize(tmp_path, data, cli_args, row, input_format="bf16"):
    src = tmp_path / f"in.{input_format}"
    out = tmp_path / "out.hif4"
    data.astype("<u2" if input_format == "bf16" else "<f4").tofile(src)
    args = ["quantize", *cli_args, "--in", src, "--out", out, "--input-format", input_format]
    if row:
        args += ["--row-length", row]
    run_cli(*args)
    return np.fromfile(out, dtype=np.uint8)


@pytest.mark.parametrize("name,path,row", SUITES, ids=SUITE_IDS)
def test_quantize_equals_cli_bf16(tmp_path, name, path, row):
    x = load_suite(path, row)
    for profile, knobs, sr_seed, cli_args in configurations():
        got = hif4.quantize(x, profile, sr_seed=sr_seed, row_length=row, **knobs)
        nb = -(-x.shape[1] // 64)
        assert got.shape == (x.shape[0], nb, 36)
        want = cli_quantize(tmp_path, x, cli_args, row)
        assert got.tobytes() == want.tobytes(), f"{name}: profile {profile} {knobs} differs from the CLI"


@pytest.mark.parametrize("name,path,row", SUITES, ids=SUITE_IDS)
def test_quantize_equals_cli_f32(tmp_path, name, path, row):
    # FP32 values whose low 16 bits are random: rounding to BF16 matters (ties included, since
    # 0x8000 is among the draws), and NaN / Inf patterns of the suites stay in.
    bits = load_suite(path, row)
    low = np.random.default_rng(len(name)).integers(0, 1 << 16, size=bits.shape, dtype=np.uint32)
    low[:, ::7] = 0x8000
    x = ((bits.astype(np.uint32) << 16) | low).view(np.float32)
    for profile, knobs, sr_seed, cli_args in configurations():
        got = hif4.quantize(x, profile, sr_seed=sr_seed, row_length=row, **knobs)
        want = cli_quantize(tmp_path, x, cli_args, row, "f32")
        assert got.tobytes() == want.tobytes(), f"{name}: f32 input, profile {profile} {knobs} differs"


@pytest.mark.parametrize("name,path,row", SUITES, ids=SUITE_IDS)
def test_seed_profile_equals_seed_vectors(name, path, row):
    # The seed's own output, stored with the suites.
    want = np.fromfile(SEED_DATA / f"{name}.out.hif4", dtype=np.uint8)
    got = hif4.quantize(load_suite(path, row), "seed", row_length=row)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("name,path,row", [s for s in SUITES if s[0] in ("random", "tiny", "rows130")],
                         ids=["random", "rows130", "tiny"])
def test_dequantize_equals_cli(tmp_path, name, path, row):
    # cann makes NaN blocks of the tiny and huge blocks, gcc keeps the sign of negative zeros.
    x = load_suite(path, row)
    for profile in ("cann", "gcc"):
        packed = hif4.quantize(x, profile, row_length=row)
        src = tmp_path / "in.hif4"
        packed.tofile(src)
        for fmt, dtype in (("f32", np.float32), ("bf16", np.uint16)):
            out = tmp_path / f"out.{fmt}"
            args = ["dequantize", "--in", src, "--out", out, "--output-format", fmt]
            if row:
                args += ["--row-length", row]
            run_cli(*args)
            got = hif4.dequantize(packed, dtype, row_length=row)
            assert got.shape == x.shape and got.dtype == dtype
            assert got.tobytes() == np.fromfile(out, dtype=np.uint8).tobytes(), f"{name} {profile} {fmt}"


def test_threads_give_the_same_bytes():
    x = load_suite(SEED_DATA / "random.in.bf16", None)
    flat = x.reshape(-1)[: 130 * 9000].reshape(-1, 130)  # rows that need padding: 27000 blocks
    as_f32 = (x.astype(np.uint32) << 16).view(np.float32)
    cfg = hif4.Config("gcc", payload_rounding="stochastic", sr_seed=5)
    for data, row in ((x, None), (flat, 130), (as_f32, None)):
        one = hif4.quantize(data, cfg, row_length=row, threads=1)
        for n in (2, 3, 7):
            assert np.array_equal(hif4.quantize(data, cfg, row_length=row, threads=n), one), f"threads={n}"
        for dt in (np.float32, np.uint16):
            d1 = hif4.dequantize(one, dt, row_length=row, threads=1)
            for n in (2, 5):
                assert d1.tobytes() == hif4.dequantize(one, dt, row_length=row, threads=n).tobytes()
