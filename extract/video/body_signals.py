"""Pose landmarks -> torso orientation, lean, wrists.

Pose indices (MediaPipe BlazePose, 33 points): 0 nose, 11/12 left/right shoulder,
23/24 left/right hip, 15/16 left/right wrist. Image landmarks here are in frame pixels.
"""

from __future__ import annotations

import numpy as np

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_WRIST, R_WRIST = 11, 12, 23, 24, 15, 16
HANDS = {"l": (17, 19, 21), "r": (18, 20, 22)}  # pinky, index, thumb knuckles of each hand
UPPER_BODY = (0, 11, 12, 13, 14, 15, 16)
BODY_MEASURES = (
    "pose_visibility",
    "torso_yaw_deg",
    "torso_roll_deg",
    "lean_partner_fw",
    "wrist_l_x",
    "wrist_l_y",
    "wrist_r_x",
    "wrist_r_y",
    "hand_l_x",
    "hand_l_y",
    "hand_r_x",
    "hand_r_y",
)
OVERLAY_EDGES = ((11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24))


def body_measures(
    img: np.ndarray,
    world: np.ndarray,
    *,
    width: int,
    height: int,
    face_width_px: float,
    partner_dx: float,
    min_visibility: float = 0.5,
) -> dict[str, float]:
    """img (33, 4) x, y in frame pixels, z, visibility; world (33, 3) metres (hip-centred, y down);
    partner_dx: sign of the partner's horizontal direction (+1 right, -1 left, 0 unknown).

    torso_yaw_deg: shoulder line's rotation about the vertical (world landmarks), > 0 when
    the chest turns towards image right; torso_roll_deg: shoulder-line tilt in the image,
    counter-clockwise positive; lean_partner_fw: shoulder midpoint minus hip midpoint along
    the direction of the partner, in face widths (nan when hips are not visible);
    wrists and hands (mean of the pinky, index and thumb knuckles): normalised frame coordinates
    (nan when not visible)."""
    vis = img[:, 3]
    out = {k: np.nan for k in BODY_MEASURES}
    out["pose_visibility"] = float(np.mean(vis[list(UPPER_BODY)]))
    if vis[L_SHOULDER] >= min_visibility and vis[R_SHOULDER] >= min_visibility:
        d = world[L_SHOULDER] - world[R_SHOULDER]  # subject's right -> left shoulder
        # facing the camera, the subject's left shoulder is on image right and z equal
        out["torso_yaw_deg"] = float(np.degrees(np.arctan2(d[2], d[0])))
        s = img[L_SHOULDER, :2] - img[R_SHOULDER, :2]
        out["torso_roll_deg"] = float(np.degrees(np.arctan2(-s[1], s[0])))
        if (
            vis[L_HIP] >= min_visibility
            and vis[R_HIP] >= min_visibility
            and face_width_px > 0
            and partner_dx != 0
        ):
            sx = (img[L_SHOULDER, 0] + img[R_SHOULDER, 0]) / 2
            hx = (img[L_HIP, 0] + img[R_HIP, 0]) / 2
            out["lean_partner_fw"] = float((sx - hx) * np.sign(partner_dx) / face_width_px)
    for side, k in (("l", L_WRIST), ("r", R_WRIST)):
        if vis[k] >= min_visibility:
            out[f"wrist_{side}_x"] = float(img[k, 0] / width)
            out[f"wrist_{side}_y"] = float(img[k, 1] / height)
    for side, ks in HANDS.items():
        if np.mean(vis[list(ks)]) >= min_visibility:
            out[f"hand_{side}_x"] = float(np.mean(img[list(ks), 0]) / width)
            out[f"hand_{side}_y"] = float(np.mean(img[list(ks), 1]) / height)
    return out
