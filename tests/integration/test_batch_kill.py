"""Killing a two-worker run with SIGKILL at several points, then rerunning, loses nothing."""

import os
import signal
import subprocess
import sys
import time

import pytest
from batch_fixtures import make_batch, tree_digest


def _command(batch, out):
    return [sys.executable, "-m", "models.cli", "extract", str(batch), "--out", str(out), "--jobs", "2"]


@pytest.fixture(scope="module")
def batch_and_reference(tmp_path_factory):
    batch = make_batch(tmp_path_factory.mktemp("kill") / "batch", frames=250, size=(480, 270))
    reference = tmp_path_factory.mktemp("reference")
    subprocess.run(_command(batch, reference), capture_output=True, check=False, timeout=300)
    return batch, tree_digest(reference)


def _kill_when(batch, out, *, sealed: int) -> int:
    """Start a run in its own process group; SIGKILL the group once `sealed` clips are done."""
    proc = subprocess.Popen(
        _command(batch, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("clips/*/done.json"))) >= sealed:
            break
        time.sleep(0.005)
    killed = proc.poll() is None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return killed


@pytest.mark.parametrize("sealed", [0, 2, 5])
def test_rerun_after_sigkill_gives_the_same_outputs(batch_and_reference, tmp_path, sealed):
    batch, reference = batch_and_reference
    out = tmp_path / "out"
    assert _kill_when(batch, out, sealed=sealed), "the run finished before it could be killed"
    assert len(list(out.glob("clips/*/done.json"))) < 8
    rerun = subprocess.run(_command(batch, out), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 1, rerun.stderr  # the three bad clips fail, every time
    assert tree_digest(out) == reference
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
