"""Compose one frame at time t: a plain room, two bodies, the adult head (left) and the infant head (right).

Coordinates: pixel (x, y) with pixel i covering [i, i + 1); normalised values divide by the
frame width (x, sizes, distances) or height (y), so a normalised centre is what MediaPipe's
relative coordinates report for the same point.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from extract.render.faces import FaceSprite, load_sprite, warp_face
from extract.render.script import DyadScript
from extract.vocab import ROLES

# Layout (fractions of frame width W for x and sizes, of height H for y).
ADULT_FACE_WIDTH = 0.18  # detector-box width of the adult face / W
INFANT_FACE_RATIO = 0.63  # infant face width / adult face width
INFANT_X = 0.70
ADULT_Y = 0.40
INFANT_Y = 0.57
ADULT_ROLL_DEG = 4.0  # base head tilt towards the partner (counter-clockwise positive, as displayed)
INFANT_ROLL_DEG = -5.0


@dataclass(frozen=True)
class FacePose:
    """Where and how one face is drawn. cx, cy, width in pixels (continuous coordinates)."""

    cx: float
    cy: float
    width: float
    roll_deg: float
    mouth_open: float
    smile: float


@lru_cache(maxsize=4)
def background(width: int, height: int) -> np.ndarray:
    """Static room: painted wall, skirting, wooden floor, a window and a picture. (H, W, 3) float32 RGB."""
    h, w = height, width
    img = np.zeros((h, w, 3), np.float32)
    floor_y = int(0.74 * h)
    g = np.linspace(0, 1, floor_y)[:, None]
    img[:floor_y] = (np.array([214, 205, 193]) * (1 - g) + np.array([190, 182, 171]) * g)[:, None, :]
    fy = np.linspace(0, 1, h - floor_y)[:, None]
    img[floor_y:] = (np.array([160, 122, 88]) * (1 - fy) + np.array([128, 94, 66]) * fy)[:, None, :]
    for k in range(1, 6):  # floor boards
        y = floor_y + int((h - floor_y) * (k / 6) ** 1.3)
        img[y : y + 1] *= 0.9
    img[floor_y - 4 : floor_y] = (235, 232, 225)  # skirting board
    # window, top right
    x0, x1, y0, y1 = int(0.83 * w), int(0.97 * w), int(0.06 * h), int(0.40 * h)
    cv2.rectangle(img, (x0, y0), (x1, y1), (245, 245, 240), -1)
    cv2.rectangle(img, (x0 + 4, y0 + 4), (x1 - 4, y1 - 4), (190, 215, 235), -1)
    cv2.line(img, ((x0 + x1) // 2, y0), ((x0 + x1) // 2, y1), (245, 245, 240), 3)
    # picture frame, top left
    x0, x1, y0, y1 = int(0.03 * w), int(0.12 * w), int(0.10 * h), int(0.30 * h)
    cv2.rectangle(img, (x0, y0), (x1, y1), (95, 70, 50), -1)
    cv2.rectangle(img, (x0 + 4, y0 + 4), (x1 - 4, y1 - 4), (120, 150, 110), -1)
    rng = np.random.default_rng(12345)
    img += cv2.GaussianBlur(rng.normal(0, 2.0, (h, w, 1)).astype(np.float32), (0, 0), 1.0)[..., None]
    return np.clip(img, 0, 255)


def face_poses(script: DyadScript, t: float, *, size: tuple[int, int]) -> dict[str, FacePose]:
    """Pose of each role's face at time t (s) for a frame of `size` = (W, H)."""
    w, h = size
    adult_fw = ADULT_FACE_WIDTH * w
    poses = {}
    for role in ROLES:
        dx = float(script.curve("dx", t, role)) * w
        dy = float(script.curve("dy", t, role)) * w
        roll = float(script.curve("roll", t, role))
        if role == "adult":
            x = (INFANT_X - float(script.curve("separation", t))) * w
            y, fw, roll0 = ADULT_Y * h, adult_fw, ADULT_ROLL_DEG
        else:
            x, y, fw, roll0 = INFANT_X * w, INFANT_Y * h, adult_fw * INFANT_FACE_RATIO, INFANT_ROLL_DEG
        poses[role] = FacePose(
            cx=x + dx,
            cy=y + dy,
            width=fw,
            roll_deg=roll0 + roll,
            mouth_open=float(script.mouth_open(role, t)[0]),
            smile=float(script.smile(role, t)),
        )
    return poses


def _draw_body(img: np.ndarray, pose: FacePose, colour: tuple[int, int, int]) -> None:
    fw = pose.width
    centre = (int(round(pose.cx * 16)), int(round((pose.cy + 1.95 * fw) * 16)))
    axes = (int(round(1.25 * fw * 16)), int(round(1.35 * fw * 16)))
    cv2.ellipse(img, centre, axes, 0.0, 0, 360, colour, -1, cv2.LINE_AA, shift=4)


def _place(img: np.ndarray, sprite: FaceSprite, pose: FacePose) -> None:
    """Warp the sprite (mouth, smile), scale, roll and alpha-blend it into `img` in place."""
    rgb, alpha = warp_face(sprite, mouth_open=pose.mouth_open, smile=pose.smile)
    k = pose.width / sprite.face_width
    sh, sw = sprite.shape
    dw, dh = max(1, int(round(sw * k))), max(1, int(round(sh * k)))
    kx, ky = dw / sw, dh / sh
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    rgba = cv2.resize(np.dstack([rgb * alpha[..., None], alpha]), (dw, dh), interpolation=interp)
    # sprite centre in continuous coordinates, after resizing
    c = ((sprite.centre[0] + 0.5) * kx, (sprite.centre[1] + 0.5) * ky)
    m = cv2.getRotationMatrix2D(c, pose.roll_deg, 1.0)  # continuous coords in, continuous out
    m[:, 2] += (pose.cx - c[0], pose.cy - c[1])
    corners = np.array([[0, 0, 1], [dw, 0, 1], [0, dh, 1], [dw, dh, 1]], float) @ m.T
    h, w = img.shape[:2]
    x0, y0 = np.maximum(np.floor(corners.min(0)).astype(int) - 1, 0)
    x1, y1 = np.minimum(np.ceil(corners.max(0)).astype(int) + 1, (w, h))
    if x1 <= x0 or y1 <= y0:
        return
    m_roi = m.copy()
    m_roi[:, 2] -= (x0, y0)
    # warpAffine works on pixel-index coordinates: shift by half a pixel on both sides
    shift_in = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    m_idx = (m_roi @ shift_in)[:2]
    m_idx[:, 2] -= 0.5
    out = cv2.warpAffine(
        rgba, m_idx, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    a = out[..., 3:4]
    roi = img[y0:y1, x0:x1]
    roi *= 1 - a
    roi += out[..., :3]


HAND_RGB = (222, 170, 140)  # occluder colour: a hand held over a face


def _occlude(img: np.ndarray, pose: FacePose) -> None:
    """Cover a face with a hand-coloured block 1.4 face widths square (finger gaps drawn), in place."""
    half = 0.7 * pose.width
    x0, y0, x1, y1 = (int(round(v)) for v in (pose.cx - half, pose.cy - half, pose.cx + half, pose.cy + half))
    cv2.rectangle(img, (x0, y0), (x1, y1), HAND_RGB, -1, cv2.LINE_AA)
    for k in range(1, 4):  # finger gaps
        x = x0 + k * (x1 - x0) // 4
        cv2.line(img, (x, y0), (x, y0 + (y1 - y0) // 2), (190, 140, 115), 1, cv2.LINE_AA)


def compose_frame(
    script: DyadScript,
    t: float,
    *,
    size: tuple[int, int] = (640, 360),
    occluders: tuple[tuple[str, float, float], ...] = (),
) -> tuple[np.ndarray, dict[str, FacePose]]:
    """Render the scene at time t (s). Returns (image (H, W, 3) uint8 RGB, poses by role).
    occluders: (role, start_s, end_s): cover that role's face with a hand while start_s <= t < end_s."""
    w, h = size
    poses = face_poses(script, t, size=size)
    img = background(w, h).copy()
    _draw_body(img, poses["adult"], (38, 36, 44))
    _draw_body(img, poses["infant"], (30, 34, 58))
    _place(img, load_sprite(mirror=False), poses["adult"])
    _place(img, load_sprite(mirror=True), poses["infant"])
    for role, t0, t1 in occluders:
        if t0 <= t < t1:
            _occlude(img, poses[role])
    return np.clip(img + 0.5, 0, 255).astype(np.uint8), poses
