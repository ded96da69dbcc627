"""Split-screen recordings (roles.layout split_lr): one camera per half, detection and tracking per
half, one identity per half, roles from the configured side, per-person measures with ground
truth, spatial dyad measures empty, and the size cue distrusted when the halves are zoomed differently."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from media_fixtures import write_video

from extract.config import config_from_dict
from extract.render import build_script
from extract.render.scene import compose_frame
from extract.video.run import video_signals

pytest.importorskip("mediapipe")

DURATION_S, FPS, SIZE = 6.0, 25, (640, 360)


def _script():
    """First seed whose script opens the adult's mouth at least twice in the clip."""
    for seed in range(100):
        script = build_script(sensitivity=0.7, seed=seed, duration_s=DURATION_S)
        if sum(s.speaker == "adult" for s in script.segments) >= 2:
            return script
    raise AssertionError("no script with adult speech")


@pytest.fixture(scope="module")
def split_clip(tmp_path_factory):
    """Composed from the renderer's scene: left half the adult as rendered; right half the
    infant's surroundings zoomed 2.2x (a close-up camera, so the infant's face is the larger
    one); a dark divider between them. Returns (clip path, adult mouth truth per source frame)."""
    out = tmp_path_factory.mktemp("video_split")
    script = _script()
    w, h = SIZE
    mouth = np.zeros(int(DURATION_S * FPS))

    def split(i: int) -> np.ndarray:
        img, poses = compose_frame(script, i / FPS, size=SIZE)
        mouth[i] = poses["adult"].mouth_open
        left = img[:, int(0.08 * w) : int(0.08 * w) + w // 2]  # the adult, centred in its half
        cx, cy, half_w, half_h = int(0.70 * w), int(0.57 * h), int(w / 4 / 2.2), int(h / 2 / 2.2)
        right = cv2.resize(
            img[cy - half_h : cy + half_h, cx - half_w : cx + half_w],
            (w // 2, h),
            interpolation=cv2.INTER_LINEAR,
        )
        frame = np.hstack([left, right])
        frame[:, w // 2 - 3 : w // 2 + 3] = 20  # the divider
        return np.ascontiguousarray(frame)

    write_video(out / "split.mp4", n_frames=len(mouth), fps=FPS, size=SIZE, frame_fn=split)
    return out / "split.mp4", mouth


@pytest.fixture(scope="module")
def by_side(split_clip):
    cfg = config_from_dict(
        {"roles": {"layout": "split_lr", "infant_side": "right"}, "video": {"analysis_fps": 10}}
    )
    return video_signals(split_clip[0], cfg)


def test_each_role_found_in_its_half_in_nearly_every_frame(by_side):
    t = by_side.table
    assert len(t) == DURATION_S * 10
    for role, half in (("adult", 0), ("infant", 1)):
        found = t[f"{role}.face_found"] == 1
        assert found.mean() >= 0.95, role
        assert (t.loc[found, f"{role}.face_half"] == half).all(), f"{role} left its half"
        x = t.loc[found, f"{role}.face_x"]
        assert ((x < 0.5) if half == 0 else (x > 0.5)).all(), (
            f"{role} face_x is not in its half (whole-frame coordinates)"
        )
        assert t[f"{role}.track_id"].dropna().unique().tolist() == [half], "one identity per half"
    assert (
        by_side.qc["role_cue"] == "side"
        and by_side.qc["role_confidence"] == 1.0
        and by_side.qc["swap_repairs"] == 0
    )
    both = (t["adult.face_found"] == 1) & (t["infant.face_found"] == 1)
    assert (t.loc[both, "infant.face_w"] > t.loc[both, "adult.face_w"]).all(), (
        "the close-up infant face is the larger one"
    )
    # the adult's face centre in whole-frame coordinates: rendered at x - 0.08 w in the left half
    assert t.loc[t["adult.face_found"] == 1, "adult.face_y"].median() == pytest.approx(0.40, abs=0.03)


def test_per_person_measures_work_and_spatial_dyad_measures_are_empty(by_side, split_clip):
    t = by_side.table
    mouth = split_clip[1][t.source_frame.to_numpy(int)]
    ok = t["adult.mouth_open"].notna().to_numpy()
    assert ok.mean() >= 0.95 and mouth[ok].std() > 0.1
    r = np.corrcoef(t["adult.mouth_open"][ok], mouth[ok])[0, 1]
    assert r > 0.8, f"adult mouth opening vs truth r = {r:.2f}"
    for role in ("adult", "infant"):
        assert t[f"{role}.mesh_found"].mean() >= 0.9
        assert t[f"{role}.roll_deg"].notna().mean() >= 0.9 and t[f"{role}.smile"].notna().mean() >= 0.9
        assert t[f"{role}.motion_energy"].iloc[1:].notna().mean() >= 0.9
    for column in (
        "dyad.distance_norm",
        "dyad.distance_adult_fw",
        "dyad.adult_hand_infant_fw",
        "dyad.touch",
        "dyad.mutual_facing",
        "adult.facing_partner_deg",
        "infant.facing_partner_deg",
    ):
        assert t[column].isna().all(), column


def test_manifest_side_sets_the_roles(split_clip):
    cfg = config_from_dict({"roles": {"layout": "split_lr"}, "video": {"analysis_fps": 5}})
    result = video_signals(
        split_clip[0], cfg, infant_side="left"
    )  # the manifest says: the infant is on the left
    t = result.table
    assert result.qc["role_cue"] == "side"
    assert (t["infant.face_half"].dropna() == 0).all() and (t["adult.face_half"].dropna() == 1).all()


def test_without_a_side_the_size_cue_is_used_and_warned_about(split_clip):
    """Auto on a split screen: size and face proportions (here size wins, wrongly: the close-up
    infant face is bigger), with a warning; a side that does not fit the layout is ignored."""
    cfg = config_from_dict(
        {"roles": {"layout": "split_lr", "infant_side": "top"}, "video": {"analysis_fps": 5}}
    )
    result = video_signals(split_clip[0], cfg)
    assert result.qc["role_cue"] == "size"
    assert any("split" in note and "infant_side" in note for note in result.notes)
    assert any("does not fit layout" in note for note in result.notes)
