"""What the Python package's tests share: where the repository, the `hif4` binary, the seed's
conformance vectors and the seed's own code are, and a runner for the command line.

CTest runs each test file with PYTHONPATH=build/python and HIF4_BIN=build/hif4; by hand:
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SEED_DATA = REPO / "tests" / "data" / "seed"


def hif4_bin():
    return Path(os.environ.get("HIF4_BIN", REPO / "build" / "hif4"))


def run_cli(*args, check=True):
    """Runs `hif4 ARGS...`; returns the CompletedProcess (stdout and stderr as text)."""
    exe = hif4_bin()
    if not exe.exists():
        pytest.fail(f"the hif4 binary is not at {exe}: build it, or set HIF4_BIN")
    r = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        pytest.fail(f"hif4 {' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr}")
    return r


def cli_profiles():
    """The profile names as `hif4 profiles` lists them (its first line: knob NAME NAME ...)."""
    first = run_cli("profiles").stdout.splitlines()[0].split()
    assert first[0] == "knob" and len(first) > 1
    return first[1:]


def seed_suites():
    """(name, input file, row length or None) for every conformance suite in tests/data/seed."""
    out = []
    for f in sorted(SEED_DATA.glob("*.in.bf16")):
        name = f.name[: -len(".in.bf16")]
        row = int(name[4:]) if name.startswith("rows") else None
        out.append((name, f, row))
    assert out, f"no *.in.bf16 under {SEED_DATA}"
    return out


def load_suite(path, row):
    """A suite's BF16 inputs as (rows, L) or (blocks, 64) uint16."""
    bits = np.fromfile(path, dtype="<u2")
    return bits.reshape(-1, row if row else 64)


def _main_checkout():
    """The main checkout of a git worktree (its .git file points into <main>/.git/worktrees/)."""
    git = REPO / ".git"
    if git.is_file():
        line = git.read_text().strip()
        if line.startswith("gitdir:"):
            gitdir = Path(line.split(":", 1)[1].strip())
            if not gitdir.is_absolute():
                gitdir = (REPO / gitdir).resolve()
            if gitdir.parent.name == "worktrees":
                return gitdir.parent.parent.parent
    return None


def seed_dir():
    """The seed's folder: $HIF4_SEED_DIR, or ../shared/seed beside the repository (beside the main
    checkout when this is a git worktree); None when absent."""
    candidates = []
    if os.environ.get("HIF4_SEED_DIR"):
        candidates.append(Path(os.environ["HIF4_SEED_DIR"]))
    candidates.append(REPO.parent / "shared" / "seed")
    main = _main_checkout()
    if main is not None:
        candidates.append(main.parent / "shared" / "seed")
    for c in candidates:
        if (c / "hif4_seed_quantizer.py").exists():
            return c
    return None


@pytest.fixture(scope="session")
def seed_quantizer():
    """The seed's own quantizer module (PyTorch), or a skip saying where it was looked for."""
    d = seed_dir()
    if d is None:
        pytest.skip("the seed's quantizer (../shared/seed/hif4_seed_quantizer.py) is not beside this "
                    "repository; set HIF4_SEED_DIR to its folder to run the comparison with the seed")
    pytest.importorskip("torch")
    sys.path.insert(0, str(d))
    try:
        import hif4_seed_quantizer
    finally:
        sys.path.remove(str(d))
    return hif4_seed_quantizer
