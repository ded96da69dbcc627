"""The dyadscope command on a small batch with known answers: good, silent, empty and fake clips."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from media_fixtures import tone_burst, write_video

from extract.config import Config
from models.cli import main

VFR_TIMES = [0.0, 0.04, 0.13, 0.2, 0.31, 0.35, 0.52, 0.6, 0.71, 0.83, 0.9, 1.05, 1.2, 1.22, 1.4]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    audio = np.stack([tone_burst(duration_s=1.5, onset_s=0.5, sample_rate=48000)])
    write_video(folder / "good.mp4", times_s=VFR_TIMES, audio=audio)
    write_video(folder / "silent.mp4", n_frames=20, fps=20)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("not a video\n")
    return folder


@pytest.fixture(scope="module")
def extracted(batch, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["extract", str(batch), "--out", str(out)])
    return code, out, pd.read_csv(out / "qc.csv").set_index("clip_id")


def test_exit_code_and_statuses(extracted):
    code, _, qc = extracted
    assert code == 1
    assert qc.status.to_dict() == {"empty": "failed", "good": "ok", "notes": "failed", "silent": "warn"}
    assert "empty" in qc.loc["empty", "error"] and "zero bytes" in qc.loc["empty", "error"]
    assert "notes.mp4" in qc.loc["notes", "error"]
    assert "no audio" in qc.loc["silent", "warnings"]
    assert set(qc.config_hash) == {Config().hash()}


def test_frames_table_has_container_times(extracted):
    _, out, qc = extracted
    frames = pd.read_parquet(out / "clips" / "good" / "frames.parquet")
    # grid at 10 fps over the VFR times: the first frame at or after each 0.1 s step
    expected = [0.0, 0.13, 0.2, 0.31, 0.52, 0.6, 0.71, 0.83, 0.9, 1.05, 1.2, 1.4]
    np.testing.assert_allclose(frames.t_s, expected, atol=1e-3)
    assert list(frames.source_frame) == [VFR_TIMES.index(t) for t in expected]
    assert qc.loc["good", "n_analysis_frames"] == len(expected)
    assert qc.loc["good", "video_vfr"]
    assert qc.loc["good", "audio_duration_s"] == pytest.approx(1.5, abs=0.05)


def test_provenance_records_config_versions_and_input_hash(extracted, batch):
    _, out, _ = extracted
    record = json.loads((out / "clips" / "good" / "features.json").read_text())
    prov = record["provenance"]
    assert prov["config_hash"] == Config().hash()
    assert prov["config"] == Config().to_dict()
    assert prov["input"]["sha256"] == hashlib.sha256((batch / "good.mp4").read_bytes()).hexdigest()
    assert prov["versions"]["mediapipe"] == "0.10.21"
    assert (out / "config.yaml").read_text().startswith(f"# config_hash: {Config().hash()}")
    assert not list(out.rglob("*.tmp"))


def test_user_config_changes_rate_and_hash(batch, tmp_path):
    user = tmp_path / "five.yaml"
    user.write_text("video:\n  analysis_fps: 5\n")
    code = main(["extract", str(batch / "good.mp4"), "--out", str(tmp_path / "o"), "--config", str(user)])
    assert code == 0
    qc = pd.read_csv(tmp_path / "o" / "qc.csv")
    frames = pd.read_parquet(tmp_path / "o" / "clips" / "good" / "frames.parquet")
    np.testing.assert_allclose(frames.t_s, [0.0, 0.2, 0.52, 0.6, 0.83, 1.05, 1.2, 1.4], atol=1e-3)
    assert qc.config_hash[0] != Config().hash()


def test_config_command_prints_hash_and_rejects_unknown_keys(tmp_path, capsys):
    assert main(["config"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"# config_hash: {Config().hash()}") and "analysis_fps: 10.0" in printed
    bad = tmp_path / "bad.yaml"
    bad.write_text("video:\n  fps: 3\n")
    assert main(["config", "--config", str(bad)]) == 2
    assert "unknown key 'video.fps'" in capsys.readouterr().err


def test_probe_prints_one_line_per_clip_and_fails_on_unreadable(batch, capsys):
    assert main(["probe", str(batch / "good.mp4"), str(batch / "silent.mp4")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "VFR" in lines[0] and "no audio" in lines[1]
    assert main(["probe", str(batch / "good.mp4"), str(batch / "notes.mp4")]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "ERROR" in lines[1]
    assert main(["probe", "--json", str(batch / "good.mp4")]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["video_vfr"] is True and row["audio_sample_rate"] == 48000
