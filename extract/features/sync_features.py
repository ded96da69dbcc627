"""Adult-infant synchrony features: windowed lagged cross-correlation of paired signals.

Each pair (adult, infant) is resampled onto a regular grid (`sync.fs`) and passed to
`windowed_sync`; names `sync.<signal>.<stat>`, e.g. `sync.motion.peak_r.mean`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.config import SyncConfig
from extract.features.dictionary import FeatureSpec
from extract.features.family import ClipBundle, FeatureFamily
from extract.features.synchrony import SUMMARY_KEYS, configured_sync, resample_regular
from extract.vocab import AFFECTION, CONTROL, FACIAL, POSITION, TURN_TAKING

# signal -> (frame measure or None for vocal activity, aspect, description)
SIGNALS = {
    "motion": ("motion_energy", AFFECTION, "motion energy (share of changed pixels in each person's region)"),
    "head": ("head_speed", POSITION, "head movement speed (deg/s of yaw and pitch change)"),
    "head_yaw": (
        "yaw_deg",
        POSITION,
        "head yaw angle (turning; angular displacement as in Hammal et al. 2015)",
    ),
    "head_roll": (
        "roll_deg",
        POSITION,
        "head roll angle (tilt; angular displacement as in Hammal et al. 2015)",
    ),
    "smile": ("smile", FACIAL, "smile index (mouth-corner lift)"),
    "face_motion": ("face_motion", FACIAL, "facial expression motion (landmark speed)"),
    "vocal": (None, TURN_TAKING, "vocal activity (1 inside the role's segments of segments.csv, else 0)"),
}
_STAT = {
    "peak_r.mean": ("r", "mean over windows of the peak lagged correlation"),
    "peak_r.sd": ("r", "SD over windows of the peak lagged correlation"),
    "peak_lag_s.mean": ("s", "mean lag at the peak (> 0: infant follows adult)"),
    "peak_lag_s.sd": ("s", "SD of the lag at the peak"),
    "adult_leads.share": ("0..1", "share of windows whose peak lag is > 0 (adult leads)"),
    "infant_leads.share": ("0..1", "share of windows whose peak lag is < 0 (infant leads)"),
    "peak_r.z_vs_surrogate": (
        "z",
        "mean peak r against circularly shifted copies of the infant signal (z-score)",
    ),
    "windows.count": ("count", "windows with enough valid data in both signals"),
}
_ASPECT_OVERRIDE = {"adult_leads.share": CONTROL, "infant_leads.share": CONTROL}
REFERENCE = "Boker, Xu, Rotondo & King 2002 (windowed cross-correlation)"


def _head_speed(table: pd.DataFrame, role: str) -> np.ndarray:
    t = table["t_s"].to_numpy(float)
    yaw, pitch = (
        table[f"{role}.{c}"].to_numpy(float) if f"{role}.{c}" in table else np.full(len(t), np.nan)
        for c in ("yaw_deg", "pitch_deg")
    )
    speed = np.full(len(t), np.nan)
    if len(t) > 1:
        dt = np.diff(t)
        with np.errstate(invalid="ignore", divide="ignore"):
            speed[1:] = np.hypot(np.diff(yaw), np.diff(pitch)) / dt
    return speed


def _vocal(t: np.ndarray, segments: pd.DataFrame | None, role: str) -> np.ndarray:
    if segments is None:
        return np.full(len(t), np.nan)
    out = np.zeros(len(t))
    for row in segments[segments["speaker"] == role].itertuples():
        out[(t >= row.start_s) & (t < row.end_s)] = 1.0
    return out


def _signal(table: pd.DataFrame, measure: str | None, role: str, segments) -> np.ndarray:
    t = table["t_s"].to_numpy(float)
    if measure is None:
        return _vocal(t, segments, role)
    if measure == "head_speed":
        return _head_speed(table, role)
    col = f"{role}.{measure}"
    return table[col].to_numpy(float) if col in table else np.full(len(t), np.nan)


def sync_features(
    table: pd.DataFrame, segments: pd.DataFrame | None, cfg: SyncConfig
) -> tuple[dict[str, float], list[str]]:
    """frames table (n,) + segments -> ({sync.<signal>.<stat>: value}, notes)."""
    features: dict[str, float] = {}
    notes: list[str] = []
    t = table["t_s"].to_numpy(float)
    for name, (measure, _, _) in SIGNALS.items():
        keys = [f"sync.{name}.{k}" for k in SUMMARY_KEYS]
        if len(t) < 2:
            features.update(dict.fromkeys(keys, np.nan))
            notes.append(f"sync.{name}: fewer than 2 frames")
            continue
        _, x = resample_regular(
            t, _signal(table, measure, "adult", segments), fs=cfg.fs, max_gap_s=cfg.max_gap_s
        )
        _, y = resample_regular(
            t, _signal(table, measure, "infant", segments), fs=cfg.fs, max_gap_s=cfg.max_gap_s
        )
        result = configured_sync(x, y, cfg)
        summary = result.summary()
        if np.isnan(summary["peak_r.mean"]):
            notes.append(f"sync.{name}: no window with enough valid (non-constant) data in both signals")
        summary["windows.count"] = 0.0 if np.isnan(summary["windows.count"]) else summary["windows.count"]
        features.update({f"sync.{name}.{k}": float(v) for k, v in summary.items()})
    return features, notes


def sync_specs(cfg=None) -> list[FeatureSpec]:
    specs = []
    for name, (measure, aspect, text) in SIGNALS.items():
        source = (
            "segments.csv (speaker)"
            if measure is None
            else f"frames.parquet `adult.{measure}`, `infant.{measure}`"
        )
        if measure == "head_speed":
            source = "frames.parquet `<role>.yaw_deg`, `<role>.pitch_deg`, `t_s`"
        for key in SUMMARY_KEYS:
            unit, stat_text = _STAT[key]
            specs.append(
                FeatureSpec(
                    f"sync.{name}.{key}",
                    unit,
                    f"{stat_text}; adult vs infant {text}, windowed lagged cross-correlation",
                    source,
                    _ASPECT_OVERRIDE.get(key, aspect),
                    REFERENCE,
                )
            )
    return specs


def _compute(bundle: ClipBundle, cfg) -> tuple[dict[str, float], list[str]]:
    return sync_features(bundle.frames, bundle.segments, cfg.sync)


FAMILY = FeatureFamily("sync", specs=sync_specs, compute=_compute)
