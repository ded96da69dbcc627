"""Boxes and crops. Normalised coordinates: x / frame width, y / frame height (MediaPipe's convention)."""

from __future__ import annotations

import cv2
import numpy as np


def square_crop(image: np.ndarray, *, cx: float, cy: float, side: float, out_px: int) -> tuple[np.ndarray, np.ndarray]:
    """Square crop of `side` px centred on (cx, cy) px, resampled to (out_px, out_px, 3).

    Returns (crop, m) with m the (2, 3) affine map from crop-relative coordinates (0..1)
    to image pixels: [x_px, y_px] = m @ [u, v, 1]. Outside the frame, edge pixels repeat."""
    half = side / 2
    src = np.float32([[cx - half, cy - half], [cx + half, cy - half], [cx - half, cy + half]])
    dst = np.float32([[0, 0], [out_px, 0], [0, out_px]])
    crop = cv2.warpAffine(image, cv2.getAffineTransform(src, dst), (out_px, out_px), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    m = np.array([[side, 0, cx - half], [0, side, cy - half]], float)
    return crop, m


def to_image(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(n, >=2) crop-relative points -> (n, 2) image pixels under affine `m` (2, 3)."""
    return points[:, :2] @ m[:, :2].T + m[:, 2]


def person_region(*, cx: float, cy: float, fw: float, width: int, height: int, half_width_fw: float,
                  above_fw: float, below_fw: float) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) around a person whose face is centred at (cx, cy) px and
    `fw` px wide: `half_width_fw` face widths either side, `above_fw` above, `below_fw` below; clipped."""
    x0 = int(max(0, np.floor(cx - half_width_fw * fw)))
    x1 = int(min(width, np.ceil(cx + half_width_fw * fw)))
    y0 = int(max(0, np.floor(cy - above_fw * fw)))
    y1 = int(min(height, np.ceil(cy + below_fw * fw)))
    return x0, y0, x1, y1



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
