"""Voice activity: speech-band energy over an adaptive noise floor, with hysteresis.

The noise floor is a low percentile of the band energy in a sliding window (so it follows
slow changes in room noise); a segment starts where the energy rises `onset_db` above the
floor and extends back and forward while it stays `offset_db` above it. Gaps shorter than
`min_gap_s` are bridged, segments shorter than `min_segment_s` dropped, and segments with
too little voicing that are also short (toy rattles, knocks, clicks) dropped when a voicing
track is given.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from extract.config import VadConfig
from extract.intervals import runs


def noise_floor_db(
    band_db: np.ndarray,
    *,
    hop_s: float,
    window_s: float = 8.0,
    percentile: float = 10.0,
    block_s: float = 0.25,
    min_level_db: float = -70.0,
) -> np.ndarray:
    """(n,) running noise floor of `band_db` (n,): `percentile` of blocks in a `window_s` window.

    Levels below `min_level_db` (digital silence) count as min_level_db, so a short muted
    stretch cannot drop the floor far under the room noise next to it; the clip's ends are
    not extrapolated (edge blocks see fewer neighbours)."""
    n = len(band_db)
    if n == 0:
        return band_db.copy()
    block = max(1, int(round(block_s / hop_s)))
    n_blocks = int(np.ceil(n / block))
    level = np.maximum(band_db, min_level_db)
    padded = np.pad(level, (0, n_blocks * block - n), constant_values=np.nan).reshape(n_blocks, block)
    block_low = np.full(n_blocks, np.nan)
    some = ~np.all(np.isnan(padded), axis=1)
    block_low[some] = np.nanpercentile(padded[some], percentile, axis=1)
    if not some.any():
        return np.full(n, float(min_level_db))
    half = max(1, int(round(window_s / block_s / 2)))
    edge = np.pad(block_low, (half, half), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(edge, 2 * half + 1)
    has = ~np.all(np.isnan(windows), axis=1)
    floor_blocks = np.full(n_blocks, np.nan)
    floor_blocks[has] = np.nanpercentile(windows[has], 2 * percentile, axis=1)
    floor_blocks = np.where(np.isnan(floor_blocks), float(min_level_db), floor_blocks)
    centres = (np.arange(n_blocks) + 0.5) * block
    return np.interp(np.arange(n), centres, floor_blocks)


def merge_segments(segments: np.ndarray, *, min_gap_s: float, min_segment_s: float) -> np.ndarray:
    """Bridge gaps < min_gap_s, then drop segments < min_segment_s. (k, 2) seconds in and out."""
    segs = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    if len(segs) == 0:
        return segs
    segs = segs[np.argsort(segs[:, 0])]
    out = [list(segs[0])]
    for a, b in segs[1:]:
        if a - out[-1][1] < min_gap_s:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    arr = np.array(out)
    return arr[(arr[:, 1] - arr[:, 0]) >= min_segment_s]


def detect_voice(
    band_db: np.ndarray,
    *,
    hop_s: float,
    cfg: VadConfig | None = None,
    voiced: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Vocal segments from per-frame band energy, with the settings of `cfg` (audio.vad).

    band_db: (n,) speech-band energy per frame (frame i at i * hop_s), dB.
    voiced: optional (n,) bool voicing per frame; segments with a smaller voiced share
    than `min_voiced_share` are dropped unless they last `unvoiced_keep_s` or longer (harsh
    cries are largely aperiodic; knocks, clicks and rattles are short), and voiced frames only
    `voiced_offset_db` above the floor continue a segment (weak syllables in noise).
    Returns (segments (k, 2) start/end seconds, floor (n,) dB).
    """
    c = cfg if cfg is not None else VadConfig()
    onset_db, offset_db, min_level_db = c.onset_db, c.offset_db, c.min_level_db
    e = uniform_filter1d(np.asarray(band_db, dtype=np.float64), 3, mode="nearest")
    floor = noise_floor_db(
        e, hop_s=hop_s, window_s=c.floor_window_s, percentile=c.floor_percentile, min_level_db=min_level_db
    )
    above = e - floor
    strong = (above >= onset_db) & (e >= min_level_db)
    weak = (above >= offset_db) & (e >= min_level_db)
    if voiced is not None:  # periodic frames a little above the floor continue a segment
        weak |= voiced & (above >= c.voiced_offset_db) & (e >= min_level_db)
    segs = []
    for a, b in runs(weak):
        if strong[a:b].any():
            segs.append((a * hop_s, b * hop_s))
    segs = merge_segments(np.array(segs).reshape(-1, 2), min_gap_s=c.min_gap_s, min_segment_s=c.min_segment_s)
    if voiced is not None and len(segs):
        keep = []
        for a, b in segs:
            i0, i1 = int(round(a / hop_s)), max(int(round(b / hop_s)), int(round(a / hop_s)) + 1)
            keep.append(np.mean(voiced[i0:i1]) >= c.min_voiced_share or b - a >= c.unvoiced_keep_s)
        segs = segs[np.array(keep, dtype=bool)]
    return segs, floor


def snr_estimate_db(band_db: np.ndarray, floor_db: np.ndarray, *, speech: np.ndarray) -> float:
    """Speech-band SNR (dB): mean power in `speech` frames (n,) bool over the mean noise floor."""
    if not speech.any():
        return float("nan")
    p = 10 ** (np.asarray(band_db) / 10)
    noise = float(np.mean(10 ** (np.asarray(floor_db) / 10)))
    sig = float(np.mean(p[speech])) - noise
    return float(10 * np.log10(max(sig, 1e-12) / max(noise, 1e-15)))


def segment_mask(segments: np.ndarray, times_s: np.ndarray) -> np.ndarray:
    """(n,) bool: times_s inside any [start, end) of `segments` (k, 2)."""
    mask = np.zeros(len(times_s), dtype=bool)
    for a, b in np.asarray(segments).reshape(-1, 2):
        mask |= (times_s >= a) & (times_s < b)
    return mask


__all__ = ["detect_voice", "merge_segments", "noise_floor_db", "segment_mask", "snr_estimate_db"]
