"""Appearance for re-identification: a normalised hue-saturation histogram of the face box."""

from __future__ import annotations

import cv2
import numpy as np

HIST_BINS = (8, 4)  # hue x saturation bins
HIST_SIZE = HIST_BINS[0] * HIST_BINS[1]


def colour_histogram(image: np.ndarray, *, box_px: tuple[int, int, int, int]) -> np.ndarray:
    """image (H, W, 3) RGB uint8, box (x0, y0, x1, y1) px -> (32,) float32 histogram summing to 1
    (zeros if the box is empty)."""
    x0, y0, x1, y1 = box_px
    patch = image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    n = HIST_BINS[0] * HIST_BINS[1]
    if patch.size == 0:
        return np.zeros(n, np.float32)
    hsv = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, list(HIST_BINS), [0, 180, 0, 256]).ravel()
    total = hist.sum()
    return (hist / total).astype(np.float32) if total > 0 else hist.astype(np.float32)


def histogram_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Hellinger distance between two normalised histograms: 0 (identical) .. 1 (disjoint)."""
    if a.sum() <= 0 or b.sum() <= 0:
        return 0.5
    bc = float(np.sum(np.sqrt(np.clip(a, 0, None) * np.clip(b, 0, None))))
    return float(np.sqrt(max(0.0, 1.0 - bc)))
