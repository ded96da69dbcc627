"""Per-clip summaries of the per-frame video signals (frames.parquet), over valid frames only.

Names: `<family>.<role>.<measure>.<stat>`, e.g. `face.adult.smile.mean`, `dyad.touch.share`.
A statistic with too little valid data is NaN and a note says why (qc.csv `feature_notes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.features.aggregate import STATS, summarise
from extract.features.dictionary import FeatureSpec
from extract.features.family import ClipBundle, FeatureFamily
from extract.video.columns import FRAME_COLUMNS, ROLES
from extract.vocab import CARE_ASPECTS

MIN_VALID_FRAMES = 10  # fewer valid frames than this: the statistic is NaN with a QC note

FACE, VOCAL, POSITION, AFFECT, TURNS, CONTROL, ACTIVITY = CARE_ASPECTS

# frame measure -> (family, aspect, stats)
_ROLE_SIGNALS = {
    "smile": ("face", FACE, STATS),
    "mouth_open": ("face", FACE, STATS),
    "eye_open": ("face", AFFECT, ("mean", "sd")),
    "brow_raise": ("face", FACE, ("mean", "sd", "p90")),
    "face_motion": ("face", AFFECT, STATS),
    "yaw_deg": ("head", POSITION, ("mean", "sd")),
    "pitch_deg": ("head", POSITION, ("mean", "sd")),
    "gaze_yaw_deg": ("gaze", ACTIVITY, ("mean", "sd")),
    "facing_partner_deg": ("head", ACTIVITY, ("mean", "sd", "p10", "p50", "p90")),
    "torso_yaw_deg": ("body", POSITION, ("mean", "sd")),
    "lean_partner_fw": ("body", POSITION, ("mean", "sd", "p90")),
    "motion_energy": ("motion", AFFECT, STATS),
}
_DYAD_SIGNALS = {
    "dyad.distance_norm": ("dyad.distance_norm", POSITION, STATS),
    "dyad.distance_adult_fw": ("dyad.distance_adult_fw", POSITION, STATS),
    "dyad.adult_hand_infant_fw": ("dyad.adult_hand_infant_fw", POSITION, ("mean", "p10", "p50")),
    "dyad.touch": ("dyad.touch", POSITION, ("share",)),
    "dyad.mutual_facing": ("dyad.mutual_facing", ACTIVITY, ("share",)),
}
_STAT_TEXT = {
    "mean": "mean",
    "sd": "SD",
    "p10": "10th percentile",
    "p50": "median",
    "p90": "90th percentile",
    "share": "share of valid frames with value 1 of",
}
_REF = {"motion_energy": "Ramseyer & Tschacher 2011 (motion energy analysis)"}


def _targets() -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """(column, feature base name, aspect, stats, measure) for every summarised signal."""
    out = [
        (f"{role}.{m}", f"{fam}.{role}.{m}", aspect, stats, m)
        for m, (fam, aspect, stats) in _ROLE_SIGNALS.items()
        for role in ROLES
    ]
    out += [(col, name, aspect, stats, col) for col, (name, aspect, stats) in _DYAD_SIGNALS.items()]
    return out


def video_aggregates(
    table: pd.DataFrame, *, min_valid: int = MIN_VALID_FRAMES
) -> tuple[dict[str, float], list[str]]:
    """frames.parquet table (n frames, role-prefixed columns) -> ({feature: value}, notes).

    A column that is absent counts as all-invalid (NaN features with a note)."""
    features: dict[str, float] = {}
    notes: list[str] = []
    n = len(table)
    for col, name, _, stats, _ in _targets():
        values = table[col].to_numpy(float) if col in table else np.full(n, np.nan)
        if stats == ("share",):
            got, reason = summarise(values, min_valid=min_valid, name=name, stats=("mean",))
            features[f"{name}.share"] = got[f"{name}.mean"]
        else:
            got, reason = summarise(values, min_valid=min_valid, name=name, stats=stats)
            features.update(got)
        if reason:
            notes.append(reason)
    for role in ROLES:
        col = f"{role}.face_found"
        found = table[col].to_numpy(float) if col in table else np.zeros(n)
        features[f"qc.{role}.face_found.share"] = float(np.nanmean(found)) if n else np.nan
    t = table["t_s"].to_numpy(float) if "t_s" in table and n else np.zeros(0)
    features["clip.video.duration_s"] = float(t[-1] - t[0]) if len(t) > 1 else np.nan
    return features, notes


def video_aggregate_specs(cfg=None) -> list[FeatureSpec]:
    units = {c.name: (c.unit, c.definition) for c in FRAME_COLUMNS}
    specs = []
    for col, name, aspect, stats, measure in _targets():
        unit, text = units[col]
        for stat in stats:
            u = "0..1" if stat == "share" else unit
            specs.append(
                FeatureSpec(
                    f"{name}.{stat}",
                    u,
                    f"{_STAT_TEXT[stat]} over valid frames of: {text}",
                    f"frames.parquet `{col}`",
                    aspect,
                    _REF.get(measure, ""),
                )
            )
    for role in ROLES:
        specs.append(
            FeatureSpec(
                f"qc.{role}.face_found.share",
                "0..1",
                f"share of analysis frames in which the {role}'s face was found",
                f"frames.parquet `{role}.face_found`",
                "general",
            )
        )
    specs.append(
        FeatureSpec(
            "clip.video.duration_s",
            "s",
            "time from first to last analysis frame",
            "frames.parquet `t_s`",
            "general",
        )
    )
    return specs


def _compute(bundle: ClipBundle, cfg) -> tuple[dict[str, float], list[str]]:
    return video_aggregates(bundle.frames)


FAMILY = FeatureFamily("video", specs=video_aggregate_specs, compute=_compute)
