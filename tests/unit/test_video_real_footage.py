"""The real-footage stages with known answers: keypoint head pose, rotated crops, retried mesh
crops (mirror, memory, backoff), the padded edge pass, covered faces, and the role cues' weighting
and disagreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from extract.config import FacesConfig, QcConfig
from extract.video.covered import covered_faces
from extract.video.detection import PASS_EDGE, FaceDetection
from extract.video.geometry import rotated_crop, to_image
from extract.video.keypoint_head import YAW_DEG_PER_FW, keypoint_head, upright_angle
from extract.video.mesh_retry import LOOKS, MeshRetry
from extract.video.qc import video_qc
from extract.video.roles import RoleResult, assign_roles
from extract.video.voice_cue import mouth_response

FRONTAL = np.array([(40, 50), (60, 50), (50, 60), (50, 70), (30, 55), (70, 55)], float)


def test_keypoint_head_yaw_sign_scale_and_roll():
    assert keypoint_head(FRONTAL, face_w=40) == pytest.approx({"yaw_deg": 0.0, "roll_deg": 0.0})
    turned = FRONTAL.copy()
    turned[2, 0] += 10  # nose tip 10 px (a quarter face width) towards image right
    assert keypoint_head(turned, face_w=40)["yaw_deg"] == pytest.approx(YAW_DEG_PER_FW / 4)
    tilted = FRONTAL.copy()
    tilted[1, 1] -= 20 * np.tan(np.radians(20))  # the image-right eye higher: counter-clockwise
    assert keypoint_head(tilted, face_w=40)["roll_deg"] == pytest.approx(20.0)
    assert np.isnan(keypoint_head(np.full((6, 2), np.nan), face_w=40)["yaw_deg"])
    far = FRONTAL.copy()
    far[2, 0] += 100
    assert keypoint_head(far, face_w=40)["yaw_deg"] == 90.0  # clipped


def test_rotated_crop_maps_crop_points_back_to_the_image():
    image = np.zeros((120, 160, 3), np.uint8)
    image[40, 100] = 255  # one bright pixel
    crop, m = rotated_crop(image, cx=90.0, cy=50.0, side=40.0, angle_deg=30.0, out_px=200)
    v, u = np.unravel_index(np.argmax(crop[..., 0]), crop.shape[:2])
    back = to_image(np.array([[(u + 0.5) / 200, (v + 0.5) / 200]]), m)[0]
    assert np.allclose(back, (100.5, 40.5), atol=0.6)
    eyes_sloped = FRONTAL.copy()
    eyes_sloped[1] = eyes_sloped[0] + 20 * np.array([np.cos(np.radians(25)), np.sin(np.radians(25))])
    assert upright_angle(eyes_sloped) == pytest.approx(25.0)  # image y down: turn 25 deg ccw to level


class CountingMesh:
    """mesh_once stand-in: finds a face only in crops whose left half is brighter than the right
    (i.e. only mirrored crops of a face lit from the right), and counts its calls."""

    def __init__(self, works=True):
        self.calls, self.works = 0, works

    def __call__(self, crop):
        self.calls += 1
        half = crop.shape[1] // 2
        if self.works and crop[:, :half].mean() > crop[:, half:].mean() + 5:
            lm = np.zeros((478, 3), np.float32)
            lm[:, 0], lm[:, 1] = 0.25, 0.5
            return lm
        return None


def _lit_from_right():
    image = np.zeros((200, 200, 3), np.uint8)
    image[:, 100:] = 200
    return image


def test_mesh_retry_mirrors_back_remembers_what_worked_and_backs_off():
    d, kp = np.array([0.5, 0.5, 0.2, 0.2]), np.full((6, 2), np.nan)
    mesh = CountingMesh()
    retry = MeshRetry(mesh, crop_px=64)
    found = retry.find(_lit_from_right(), d, kp, (0, 0, 200, 200), track=1, index=0)
    mirror_look = next(k for k, look in enumerate(LOOKS) if look.mirror)
    assert found is not None and found.mirrored and mesh.calls == mirror_look + 1
    side = LOOKS[mirror_look].side_fw * 40
    assert found.points[0, 0] == pytest.approx(100 + 0.25 * side)  # u = 0.25 in the mirror is 0.75 here
    assert found.measured[0, 0] == pytest.approx(100 - 0.25 * side)
    retry.find(_lit_from_right(), d, kp, (0, 0, 200, 200), track=1, index=1)
    assert mesh.calls == mirror_look + 2  # the look that worked is tried first
    failing = CountingMesh(works=False)
    retry = MeshRetry(failing, crop_px=64, backoff_frames=2)
    for index in range(4):
        retry.find(_lit_from_right(), d, kp, (0, 0, 200, 200), track=1, index=index)
    tried = sum(1 for look in LOOKS if not look.on_keypoints)  # no keypoints: the keypoint look is skipped
    assert failing.calls == 2 * tried  # frames 0 and 3; frames 1-2 back off


class EdgeBackend:
    """A detector that, like BlazeFace, misses a face touching the image border: finds bright
    squares as (cx, cy, w, h, score) only when they do not touch the edge of the image it gets."""

    def detect_faces(self, image):
        mask = image[..., 0] > 150
        if not mask.any():
            return np.zeros((0, 5))
        ys, xs = np.nonzero(mask)
        h, w = mask.shape
        if xs.min() == 0 or ys.min() == 0 or xs.max() == w - 1 or ys.max() == h - 1:
            return np.zeros((0, 5))
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        return np.array([[(x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h, 0.9]])


def test_padded_edge_pass_finds_a_face_cut_by_the_border_in_frame_coordinates():
    image = np.zeros((100, 200, 3), np.uint8)
    image[60:100, 170:200] = 255  # a face cut by the right and bottom edges
    cut = FaceDetection(FacesConfig(edge_pad=0.1), backend=EdgeBackend(), max_people=1).detect(image)
    assert len(cut.dets) == 1 and cut.dets[0, 5] == PASS_EDGE
    assert cut.dets[0, :4] == pytest.approx([185 / 200, 80 / 100, 30 / 200, 40 / 100])
    off = FaceDetection(FacesConfig(edge_pad=0.0), backend=EdgeBackend(), max_people=1).detect(image)
    assert len(off.dets) == 0
    whole = np.zeros((100, 200, 3), np.uint8)
    whole[30:60, 80:110] = 255
    found = FaceDetection(FacesConfig(edge_pad=0.1), backend=EdgeBackend(), max_people=1).detect(whole)
    assert len(found.dets) == 1 and found.dets[0, 5] == 0  # found by the main pass; no edge pass needed


def _cover_table(**cols):
    base = {
        "adult.face_found": [1, 1, 1, 0],
        "adult.mesh_found": [0, 1, 0, np.nan],
        "adult.face_x": [0.3, 0.3, 0.3, np.nan],
        "adult.face_y": [0.5] * 3 + [np.nan],
        "adult.face_w": [0.1] * 3 + [np.nan],
        "infant.face_found": [1, 1, 1, 1],
        "infant.mesh_found": [0, 0, 0, 1],
        "infant.face_x": [0.7] * 4,
        "infant.face_y": [0.6] * 4,
        "infant.face_w": [0.08] * 4,
    }
    for who in ("adult", "infant"):
        for c in ("hand_l_x", "hand_l_y", "hand_r_x", "hand_r_y"):
            base[f"{who}.{c}"] = [np.nan] * 4
    base.update(cols)
    return pd.DataFrame(base)


def test_covered_needs_no_mesh_and_a_hand_on_the_face_or_changed_colours():
    table = _cover_table(**{"adult.hand_r_x": [0.32, 0.32, 0.6, np.nan], "adult.hand_r_y": [0.52] * 4})
    shift = {"adult": np.zeros(4), "infant": np.array([0.0, 0.7, 0.2, 0.9])}
    got = covered_faces(table, shift, aspect=0.75, hand_fw=1.0, colour_shift=0.5)
    # adult: hand on the face without mesh -> covered; with mesh -> not; hand far away -> not; no face -> nan
    assert np.array_equal(got["adult"][:3], [1.0, 0.0, 0.0]) and np.isnan(got["adult"][3])
    # infant: no hand; colours far from its meshed face in frame 1 only (frame 3 has a mesh)
    assert np.array_equal(got["infant"], [0.0, 1.0, 0.0, 0.0])


def test_partner_hand_over_the_infant_face_counts_too():
    table = _cover_table(**{"adult.hand_l_x": [0.71] * 4, "adult.hand_l_y": [0.62] * 4})
    got = covered_faces(
        table, {"adult": np.zeros(4), "infant": np.zeros(4)}, aspect=0.75, hand_fw=1.0, colour_shift=0.5
    )
    assert np.array_equal(got["infant"], [1.0, 1.0, 1.0, 0.0])


LEVEL = np.array([[0.7, 0.5], [0.3, 0.5]])


def test_cue_from_few_frames_counts_less_and_head_to_shoulder_holds_for_a_toddler():
    equal = np.array([0.15, 0.15])  # a toddler's face as large as the mother's: size says nothing
    hs = np.array([0.7, 0.4])  # identity 0's head is large for its shoulders: the infant
    many = assign_roles(
        face_widths=equal, centres=LEVEL, head_shoulder=hs, counts={"head_shoulder": (40, 40)}
    )
    few = assign_roles(face_widths=equal, centres=LEVEL, head_shoulder=hs, counts={"head_shoulder": (1, 40)})
    assert many.roles[0] == "infant" and many.cue == "head_shoulder" and many.confidence > 0.9
    assert few.roles[0] == "infant" and few.confidence < 0.5
    assert many.evidence["head_shoulder"] == pytest.approx(np.log(0.7 / 0.4) / 0.2 * 40 / 45)
    assert few.evidence["head_shoulder"] == pytest.approx(np.log(0.7 / 0.4) / 0.2 / 6)


def test_voice_cue_names_the_adult_and_disagreeing_cues_lower_confidence_with_a_warning():
    equal = np.array([0.15, 0.15])
    by_voice = assign_roles(face_widths=equal, centres=LEVEL, voice=np.array([0.1, 1.6]))  # 1 talks
    assert by_voice.roles == {0: "infant", 1: "adult"} and by_voice.cue == "voice"
    assert by_voice.evidence["voice"] == pytest.approx(3.0)  # (1.6 - 0.1) / 0.5, at the cap
    agree = assign_roles(face_widths=np.array([0.1, 0.16]), centres=LEVEL)
    clash = assign_roles(face_widths=np.array([0.1, 0.16]), centres=LEVEL, voice=np.array([1.0, 0.2]))
    assert agree.disagreement == "" and clash.roles == agree.roles
    assert clash.confidence < 0.5 < agree.confidence
    assert clash.disagreement.startswith("voice points the other way")
    slight = assign_roles(face_widths=np.array([0.1, 0.16]), centres=LEVEL, voice=np.array([0.5, 0.2]))
    assert slight.disagreement == "" and slight.confidence < agree.confidence  # 0.6 < a quarter of 3


def test_mouth_response_is_the_standardised_opening_while_the_adult_voice_sounds():
    voice = np.r_[np.ones(20), np.zeros(20)]
    talker = np.r_[np.full(20, 0.3), np.full(20, 0.1)]
    assert mouth_response(talker, voice) == pytest.approx(2.0)  # (0.3 - 0.1) / SD 0.1
    assert np.isnan(mouth_response(np.full(40, 0.1), voice))  # no variation: nan
    assert np.isnan(mouth_response(np.r_[np.full(3, 0.3), np.full(37, np.nan)], voice))  # 3 < MIN_FRAMES


def test_qc_reports_head_pose_and_covered_shares():
    n = 10
    table = pd.DataFrame({"t_s": np.arange(n) / 10})
    for role in ("adult", "infant"):
        for c in (
            "face_found",
            "mesh_found",
            "pose_found",
            "face_score",
            "pose_visibility",
            "yaw_deg",
            "face_covered",
        ):
            table[f"{role}.{c}"] = np.nan
    table["adult.face_found"] = 1.0
    table.loc[:5, "adult.yaw_deg"] = 5.0  # head pose in 6 of 10 frames (mesh or keypoints)
    table["adult.face_covered"] = [0.0] * 8 + [1.0] * 2
    qc, _ = video_qc(
        table,
        roles=RoleResult({0: "adult"}, 0.0, "single"),
        swap_repairs=0,
        dropped_tracks=0,
        n_people=1,
        thresholds=QcConfig(),
    )
    assert qc["head_share_adult"] == 0.6 and qc["covered_share_adult"] == 0.2
    assert qc["head_share_infant"] == 0.0 and qc["covered_share_infant"] == 0.0
