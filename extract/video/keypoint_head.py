"""Head orientation from the face detector's six keypoints, for faces the face mesh misses
(profiles, blur). Yaw is the nose tip's offset from the midpoint of the two ear tragions in
face widths, times YAW_DEG_PER_FW (fitted against the mesh's yaw on 393 faces with both:
r = 0.98, median |error| 4 deg); roll is the eye line's tilt. Pitch is not filled: the
keypoints predict it poorly (r < 0.2)."""

from __future__ import annotations

import numpy as np

YAW_DEG_PER_FW = 74.5
R_EYE, L_EYE, NOSE, MOUTH, R_EAR, L_EAR = range(6)


def keypoint_head(kp: np.ndarray, *, face_w: float) -> dict[str, float]:
    """kp (6, 2) keypoints in pixels (BlazeFace order: right eye, left eye, nose tip, mouth centre,
    right ear, left ear; subject's sides), face_w the detection box width in pixels ->
    yaw_deg (> 0 turned towards image right, clipped to +-90) and roll_deg (> 0 counter-clockwise
    as displayed); nan when the keypoints are missing."""
    kp = np.asarray(kp, float)
    if not np.all(np.isfinite(kp)) or face_w <= 0:
        return {"yaw_deg": np.nan, "roll_deg": np.nan}
    ears = (kp[R_EAR] + kp[L_EAR]) / 2
    yaw = float(np.clip(YAW_DEG_PER_FW * (kp[NOSE, 0] - ears[0]) / face_w, -90.0, 90.0))
    dx, dy = kp[L_EYE] - kp[R_EYE]
    roll = float(np.degrees(np.arctan2(-dy, dx)))
    return {"yaw_deg": yaw, "roll_deg": roll}


def upright_angle(kp: np.ndarray) -> float:
    """Degrees to turn a crop counter-clockwise so the eye line is level (0 when unknown)."""
    kp = np.asarray(kp, float)
    if not np.all(np.isfinite(kp[[R_EYE, L_EYE]])):
        return 0.0
    dx, dy = kp[L_EYE] - kp[R_EYE]
    return float(np.degrees(np.arctan2(dy, dx))) if abs(dx) > 1e-6 else 0.0
