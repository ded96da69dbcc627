"""Video signals on a rendered dyad with ground truth: roles, centres, distance, mouth, occlusion, overlay."""

from __future__ import annotations

import av
import numpy as np
import pandas as pd
import pytest

from extract.config import Config
from extract.render import build_script, read_truth, render_clip
from extract.video.run import video_signals

pytest.importorskip("mediapipe")

DURATION_S = 10.0
OCCLUSIONS = (("infant", 3.0, 3.5), ("adult", 6.0, 6.3))  # a hand over each face for a few frames


def _script():
    """First seed whose script opens both mouths and brings the faces closer and apart."""
    for seed in range(100):
        script = build_script(sensitivity=0.7, seed=seed, duration_s=DURATION_S)
        if all(sum(s.speaker == r for s in script.segments) >= 2 for r in ("adult", "infant")):
            return script
    raise AssertionError("no script with both speakers")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("video_rendered")
    doc, truth = read_truth(render_clip(out / "dyad.mp4", _script(), fps=25, occluders=OCCLUSIONS))
    result = video_signals(out / "dyad.mp4", Config(), overlay_path=out / "overlay.mp4")
    table = result.table
    rows = truth.iloc[np.round(table.t_s * doc["fps"]).astype(int)].reset_index(drop=True)
    return doc, table, rows, result, out


def _occluded(t_s: pd.Series, role: str) -> np.ndarray:
    return np.any([(t_s >= t0) & (t_s < t1) for r, t0, t1 in OCCLUSIONS if r == role], axis=0)


def _err(doc, table, rows, role, truth_role):
    return np.hypot(
        table[f"{role}.face_x"] - rows[f"{truth_role}.cx"],
        (table[f"{role}.face_y"] - rows[f"{truth_role}.cy"]) * doc["height"] / doc["width"],
    )


def test_both_faces_found_outside_occlusions(rendered):
    _, table, _, result, _ = rendered
    assert len(table) == DURATION_S * 10
    for role in ("adult", "infant"):
        visible = ~_occluded(table.t_s, role)
        assert table[f"{role}.face_found"][visible].mean() >= 0.95
        assert table[f"{role}.mesh_found"][visible].mean() >= 0.95
        assert table[f"{role}.face_found"][~visible].mean() <= 0.5, "the hand should hide the face"
    assert (
        result.qc["n_people"] == 2 and result.qc["role_cue"] == "size" and result.qc["role_confidence"] > 0.8
    )


def test_roles_correct_in_every_frame_with_both_faces(rendered):
    doc, table, rows, _, _ = rendered
    both = (table["adult.face_found"] == 1) & (table["infant.face_found"] == 1)
    right = _err(doc, table, rows, "adult", "adult") + _err(doc, table, rows, "infant", "infant")
    swapped = _err(doc, table, rows, "adult", "infant") + _err(doc, table, rows, "infant", "adult")
    assert both.sum() >= 80
    assert (right[both] < swapped[both]).all()


@pytest.mark.parametrize("role", ["adult", "infant"])
def test_face_centre_error_below_5_percent_of_width(rendered, role):
    doc, table, rows, _, _ = rendered
    err = _err(doc, table, rows, role, role).dropna()
    assert err.max() < 0.05
    assert err.median() < 0.01


def test_distance_follows_truth(rendered):
    _, table, rows, _, _ = rendered
    ok = table["dyad.distance_norm"].notna()
    assert rows["dyad.distance_norm"][ok].std() > 0.01, "the script should move the faces"
    r = np.corrcoef(table["dyad.distance_norm"][ok], rows["dyad.distance_norm"][ok])[0, 1]
    assert r > 0.95
    assert (table["dyad.distance_norm"][ok] - rows["dyad.distance_norm"][ok]).abs().median() < 0.01


@pytest.mark.parametrize("role", ["adult", "infant"])
def test_mouth_opening_follows_script(rendered, role):
    _, table, rows, _, _ = rendered
    ok = table[f"{role}.mouth_open"].notna()
    assert rows[f"{role}.mouth_open"][ok].std() > 0.1
    assert np.corrcoef(table[f"{role}.mouth_open"][ok], rows[f"{role}.mouth_open"][ok])[0, 1] > 0.8


@pytest.mark.parametrize("role", ["adult", "infant"])
def test_head_roll_follows_script(rendered, role):
    _, table, rows, _, _ = rendered
    ok = table[f"{role}.roll_deg"].notna()
    assert np.corrcoef(table[f"{role}.roll_deg"][ok], rows[f"{role}.roll_deg"][ok])[0, 1] > 0.9


def test_occlusion_causes_no_identity_swap(rendered):
    _, table, _, result, _ = rendered
    assert result.qc["swap_repairs"] == 0
    for role in ("adult", "infant"):
        tracks = table[f"{role}.track_id"].dropna().unique()
        assert len(tracks) == 1, f"{role} identity changed across the occlusion: tracks {tracks}"
    assert not set(table["adult.track_id"].dropna()) & set(table["infant.track_id"].dropna())


def test_overlay_video_has_every_analysis_frame(rendered):
    doc, table, _, _, out = rendered
    with av.open(str(out / "overlay.mp4")) as c:
        frames = [f for f in c.decode(video=0)]
        times = [float(f.pts * f.time_base) for f in frames]
        first = frames[0].to_ndarray(format="rgb24")
    assert len(frames) == len(table)
    np.testing.assert_allclose(times, table.t_s, atol=2e-3)
    assert first.shape[:2] == (doc["height"], doc["width"])
    # the adult's box is drawn in orange (255, 140, 0) around the adult's face
    x = int(round((table["adult.face_x"][0] - table["adult.face_w"][0] / 2) * doc["width"]))
    y = int(round(table["adult.face_y"][0] * doc["height"]))
    patch = first[y - 3 : y + 3, x - 2 : x + 3].reshape(-1, 3).astype(int)
    assert (np.abs(patch - (255, 140, 0)).sum(1) < 90).any()
