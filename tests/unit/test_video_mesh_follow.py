"""Faces followed by their own mesh between detections: the detector's schedule, boxes on its scale."""

from __future__ import annotations

import numpy as np
import pytest

from extract.config import Config
from extract.video.extractor import VideoExtractor
from extract.video.mesh_follow import MeshFollow, keypoints_from_mesh, landmark_box

W, H, N_FRAMES = 320, 240, 30
FACES = ((255, 0, 0), (0, 0, 255))  # two square "faces", red and blue


def _centres(i: int) -> list[tuple[float, float, float]]:
    """Frame i: (cx, cy, side) px of each face; both drift right and the second grows."""
    return [(80 + 1.5 * i, 100, 40), (220 + 0.5 * i, 120, 50 + 0.5 * i)]


def _frame(i: int) -> np.ndarray:
    img = np.full((H, W, 3), 128, np.uint8)
    for (cx, cy, side), colour in zip(_centres(i), FACES, strict=True):
        img[int(cy - side / 2) : int(cy + side / 2), int(cx - side / 2) : int(cx + side / 2)] = colour
    return img


def _squares(img: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (x0, y0, x1, y1) relative to the image of each coloured square present."""
    out = []
    for colour in FACES:
        ys, xs = np.nonzero(np.all(img == colour, axis=2))
        if len(xs) > 20:
            h, w = img.shape[:2]
            out.append((xs.min() / w, ys.min() / h, (xs.max() + 1) / w, (ys.max() + 1) / h))
    return out


class SquareBackend:
    """Detector: a box 1.2 times each square (score 0.9); mesh: 478 points spread over the square
    seen in the crop (a mesh that follows the face); no pose. Counts detector calls."""

    def __init__(self):
        self.detections = 0

    def detect_faces(self, image):
        self.detections += 1
        rows = []
        for x0, y0, x1, y1 in _squares(image):
            cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, 1.2 * (x1 - x0), 1.2 * (y1 - y0)
            rows.append((cx, cy, w, h, 0.9, *([np.nan] * 12)))
        return np.array(rows).reshape(-1, 17)

    def face_mesh(self, crop, *, slot):
        found = _squares(crop)
        if len(found) != 1:
            return None
        x0, y0, x1, y1 = found[0]
        u, v = np.meshgrid(np.linspace(x0, x1, 22), np.linspace(y0, y1, 22))
        pts = np.column_stack([u.ravel(), v.ravel()])[:478]
        return np.column_stack([pts, np.zeros(len(pts))]).astype(np.float32)

    def pose(self, region, *, slot):
        return None


def _run(every: int) -> tuple:
    cfg = Config.model_validate(
        {"faces": {"detect_every_n_frames": every, "crop_scale": 1.6}, "roles": {"sheet": False}}
    )
    backend = SquareBackend()
    ex = VideoExtractor.from_config(cfg, backend=backend)
    for i in range(N_FRAMES):
        ex.process(_frame(i), t_s=i / 10, source_frame=i)
    obs = ex._obs.rows
    return backend.detections, obs


@pytest.mark.parametrize("every", [1, 3])
def test_followed_boxes_stay_on_the_detector_scale(every):
    detections, rows = _run(every)
    assert detections == (N_FRAMES if every == 1 else pytest.approx(N_FRAMES / every, abs=2))
    assert len(rows) == 2 * N_FRAMES
    for row in rows:
        truth = min(_centres(row["frame"]), key=lambda c: abs(c[0] / W - row["cx"]))
        cx, cy, side = truth
        assert row["cx"] * W == pytest.approx(cx, abs=1.0)
        assert row["cy"] * H == pytest.approx(cy, abs=1.0)
        assert row["w"] * W == pytest.approx(1.2 * side, abs=1.5)  # the detector's 1.2 x, not the mesh's 1 x
        assert row["mesh_found"] == 1.0


def test_detector_runs_again_when_a_mesh_loses_its_face():
    follow = MeshFollow(3)
    follow.detected(0)
    assert not follow.due(1) and not follow.due(2) and follow.due(3)
    assert MeshFollow(1).due(5)
    px = np.zeros((478, 3))
    px[:468, 0] = np.linspace(100, 140, 468)
    px[:468, 1] = np.linspace(50, 100, 468)
    follow.fit(7, np.array([0.4, 0.3, 0.2, 0.25, 0.8]), px, size=(400, 300), index=0)
    assert follow.can_follow(7, 3) and not follow.can_follow(7, 4) and not follow.can_follow(8, 1)
    moved = px + (20, 10, 0)
    row = follow.box(7, moved, size=(400, 300))
    np.testing.assert_allclose(row[:5], [0.4 + 20 / 400, 0.3 + 10 / 300, 0.2, 0.25, 0.8])
    assert landmark_box(px) == pytest.approx((120, 75, 40, 50))
    assert keypoints_from_mesh(px).shape == (6, 2)
