"""Summarising a per-frame signal over a clip, over valid frames only.

A statistic with too little valid data is NaN together with a reason for qc.csv, never a
silent 0.
"""

from __future__ import annotations

import numpy as np

STATS = ("mean", "sd", "p10", "p50", "p90")


def summarise(
    values: np.ndarray, *, min_valid: int, name: str, stats: tuple[str, ...] = STATS
) -> tuple[dict[str, float], str | None]:
    """values: (n,) with NaN for invalid frames -> ({'<name>.<stat>': value}, reason or None).

    With fewer than `min_valid` valid frames every statistic is NaN and the reason says how
    many frames were valid."""
    values = np.asarray(values, dtype=float)
    valid = values[~np.isnan(values)]
    keys = [f"{name}.{stat}" for stat in stats]
    if len(valid) < min_valid:
        return dict.fromkeys(
            keys, np.nan
        ), f"{name}: {len(valid)} valid of {len(values)} frames (need {min_valid})"
    out = {}
    for key, stat in zip(keys, stats, strict=False):
        if stat == "mean":
            out[key] = float(valid.mean())
        elif stat == "sd":
            out[key] = float(valid.std(ddof=1)) if len(valid) > 1 else np.nan
        elif stat.startswith("p"):
            out[key] = float(np.percentile(valid, int(stat[1:])))
        else:
            raise ValueError(f"unknown statistic {stat!r}")
    return out, None


def events_per_minute(
    onsets: int, *, valid_seconds: float, min_valid_s: float, name: str
) -> tuple[dict[str, float], str | None]:
    """Count of events per minute of valid time; NaN (with a reason) below `min_valid_s`."""
    key = f"{name}.per_min"
    if valid_seconds < min_valid_s:
        return {key: np.nan}, f"{name}: {valid_seconds:.1f} s valid (need {min_valid_s:.0f} s)"
    return {key: 60.0 * onsets / valid_seconds}, None
