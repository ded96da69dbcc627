"""Motion energy analysis (Ramseyer & Tschacher): the share of pixels whose grey level changes
by more than a threshold between consecutive analysis frames, inside each person's region."""

from __future__ import annotations

import cv2
import numpy as np


def grey_small(image: np.ndarray, *, width: int) -> np.ndarray:
    """(H, W, 3) RGB uint8 -> (h, width) grey float32, lightly blurred to suppress coding noise."""
    h, w = image.shape[:2]
    small = cv2.resize(image, (width, max(1, int(round(h * width / w)))), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32), (3, 3), 0)


def motion_energy(
    prev: np.ndarray | None, cur: np.ndarray, *, region: tuple[float, float, float, float], threshold: float
) -> float:
    """Share (0..1) of pixels in `region` (x0, y0, x1, y1 as fractions of width / height)
    whose grey level changed by more than `threshold` (0..255). prev, cur (h, w); nan
    without a previous frame or with an empty region."""
    if prev is None or prev.shape != cur.shape:
        return float("nan")
    h, w = cur.shape
    x0, y0, x1, y1 = (
        int(region[0] * w),
        int(region[1] * h),
        int(np.ceil(region[2] * w)),
        int(np.ceil(region[3] * h)),
    )
    a, b = prev[y0:y1, x0:x1], cur[y0:y1, x0:x1]
    if a.size == 0:
        return float("nan")
    return float(np.mean(np.abs(b - a) > threshold))
