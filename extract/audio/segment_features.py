"""Acoustic description of each vocal segment: one row of numbers per segment.

These columns are both what `segments.csv` reports (prosody) and what the speaker
classifier reads (speaker.py). Semitones are re 100 Hz. Ranges are the 5th-95th
percentile spread (robust to single-frame octave errors).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.audio.frames import FrameFeatures
from extract.audio.pitch import PitchTrack, hz_to_st

# Columns the voice classifier uses (all finite after `classifier_matrix`).
CLASSIFIER_COLUMNS = (
    "duration_s",
    "f0_median_st",
    "f0_range_st",
    "f0_sd_st",
    "voiced_share",
    "aperiodicity_median",
    "intensity_rel_db",
    "centroid_median_hz",
    "flatness_median",
    "f0_slope_st_per_s",
    "energy_modulation",
)


def _frame_slice(a: float, b: float, hop_s: float, n: int) -> slice:
    i0 = min(n - 1, max(0, int(round(a / hop_s))))
    return slice(i0, max(i0 + 1, min(n, int(round(b / hop_s)))))


def describe_segments(segments: np.ndarray, *, frames: FrameFeatures, pitch: PitchTrack) -> pd.DataFrame:
    """One row per segment of `segments` (k, 2) seconds: timing, F0, intensity, spectral shape.

    Columns: start_s, end_s, duration_s, f0_median_hz, f0_mean_hz, f0_sd_hz, f0_range_hz,
    f0_median_st, f0_sd_st, f0_range_st, f0_slope_st_per_s, voiced_share, aperiodicity_median,
    intensity_db, intensity_rel_db (re the clip's median segment intensity),
    centroid_median_hz, flatness_median, energy_modulation (SD of the frame energy, dB:
    syllabic or sobbing rhythm).
    """
    rows = []
    n = len(frames.band_db)
    for a, b in np.asarray(segments, dtype=np.float64).reshape(-1, 2):
        sl = _frame_slice(a, b, frames.hop_s, n)
        f0 = pitch.f0_hz[sl]
        f0 = f0[np.isfinite(f0)]
        st = hz_to_st(f0)
        t = pitch.times_s[sl][np.isfinite(pitch.f0_hz[sl])]
        row = {"start_s": a, "end_s": b, "duration_s": b - a}
        if len(f0) >= 3:
            p5, p50, p95 = np.percentile(f0, [5, 50, 95])
            s5, s95 = np.percentile(st, [5, 95])
            slope = float(np.polyfit(t - t.mean(), st, 1)[0]) if np.ptp(t) > 0 else 0.0
            row.update(
                f0_median_hz=p50,
                f0_mean_hz=f0.mean(),
                f0_sd_hz=f0.std(),
                f0_range_hz=p95 - p5,
                f0_median_st=float(np.median(st)),
                f0_sd_st=st.std(),
                f0_range_st=s95 - s5,
                f0_slope_st_per_s=slope,
            )
        else:
            row.update(
                f0_median_hz=np.nan,
                f0_mean_hz=np.nan,
                f0_sd_hz=np.nan,
                f0_range_hz=np.nan,
                f0_median_st=np.nan,
                f0_sd_st=np.nan,
                f0_range_st=np.nan,
                f0_slope_st_per_s=np.nan,
            )
        energy = frames.band_db[sl]
        row.update(
            voiced_share=float(np.mean(pitch.voiced[sl])),
            aperiodicity_median=float(np.median(pitch.aperiodicity[sl])),
            intensity_db=float(10 * np.log10(np.mean(10 ** (energy / 10)))),
            centroid_median_hz=float(np.median(frames.centroid_hz[sl])),
            flatness_median=float(np.median(frames.flatness[sl])),
            energy_modulation=float(np.std(energy)),
        )
        rows.append(row)
    table = pd.DataFrame(
        rows,
        columns=[
            "start_s",
            "end_s",
            "duration_s",
            "f0_median_hz",
            "f0_mean_hz",
            "f0_sd_hz",
            "f0_range_hz",
            "f0_median_st",
            "f0_sd_st",
            "f0_range_st",
            "f0_slope_st_per_s",
            "voiced_share",
            "aperiodicity_median",
            "intensity_db",
            "centroid_median_hz",
            "flatness_median",
            "energy_modulation",
        ],
    )
    table.insert(
        table.columns.get_loc("intensity_db") + 1,
        "intensity_rel_db",
        table.intensity_db - (table.intensity_db.median() if len(table) else 0.0),
    )
    return table


def classifier_matrix(table: pd.DataFrame) -> np.ndarray:
    """(k, len(CLASSIFIER_COLUMNS)) float features; missing F0 measures become neutral values."""
    x = table.loc[:, list(CLASSIFIER_COLUMNS)].astype(float).copy()
    x["f0_median_st"] = x["f0_median_st"].fillna(21.0)  # ~340 Hz: between adult and infant
    return x.fillna(0.0).to_numpy()
