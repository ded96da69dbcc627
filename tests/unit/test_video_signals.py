"""Face, body, motion, dyad and QC stages on arrays with known answers (no MediaPipe)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from extract.config import Config
from extract.video import columns_markdown
from extract.video.body_signals import body_measures
from extract.video.columns import FRAME_COLUMNS
from extract.video.dyad import dyad_measures
from extract.video.face_signals import (
    CHEEK_L,
    CHEEK_R,
    CHIN,
    FOREHEAD,
    LIP_DOWN,
    LIP_UP,
    face_measures,
    head_pose,
    landmark_speed,
)
from extract.video.motion import motion_energy
from extract.video.qc import video_qc
from extract.video.roles import RoleResult

DOC = Path(__file__).resolve().parents[2] / "docs" / "frame_columns.md"


def _face(*, yaw=0.0, pitch=0.0, roll=0.0, mouth=0.0, width=100.0, centre=(300.0, 200.0)) -> np.ndarray:
    """(478, 3) landmarks in pixels: a frontal face rotated by yaw (towards image right), pitch (up), roll
    (ccw)."""
    rng = np.random.default_rng(0)
    lm = rng.normal(0, 0.2, (478, 3))  # face-local units: x right (image), y down, z away from camera
    lm[CHEEK_R], lm[CHEEK_L] = (-0.5, 0, 0), (0.5, 0, 0)
    lm[FOREHEAD], lm[CHIN] = (0, -0.6, 0), (0, 0.6, 0)
    lm[LIP_UP], lm[LIP_DOWN] = (0, 0.35, -0.1), (0, 0.35 + mouth, -0.1)
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array(
        [[np.cos(y), 0, -np.sin(y)], [0, 1, 0], [np.sin(y), 0, np.cos(y)]]
    )  # turns the normal (0,0,-1) to +x
    rx = np.array([[1, 0, 0], [0, np.cos(p), np.sin(p)], [0, -np.sin(p), np.cos(p)]])  # turns it up (-y)
    rz = np.array([[np.cos(r), np.sin(r), 0], [-np.sin(r), np.cos(r), 0], [0, 0, 1]])  # ccw as displayed
    out = lm @ (rz @ ry @ rx).T * width
    out[:, :2] += centre
    return out


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"), [(0, 0, 0), (30, 0, 0), (-25, 0, 0), (0, 20, 0), (0, 0, 15), (20, -10, -8)]
)
def test_head_pose_recovers_rotation(yaw, pitch, roll):
    got = head_pose(_face(yaw=yaw, pitch=pitch, roll=roll))
    np.testing.assert_allclose(got, (yaw, pitch, roll), atol=1.5)


def test_mouth_opening_is_relative_to_face_width():
    small, big = face_measures(_face(mouth=0.1, width=50)), face_measures(_face(mouth=0.1, width=200))
    assert small["mouth_open"] == pytest.approx(0.1, abs=1e-6)
    assert big["mouth_open"] == pytest.approx(0.1, abs=1e-6)
    assert face_measures(_face(mouth=0.0))["mouth_open"] == pytest.approx(0.0, abs=1e-6)


def test_landmark_speed_ignores_head_translation():
    a = _face(mouth=0.0)
    moved = a.copy()
    moved[:, 0] += 40  # whole head moves: no facial motion
    assert landmark_speed(a, moved, dt=0.1) == pytest.approx(0.0, abs=1e-9)
    assert landmark_speed(a, _face(mouth=0.2), dt=0.1) > 0
    assert np.isnan(landmark_speed(None, a, dt=0.1))


def test_body_measures_torso_turn_and_lean():
    img = np.zeros((33, 4))
    img[:, 3] = 1.0
    img[11, :2], img[12, :2] = (260, 300), (140, 300)  # left shoulder on image right (facing the camera)
    img[23, :2], img[24, :2] = (220, 500), (160, 500)  # hips centred 10 px left of the shoulders' midpoint
    img[15, :2], img[16, :2] = (320, 420), (100, 420)
    world = np.zeros((33, 3))
    a = np.radians(30)
    world[11], world[12] = (0.2 * np.cos(a), 0, 0.2 * np.sin(a)), (-0.2 * np.cos(a), 0, -0.2 * np.sin(a))
    out = body_measures(img, world, width=640, height=480, face_width_px=50, partner_dx=1)
    assert out["torso_yaw_deg"] == pytest.approx(30, abs=1e-6)
    assert out["torso_roll_deg"] == pytest.approx(0, abs=1e-6)
    assert out["lean_partner_fw"] == pytest.approx(10 / 50)
    assert out["wrist_l_x"] == pytest.approx(0.5) and out["wrist_r_y"] == pytest.approx(420 / 480)
    img[15, 3] = 0.1
    assert np.isnan(
        body_measures(img, world, width=640, height=480, face_width_px=50, partner_dx=-1)["wrist_l_x"]
    )


def test_motion_energy_counts_changed_pixels_in_region():
    prev = np.zeros((90, 160), np.float32)
    cur = prev.copy()
    cur[:, 80:] = 50  # the right half changes
    assert motion_energy(prev, cur, region=(0.5, 0, 1, 1), threshold=12) == pytest.approx(1.0)
    assert motion_energy(prev, cur, region=(0, 0, 0.5, 1), threshold=12) == pytest.approx(0.0)
    assert motion_energy(prev, cur, region=(0.25, 0, 0.75, 1), threshold=12) == pytest.approx(0.5)
    assert np.isnan(motion_energy(None, cur, region=(0, 0, 1, 1), threshold=12))


def _role_table(n=4):
    t = pd.DataFrame({"t_s": np.arange(n) / 10})
    for role, x, y, w, yaw in (("adult", 0.3, 0.4, 0.2, 20.0), ("infant", 0.7, 0.4, 0.1, -15.0)):
        t[f"{role}.face_x"], t[f"{role}.face_y"], t[f"{role}.face_w"], t[f"{role}.yaw_deg"] = x, y, w, yaw
        for k in ("wrist_l_x", "wrist_l_y", "wrist_r_x", "wrist_r_y"):
            t[f"{role}.{k}"] = np.nan
    return t


def test_dyad_distance_facing_and_touch():
    t = _role_table()
    t.loc[1, "adult.wrist_r_x"], t.loc[1, "adult.wrist_r_y"] = 0.68, 0.4
    dyad_measures(t, aspect=9 / 16, facing_min_deg=10, touch_fw=1.0)
    assert t["dyad.distance_norm"].tolist() == pytest.approx([0.4] * 4)
    assert t["dyad.distance_adult_fw"].tolist() == pytest.approx([2.0] * 4)
    assert t["adult.facing_partner_deg"][0] == 20 and t["infant.facing_partner_deg"][0] == 15
    assert t["dyad.mutual_facing"].tolist() == [1.0] * 4
    assert t["dyad.adult_hand_infant_fw"][1] == pytest.approx(0.1) and t["dyad.touch"][1] == 1.0
    assert np.isnan(t["dyad.touch"][0])
    split = dyad_measures(_role_table(), aspect=9 / 16, facing_min_deg=10, touch_fw=1.0, split=True)
    assert split["dyad.distance_norm"].isna().all()


def test_qc_warns_below_thresholds():
    n = 100
    t = pd.DataFrame({c.name: np.nan for c in FRAME_COLUMNS}, index=range(n))
    t["t_s"] = np.arange(n) / 10
    t["adult.face_found"], t["infant.face_found"] = 1.0, (np.arange(n) < 30).astype(float)
    t["adult.face_score"], t["adult.pose_found"], t["infant.pose_found"] = 0.9, 1.0, 1.0
    qc, notes = video_qc(
        t,
        roles=RoleResult({0: "adult", 1: "infant"}, 0.3, "size"),
        swap_repairs=2,
        dropped_tracks=0,
        n_people=2,
        thresholds=Config().qc,
    )
    assert qc["face_share_infant"] == pytest.approx(0.3) and qc["face_share_both"] == pytest.approx(0.3)
    text = "; ".join(notes)
    assert (
        "infant face found in 30%" in text
        and "role assignment confidence 0.30" in text
        and "swap repairs" in text
    )
    assert "adult face" not in text
    qc, notes = video_qc(
        t.assign(**{"infant.face_found": 1.0}),
        roles=RoleResult({0: "adult", 1: "infant"}, 0.9, "size"),
        swap_repairs=0,
        dropped_tracks=0,
        n_people=2,
        thresholds=Config().qc,
    )
    assert notes == []


def test_column_doc_is_up_to_date():
    assert DOC.read_text() == columns_markdown(), (
        "regenerate: python -m extract.video.columns > docs/frame_columns.md"
    )
    names = [c.name for c in FRAME_COLUMNS]
    assert len(names) == len(set(names))
    assert all(c.unit and c.definition for c in FRAME_COLUMNS)
