"""read_vectors and verify against files made and checked by the command line."""
import numpy as np
import pytest

import hif4
from conftest import run_cli


@pytest.fixture(scope="module")
def vector_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("vectors") / "v.hif4v"
    run_cli("gen", "--profile", "cann", "--set", "payload-rounding=stochastic", "--sr-seed", "99",
            "--count", "40", "--out", path)
    return path


def test_read_vectors(vector_file):
    v = hif4.read_vectors(vector_file)
    n = len(v)
    assert n == 40 * len(v.suites) and n > 0
    assert v.inputs.shape == (n, 64) and v.inputs.dtype == np.uint16
    assert v.expected.shape == (n, 36) and v.expected.dtype == np.uint8
    assert v.block_index.shape == (n,) and v.block_index.dtype == np.uint64
    assert v.config == hif4.Config("cann", payload_rounding="stochastic", sr_seed=99)
    h = v.header
    assert h["profile"] == "cann" and h["sr_seed"] == 99 and h["record_count"] == n
    assert h["knobs"]["payload_rounding"] == "stochastic"
    assert [s["first"] for s in v.suites] == list(range(0, n, 40))
    assert v.suite_of(41) == v.suites[1]["name"] and v.suites[0]["name"] == "random"
    assert "records" in h["text"] and "cann" in repr(v)
    # The records are what the model makes of the inputs at their block indices.
    assert np.array_equal(v.block_index, np.arange(n, dtype=np.uint64))
    assert np.array_equal(hif4.quantize(v.inputs, v.config), v.expected.reshape(n, 1, 36))
    # The inputs are the file's bytes: `hif4 export`-free check through the record layout.
    raw = vector_file.read_bytes()
    first_record = raw.find(v.inputs[0].tobytes())
    assert first_record > 0
    assert raw[first_record + 128: first_record + 164] == v.expected[0].tobytes()


def test_verify_passes_and_reports_mismatches(vector_file, tmp_path):
    v = hif4.read_vectors(vector_file)
    ok = hif4.verify(v, v.expected.copy())
    assert ok == [] and ok.checked == len(v) and ok.failed == 0 and ok.passed == len(v)

    dut = v.expected.copy()
    dut[5, 10] ^= 0x10   # record 5: lane 13's code (high nibble of payload byte 6)
    dut[77, 0] ^= 0x04   # record 77: the E6M2 exponent
    found = hif4.verify(vector_file, dut)
    assert found.failed == 2 and [m["block"] for m in found] == [5, 77]
    m5, m77 = found
    assert m5["fields"] == ["payload"] and m5["lanes"] == [13] and m5["stage"] == "payload"
    assert m5["expected"] == v.expected[5].tobytes() and m5["actual"] == dut[5].tobytes()
    assert m5["suite"].startswith("random")
    assert "e6m2" in m77["fields"] and m77["stage"].startswith("scale")
    assert m77["replay"].startswith("hif4 explain")
    # The report text is what `hif4 verify` prints for the same DUT file.
    dut_file = tmp_path / "dut.bin"
    dut.tofile(dut_file)
    cli = run_cli("verify", "--vectors", vector_file, "--dut", dut_file, check=False)
    assert cli.returncode == 1
    assert m5["text"] in cli.stdout and m77["text"] in cli.stdout
    assert hif4.verify(v, dut_file) == found

    limited = hif4.verify(v, dut, max_mismatches=1)
    assert len(limited) == 1 and limited.failed == 2


def test_verify_reads_readmemh(vector_file, tmp_path):
    v = hif4.read_vectors(vector_file)
    dut = v.expected.copy()
    dut[3, 35] ^= 0x80
    # One 288-bit word per block, byte k in bits 8k+7:8k: the last two digits are byte 0.
    hex_file = tmp_path / "dut.hex"
    hex_file.write_text("// DUT output\n" + "\n".join(bytes(b[::-1]).hex() for b in dut) + "\n")
    found = hif4.verify(v, hex_file)
    assert [m["block"] for m in found] == [3] and found[0]["lanes"] == [63]


def test_vector_and_dut_errors(vector_file, tmp_path):
    v = hif4.read_vectors(vector_file)
    with pytest.raises(ValueError, match="expect"):
        hif4.verify(v, v.expected[:-1])
    short = tmp_path / "short.bin"
    v.expected[:-1].tofile(short)
    with pytest.raises(hif4.DutFileError):
        hif4.verify(v, short)
    with pytest.raises(FileNotFoundError):
        hif4.read_vectors(tmp_path / "missing.hif4v")
    with pytest.raises(ValueError, match="dut_format"):
        hif4.verify(v, short, dut_format="verilog")
    # A damaged record fails its frame's CRC; a cut file fails the size check.
    raw = bytearray(vector_file.read_bytes())
    raw[-100] ^= 1
    bad = tmp_path / "bad.hif4v"
    bad.write_bytes(bytes(raw))
    with pytest.raises(hif4.VectorFileError, match="CRC"):
        hif4.read_vectors(bad)
    bad.write_bytes(vector_file.read_bytes()[:-1])
    with pytest.raises(hif4.VectorFileError):
        hif4.read_vectors(bad)
    assert issubclass(hif4.VectorFileError, ValueError)
