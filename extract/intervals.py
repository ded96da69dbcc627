"""Run-length and dilation helpers shared by voice activity, speaker splitting, interaction
episodes, affect and moments."""

from __future__ import annotations

import numpy as np


def runs(mask: np.ndarray, *, min_len: int = 1) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in a boolean (n,) array, runs shorter
    than `min_len` left out."""
    d = np.diff(np.concatenate([[0], np.asarray(mask, bool).astype(np.int8), [0]]))
    return [
        (int(a), int(b))
        for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=False)
        if b - a >= min_len
    ]


def bridge(mask: np.ndarray, max_gap: int) -> np.ndarray:
    """Copy of a boolean (n,) array with runs of False of at most `max_gap` between two runs of
    True set True (voicing that flickers off for a frame or two inside one held sound)."""
    out = np.asarray(mask, bool).copy()
    for a, b in runs(~out, min_len=1):
        if a > 0 and b < len(out) and b - a <= max_gap:
            out[a:b] = True
    return out


def dilate(flag: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """True where `flag` is True within +-window_s."""
    return near(t, t[flag], window_s)


def near(t: np.ndarray, hits: np.ndarray, window_s: float) -> np.ndarray:
    """(n,) bool: one of the ascending times `hits` lies within +-window_s of each time in `t`."""
    if not len(hits):
        return np.zeros(len(t), bool)
    idx = np.searchsorted(hits, t)
    before = np.abs(t - hits[np.clip(idx - 1, 0, len(hits) - 1)])
    after = np.abs(hits[np.clip(idx, 0, len(hits) - 1)] - t)
    return np.minimum(before, after) <= window_s + 1e-9
