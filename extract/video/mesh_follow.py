"""Faces followed by their own mesh between detections (faces.detect_every_n_frames).

While every tracked person's tracking mesh found their face on the previous frame, the face
detector (and its second pass) runs only every n-th frame: in between, each person's mesh runs on
the crop the detector last placed, and the face box is read off the landmarks. The box is the
detector's as seen from the landmarks: on each detection frame the detector's box is stored per
track relative to the landmarks' bounding box, and that relation is applied to the landmarks of
the following frames, so face size, position and the crops they drive stay on the detector's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MESH_FACE = slice(0, 468)  # the face surface (468+ are irises)
# the detector's six keypoints from mesh points: eyes (outer and inner corners), nose tip, mouth
# centre (inner lips), ear tragions (approximated by the cheek edge points beside them)
KEYPOINT_MESH = ((33, 133), (263, 362), (1,), (13, 14), (234,), (454,))
PASS_FOLLOW = 3.0  # FrameFaces pass: a box read off the mesh (no detector ran)


@dataclass(frozen=True)
class BoxFit:
    """A detector box relative to the landmarks' bounding box (cx, cy, w, h px): centre offset in
    landmark-box widths / heights, size ratios; `index` the detection frame it comes from; score."""

    index: int
    dx: float
    dy: float
    kw: float
    kh: float
    score: float


def landmark_box(px: np.ndarray) -> tuple[float, float, float, float]:
    """(cx, cy, w, h) px of the bounding box of the face-surface landmarks (n, 2+) px."""
    pts = px[MESH_FACE, :2]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)


def keypoints_from_mesh(px: np.ndarray) -> np.ndarray:
    """(6, 2) px: the detector's keypoints (right eye, left eye, nose tip, mouth, right ear, left ear)."""
    return np.array([px[list(ids), :2].mean(axis=0) for ids in KEYPOINT_MESH])


class MeshFollow:
    """Per-track box fits and the detection schedule."""

    def __init__(self, every_n_frames: int):
        self.every = every_n_frames
        self._fits: dict[int, BoxFit] = {}
        self._last_detection = -(10**9)

    def detected(self, index: int) -> None:
        """The detector ran on frame `index`."""
        self._last_detection = index

    def due(self, index: int) -> bool:
        """Must the detector run on frame `index`? (every n-th frame since it last ran)"""
        return self.every <= 1 or index - self._last_detection >= self.every

    def fit(self, track: int, det: np.ndarray, px: np.ndarray, *, size: tuple[int, int], index: int) -> None:
        """Store detector box `det` (cx, cy, w, h, score; normalised) against landmarks `px` of `index`."""
        w, h = size
        lx, ly, lw, lh = landmark_box(px)
        self._fits[track] = BoxFit(
            index=index,
            dx=(det[0] * w - lx) / lw,
            dy=(det[1] * h - ly) / lh,
            kw=det[2] * w / lw,
            kh=det[3] * h / lh,
            score=float(det[4]),
        )

    def can_follow(self, track: int, index: int) -> bool:
        fit = self._fits.get(track)
        return fit is not None and index - fit.index <= self.every

    def box(self, track: int, px: np.ndarray, *, size: tuple[int, int]) -> np.ndarray:
        """(18,) detection row for landmarks `px`: cx, cy, w, h (normalised), the fit's
        score, PASS_FOLLOW, keypoints (normalised)."""
        w, h = size
        fit = self._fits[track]
        lx, ly, lw, lh = landmark_box(px)
        box = ((lx + fit.dx * lw) / w, (ly + fit.dy * lh) / h, fit.kw * lw / w, fit.kh * lh / h)
        kp = keypoints_from_mesh(px) / (w, h)
        return np.r_[box, fit.score, PASS_FOLLOW, kp.ravel()].astype(float)

    def forget(self, track: int) -> None:
        self._fits.pop(track, None)
