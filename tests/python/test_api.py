"""The numpy API: shapes and block numbering, input handling, errors that name the argument,
Config, explain and profiles against the command line, and the GIL released while quantizing."""
import os
import pickle
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import hif4
from conftest import SEED_DATA, load_suite, run_cli

RNG = np.random.default_rng(2602)


def normal(shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


# ---- shapes, block numbering, input forms ------------------------------------------------------

def test_shapes_and_block_numbering():
    # Rows of whole blocks numbered r * nb + b are the flat blocks: with stochastic rounding (whose
    # bits depend on the block index) any leading shape gives the bytes of the flat array.
    x = normal((2, 3, 256))
    cfg = hif4.Config("gcc", payload_rounding="stochastic", sr_seed=3)
    q = hif4.quantize(x, cfg)
    assert q.shape == (2, 3, 4, 36) and q.dtype == np.uint8
    assert np.array_equal(q.reshape(-1, 36), hif4.quantize(x.reshape(-1), cfg).reshape(-1, 36))
    assert hif4.dequantize(q).shape == (2, 3, 256)
    # Padded rows: block b of row r is block r * nb + b, each row's padding is zeros.
    y = normal((5, 100))
    qy = hif4.quantize(y, cfg, row_length=100)
    assert qy.shape == (5, 2, 36)
    padded = np.zeros((5, 128), np.float32)
    padded[:, :100] = y
    assert np.array_equal(qy, hif4.quantize(padded, cfg))
    assert hif4.dequantize(qy, row_length=100).shape == (5, 100)
    assert hif4.dequantize(qy).shape == (5, 128)
    # Flat packed bytes (a file's contents) decode to flat values.
    assert hif4.dequantize(qy.reshape(-1)).shape == (640,)
    assert hif4.dequantize(qy.reshape(-1), row_length=100).shape == (500,)
    assert hif4.dequantize(qy.tobytes()).shape == (640,)


def test_out_arrays_are_filled_and_returned():
    x = normal((10, 100))
    out = np.full((10, 2, 36), 0xAA, np.uint8)
    assert hif4.quantize(x, "gcc", row_length=100, out=out) is out
    assert np.array_equal(out, hif4.quantize(x, "gcc", row_length=100))
    values = np.full((10, 100), np.nan, np.float32)
    assert hif4.dequantize(out, row_length=100, out=values) is values
    assert np.array_equal(values, hif4.dequantize(out, row_length=100))
    bits = np.zeros((10, 128), np.uint16)
    assert np.array_equal(hif4.dequantize(out, np.uint16, out=bits), hif4.to_bf16(hif4.dequantize(out)))
    with pytest.raises(ValueError, match="shape"):
        hif4.quantize(x, row_length=100, out=np.empty((10, 3, 36), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        hif4.quantize(x, row_length=100, out=np.empty((10, 2, 36), np.int8))
    with pytest.raises(ValueError, match="C-contiguous"):
        hif4.quantize(x, row_length=100, out=np.empty((10, 2, 72), np.uint8)[:, :, ::2])
    with pytest.raises(ValueError, match="float32"):
        hif4.dequantize(out, row_length=100, out=np.empty((10, 100), np.float64))


def test_public_functions_have_help():
    for f in (hif4.quantize, hif4.dequantize, hif4.fake_quant, hif4.explain, hif4.profiles,
              hif4.read_vectors, hif4.verify, hif4.to_bf16, hif4.bf16_to_float32):
        assert f.__doc__ and len(f.__doc__) > 80, f.__name__
    for word in ("row_length", "threads", "sr_seed", "knobs", "uint16", "float32", "Returns"):
        assert word in hif4.quantize.__doc__
    assert "quantize(" in hif4.__doc__ and "hif4.torch" in hif4.__doc__
    assert "inputs" in hif4.VectorFile.__doc__


def test_empty_arrays():
    assert hif4.quantize(np.zeros((0, 128), np.uint16)).shape == (0, 2, 36)
    assert hif4.quantize(np.zeros((3, 0), np.float32)).shape == (3, 0, 36)
    assert hif4.dequantize(np.zeros((0, 36), np.uint8)).shape == (0,)
    assert hif4.fake_quant(np.zeros((2, 0), np.float32)).shape == (2, 0)


def test_noncontiguous_and_byte_swapped_inputs_are_copied():
    x = normal((64, 256))
    want = hif4.quantize(np.ascontiguousarray(x[:, ::2]))
    assert np.array_equal(hif4.quantize(x[:, ::2]), want)
    assert np.array_equal(hif4.quantize(np.asfortranarray(x)), hif4.quantize(x))
    bits = hif4.to_bf16(x)
    assert np.array_equal(hif4.quantize(bits.astype(">u2")), hif4.quantize(bits))
    assert np.array_equal(hif4.quantize(x.astype(">f4")), hif4.quantize(x))
    assert np.array_equal(hif4.quantize(x.tolist() and x), hif4.quantize(bits))  # float32 == its BF16
    packed = hif4.quantize(x)
    assert np.array_equal(hif4.dequantize(packed[:, ::-1]), hif4.dequantize(np.ascontiguousarray(packed[:, ::-1])))


def test_fake_quant_keeps_shape_and_dtype():
    x = normal((3, 7, 130), 100.0)
    y = hif4.fake_quant(x, "cann")
    assert y.shape == x.shape and y.dtype == np.float32
    assert np.array_equal(y, hif4.dequantize(hif4.quantize(x, "cann", row_length=130), row_length=130))
    bits = hif4.to_bf16(x)
    yb = hif4.fake_quant(bits, "cann")
    assert yb.dtype == np.uint16 and np.array_equal(hif4.bf16_to_float32(yb), y)
    # HiF4 values are BF16 values: the float32 result has no low bits.
    assert not np.any(y.view(np.uint32) & 0xFFFF)
    # The padding of each row is dropped again, not decoded into the row.
    assert np.array_equal(hif4.fake_quant(x[:, :, :65], "cann"), hif4.fake_quant(x[:, :, :65].copy(), "cann"))
    assert hif4.fake_quant(x[:, :, :65], "cann").shape == (3, 7, 65)


def test_to_bf16_rounds_as_the_tools_do():
    f = np.array([0x3F808000, 0x3F818000, 0x3F80FFFF, 0x7F800001, 0xFFC00001, 0x7F7FFFFF, 0x80000000],
                 np.uint32).view(np.float32)
    assert hif4.to_bf16(f).tolist() == [0x3F80, 0x3F82, 0x3F81, 0x7FC0, 0xFFC0, 0x7F80, 0x8000]
    assert hif4.bf16_to_float32(np.uint16([0x3FC0, 0xC000])).tolist() == [1.5, -2.0]


def test_sr_seed_is_reproducible():
    x = normal((512, 64))
    a = hif4.quantize(x, "gcc", payload_rounding="stochastic", sr_seed=11)
    assert np.array_equal(a, hif4.quantize(x, "gcc", payload_rounding="stochastic", sr_seed=11))
    assert not np.array_equal(a, hif4.quantize(x, "gcc", payload_rounding="stochastic", sr_seed=12))
    # A Config carries its seed; sr_seed= overrides it.
    cfg = hif4.Config("gcc", payload_rounding="stochastic", sr_seed=11)
    assert np.array_equal(hif4.quantize(x, cfg), a)
    assert not np.array_equal(hif4.quantize(x, cfg, sr_seed=12), a)


# ---- errors ---------------------------------------------------------------------------------

def raises(exc, *words):
    """pytest.raises that also checks the message holds every word."""
    class Check:
        def __enter__(self):
            self.cm = pytest.raises(exc)
            self.info = self.cm.__enter__()
            return self.info

        def __exit__(self, *a):
            r = self.cm.__exit__(*a)
            msg = str(self.info.value)
            for w in words:
                assert w in msg, f"{w!r} not in {msg!r}"
            return r
    return Check()


def test_bad_inputs_raise_clear_errors():
    x = normal((4, 128))
    with raises(TypeError, "float64", "uint16", "float32"):
        hif4.quantize(x.astype(np.float64))
    with raises(TypeError, "int32"):
        hif4.quantize(np.zeros((1, 64), np.int32))
    with raises(TypeError, "float64"):
        hif4.quantize([[0.5] * 64])
    with raises(ValueError, "100", "multiple of 64", "row_length=100"):
        hif4.quantize(x[:, :100])
    with raises(ValueError, "row_length=64", "128"):
        hif4.quantize(x, row_length=64)
    with raises(ValueError, "row_length", "at least 1"):
        hif4.quantize(x, row_length=0)
    with raises(TypeError, "row_length", "float"):
        hif4.quantize(x, row_length=128.0)
    with raises(ValueError, "scalar"):
        hif4.quantize(np.float32(1.0))
    with raises(ValueError, "threads", "at least 1", "0"):
        hif4.quantize(x, threads=0)
    # Above the machine's threads: capped, the same bytes.
    assert np.array_equal(hif4.quantize(x, threads=100000), hif4.quantize(x))
    with raises(TypeError, "threads", "str"):
        hif4.quantize(x, threads="2")
    with raises(TypeError, "threads", "bool"):
        hif4.quantize(x, threads=True)
    with raises(ValueError, "sr_seed", "-1"):
        hif4.quantize(x, sr_seed=-1)
    with raises(ValueError, "sr_seed"):
        hif4.quantize(x, sr_seed=2**64)
    with raises(TypeError, "sr_seed"):
        hif4.quantize(x, sr_seed=1.5)


def test_bad_profile_knob_or_value_raise_config_error():
    x = normal((1, 64))
    assert issubclass(hif4.ConfigError, ValueError)
    with raises(hif4.ConfigError, "unknown profile 'nope'", "seed", "gcc", "cann"):
        hif4.quantize(x, "nope")
    with raises(hif4.ConfigError, "unknown knob 'rounding'", "payload_rounding", "non_finite"):
        hif4.quantize(x, rounding="stochastic")
    with raises(hif4.ConfigError, "unknown value 'up' for knob payload_rounding", "stochastic"):
        hif4.quantize(x, payload_rounding="up")
    with raises(TypeError, "payload_rounding", "str", "int"):
        hif4.quantize(x, payload_rounding=1)
    with raises(TypeError, "profile", "int"):
        hif4.quantize(x, 3)
    with raises(hif4.ConfigError, "unknown knob"):
        hif4.fake_quant(x, bogus="x")
    with raises(hif4.ConfigError, "unknown profile"):
        hif4.explain([1.0], "nope")
    # '_' may stand for '-' in values as in names.
    assert hif4.Config(payload_rounding="nearest_even").knobs["payload_rounding"] == "nearest-even"


def test_bad_packed_input_raises():
    with raises(TypeError, "packed", "int16"):
        hif4.dequantize(np.zeros((1, 36), np.int16))
    with raises(ValueError, "last axis must be 36"):
        hif4.dequantize(np.zeros((2, 35), np.uint8))
    with raises(ValueError, "35 bytes"):
        hif4.dequantize(np.zeros(35, np.uint8))
    with raises(TypeError, "dtype", "float64"):
        hif4.dequantize(np.zeros((1, 36), np.uint8), np.float64)
    with raises(ValueError, "row_length=200", "4 blocks", "3"):
        hif4.dequantize(np.zeros((5, 3, 36), np.uint8), row_length=200)
    with raises(ValueError, "7 blocks", "rows of 2"):
        hif4.dequantize(np.zeros(7 * 36, np.uint8), row_length=100)
    with raises(ValueError, "65"):
        hif4.explain(np.zeros(65, np.float32))


# ---- Config ---------------------------------------------------------------------------------

def test_config():
    c = hif4.Config("gcc", payload_rounding="stochastic", sr_seed=7)
    assert repr(c) == "hif4.Config('gcc', payload_rounding='stochastic', sr_seed=7)"
    assert eval(repr(c), {"hif4": hif4}) == c
    assert c.profile is None and c.base_profile == "gcc" and c.sr_seed == 7
    assert hif4.Config("gcc").profile == "gcc"
    assert c.cli_args() == ["--profile", "gcc", "--set", "payload-rounding=stochastic", "--sr-seed", "7"]
    assert c.replace(payload_rounding="nearest-away", sr_seed=0) == hif4.Config("gcc")
    assert hash(c) == hash(hif4.Config("gcc", sr_seed=7, payload_rounding="stochastic"))
    assert c != hif4.Config("gcc", payload_rounding="stochastic", sr_seed=8)
    assert pickle.loads(pickle.dumps(c)) == c
    with pytest.raises(AttributeError):
        c.sr_seed = 3
    # A Config starting from another, with keywords on top.
    assert hif4.Config(c, scale_rounding="up").knobs["scale_rounding"] == "up"
    assert "payload-rounding=stochastic" in c.describe()
    assert "profile" in hif4.Config.__doc__


def test_profiles_match_the_cli():
    table = hif4.profiles()
    lines = run_cli("profiles").stdout.splitlines()
    names = lines[0].split()[1:]
    assert list(table["profiles"]) == names
    for line in lines[1:1 + len(table["knobs"])]:
        option, *values = line.split()
        knob = option.replace("-", "_")
        assert table["knobs"][knob]["option"] == option
        assert [table["profiles"][p]["knobs"][knob] for p in names] == values
    for knob in table["knobs"].values():
        assert knob["doc"] and all(knob["values"].values())
        for value in knob["values"]:
            assert f"      {value}" in run_cli("profiles").stdout
    assert all(p["doc"] for p in table["profiles"].values())


# ---- explain --------------------------------------------------------------------------------

@pytest.mark.parametrize("profile,knobs,cli,values,index", [
    ("seed", {}, [], [1.0, 0.3, -2.5, 0.0001], 0),
    ("gcc", {"payload_rounding": "stochastic", "sr_seed": 99},
     ["--set", "payload-rounding=stochastic", "--sr-seed", "99"], [7.875, -0.001, 3.0] * 20, 12),
    ("cann", {}, [], [0.0, -0.0], 0),                  # a NaN block (scale underflow)
    ("gcc", {}, [], [float("inf"), 1.0, -2.0], 0),     # Inf saturates under gcc
])
def test_explain_matches_cli(profile, knobs, cli, values, index):
    t = hif4.explain(values, profile, block_index=index, **knobs)
    text = run_cli("explain", "--profile", profile, *cli, "--block-index", index,
                   "--values", ",".join(repr(float(v)) for v in values)).stdout
    assert t["text"] == text
    bits = hif4.to_bf16(np.float32(values))
    block = np.zeros(64, np.uint16)
    block[: len(values)] = bits
    assert t["input"] == block.tolist()
    cfg = hif4.Config(profile, **knobs)
    # The trace's packed block is what quantize makes of that block at that index. Blocks before
    # `index` are zeros so the block lands at its index.
    data = np.zeros((index + 1, 64), np.uint16)
    data[index] = block
    assert t["packed"] == hif4.quantize(data, cfg)[index].tobytes()
    assert t["e6m2"] == t["packed"][0] and t["e1_8"] == t["packed"][1]
    assert t["e1_8_bits"] == [(t["e1_8"] >> g) & 1 for g in range(8)]
    assert t["e1_16_bits"] == [(t["e1_16"] >> j) & 1 for j in range(16)]
    decoded = hif4.dequantize(np.frombuffer(t["packed"], np.uint8))
    assert np.array_equal(np.float32(t["decoded"]), decoded, equal_nan=True)
    assert [lane["code"] for lane in t["lanes"]] == t["codes"]
    if t["nan_block"]:
        assert t["e6m2"] == 0xFF and t["nan_cause"] and t["rec"] is None
    else:
        assert t["nan_cause"] is None and t["rec_value"] * t["scale"]["value"] == pytest.approx(1, rel=0.01)


def test_explain_lane_details():
    t = hif4.explain(np.uint16([0x4020, 0x3E9A]), "seed")  # 2.5 and 0.30078125
    assert t["peaks"]["vmax"] == 0x4020 and t["peaks"]["vmax_value"] == 2.5
    lane = t["lanes"][1]
    assert lane["value"] == 0.30078125
    # |s| = |x| * REC * 2^-E1 exactly; 4|s| rounded to the code's quarters.
    assert lane["scaled"] == pytest.approx(0.30078125 * t["rec_value"] / 2 ** lane["e1_shift"], rel=1e-12)
    assert lane["quarters"] == round(4 * lane["scaled"])
    assert lane["decision"] in ("rounded up", "rounded down", "exact", "tie, rounded up", "tie, rounded down")


# ---- the GIL ---------------------------------------------------------------------------------

def test_gil_released_while_quantizing():
    # A Python thread records times while the main thread quantizes 1 Mi blocks (about 25 ms).
    # Holding the GIL, the call would let it run only at its ends (for at most the switch
    # interval, set to 0.1 ms here); releasing it, the thread runs throughout. On a busy machine
    # the thread may miss one window, so up to 5 calls are tried.
    x = np.tile(load_suite(SEED_DATA / "random.in.bf16", None), (52, 1))
    stamps, done = [], threading.Event()

    def count():
        while not done.is_set():
            stamps.append(time.perf_counter())

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    worker = threading.Thread(target=count)
    worker.start()
    windows = []
    try:
        while not stamps:
            time.sleep(0.001)
        for _ in range(5):
            t0 = time.perf_counter()
            hif4.quantize(x, "gcc", payload_rounding="stochastic")
            t1 = time.perf_counter()
            lo, hi = t0 + 0.3 * (t1 - t0), t0 + 0.7 * (t1 - t0)
            windows.append(t1 - t0)
            if any(lo < s < hi for s in stamps):
                break
        else:
            pytest.fail(f"the counting thread never ran in the middle of a quantize call ({windows} s)")
    finally:
        done.set()
        worker.join()
        sys.setswitchinterval(interval)


def test_torch_module_says_when_torch_is_missing():
    # torch made unimportable in a fresh interpreter: hif4 still works, hif4.torch says why not.
    code = ("import sys; sys.modules['torch'] = None\n"
            "import hif4, numpy as np; assert hif4.quantize(np.zeros(64, np.float32)).shape == (1, 36)\n"
            "try:\n    import hif4.torch\nexcept ImportError as e:\n    print(e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert "hif4.torch needs PyTorch" in r.stdout and "python3-torch" in r.stdout
