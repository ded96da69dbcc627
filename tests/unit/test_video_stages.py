"""Each video stage on its own with stand-in backends (no MediaPipe): detection (both passes),
per-person measurement, whole-clip resolution."""

from __future__ import annotations

import numpy as np
from video_fakes import DetectionOnlyBackend

from extract.config import Config, FacesConfig, MotionConfig, PoseConfig, config_from_dict
from extract.video.appearance import HIST_SIZE
from extract.video.detection import FaceDetection, FrameFaces
from extract.video.measurement import PersonMeasurement
from extract.video.resolution import ClipObservations, ClipResolution
from extract.video.tracking import Track

W, H = 320, 240


class FixedBackend(DetectionOnlyBackend):
    """The main detector returns `main`; the short-range one returns `close` and counts its calls."""

    def __init__(self, main, close=()):
        self.main, self.close, self.close_calls = np.array(main, float), np.array(close, float), 0

    def detect_faces(self, image):
        return self.main.reshape(-1, 5)

    def detect_close_faces(self, image):
        self.close_calls += 1
        return self.close.reshape(-1, 5)


def _detection(backend, **faces) -> FaceDetection:
    cfg = Config()
    return FaceDetection.from_config(
        FacesConfig(**faces),
        backend=backend,
        layout="single",
        max_people=cfg.tracking.max_people,
        gate_growth_fw=cfg.tracking.gate_growth_fw,
    )


def test_detection_first_pass_only_when_it_finds_both_faces():
    backend = FixedBackend([(0.3, 0.4, 0.15, 0.2, 0.9), (0.7, 0.5, 0.1, 0.13, 0.8)])
    faces = _detection(backend).detect(np.zeros((H, W, 3), np.uint8))
    assert backend.close_calls == 0
    assert faces.dets.shape == (2, 6) and (faces.dets[:, 5] == 0).all() and not faces.split
    assert faces.dets[0, 4] == 0.9  # best first


def test_detection_second_pass_adds_a_missing_face_once():
    close = [(0.7, 0.5, 0.1, 0.13, 0.8)]
    backend = FixedBackend([(0.3, 0.4, 0.15, 0.2, 0.9)], close)
    faces = _detection(backend, short_range_strips=1, rescue_side_fw=0).detect(np.zeros((H, W, 3), np.uint8))
    assert backend.close_calls == 1  # one strip (the whole frame), no rescue squares
    assert len(faces.dets) == 2 and faces.dets[1, 5] == 1.0  # marked as a second-pass face
    assert np.allclose(faces.dets[1, :5], close[0])
    again = FixedBackend([(0.3, 0.4, 0.15, 0.2, 0.9)], [(0.31, 0.4, 0.15, 0.2, 0.8)])  # the same face again
    assert (
        len(
            _detection(again, short_range_strips=1, rescue_side_fw=0)
            .detect(np.zeros((H, W, 3), np.uint8))
            .dets
        )
        == 1
    )


def test_detection_rescue_squares_only_around_established_uncovered_tracks():
    det = _detection(FixedBackend([]), rescue_side_fw=3.0)
    established = Track(0, np.array([0.5, 0.5, 0.1, 0.13]), np.zeros(4), hits=5)
    brief = Track(1, np.array([0.2, 0.5, 0.1, 0.13]), np.zeros(4), hits=2)
    squares = det.rescue_squares(np.zeros((H, W, 3)), (0, 0, W, H), np.zeros((0, 6)), [established, brief])
    assert len(squares) == 1
    x0, y0, x1, y1 = squares[0]
    assert x1 - x0 == 96 and (x0 + x1) / 2 == W / 2  # 3 face widths (32 px) around the track's centre


def test_measurement_rows_with_detection_only_backend():
    faces = FrameFaces(
        dets=np.array([[0.3, 0.4, 0.15, 0.2, 0.9, 0.0], [0.7, 0.5, 0.1, 0.13, 0.8, 0.0]]),
        region=np.array([0, 0]),
        regions=[(0, 0, W, H)],
    )
    m = PersonMeasurement.from_config(
        FacesConfig(), PoseConfig(every_n_frames=2), MotionConfig(), backend=DetectionOnlyBackend()
    )
    still = np.full((H, W, 3), 80, np.uint8)
    first = m.measure(still, faces, {0: 0, 1: 1}, {0, 1}, index=0, t_s=0.0)
    moved = still.copy()
    moved[:, :100] = 200  # inside the left person's region only (it ends at the midpoint between the faces)
    second = m.measure(moved, faces, {0: 0, 1: 1}, {0, 1}, index=1, t_s=0.1)
    assert [r["track"] for r in first] == [0, 1] and all(r["mesh_found"] == 0.0 for r in first)
    assert all(r["pose_found"] == 0.0 for r in first)  # pose frame (index 0), the fake finds no body
    assert all("pose_found" not in r for r in second)  # not a pose frame
    assert np.isnan(first[0]["motion_energy"]) or first[0]["motion_energy"] == 0  # no previous frame
    assert second[0]["motion_energy"] > 0.3 and second[1]["motion_energy"] == 0.0


def _observations(n=20):
    obs = ClipObservations(size=(W, H))
    rng = np.random.default_rng(0)
    for i in range(n):
        obs.frames.append((i / 10, i))
        for track, (cx, cy, w) in enumerate(((0.3, 0.4, 0.15), (0.7, 0.55, 0.09))):
            obs.rows.append(
                {
                    "frame": i,
                    "track": track,
                    "cx": cx,
                    "cy": cy,
                    "w": w,
                    "h": w * 1.3,
                    "score": 0.9,
                    "half": np.nan,
                    "mesh_found": 0.0,
                    "motion_energy": 0.1,
                }
            )
            obs.hists.append(np.full(HIST_SIZE, 1.0 + track) + rng.uniform(0, 0.01, HIST_SIZE))
    return obs


def test_resolution_gives_roles_table_and_qc():
    cfg = config_from_dict({"pose": {"enabled": False}})
    res = ClipResolution.from_config(
        tracking=cfg.tracking,
        roles=cfg.roles,
        dyad=cfg.dyad,
        qc=cfg.qc,
        pose_every_n_frames=cfg.pose.every_n_frames,
    )
    result = res.resolve(_observations())
    table = result.table
    assert len(table) == 20 and list(table.t_s) == [i / 10 for i in range(20)]
    assert (table["adult.face_found"] == 1).all() and (table["infant.face_found"] == 1).all()
    assert np.allclose(table["adult.face_w"], 0.15) and np.allclose(
        table["infant.face_w"], 0.09
    )  # larger face: adult
    assert result.qc["face_share_both"] == 1.0 and result.landmarks == {}
