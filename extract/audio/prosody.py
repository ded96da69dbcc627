"""Prosody per speaker from labelled segments and the pitch track.

Pooled over the voiced frames of a speaker's segments: F0 mean, SD and range (5th-95th
percentile) in Hz and in semitones re 100 Hz; intensity (speech-band level, dB re full
scale); voiced share. Infant-directed-speech indicators compare each adult segment with the
adult's own baseline in the clip (the `baseline_percentile` of its segment F0 medians, and
the median of its segment F0 ranges): F0 and F0 range relative to baseline (st), and the
share of adult segments at least `ids_rise_st` above baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.audio.frames import FrameFeatures
from extract.audio.pitch import PitchTrack, hz_to_st
from extract.audio.speaker import SPEAKERS
from extract.audio.vad import segment_mask
from extract.config import ProsodyConfig


def _stats(prefix: str, x: np.ndarray) -> dict[str, float]:
    if len(x) < 3:
        return {f"{prefix}.mean": np.nan, f"{prefix}.sd": np.nan, f"{prefix}.range": np.nan}
    lo, hi = np.percentile(x, [5, 95])
    return {
        f"{prefix}.mean": float(np.mean(x)),
        f"{prefix}.sd": float(np.std(x)),
        f"{prefix}.range": float(hi - lo),
    }


def adult_baseline(segments: pd.DataFrame, *, baseline_percentile: float) -> tuple[float, float]:
    """(baseline F0 st, baseline F0 range st) of the adult in this clip (nan if no voiced adult segment)."""
    adult = segments[(segments.speaker == "adult") & segments.f0_median_st.notna()]
    if not len(adult):
        return np.nan, np.nan
    return float(np.percentile(adult.f0_median_st, baseline_percentile)), float(np.median(adult.f0_range_st))


def prosody_features(
    segments: pd.DataFrame,
    *,
    pitch: PitchTrack,
    frames: FrameFeatures,
    duration_s: float,
    cfg: ProsodyConfig | None = None,
) -> dict[str, float]:
    """Per-speaker prosody and voice-amount features ({name: value}) for labelled `segments`
    (rows with start_s, end_s, speaker, f0_median_st, f0_range_st)."""
    f: dict[str, float] = {}
    minutes = duration_s / 60.0 if duration_s > 0 else np.nan
    for role in SPEAKERS:
        seg = segments[segments.speaker == role]
        inside = segment_mask(seg[["start_s", "end_s"]].to_numpy(), pitch.times_s)
        f0 = pitch.f0_hz[inside & np.isfinite(pitch.f0_hz)]
        f[f"voice.{role}.segments.count"] = float(len(seg))
        f[f"voice.{role}.segments.per_min"] = len(seg) / minutes
        f[f"voice.{role}.vocal_time_s.total"] = float((seg.end_s - seg.start_s).sum())
        f.update(_stats(f"voice.{role}.f0_hz", f0))
        f.update(_stats(f"voice.{role}.f0_st", hz_to_st(f0)))
        f[f"voice.{role}.f0_range_st.mean"] = (
            float(seg.f0_range_st.mean()) if seg.f0_range_st.notna().any() else np.nan
        )
        level = frames.band_db[inside[: len(frames.band_db)]]
        f[f"voice.{role}.intensity_db.mean"] = (
            float(10 * np.log10(np.mean(10 ** (level / 10)))) if len(level) else np.nan
        )
        f[f"voice.{role}.voiced.share"] = float(np.mean(pitch.voiced[inside])) if inside.any() else np.nan
    cfg = cfg if cfg is not None else ProsodyConfig()
    base_st, base_range = adult_baseline(segments, baseline_percentile=cfg.baseline_percentile)
    adult = segments[(segments.speaker == "adult") & segments.f0_median_st.notna()]
    if len(adult) and np.isfinite(base_st):
        rel = adult.f0_median_st - base_st
        f["voice.adult.f0_rel_baseline_st.mean"] = float(rel.mean())
        f["voice.adult.f0_rel_baseline_st.max"] = float(rel.max())
        f["voice.adult.f0_range_rel_baseline_st.mean"] = float((adult.f0_range_st - base_range).mean())
        f["voice.adult.ids_like.share"] = float(np.mean(rel >= cfg.ids_rise_st))
    else:
        for k in (
            "f0_rel_baseline_st.mean",
            "f0_rel_baseline_st.max",
            "f0_range_rel_baseline_st.mean",
            "ids_like.share",
        ):
            f[f"voice.adult.{k}"] = np.nan
    return f


def relative_to_baseline(segments: pd.DataFrame, *, baseline_percentile: float) -> pd.Series:
    """(k,) F0 median of each segment re the adult's baseline (st); nan for unvoiced segments."""
    base_st, _ = adult_baseline(segments, baseline_percentile=baseline_percentile)
    return segments.f0_median_st - base_st
