"""Split-screen recordings (roles.layout split_lr): the infant's half is configured, spatial dyad
measures are left empty, and the size cue is not trusted when the halves are zoomed differently."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from media_fixtures import write_video

from extract.config import config_from_dict
from extract.media import iter_frames
from extract.render import build_script, render_clip
from extract.video.run import video_signals

pytest.importorskip("mediapipe")


@pytest.fixture(scope="module")
def split_clip(tmp_path_factory):
    """Left half: the adult as rendered; right half: the infant's surroundings zoomed 2.2x, so
    the infant's face is the larger one (as in a close-up camera on the infant)."""
    out = tmp_path_factory.mktemp("video_split")
    render_clip(out / "scene.mp4", build_script(sensitivity=0.7, seed=2, duration_s=2.0), fps=25)
    frames = [f.image for f in iter_frames(out / "scene.mp4", fps=25, longest_side=0)]
    h, w = frames[0].shape[:2]

    def split(i: int) -> np.ndarray:
        img = frames[i]
        left = img[:, int(0.08 * w) : int(0.08 * w) + w // 2]  # the adult, centred in its half
        cx, cy, half_w, half_h = int(0.70 * w), int(0.57 * h), int(w / 4 / 2.2), int(h / 2 / 2.2)
        right = cv2.resize(img[cy - half_h : cy + half_h, cx - half_w : cx + half_w], (w // 2, h), interpolation=cv2.INTER_LINEAR)
        return np.ascontiguousarray(np.hstack([left, right]))

    write_video(out / "split.mp4", n_frames=len(frames), fps=25, size=(w, h), frame_fn=split)
    return out / "split.mp4"


def test_configured_side_gives_roles_and_no_spatial_dyad_measures(split_clip):
    cfg = config_from_dict({"roles": {"layout": "split_lr", "infant_side": "right"}, "video": {"analysis_fps": 5}})
    result = video_signals(split_clip, cfg)
    t = result.table
    both = (t["adult.face_found"] == 1) & (t["infant.face_found"] == 1)
    assert both.mean() >= 0.9
    assert (t.loc[both, "infant.face_x"] > 0.5).all() and (t.loc[both, "adult.face_x"] < 0.5).all()
    assert (t.loc[both, "infant.face_w"] > t.loc[both, "adult.face_w"]).all(), "the close-up infant face is the larger one"
    assert result.qc["role_cue"] == "side" and result.qc["role_confidence"] == 1.0
    for column in ("dyad.distance_norm", "dyad.distance_adult_fw", "dyad.mutual_facing", "adult.facing_partner_deg"):
        assert t[column].isna().all(), column
    assert t["infant.mouth_open"].notna().mean() > 0.9


def test_without_a_side_the_size_cue_is_used_and_warned_about(split_clip):
    """Auto on a split screen: the size cue alone (here wrong: the close-up infant face is bigger)."""
    cfg = config_from_dict({"roles": {"layout": "split_lr"}, "video": {"analysis_fps": 5}})
    result = video_signals(split_clip, cfg)
    assert result.qc["role_cue"] == "size"
    assert any("split" in note and "infant_side" in note for note in result.notes)
