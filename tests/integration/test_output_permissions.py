"""Outputs a lab can share: every file of a run follows the user's umask (0644 with umask 022,
0600 with 077), as a file the user writes by hand would."""

import os
import stat

import numpy as np
import pytest
from media_fixtures import tone_burst, write_video

from extract.outputs import current_umask, write_csv
from models.cli import main


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def _modes(folder) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_writes_follow_the_umask(tmp_path, umask, mask, mode):
    import pandas as pd

    umask(mask)
    assert current_umask() == mask
    write_csv(tmp_path / "t.csv", pd.DataFrame({"a": [1]}))
    assert stat.S_IMODE((tmp_path / "t.csv").stat().st_mode) == mode


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_every_file_of_a_run_follows_the_umask(tmp_path, umask, mask, mode):
    audio = np.stack([tone_burst(duration_s=1.5, onset_s=0.5, sample_rate=48000)])
    write_video(tmp_path / "clip.mp4", n_frames=30, fps=20, audio=audio)
    umask(mask)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "clip.mp4"), "--out", str(out), "--jobs", "1", "--eaf"]) == 0
    modes = _modes(out)
    assert len(modes) >= 8 and "clips/clip/frames.parquet" in modes and "qc.csv" in modes
    assert {name: m for name, m in modes.items() if m != mode} == {}
