"""Retried face-mesh crops for faces the tracking mesh misses (profiles, heads tilted while leaning
over a high chair, faces cut by the frame edge).

Measured on the 64 annotated visible faces the tracking mesh missed in the real Lookit clips
(benchmarks/real_faces.py, static mesh per crop): a crop rotated 30 deg rescues 12, a tight crop
(1.2 face widths) mirrored 9, the same unmirrored 7, rotated -30 deg 4, together 24. The looks are
tried in LOOKS order, the one that last worked for a track first; when none works, the track is
not retried for `backoff_frames` frames, doubling with every further complete miss (up to
MAX_BACKOFF_FRAMES), so a face that stays covered or turned away costs little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extract.video.geometry import rotated_crop, to_image
from extract.video.keypoint_head import upright_angle


@dataclass(frozen=True)
class Look:
    side_fw: float  # crop side in face widths
    angle_deg: float = 0.0  # content turned counter-clockwise
    mirror: bool = False
    on_keypoints: bool = False  # centred on the detector's eyes, nose and mouth and turned upright


LOOKS = (
    Look(1.2),
    Look(1.2, mirror=True),
    Look(1.5, angle_deg=30.0),
    Look(1.5, angle_deg=-30.0),
    Look(1.6, on_keypoints=True),
)
MAX_BACKOFF_FRAMES = 16
MIRROR_SIGNED = ("yaw_deg", "roll_deg", "gaze_yaw_deg")  # measures whose sign a mirror image flips


@dataclass(frozen=True)
class Found:
    """Landmarks from a retried crop: `measured` (n, 3) px as the mesh saw them (a mirrored face when
    `mirrored`: negate MIRROR_SIGNED measures), `points` (n, 3) px at their true image positions."""

    measured: np.ndarray
    points: np.ndarray
    mirrored: bool


class MeshRetry:
    """Per-track memory of the look that worked and of the backoff after a complete miss."""

    def __init__(self, mesh_once, *, crop_px: int, backoff_frames: int = 2):
        self.mesh_once, self.crop_px, self.backoff_frames = mesh_once, crop_px, backoff_frames
        self._last: dict[int, int] = {}
        self._resume_at: dict[int, int] = {}
        self._misses: dict[int, int] = {}  # consecutive complete misses per track

    def forget(self, track: int) -> None:
        self._last.pop(track, None)
        self._resume_at.pop(track, None)
        self._misses.pop(track, None)

    def find(
        self, image: np.ndarray, d: np.ndarray, kp: np.ndarray, bounds, *, track: int, index: int
    ) -> Found | None:
        """Landmarks of face `d` (cx, cy, w, ... normalised; keypoints `kp` (6, 2) normalised) in the
        camera view `bounds` (x0, y0, x1, y1 px) of frame `index`, or None."""
        if self.mesh_once is None or index < self._resume_at.get(track, 0):
            return None
        h, w = image.shape[:2]
        bx0, by0, bx1, by1 = bounds
        view = image[by0:by1, bx0:bx1]
        origin = np.array([bx0, by0], float)
        fw = d[2] * w
        centre = np.array([d[0] * w, d[1] * h]) - origin
        kp_px = kp * (w, h) - origin
        first = self._last.get(track)
        order = ([first] if first is not None else []) + [k for k in range(len(LOOKS)) if k != first]
        for k in order:
            look = LOOKS[k]
            if look.on_keypoints and not np.all(np.isfinite(kp_px[:4])):
                continue
            (cx, cy), angle = (
                (kp_px[:4].mean(axis=0), upright_angle(kp_px))
                if look.on_keypoints
                else (centre, look.angle_deg)
            )
            side = look.side_fw * fw
            crop, m = rotated_crop(view, cx=cx, cy=cy, side=side, angle_deg=angle, out_px=self.crop_px)
            m[:, 2] += origin
            lm = self.mesh_once(np.ascontiguousarray(crop[:, ::-1]) if look.mirror else crop)
            if lm is None:
                continue
            self._last[track] = k
            self._misses.pop(track, None)
            z = lm[:, 2:3] * side
            measured = np.column_stack([to_image(lm, m), z])
            if not look.mirror:
                return Found(measured, measured, False)
            true = np.column_stack([to_image(np.column_stack([1 - lm[:, 0], lm[:, 1]]), m), z])
            return Found(measured, true, True)
        misses = self._misses[track] = self._misses.get(track, 0) + 1
        self._resume_at[track] = index + 1 + min(self.backoff_frames * 2 ** (misses - 1), MAX_BACKOFF_FRAMES)
        self._last.pop(track, None)
        return None
