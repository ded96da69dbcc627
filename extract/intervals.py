"""Run-length helper shared by voice activity, speaker splitting and interaction episodes."""

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
