"""Boxes and crops. Normalised coordinates: x / frame width, y / frame height (MediaPipe's convention)."""

from __future__ import annotations

import cv2
import numpy as np


def square_crop(
    image: np.ndarray, *, cx: float, cy: float, side: float, out_px: int
) -> tuple[np.ndarray, np.ndarray]:
    """Square crop of `side` px centred on (cx, cy) px, resampled to (out_px, out_px, 3).

    Returns (crop, m) with m the (2, 3) affine map from crop-relative coordinates (0..1)
    to image pixels: [x_px, y_px] = m @ [u, v, 1]. Outside the frame, edge pixels repeat."""
    half = side / 2
    src = np.float32([[cx - half, cy - half], [cx + half, cy - half], [cx - half, cy + half]])
    dst = np.float32([[0, 0], [out_px, 0], [0, out_px]])
    crop = cv2.warpAffine(
        image,
        cv2.getAffineTransform(src, dst),
        (out_px, out_px),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    m = np.array([[side, 0, cx - half], [0, side, cy - half]], float)
    return crop, m


def rotated_crop(
    image: np.ndarray, *, cx: float, cy: float, side: float, angle_deg: float, out_px: int
) -> tuple[np.ndarray, np.ndarray]:
    """Like `square_crop`, with the content turned `angle_deg` counter-clockwise (as displayed)
    about (cx, cy), e.g. to make a tilted face upright. Returns (crop, m), m mapping crop-relative
    (u, v) to image pixels."""
    fwd = cv2.getRotationMatrix2D((float(cx), float(cy)), float(angle_deg), out_px / side)
    fwd[:, 2] += (out_px / 2 - cx, out_px / 2 - cy)
    crop = cv2.warpAffine(
        image, fwd, (out_px, out_px), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    inv = cv2.invertAffineTransform(fwd)
    m = np.column_stack([inv[:, :2] * out_px, inv[:, 2]])
    return crop, m


def to_image(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(n, >=2) crop-relative points -> (n, 2) image pixels under affine `m` (2, 3)."""
    return points[:, :2] @ m[:, :2].T + m[:, 2]


def person_region(
    *,
    cx: float,
    cy: float,
    fw: float,
    width: int,
    height: int,
    half_width_fw: float,
    above_fw: float,
    below_fw: float,
) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) around a person whose face is centred at (cx, cy) px and
    `fw` px wide: `half_width_fw` face widths either side, `above_fw` above, `below_fw` below; clipped."""
    x0 = int(max(0, np.floor(cx - half_width_fw * fw)))
    x1 = int(min(width, np.ceil(cx + half_width_fw * fw)))
    y0 = int(max(0, np.floor(cy - above_fw * fw)))
    y1 = int(min(height, np.ceil(cy + below_fw * fw)))
    return x0, y0, x1, y1


def strips(
    region: tuple[int, int, int, int], n: int, *, overlap: float = 0.2
) -> list[tuple[int, int, int, int]]:
    """`n` overlapping pixel boxes covering `region` (x0, y0, x1, y1), cut along its longer side:
    each strip is (1 + overlap) / n of that side (the whole region when n <= 1), so a face up to
    `overlap` / n of the side wide lies whole in at least one strip."""
    x0, y0, x1, y1 = region
    if n <= 1:
        return [region]
    horizontal = x1 - x0 >= y1 - y0
    lo, hi = (x0, x1) if horizontal else (y0, y1)
    span = hi - lo
    size = int(round(min(span, span * (1 + overlap) / n)))
    starts = np.linspace(lo, hi - size, n).round().astype(int)
    return [
        (int(s), y0, int(s) + size, y1) if horizontal else (x0, int(s), x1, int(s) + size) for s in starts
    ]


def duplicates(box: np.ndarray, boxes: np.ndarray, *, max_overlap: float = 0.3) -> bool:
    """Whether `box` (cx, cy, w, h, ...) is the same face as any of `boxes` (n, 4+): their
    intersection exceeds `max_overlap` of the smaller box, or one box holds the other's centre.
    Detectors disagree on box size (the short-range model often boxes a face with its hair or
    a raised cup), so plain IoU lets duplicates through."""
    for b in np.asarray(boxes, float).reshape(len(boxes), -1) if len(boxes) else ():
        ix = min(box[0] + box[2] / 2, b[0] + b[2] / 2) - max(box[0] - box[2] / 2, b[0] - b[2] / 2)
        iy = min(box[1] + box[3] / 2, b[1] + b[3] / 2) - max(box[1] - box[3] / 2, b[1] - b[3] / 2)
        inter = max(ix, 0.0) * max(iy, 0.0)
        if inter > max_overlap * min(box[2] * box[3], b[2] * b[3]):
            return True
        if abs(box[0] - b[0]) < max(box[2], b[2]) / 2 and abs(box[1] - b[1]) < max(box[3], b[3]) / 2:
            return True
    return False


def layout_regions(*, width: int, height: int, layout: str) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of the camera views in a frame: the whole frame for
    'single', left and right halves for 'split_lr', top and bottom halves for 'split_tb'."""
    if layout == "split_lr":
        return [(0, 0, width // 2, height), (width // 2, 0, width, height)]
    if layout == "split_tb":
        return [(0, 0, width, height // 2), (0, height // 2, width, height)]
    if layout != "single":
        raise ValueError(f"layout must be single, split_lr or split_tb, got {layout!r}")
    return [(0, 0, width, height)]
