"""Face sprites cut from scikit-image's public-domain astronaut photo, and their mouth/smile warps.

The photo (NASA, public domain) ships inside the scikit-image wheel, so nothing is downloaded.
All landmark positions below were measured once on that photo with MediaPipe 0.10.21
(face detection full-range and face mesh), in the photo's own pixel coordinates (512 x 512).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

# Sprite crop in photo coordinates: x0, y0, x1, y1 (head, hair, neck).
_CROP = (135, 5, 315, 215)
# The photo's backdrop is light and grey: pixels with min(RGB) > 150 and max - min < 30.
_BACKDROP_MIN = 150
_BACKDROP_SPREAD = 30
# Keep the head and neck only: inside this ellipse (centre, semi-axes) and, below y = 150,
# between x = 184 and 268 (drops the space-suit collar ring).
_KEEP_CENTRE = (225.0, 108.0)
_KEEP_AXES = (82.0, 106.0)
_NECK_Y, _NECK_X = 150, (184, 268)
_FEATHER_SIGMA_PX = 1.2

# MediaPipe full-range face detection on the still photo: box (x, y, w, h) = (173.7, 67.8, 103.9, 103.9),
# centre (225.6, 119.7). In rendered scenes (face 60-115 px wide, rolled, mouth moving) the
# detector's box centre sits on average at (223.1, 123.5) in photo pixels (mirrored alike), between
# the eyes and the nose tip (nose tip 224, 132; mid-eyes 225, 105): that point is the "face centre".
FACE_CENTRE_PHOTO = (223.1, 123.5)
FACE_WIDTH_PHOTO = 103.93  # detector box width on the still photo, px: the face "size"
# Face-mesh landmarks on the photo (index: x, y).
_MOUTH_CORNER_L = (201.8, 139.2)  # 61
_MOUTH_CORNER_R = (245.0, 141.0)  # 291
_LIP_UPPER_INNER = (223.5, 143.2)  # 13
_LIP_LOWER_INNER = (223.0, 150.1)  # 14
_CHIN = (221.3, 177.4)  # 152

# Warp strengths in photo pixels (the detector face box is ~104 px wide).
JAW_DROP_PX = 13.0  # lower-lip/jaw displacement at mouth_open = 1
SMILE_LIFT_PX = 5.0  # mouth-corner lift at smile = 1 (negative lift, i.e. lowered, at smile = 0)
SMILE_NEUTRAL = 0.35  # smile value at which the corners stay where the photo has them


@dataclass(frozen=True)
class FaceSprite:
    """A head cut-out with alpha and the key points needed to warp and place it.

    rgb: (h, w, 3) float32 in 0..255; alpha: (h, w) float32 in 0..1.
    Points are (x, y) in sprite pixels.
    """

    rgb: np.ndarray
    alpha: np.ndarray
    centre: tuple[float, float]  # face centre (detector box centre)
    face_width: float  # detector box width, px
    corner_l: tuple[float, float]
    corner_r: tuple[float, float]
    lip_upper: tuple[float, float]
    lip_lower: tuple[float, float]
    chin: tuple[float, float]
    mirrored: bool

    @property
    def shape(self) -> tuple[int, int]:
        return self.rgb.shape[:2]


def _to_sprite(p: tuple[float, float], *, width: int, mirror: bool) -> tuple[float, float]:
    x, y = p[0] - _CROP[0], p[1] - _CROP[1]
    return ((width - 1) - x if mirror else x, y)


def _head_mask(crop: np.ndarray, *, origin: tuple[int, int]) -> np.ndarray:
    """Soft alpha (h, w) float32 of head + neck in a photo crop (h, w, 3) whose top-left is `origin`."""
    from scipy import ndimage

    lo, hi = crop.min(-1), crop.max(-1)
    fg = ~((lo > _BACKDROP_MIN) & (hi - lo < _BACKDROP_SPREAD))
    h, w = fg.shape
    yy, xx = np.mgrid[0:h, 0:w]
    xx, yy = xx + origin[0], yy + origin[1]
    keep = ((xx - _KEEP_CENTRE[0]) / _KEEP_AXES[0]) ** 2 + ((yy - _KEEP_CENTRE[1]) / _KEEP_AXES[1]) ** 2 <= 1
    keep &= ~((yy > _NECK_Y) & ((xx < _NECK_X[0]) | (xx > _NECK_X[1])))
    fg &= keep
    labels, n = ndimage.label(fg)
    if n > 1:  # largest component only, holes (eyes, teeth) filled
        sizes = ndimage.sum(fg, labels, range(1, n + 1))
        fg = labels == (1 + int(np.argmax(sizes)))
    fg = ndimage.binary_fill_holes(fg)
    fg = ndimage.binary_opening(fg, iterations=1)
    return np.clip(cv2.GaussianBlur(fg.astype(np.float32), (0, 0), _FEATHER_SIGMA_PX), 0, 1)


@lru_cache(maxsize=2)
def load_sprite(*, mirror: bool = False) -> FaceSprite:
    """Cut the astronaut's head from the photo; `mirror=True` flips it left-right."""
    from skimage import data

    photo = data.astronaut()
    x0, y0, x1, y1 = _CROP
    rgb = photo[y0:y1, x0:x1].astype(np.float32)
    h, w = rgb.shape[:2]
    alpha = _head_mask(photo[y0:y1, x0:x1].astype(np.int16), origin=(x0, y0))
    if mirror:
        rgb, alpha = rgb[:, ::-1].copy(), alpha[:, ::-1].copy()
    pt = lambda p: _to_sprite(p, width=w, mirror=mirror)  # noqa: E731
    return FaceSprite(
        rgb=rgb,
        alpha=alpha,
        centre=pt(FACE_CENTRE_PHOTO),
        face_width=FACE_WIDTH_PHOTO,
        corner_l=pt(_MOUTH_CORNER_L),
        corner_r=pt(_MOUTH_CORNER_R),
        lip_upper=pt(_LIP_UPPER_INNER),
        lip_lower=pt(_LIP_LOWER_INNER),
        chin=pt(_CHIN),
        mirrored=mirror,
    )


@lru_cache(maxsize=2)
def _warp_fields(mirror: bool) -> tuple[np.ndarray, ...]:
    """Per-pixel fields of one sprite: grids, jaw weight, lip line, corner weights. Each (h, w) float32."""
    s = load_sprite(mirror=mirror)
    h, w = s.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Lip line: parabola through both mouth corners and the middle of the inner lips.
    xl, yl = s.corner_l
    xr, yr = s.corner_r
    xm = 0.5 * (s.lip_upper[0] + s.lip_lower[0])
    ym = 0.5 * (s.lip_upper[1] + s.lip_lower[1])
    coeffs = np.polyfit([xl, xm, xr], [yl, ym, yr], 2)
    lipline = np.polyval(coeffs, xx).astype(np.float32)
    # Jaw weight: 1 across the mouth and chin, fading sideways and below the chin.
    half_w = 0.5 * abs(xr - xl)
    wx = np.exp(-0.5 * ((xx - xm) / (0.95 * half_w)) ** 4)
    chin_y = s.chin[1]
    below_chin = np.clip((yy - chin_y) / 22.0, 0.0, 1.0)
    wy_down = 0.5 * (1 + np.cos(np.pi * below_chin))  # 1 at the chin, 0 22 px below
    jaw = (wx * wy_down).astype(np.float32)
    # Mouth-interior lens: the gap opened between the lip line and the dropped lower jaw.
    corner_w = []
    for cxp, cyp in (s.corner_l, s.corner_r):
        d2 = ((xx - cxp) ** 2 + (yy - cyp) ** 2) / (2 * 9.0**2)
        corner_w.append(np.exp(-d2).astype(np.float32))
    return xx, yy, lipline, jaw, corner_w[0], corner_w[1], np.float32(xm), np.float32(half_w)


def warp_face(sprite: FaceSprite, *, mouth_open: float, smile: float) -> tuple[np.ndarray, np.ndarray]:
    """Open the mouth (jaw drop with a dark interior) and lift/lower the mouth corners.

    mouth_open, smile: scripted values in 0..1.
    Returns (rgb (h, w, 3) float32 0..255, alpha (h, w) float32 0..1) in sprite pixels.
    The face centre, width and everything above the lip line stay in place.
    """
    xx, yy, lipline, jaw, wl, wr, xm, half_w = _warp_fields(sprite.mirrored)
    drop = JAW_DROP_PX * float(np.clip(mouth_open, 0.0, 1.0))
    lift = SMILE_LIFT_PX * (float(np.clip(smile, 0.0, 1.0)) - SMILE_NEUTRAL) / (1 - SMILE_NEUTRAL)
    below = (yy >= lipline).astype(np.float32)
    soft_below = np.clip((yy - lipline + 1.5) / 3.0, 0.0, 1.0)
    dy = drop * jaw * soft_below
    # Corners: lift up and slightly outwards (smile), inverse-mapped: sample from below/inside.
    corners = wl + wr
    outward = np.where(xx < xm, -1.0, 1.0).astype(np.float32)
    dy = dy - lift * corners
    dx = 0.4 * lift * corners * outward
    map_x = (xx - dx).astype(np.float32)
    map_y = (yy - dy).astype(np.float32)
    rgb = cv2.remap(sprite.rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.remap(
        sprite.alpha, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    if drop > 0.3:
        # Destination pixels whose source lies above the lip line fall in the opened gap.
        src_y = map_y
        gap = below * np.clip((lipline - src_y) / 1.5, 0.0, 1.0) * (jaw > 0.05)
        taper = np.clip(1.0 - np.abs(xx - xm) / (1.05 * half_w), 0.0, 1.0) ** 0.5
        gap = (gap * taper).astype(np.float32)
        gap = cv2.GaussianBlur(gap, (0, 0), 0.8)
        depth = np.clip((yy - lipline) / max(drop, 1.0), 0.0, 1.0)
        interior = np.stack([60 - 25 * depth, 22 - 10 * depth, 25 - 10 * depth], axis=-1).astype(np.float32)
        rgb = rgb * (1 - gap[..., None]) + interior * gap[..., None]
    return rgb, alpha
