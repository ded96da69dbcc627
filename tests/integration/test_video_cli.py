"""`dyadscope extract --overlay` on a manifest: role-prefixed frames.parquet, QC figures, overlay,
and the manifest's per-clip `infant_side` overriding the role cue."""

import numpy as np
import pandas as pd
import pytest

from extract.render import build_script, render_clip
from extract.video import FRAME_COLUMNS
from models.cli import main

pytest.importorskip("mediapipe")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("video_cli")
    script = build_script(sensitivity=0.7, seed=1, duration_s=3.0)
    render_clip(folder / "a.mp4", script, fps=25)
    (folder / "b.mp4").symlink_to(folder / "a.mp4")
    (folder / "manifest.csv").write_text("clip_id,path,infant_side\nauto,a.mp4,\nflipped,b.mp4,left\n")
    out = folder / "out"
    code = main(["extract", str(folder / "manifest.csv"), "--out", str(out), "--overlay"])
    return code, out, pd.read_csv(out / "qc.csv").set_index("clip_id")


def test_frames_table_has_documented_columns(extracted):
    code, out, qc = extracted
    assert code == 0
    frames = pd.read_parquet(out / "clips" / "auto" / "frames.parquet")
    assert list(frames.columns) == [c.name for c in FRAME_COLUMNS]
    assert len(frames) == 30 and frames.source_frame.is_monotonic_increasing
    assert frames["adult.face_found"].mean() > 0.9 and frames["infant.face_found"].mean() > 0.9
    assert (out / "clips" / "auto" / "overlay.mp4").stat().st_size > 1000


def test_qc_row_has_video_figures(extracted):
    _, _, qc = extracted
    row = qc.loc["auto"]
    assert row.status == "ok", row.warnings
    assert row.n_people == 2 and row.role_cue == "size" and row.role_confidence > 0.8
    assert row.face_share_both > 0.9 and row.swap_repairs == 0


def test_manifest_infant_side_overrides_roles(extracted):
    _, out, qc = extracted
    auto = pd.read_parquet(out / "clips" / "auto" / "frames.parquet")
    flipped = pd.read_parquet(out / "clips" / "flipped" / "frames.parquet")
    assert (auto["infant.face_x"] > auto["adult.face_x"]).all()  # rendered infant sits right, smaller
    assert (flipped["infant.face_x"] < flipped["adult.face_x"]).all()  # the manifest says: infant on the left
    np.testing.assert_allclose(flipped["infant.face_x"], auto["adult.face_x"])
    assert qc.loc["flipped", "role_cue"] == "side" and qc.loc["flipped", "role_confidence"] == 1.0


def test_roles_csv_and_sheets_let_a_reviewer_flip_one_clip(tmp_path):
    """The run writes roles.csv and a role sheet per clip; swap = 1 in roles.csv redoes that clip
    only, with the roles flipped and the fix recorded in its provenance."""
    script = build_script(sensitivity=0.7, seed=2, duration_s=2.0)
    render_clip(tmp_path / "a.mp4", script, fps=25)
    (tmp_path / "b.mp4").symlink_to(tmp_path / "a.mp4")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4"), "--out", str(out)]) == 0
    roles = pd.read_csv(out / "roles.csv", dtype=str, keep_default_na=False)
    assert list(roles.clip_id) == ["a", "b"] and (roles.swap == "").all() and (roles.role_cue == "size").all()
    assert (out / roles.sheet[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = pd.read_parquet(out / "clips" / "a" / "frames.parquet")
    roles.loc[roles.clip_id == "a", "swap"] = "1"
    roles.to_csv(out / "roles.csv", index=False)
    assert main(["extract", str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4"), "--out", str(out)]) == 0
    after = pd.read_parquet(out / "clips" / "a" / "frames.parquet")
    assert np.allclose(after["adult.face_x"], before["infant.face_x"], equal_nan=True)
    assert np.allclose(after["infant.face_w"], before["adult.face_w"], equal_nan=True)
    features = pd.read_json(out / "clips" / "a" / "features.json", typ="series")
    assert features["provenance"]["roles"] == "roles.csv: swap"
    runs = pd.read_json(out / "run.jsonl", lines=True).tail(2).set_index("clip_id")
    assert bool(runs.loc["b", "skipped"]) and not bool(runs.loc["a", "skipped"])
    again = pd.read_csv(out / "roles.csv", dtype=str, keep_default_na=False).set_index("clip_id")
    assert again.loc["a", "swap"] == "1" and again.loc["a", "role_cue"] == "reviewer"
