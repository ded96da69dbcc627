"""Face-mesh landmarks -> head pose, gaze proxy, mouth, smile, eyes, brows.

Landmarks are MediaPipe face-mesh indices (478 with refined irises) in image pixels (x, y)
plus z in the same pixel scale (from the crop). Measures divided by face width do not change
with distance to the camera.
"""

from __future__ import annotations

import numpy as np

CHEEK_R, CHEEK_L = 234, 454  # subject's right (image left in a frontal view), left
FOREHEAD, CHIN, NOSE_TIP = 10, 152, 1
LIP_UP, LIP_DOWN, CORNER_R, CORNER_L = 13, 14, 61, 291
EYE_R = (33, 133, 159, 145)  # outer, inner, top, bottom
EYE_L = (263, 362, 386, 374)
IRIS_R, IRIS_L = 468, 473
BROW_R, BROW_L = 105, 334
GAZE_GAIN_DEG = 60.0  # degrees of gaze per unit of iris offset (offset / eye width): a proxy
# landmark subset drawn in the overlay: face oval, eyes, lips, irises
OVERLAY_POINTS = np.array(
    [
        10,
        338,
        297,
        332,
        284,
        251,
        389,
        356,
        454,
        323,
        361,
        288,
        397,
        365,
        379,
        378,
        400,
        377,
        152,
        148,
        176,
        149,
        150,
        136,
        172,
        58,
        132,
        93,
        234,
        127,
        162,
        21,
        54,
        103,
        67,
        109,
        33,
        160,
        158,
        133,
        153,
        144,
        362,
        385,
        387,
        263,
        373,
        380,
        61,
        40,
        37,
        0,
        267,
        270,
        291,
        321,
        314,
        17,
        84,
        91,
        13,
        14,
        468,
        473,
        1,
    ]
)

FACE_MEASURES = (
    "yaw_deg",
    "pitch_deg",
    "roll_deg",
    "gaze_yaw_deg",
    "gaze_pitch_deg",
    "mouth_open",
    "smile",
    "eye_open",
    "brow_raise",
)


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def head_axes(lm: np.ndarray) -> np.ndarray:
    """(478, 3) landmarks -> (3, 3) rotation with columns: face right-to-left axis X (subject's
    right cheek to left cheek), up axis Y, and the face normal Z (towards the camera when frontal)."""
    x = _unit(lm[CHEEK_L] - lm[CHEEK_R])
    up = _unit(lm[FOREHEAD] - lm[CHIN])
    z = _unit(np.cross(x, up))
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=1)


def head_pose(lm: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) degrees, as R = Rz(roll) Ry(yaw) Rx(pitch) in image axes (x right,
    y down, z away from the camera): roll from the cheek-to-cheek line, then yaw and pitch of
    the face normal with the roll taken out.
    yaw > 0: face turned towards image right; pitch > 0: face tilted up;
    roll > 0: head tilted counter-clockwise as displayed."""
    r = head_axes(lm)
    x = r[:, 0]
    roll = np.arctan2(-x[1], x[0])
    c, s = np.cos(roll), np.sin(roll)
    z = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ r[:, 2]  # the normal with the roll taken out
    yaw = np.degrees(np.arctan2(z[0], -z[2]))
    pitch = np.degrees(np.arctan2(-z[1], np.hypot(z[0], z[2])))
    return float(yaw), float(pitch), float(np.degrees(roll))


def face_width(lm: np.ndarray) -> float:
    """Cheek-to-cheek distance in the image plane (px)."""
    return float(np.linalg.norm(lm[CHEEK_L, :2] - lm[CHEEK_R, :2]))


def _iris_offset(lm: np.ndarray, eye: tuple[int, int, int, int], iris: int) -> tuple[float, float]:
    """Iris centre offset from the eye-corner midpoint along (image x, image y), / eye width."""
    outer, inner, top, bottom = (lm[i, :2] for i in eye)
    width = np.linalg.norm(inner - outer)
    if width <= 0:
        return np.nan, np.nan
    axis = (inner - outer) / width
    if axis[0] < 0:  # make the axis point to image right whichever eye this is
        axis = -axis
    normal = np.array([-axis[1], axis[0]])  # points down in the image
    d = lm[iris, :2] - (outer + inner) / 2
    return float(d @ axis / width), float(d @ normal / width)


def face_measures(lm: np.ndarray) -> dict[str, float]:
    """(478, 3) landmarks in pixels -> the measures in FACE_MEASURES (see columns.py for units)."""
    fw = face_width(lm)
    yaw, pitch, roll = head_pose(lm)
    r = head_axes(lm)
    # 2D face frame for expression measures: along the eye line and perpendicular (down)
    ex = r[:2, 0] / (np.linalg.norm(r[:2, 0]) or 1)
    ey = np.array([-ex[1], ex[0]])
    mouth_mid = (lm[LIP_UP, :2] + lm[LIP_DOWN, :2]) / 2
    corners = (lm[CORNER_R, :2] + lm[CORNER_L, :2]) / 2
    eye_open = np.mean(
        [
            np.linalg.norm(lm[t, :2] - lm[b, :2]) / max(np.linalg.norm(lm[o, :2] - lm[i, :2]), 1e-6)
            for o, i, t, b in (EYE_R, EYE_L)
        ]
    )
    brow = np.mean([(lm[t, :2] - lm[b, :2]) @ -ey for b, t in ((BROW_R, EYE_R[2]), (BROW_L, EYE_L[2]))])
    gx, gy = (
        np.nanmean([_iris_offset(lm, EYE_R, IRIS_R), _iris_offset(lm, EYE_L, IRIS_L)], axis=0)
        if len(lm) > IRIS_L
        else (np.nan, np.nan)
    )
    return {
        "yaw_deg": yaw,
        "pitch_deg": pitch,
        "roll_deg": roll,
        "gaze_yaw_deg": yaw + GAZE_GAIN_DEG * gx,
        "gaze_pitch_deg": pitch - GAZE_GAIN_DEG * gy,
        "mouth_open": float(np.linalg.norm(lm[LIP_DOWN, :2] - lm[LIP_UP, :2]) / fw) if fw > 0 else np.nan,
        "smile": float((mouth_mid - corners) @ ey / fw) if fw > 0 else np.nan,
        "eye_open": float(eye_open),
        "brow_raise": float(-brow / fw) if fw > 0 else np.nan,
    }


def landmark_speed(prev: np.ndarray | None, cur: np.ndarray, *, dt: float) -> float:
    """Facial motion: mean landmark displacement between two frames after removing the face's
    translation and scale (positions relative to the landmark mean, / face width), per second.
    prev, cur (478, 3) pixels; nan without a previous frame."""
    if prev is None or dt <= 0:
        return float("nan")

    def norm(lm):
        p = lm[:, :2] - lm[:, :2].mean(0)
        return p / max(face_width(lm), 1e-6)

    return float(np.mean(np.linalg.norm(norm(cur) - norm(prev), axis=1)) / dt)


def eye_spacing_ratio(lm: np.ndarray) -> float:
    """Face proportion for the role cue: distance between the eye centres (corner midpoints)
    over the distance from their midpoint to the chin (152), in 3D when depth is given. Infant
    faces (wide-set eyes, short lower face) score higher; zoom and roll do not change it, and the
    3D distances undo most of the shortening by yaw (still, use near-frontal frames).
    lm (478, 2 or 3) pixels (x, y[, z])."""
    k = min(lm.shape[1], 3)
    r = (lm[EYE_R[0], :k] + lm[EYE_R[1], :k]) / 2
    left = (lm[EYE_L[0], :k] + lm[EYE_L[1], :k]) / 2
    down = np.linalg.norm(lm[CHIN, :k] - (r + left) / 2)
    return float(np.linalg.norm(left - r) / down) if down > 0 else float("nan")
